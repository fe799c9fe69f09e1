"""Thin Celery tasks: take ids or nothing, call one service, safe to run twice.

The periodic ones are scheduled by rows of django-celery-beat (see core/migrations), editable in the
admin. Database hiccups (a lock timeout, a dropped connection) are retried a bounded number of times.
"""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from workflow.execution import surcharges_accrue
from workflow.reminders import deadline_reminders_run

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 30, "max_retries": 3, "acks_late": True}


@shared_task(**RETRY)
def send_deadline_reminders() -> int:
    return deadline_reminders_run(today=timezone.localdate())


@shared_task(**RETRY)
def accrue_surcharges() -> int:
    return surcharges_accrue(today=timezone.localdate())
