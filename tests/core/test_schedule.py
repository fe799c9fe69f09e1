"""The periodic jobs are rows of django-celery-beat, written by a migration and edited in the admin."""

import pytest
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

EXPECTED = {
    "workflow.tasks.send_deadline_reminders": "30 7 * * *",
    "workflow.tasks.accrue_surcharges": "20 0 * * *",
    "casefiles.tasks.cleanup_abandoned_uploads": "15 * * * *",
    "casefiles.tasks.expire_evidence": "0 2 * * *",
    "casefiles.tasks.verify_evidence_integrity": "0 3 * * 0",
}


def test_every_scheduled_job_names_a_registered_task_on_beijing_time() -> None:
    celery_app.loader.import_default_modules()
    jobs = PeriodicTask.objects.select_related("crontab").filter(enabled=True)
    schedule = {
        job.task: f"{job.crontab.minute} {job.crontab.hour} {job.crontab.day_of_month} "
        f"{job.crontab.month_of_year} {job.crontab.day_of_week}"
        for job in jobs
    }
    assert schedule == EXPECTED
    assert {str(job.crontab.timezone) for job in jobs} == {"Asia/Shanghai"}
    for job in jobs:
        assert job.task in celery_app.tasks, f"{job.name}: {job.task} is not a Celery task"
        assert job.description, f"{job.name} says what it does"


def test_an_administrator_edits_the_schedule_in_the_admin(admin_client) -> None:
    page = admin_client.get("/admin/django_celery_beat/periodictask/")
    assert page.status_code == 200
    for name in ("期限提醒与超期督办", "加处罚款计算", "证据哈希复核"):
        assert name in page.content.decode()
    job = PeriodicTask.objects.get(name="加处罚款计算")
    page = admin_client.get(f"/admin/django_celery_beat/periodictask/{job.pk}/change/")
    assert page.status_code == 200 and "workflow.tasks.accrue_surcharges" in page.content.decode()
