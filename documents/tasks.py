"""Thin Celery tasks: take an id, call one service, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from casefiles.storage import StorageError
from documents.services import casefile_assemble


# The archive step queues this on commit. A second delivery finds the file made and does nothing;
# a lock timeout, a dropped connection or a store hiccup is retried a bounded number of times.
@shared_task(acks_late=True, autoretry_for=(OperationalError, StorageError), retry_backoff=60, max_retries=3)
def assemble_casefile(case_id: int) -> str:
    return assemble_casefile_run(case_id)


def assemble_casefile_run(case_id: int) -> str:
    return casefile_assemble(case_id=case_id).sha256
