from rest_framework.pagination import CursorPagination, PageNumberPagination


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
