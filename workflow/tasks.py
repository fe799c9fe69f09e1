"""Thin Celery tasks: take ids or nothing, call one service, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from workflow.reminders import deadline_reminders_run


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def send_deadline_reminders() -> int:
    return deadline_reminders_run(today=timezone.localdate())
