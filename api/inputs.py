"""How a view reads its input: one serializer, validated, its data as a plain dict."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def validated(
    serializer: type[serializers.Serializer], data: Any, *, partial: bool = False
) -> dict[str, Any]:
    """The validated input; invalid input raises the ValidationError that api.exceptions maps to 400."""
    checked = serializer(data=data, partial=partial)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)
