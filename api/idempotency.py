"""Idempotency-Key for POST: a retried request gets the first result instead of a duplicate.

The key row is inserted before the work, in the same transaction; a concurrent retry blocks on
the unique index until the first commits, then replays its stored response.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import error_body
from api.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
MAX_KEY = 255


def _fingerprint(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        return Response(
            error_body("idempotency_key_reused", "该 Idempotency-Key 已用于另一个不同的请求，请换一个新的键"),
            status=422,
        )
    response = Response(record.response, status=record.status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method: Callable[..., Response]) -> Callable[..., Response]:
    @functools.wraps(view_method)
    def wrapper(self: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.META.get(HEADER, "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY:
            return Response(error_body("invalid", f"Idempotency-Key 不能超过 {MAX_KEY} 个字符"), status=400)
        fingerprint = _fingerprint(request)
        existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if existing is not None and existing.status is not None:
            return _replay(existing, fingerprint)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user,
                        key=key,
                        method=request.method,
                        path=request.path,
                        request_hash=fingerprint,
                    )
            except IntegrityError:
                # A concurrent request with the same key committed first: replay it.
                return _replay(IdempotencyRecord.objects.get(user=request.user, key=key), fingerprint)
            # A refusal raised by the view rolls the key back with everything else: a retry runs again.
            response = view_method(self, request, *args, **kwargs)
            record.status = response.status_code
            record.response = response.data
            record.save(update_fields=["status", "response"])
            return response

    return wrapper
