"""Background work with a real Redis broker and real Celery worker (and beat) processes.

The test process enqueues into the machine's Redis (127.0.0.1:6379) on a queue of its own; the
worker, started here as a subprocess, reads the same PostgreSQL test database. Nothing is mocked.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import Notification
from notifications.services import Message, notifications_send
from tests.factories import World
from tests.workflow.test_reminders import served_case
from workflow.tasks import send_deadline_reminders

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
ROOT = Path(__file__).resolve().parent.parent
# Short, so that a message left unacknowledged by a killed worker comes back within the test.
VISIBILITY_TIMEOUT = 4

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def _redis_up() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError as exc:  # pragma: no cover - the machine runs Redis
        pytest.fail(f"Redis is not reachable at {REDIS} ({exc}); run scripts/services.sh")


def _reset_celery_connections() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker(tmp_path: Path, settings) -> Iterator[dict[str, str]]:
    """Point this process's Celery app at Redis on a fresh queue; give the worker the same."""
    _redis_up()
    queue = f"zhifa-test-{uuid.uuid4().hex[:10]}"
    db = settings.DATABASES["default"]
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    mail = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": f"{REDIS}/0",
        "CELERY_RESULT_BACKEND": f"{REDIS}/1",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "EMAIL_NOTIFICATIONS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    previous = {
        key: celery_app.conf[key]
        for key in (
            "broker_url",
            "result_backend",
            "task_always_eager",
            "task_default_queue",
            "task_ignore_result",
            "broker_transport_options",
        )
    }
    celery_app.conf.update(
        broker_url=env["CELERY_BROKER_URL"],
        result_backend=env["CELERY_RESULT_BACKEND"],
        task_always_eager=False,
        task_default_queue=queue,
        task_ignore_result=False,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    )
    _reset_celery_connections()
    settings.EMAIL_NOTIFICATIONS = True
    try:
        yield {"env": env, "queue": queue, "mail": str(mail), "log_dir": str(tmp_path)}
    finally:
        celery_app.conf.update(previous)
        _reset_celery_connections()


class Worker:
    def __init__(self, broker: dict, name: str, *args: str) -> None:
        self.log = Path(broker["log_dir"]) / f"{name}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=broker["env"],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes the pool children too
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 60) -> None:
        wait_until(lambda: text in self.output(), timeout, f"{text!r} in the log:\n{self.output()[-3000:]}")

    def kill(self) -> None:
        """What a power cut does: SIGKILL to the worker and its pool, no chance to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def running(broker: dict, *extra: str, name: str = "worker") -> Iterator[Worker]:
    worker = Worker(
        broker,
        name,
        "worker",
        "-Q",
        broker["queue"],
        "-c",
        "1",
        "--pool=prefork",
        "-l",
        "info",
        "-n",
        f"{name}-{uuid.uuid4().hex[:6]}@%h",
        "--without-gossip",
        "--without-mingle",
        *extra,
    )
    try:
        worker.wait_for("ready.")
        yield worker
    finally:
        worker.stop()


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def sent_mail(broker: dict) -> list[str]:
    """The messages Django's file e-mail backend wrote (several may share a file)."""
    text = "".join(p.read_text(errors="replace") for p in sorted(Path(broker["mail"]).iterdir()))
    return [m for m in text.split("-" * 79) if "Message-ID:" in m]


def overdue_world() -> tuple[World, int]:
    """A case whose publication deadline (14 Oct 2026) has passed: the reminder job owes its two
    handlers an overdue notice and the agency head an escalation — three notifications."""
    w = World()
    for person in (w.officer1, w.officer2, w.agency_head):
        person.email = f"{person.username}@zhifa.example"
        person.save(update_fields=["email"])
    case = served_case(w)
    assert case.current_deadline < timezone.localdate()
    return w, case.pk


def test_a_task_enqueued_on_commit_is_executed_by_the_worker(broker) -> None:
    w = World()
    w.officer1.email = "officer1@zhifa.example"
    w.officer1.save(update_fields=["email"])
    with transaction.atomic():
        notifications_send(messages=[Message(w.officer1, "reminder", "k-kept", "保留的通知", "正文")])
    with pytest.raises(RuntimeError), transaction.atomic():
        notifications_send(messages=[Message(w.officer1, "reminder", "k-rolled-back", "回滚的通知", "正文")])
        raise RuntimeError("the request failed after sending")

    with running(broker):
        wait_until(
            lambda: Notification.objects.filter(key="k-kept", emailed_at__isnull=False).exists(),
            60,
            "the worker to e-mail the committed notification",
        )
    mails = sent_mail(broker)
    assert len(mails) == 1, "the rolled-back transaction enqueued nothing"
    assert "To: officer1@zhifa.example" in mails[0]
    assert not Notification.objects.filter(key="k-rolled-back").exists()


def test_a_task_run_twice_has_one_effect(broker) -> None:
    overdue_world()
    with running(broker):
        first = send_deadline_reminders.apply_async(ignore_result=False)
        second = send_deadline_reminders.apply_async(ignore_result=False)
        # The worker runs them one after the other (concurrency 1); the second finds the keys taken.
        assert first.get(timeout=60) == 3
        assert second.get(timeout=60) == 0
        wait_until(
            lambda: Notification.objects.filter(emailed_at__isnull=False).count() == 3,
            60,
            "the three e-mails",
        )
    assert Notification.objects.count() == 3
    assert sorted(m.split("To: ")[1].split()[0] for m in sent_mail(broker)) == [
        "agency_head@zhifa.example",
        "officer1@zhifa.example",
        "officer2@zhifa.example",
    ], "each notification e-mailed once"


def test_a_worker_killed_mid_task_leaves_the_work_done_once_after_redelivery(broker) -> None:
    w, case_id = overdue_world()
    # Hold one of the rows the job will insert, uncommitted, from another connection: the job's
    # INSERT waits on the unique key, so the worker is caught in the middle of its transaction.
    db = settings.DATABASES["default"]
    blocker = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        dbname=db["NAME"],
    )
    key = f"case:{case_id}:publication:2026-10-14:escalation"
    blocker.execute(
        "INSERT INTO notifications_notification (user_id, key, kind, title, body, created_at) "
        "VALUES (%s, %s, 'escalation', 'held', '', now())",
        (w.agency_head.pk, key),
    )

    def worker_waits_on_the_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                [db["NAME"]],
            )
            return cursor.fetchone()[0] > 0

    try:
        with running(broker, name="doomed") as doomed:
            result = send_deadline_reminders.apply_async(ignore_result=False)
            wait_until(worker_waits_on_the_lock, 60, "the job to block mid-transaction")
            doomed.kill()
        assert "succeeded" not in doomed.output()
    finally:
        blocker.rollback()  # the held row never existed
        blocker.close()
    assert Notification.objects.count() == 0, "the killed job's transaction was rolled back"

    # The message was never acknowledged: Redis hands it to the next worker after the visibility timeout.
    with running(broker, name="successor") as successor:
        assert result.get(timeout=90) == 3
        successor.wait_for("succeeded")
    assert sorted(Notification.objects.values_list("kind", flat=True)) == ["escalation", "overdue", "overdue"]
    assert Notification.objects.filter(key=key, user=w.agency_head).count() == 1


def test_beat_reads_the_schedule_from_the_database_and_the_worker_runs_it(broker) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    overdue_world()
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update(enabled=False)  # only the job under test
    PeriodicTask.objects.create(
        name="测试：期限提醒", task="workflow.tasks.send_deadline_reminders", interval=every_second
    )
    schedule_file = Path(broker["log_dir"]) / "beat-schedule"
    beat = Worker(broker, "beat", "beat", "-l", "info", "-s", str(schedule_file))
    try:
        with running(broker):
            wait_until(lambda: Notification.objects.count() == 3, 60, "beat to send the reminder job")
            beat.wait_for("Sending due task 测试：期限提醒")
            time.sleep(2.5)  # beat keeps sending it every second
    finally:
        beat.stop()
    assert Notification.objects.count() == 3, "run again and again, the job sent each notification once"
