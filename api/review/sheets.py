"""Score sheets (评查表): reading them, deductions, veto findings, the suggestions of the automatic
findings, submitting a sheet and the second review of a 不合格 one. Only the reviewer the draw
assigned scores; only the second reviewer confirms or returns."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Q
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
from api.review.common import (
    POINTS,
    CampaignKindField,
    CampaignStatusField,
    SheetStatusField,
    StandardRef,
    coded,
    sheet_or_404,
)
from api.review.rectifications import RectificationOut
from api.serializers import OrganisationRef, UserRef
from casefiles.models import Case
from core.errors import InvalidInput
from review import services
from review.models import (
    Campaign,
    Deduction,
    Grade,
    ScoreSheet,
    SheetEvent,
    Suggestion,
    VetoFinding,
)
from review.selectors import sheet_detail, sheets_visible_to


class CampaignRef(serializers.ModelSerializer):
    kind = CampaignKindField()
    status = CampaignStatusField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "kind", "status"]


class SheetCaseOut(serializers.ModelSerializer):
    organisation = OrganisationRef()
    party_name = serializers.CharField(source="party.name", default="", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "party_name", "organisation", "procedure"]


class SheetListOut(serializers.ModelSerializer):
    status = SheetStatusField()
    campaign = CampaignRef()
    case = SheetCaseOut()
    reviewer = UserRef()
    second_reviewer = UserRef(allow_null=True)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "campaign",
            "case",
            "reviewer",
            "second_reviewer",
            "status",
            "status_label",
            "score",
            "grade",
            "vetoed",
            "submitted_at",
            "completed_at",
        ]


class DeductionOut(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    item_text = serializers.CharField(source="item.text")
    category = serializers.CharField(source="item.category.code")

    class Meta:
        model = Deduction
        fields = [
            "id",
            "item",
            "item_text",
            "category",
            "occurrences",
            "points_each",
            "points",
            "reason",
            "suggestion",
        ]


class VetoFindingOut(serializers.ModelSerializer):
    veto = serializers.CharField(source="veto.code")
    veto_text = serializers.CharField(source="veto.text")

    class Meta:
        model = VetoFinding
        fields = ["id", "veto", "veto_text", "reason", "suggestion"]


class SuggestionOut(serializers.ModelSerializer):
    status = coded(Suggestion.Status.values)()
    item = serializers.CharField(source="item.code", default=None, allow_null=True, help_text="建议的扣分项")
    veto = serializers.CharField(source="veto.code", default=None, allow_null=True, help_text="建议的否决项")

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "source",
            "code",
            "message",
            "occurrences",
            "item",
            "veto",
            "status",
            "note",
            "decided_at",
        ]


class SheetEventOut(serializers.ModelSerializer):
    actor = UserRef(allow_null=True)

    class Meta:
        model = SheetEvent
        fields = ["action", "actor", "at", "note", "data"]


class CategoryScoreOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    points = serializers.DecimalField(**POINTS)
    cap = serializers.DecimalField(**POINTS)
    deducted = serializers.DecimalField(max_digits=9, decimal_places=2, help_text="记录的扣分合计")
    counted = serializers.DecimalField(**POINTS, help_text="计入的扣分（不超过上限）")
    score = serializers.DecimalField(**POINTS)


class ScoreOut(serializers.Serializer):
    total = serializers.DecimalField(**POINTS)
    grade = serializers.ChoiceField(choices=Grade.choices)
    grade_label = serializers.CharField()
    vetoed = serializers.BooleanField()
    categories = CategoryScoreOut(many=True)


# Renders what review.selectors.sheet_detail read (the rows and the current score it hangs on the sheet)
# and asks the database nothing itself. No docstring: it would become the schema's description.
class SheetOut(SheetListOut):
    opinion = serializers.CharField()
    second_opinion = serializers.CharField()
    standard = StandardRef(source="campaign.standard")
    current = ScoreOut(read_only=True, help_text="按当前扣分计算的得分与等次（提交时写入 score、grade）")
    deductions = DeductionOut(many=True, read_only=True, source="deduction_rows")
    veto_findings = VetoFindingOut(many=True, read_only=True, source="veto_rows")
    suggestions = SuggestionOut(many=True, read_only=True, source="suggestion_rows")
    events = SheetEventOut(many=True, read_only=True, source="event_rows")
    rectifications = RectificationOut(many=True, read_only=True, source="rectification_rows")

    class Meta(SheetListOut.Meta):
        fields = [
            *SheetListOut.Meta.fields,
            "opinion",
            "second_opinion",
            "standard",
            "current",
            "deductions",
            "veto_findings",
            "suggestions",
            "events",
            "rectifications",
        ]


def sheet_out(request: Request, pk: int) -> dict[str, Any]:
    return SheetOut(sheet_detail(sheet=sheet_or_404(request, pk))).data


def sheet_changed(
    request: Request,
    pk: int,
    change: Callable[..., object],
    serializer: type[serializers.Serializer] | None = None,
    *,
    status: int = 200,
    **names: int,
) -> Response:
    """A reviewer's change to a score sheet, checked in the order the API always has: the sheet is
    visible (404), the user reviews case files (403), the input is valid (400). The one service then
    takes the input by its own names (the input fields' sources); the answer is the sheet as it stands."""
    sheet_or_404(request, pk)
    require_role(request.user, Role.CASEFILE_REVIEWER)
    values = validated(serializer, request.data) if serializer is not None else {}
    change(sheet_id=pk, actor=request.user, **names, **values)
    return Response(sheet_out(request, pk), status=status)


class SheetList(APIView):
    pagination_class = PagePagination

    @api_schema(
        responses=SheetListOut(many=True),
        errors=(400, 401),
        paginated=True,
        parameters=[
            OpenApiParameter("campaign", int, description="评查活动ID"),
            OpenApiParameter("status", OpenApiTypes.STR, enum=ScoreSheet.Status.values),
            OpenApiParameter("mine", bool, description="只看分配给我评查或复核的"),
        ],
    )
    def get(self, request: Request) -> Response:
        queryset = sheets_visible_to(user=request.user)
        params = request.query_params
        if params.get("campaign"):
            if not re.fullmatch(r"[0-9]{1,18}", params["campaign"]):
                raise InvalidInput("campaign 应为评查活动ID", errors={"campaign": ["应为整数"]})
            queryset = queryset.filter(campaign_id=int(params["campaign"]))
        if params.get("status"):
            if params["status"] not in ScoreSheet.Status.values:
                raise InvalidInput(
                    "status 无效", errors={"status": [f"应为 {'、'.join(ScoreSheet.Status.values)} 之一"]}
                )
            queryset = queryset.filter(status=params["status"])
        mine = params.get("mine", "").lower()
        if mine not in ("", "true", "false", "1", "0"):
            raise InvalidInput("mine 应为 true 或 false", errors={"mine": ["应为 true 或 false"]})
        if mine in ("true", "1"):
            queryset = queryset.filter(Q(reviewer=request.user) | Q(second_reviewer=request.user))
        queryset = queryset.select_related(
            "campaign", "case__organisation", "case__party", "reviewer", "second_reviewer"
        ).order_by("-campaign__created_at", "campaign_id", "sample__position")
        return paginate(self, request, queryset, SheetListOut)


class SheetDetail(APIView):
    @api_schema(responses=SheetOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        return Response(sheet_out(request, pk))


class DeductionIn(serializers.Serializer):
    item = serializers.CharField(max_length=20, source="item_code", help_text="扣分项代码，如 P04")
    occurrences = serializers.IntegerField(min_value=1, max_value=99, required=False, default=1)
    points_each = serializers.DecimalField(
        **POINTS, required=False, min_value=Decimal("0.01"), help_text="每处扣分；固定扣分的项可省略"
    )
    reason = serializers.CharField(max_length=5000, help_text="扣分理由")

    class Meta:
        ref_name = "DeductionInput"


class SheetDeductions(APIView):
    @api_schema(request=DeductionIn, responses={201: SheetOut}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        return sheet_changed(request, pk, services.sheet_deduction_add, DeductionIn, status=201)


class SheetDeduction(APIView):
    @api_schema(responses=SheetOut, errors=(401, 403, 404, 409))
    def delete(self, request: Request, pk: int, item: int) -> Response:
        return sheet_changed(request, pk, services.sheet_deduction_remove, deduction_id=item)


class VetoIn2(serializers.Serializer):
    veto = serializers.CharField(max_length=20, source="veto_code", help_text="否决项代码，如 V05")
    reason = serializers.CharField(max_length=5000)

    class Meta:
        ref_name = "VetoFindingInput"


class SheetVetoes(APIView):
    @api_schema(request=VetoIn2, responses={201: SheetOut}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        return sheet_changed(request, pk, services.sheet_veto_add, VetoIn2, status=201)


class SheetVeto(APIView):
    @api_schema(responses=SheetOut, errors=(401, 403, 404, 409))
    def delete(self, request: Request, pk: int, item: int) -> Response:
        return sheet_changed(request, pk, services.sheet_veto_remove, finding_id=item)


class ConfirmIn(serializers.Serializer):
    item = serializers.CharField(
        max_length=20, required=False, source="item_code", help_text="改用的扣分项；省略则用建议的项"
    )
    veto = serializers.CharField(max_length=20, required=False, source="veto_code", help_text="改为否决项")
    occurrences = serializers.IntegerField(min_value=1, max_value=99, required=False)
    points_each = serializers.DecimalField(**POINTS, required=False, min_value=Decimal("0.01"))
    reason = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, help_text="省略则用发现内容"
    )

    class Meta:
        ref_name = "SuggestionConfirmInput"


class SuggestionConfirm(APIView):
    @api_schema(request=ConfirmIn, responses=SheetOut, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int, item: int) -> Response:
        return sheet_changed(request, pk, services.suggestion_confirm, ConfirmIn, suggestion_id=item)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="排除理由")

    class Meta:
        ref_name = "SuggestionDismissInput"


class SuggestionDismiss(APIView):
    @api_schema(request=NoteIn, responses=SheetOut, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int, item: int) -> Response:
        return sheet_changed(request, pk, services.suggestion_dismiss, NoteIn, suggestion_id=item)


class SubmitIn(serializers.Serializer):
    opinion = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="评查意见"
    )

    class Meta:
        ref_name = "SheetSubmitInput"


class SheetSubmit(APIView):
    @api_schema(
        request=SubmitIn,
        responses=SheetOut,
        errors=(400, 401, 403, 404, 409),
        description="提交评查表：计算得分和等次并锁定。评为不合格且活动要求复核的，转第二名评查人员复核。",
    )
    def post(self, request: Request, pk: int) -> Response:
        return sheet_changed(request, pk, services.sheet_submit, SubmitIn)


class SecondReviewIn(serializers.Serializer):
    agree = serializers.BooleanField(help_text="同意不合格的评查结论")
    opinion = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="复核意见；退回时必填"
    )

    class Meta:
        ref_name = "SecondReviewInput"


class SheetSecondReview(APIView):
    @api_schema(request=SecondReviewIn, responses=SheetOut, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        return sheet_changed(request, pk, services.sheet_second_review, SecondReviewIn)
