"""The one place that maps errors to HTTP. Every error response has one shape:

    {"code": "...", "detail": "...", "errors": {...}}

`errors` holds field errors for bad input, and for refusals the unmet guards as
`{"unmet": [{"code": "...", "message": "..."}]}`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(code: str, detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "detail": detail, "errors": errors or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        errors = dict(exc.errors)
        if exc.reasons:
            errors["unmet"] = [r.as_dict() for r in exc.reasons]
        return Response(error_body(exc.code, exc.detail, errors), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("invalid", "输入有误：" + "；".join(exc.messages), errors), status=400)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        messages = [
            str(m) for value in errors.values() for m in (value if isinstance(value, list) else [value])
        ]
        response.data = error_body("invalid", "输入有误：" + "；".join(messages[:5]), errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        code = getattr(detail, "code", None) or CODES.get(response.status_code, "error")
        response.data = error_body(str(code), str(detail))
    return response


@csrf_exempt  # it changes nothing and answers only "no such endpoint", for every method
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(
        error_body("not_found", f"没有这个接口：{request.path}"),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
