"""OpenAPI helpers: every operation documents its error responses with the one error shape."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="稳定的错误代码"),
        "detail": serializers.CharField(help_text="可直接展示给用户的中文说明"),
        "errors": serializers.DictField(
            help_text="字段错误 {字段: [消息]}；拒绝执行时 unmet 为未满足条件 [{code, message}]"
        ),
    },
)

ERROR_TEXT = {
    400: "输入有误",
    401: "未登录或令牌无效",
    403: "角色不符或不得办理本案",
    404: "不存在、不在本机构范围内，或页码超出范围",
    409: "当前状态下不能执行（附未满足条件）",
    413: "文件超过允许的大小上限",
    415: "请求体的媒体类型不受支持（应为 JSON、表单或 multipart）",
    422: "Idempotency-Key 已用于不同的请求",
}


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="重试安全：同一用户用同一个键重复提交时返回第一次的结果（不超过 255 个字符）",
)


def api_schema(
    *,
    errors: tuple[int, ...] = (400, 401, 403, 404),
    responses: Any = None,
    paginated: bool = False,
    idempotent: bool = False,
    **kwargs: Any,
) -> Any:
    documented: dict[int, Any] = {}
    if isinstance(responses, dict):
        documented.update(responses)
    elif responses is not None:
        documented[200] = responses
    if kwargs.get("request") is not None:
        errors = (*errors, 415)
    if idempotent:
        errors = (*errors, 400, 422)
        kwargs["parameters"] = [*kwargs.get("parameters", []), IDEMPOTENCY_KEY]
    if paginated:
        errors = (*errors, 404)  # a page number past the last page
    for status in dict.fromkeys(errors):
        documented[status] = OpenApiResponse(ErrorSerializer, description=ERROR_TEXT[status])
    return extend_schema(responses=documented, **kwargs)
