"""Health endpoints for the load balancer and the orchestrator.

`/healthz` answers while the process serves requests. `/readyz` answers 200 only when the database,
the Celery broker and the evidence store are reachable, each checked with a short timeout, and
says which part failed otherwise (503). Neither needs a login; neither reveals more than the
part's name and a short error.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from casefiles.storage import get_store
from config.celery import app

BROKER_TIMEOUT_SECONDS = 3


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (no broker configured)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        return conn.as_uri()  # the password masked


def _object_store() -> str:
    return get_store().check_ready()


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "broker": _broker,
    "object_store": _object_store,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            detail, ok = check(), True
        except Exception as exc:  # every failure of a dependency is a "not ready", never a 500
            detail, ok = f"{type(exc).__name__}: {str(exc)[:200]}", False
        results[name] = {"ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}
    ready = all(r["ok"] for r in results.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": results}, status=200 if ready else 503
    )
