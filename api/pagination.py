from typing import Any

from rest_framework import serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class HistoryPagination(CursorPagination):
    """History can run to millions of rows per organisation: a cursor never counts or offsets."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "seq"


def paginate(
    view: APIView, request: Request, queryset: Any, serializer: type[serializers.Serializer]
) -> Response:
    """One page of `queryset`, cut by the paginator the view declares (the OpenAPI document reads the
    same `pagination_class`)."""
    paginator = view.pagination_class()  # type: ignore[attr-defined]
    page = paginator.paginate_queryset(queryset, request, view)
    return paginator.get_paginated_response(serializer(page, many=True).data)
