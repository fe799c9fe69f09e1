"""Rectification items (整改事项): sent to the handling organisation from a score sheet, read by the
handling organisation's and the organiser's subtrees, closed by its division or agency head or by a
handler of the case."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from api.docs import api_schema
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.permissions import require_role
from api.review.common import coded, sheet_or_404
from api.serializers import OrganisationRef, UserRef
from core.errors import InvalidInput, NotFound
from review import services
from review.models import Rectification
from review.selectors import rectifications_visible_to


class RectificationOut(serializers.ModelSerializer):
    status = coded(Rectification.Status.values)()
    organisation = OrganisationRef()
    issued_by = UserRef()
    done_by = UserRef(allow_null=True)
    case_number = serializers.CharField(source="case.number")

    class Meta:
        model = Rectification
        fields = [
            "id",
            "sheet",
            "case",
            "case_number",
            "organisation",
            "description",
            "due_on",
            "status",
            "issued_by",
            "issued_at",
            "done_by",
            "done_at",
            "done_note",
        ]


class RectificationItemIn(serializers.Serializer):
    description = serializers.CharField(max_length=5000)
    due_on = serializers.DateField(required=False, allow_null=True)


class RectificationIssueIn(serializers.Serializer):
    items = serializers.ListField(
        child=RectificationItemIn(),
        min_length=1,
        max_length=100,
        required=False,
        help_text="整改事项；省略则按该评查表的每个扣分项和否决项各生成一条",
    )
    due_on = serializers.DateField(required=False, allow_null=True, help_text="自动生成的整改事项的期限")

    class Meta:
        ref_name = "RectificationIssueInput"


class SheetRectifications(APIView):
    @api_schema(
        request=RectificationIssueIn,
        responses={201: RectificationOut(many=True)},
        errors=(400, 401, 403, 404, 409),
        description="向办案机构下发整改事项，并通知该机构负责人和本案承办人员。",
    )
    def post(self, request: Request, pk: int) -> Response:
        sheet = sheet_or_404(request, pk)
        require_role(request.user, Role.ADMIN, Role.AGENCY_HEAD)
        values = validated(RectificationIssueIn, request.data)
        items = (
            [services.RectificationSpec(i["description"], i.get("due_on")) for i in values["items"]]
            if "items" in values
            else None
        )
        created = services.rectification_issue(
            sheet_id=sheet.pk, actor=request.user, items=items, due_on=values.get("due_on")
        )
        rows = Rectification.objects.filter(pk__in=[r.pk for r in created]).select_related(
            "organisation", "issued_by", "done_by", "case"
        )
        return Response(RectificationOut(rows.order_by("pk"), many=True).data, status=201)


class RectificationList(APIView):
    pagination_class = PagePagination

    @api_schema(
        responses=RectificationOut(many=True),
        errors=(400, 401),
        paginated=True,
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Rectification.Status.values)],
    )
    def get(self, request: Request) -> Response:
        queryset = rectifications_visible_to(user=request.user)
        status = request.query_params.get("status")
        if status:
            if status not in Rectification.Status.values:
                raise InvalidInput("status 无效", errors={"status": ["应为 open 或 done"]})
            queryset = queryset.filter(status=status)
        queryset = queryset.select_related("organisation", "issued_by", "done_by", "case").order_by(
            "-issued_at", "-pk"
        )
        return paginate(self, request, queryset, RectificationOut)


class CompleteIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="整改情况")

    class Meta:
        ref_name = "RectificationCompleteInput"


class RectificationComplete(APIView):
    @api_schema(request=CompleteIn, responses=RectificationOut, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        if not rectifications_visible_to(user=request.user).filter(pk=pk).exists():
            raise NotFound("整改事项不存在")
        data = validated(CompleteIn, request.data)
        services.rectification_complete(rectification_id=pk, actor=request.user, note=data["note"])
        item = Rectification.objects.select_related("organisation", "issued_by", "done_by", "case").get(pk=pk)
        return Response(RectificationOut(item).data)
