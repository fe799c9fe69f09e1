from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from api.pagination import PagePagination
from api.serializers import CaseListOut
from workflow.selectors import tasks_for


class TaskOut(CaseListOut):
    waiting_for = serializers.SerializerMethodField()

    class Meta(CaseListOut.Meta):
        fields = [*CaseListOut.Meta.fields, "waiting_for"]

    def get_waiting_for(self, case) -> str:  # type: ignore[no-untyped-def]
        return case.get_state_display()


# The columns TaskOut reads, so a page of the queue does not fetch every column of 50 cases and their
# organisations and parties (facts and statements run to pages). A field added to CaseListOut must be
# added here, or each row fetches it with a query of its own (tests/api counts the queries).
LIST_COLUMNS = (
    "id",
    "number",
    "title",
    "procedure",
    "state",
    "is_major",
    "current_deadline",
    "current_deadline_kind",
    "version",
    "organisation__id",
    "organisation__code",
    "organisation__name",
    "organisation__level",
    "party__id",
    "party__name",
)


class TaskList(APIView):
    """The current user's work queue: cases waiting for one of its roles, overdue first."""

    pagination_class = PagePagination  # also tells the OpenAPI document the list is paginated

    @api_schema(responses=TaskOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        queue = tasks_for(user=request.user, today=timezone.localdate()).only(*LIST_COLUMNS)
        page = paginator.paginate_queryset(queue, request, self)
        return paginator.get_paginated_response(TaskOut(page, many=True).data)
