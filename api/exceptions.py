"""The one place that maps domain errors to HTTP, with one error shape for every response."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.detail, "errors": exc.errors}
        if exc.reasons:
            body["reasons"] = [r.as_dict() for r in exc.reasons]
        return Response(body, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        detail = response.data.get("detail")
        code = getattr(detail, "code", "error")
        errors = {} if detail is not None else response.data
        response.data = {"code": str(code), "detail": str(detail or "输入有误"), "errors": errors}
    return response
