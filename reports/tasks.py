"""Thin Celery tasks: take an id, call one service, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from reports.services import report_run_execute


# A lock timeout or a dropped connection is retried a bounded number of times; the service leaves
# a done run alone, so a redelivered or retried task produces no second result.
@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=30, max_retries=3)
def generate_annual_report(run_id: int) -> str:
    return report_run_execute(run_id=run_id).status
