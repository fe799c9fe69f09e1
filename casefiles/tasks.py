"""Thin Celery tasks for the evidence store: call one service, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from casefiles.evidence import evidence_cleanup_abandoned, evidence_integrity_run, evidence_retention_expire
from casefiles.storage import StorageError

RETRY = {
    "autoretry_for": (OperationalError, StorageError),
    "retry_backoff": 60,
    "max_retries": 3,
    "acks_late": True,
}
HOURS = 60 * 60


@shared_task(**RETRY)
def cleanup_abandoned_uploads() -> int:
    return evidence_cleanup_abandoned()


@shared_task(**RETRY)
def expire_evidence() -> int:
    return evidence_retention_expire()


# Re-reading every object takes long on a large store: its own limits, below the broker's
# visibility timeout (CELERY_VISIBILITY_TIMEOUT) so it is never redelivered while still running.
@shared_task(acks_late=True, max_retries=0, time_limit=4 * HOURS, soft_time_limit=4 * HOURS - 300)
def verify_evidence_integrity() -> int:
    return evidence_integrity_run()
