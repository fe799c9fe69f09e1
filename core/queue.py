"""Queue background work once the transaction that asked for it commits.

Services name a task by its dotted path rather than importing their app's tasks module: the tasks
import the services they call, so a service importing its tasks would close a circle. The path is
resolved when the work is sent (a misspelt path fails in the test of the service that queues it)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string


def enqueue_on_commit(task_path: str, *args: Any, robust: bool = False) -> None:
    """`task.delay(*args)` after the current transaction commits (at once outside one). `robust`:
    a broker that cannot be reached is logged, not raised (the caller's work is already committed)."""

    def send() -> None:
        import_string(task_path).delay(*args)

    transaction.on_commit(send, robust=robust)
