"""The periodic jobs (Celery beat), written once into django-celery-beat's tables. From then on they
are edited in the admin (周期任务); rerunning migrate never overwrites an edit. Times are Beijing time."""

import json

from django.db import migrations

# (name, task, minute, hour, day of week, description)
JOBS = [
    (
        "期限提醒与超期督办",
        "workflow.tasks.send_deadline_reminders",
        "30",
        "7",
        "*",
        "期限届满前按提前量提醒承办人；超期后提醒并报机关负责人督办（每条只发一次）",
    ),
    (
        "加处罚款计算",
        "workflow.tasks.accrue_surcharges",
        "20",
        "0",
        "*",
        "逾期未缴罚款每日按罚款数额的 3% 加处罚款，以罚款数额为限（行政处罚法第七十二条）",
    ),
    (
        "清理过期的断点续传会话",
        "casefiles.tasks.cleanup_abandoned_uploads",
        "15",
        "*",
        "*",
        "中止过期的分片上传并删除其分片，未完成的证据记为失败",
    ),
    (
        "证据保存期限届满处理",
        "casefiles.tasks.expire_evidence",
        "0",
        "2",
        "*",
        "保存期限届满且未保全的证据销毁文件，保留记录与保管链",
    ),
    (
        "证据哈希复核",
        "casefiles.tasks.verify_evidence_integrity",
        "0",
        "3",
        "0",
        "每周日重新计算全部已校验证据的 SHA-256 并校验保管链，异常通知管理员",
    ),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, minute, hour, day_of_week, description in JOBS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "args": json.dumps([]),
                "kwargs": json.dumps({}),
                "description": description,
            },
        )
    # Tell a running beat to reload its schedule.
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(create, remove)]
