"""Case-file review in the API (SPEC §8, §10 `/api/v1/review/…`, issue 8).

Who may do what (the permission matrix in tests/api/test_permissions.py checks every cell):

* standards: every signed-in user reads them; an admin (系统管理员) adds a version;
* campaigns: an admin or agency head (行政机关负责人) whose subtree holds the organiser sets one up,
  draws its sample, assigns the reviewers, ends it and sends rectification items; everyone in the
  organiser's subtree and the campaign's own reviewers read it, its sample, results and report;
* score sheets: only the reviewer the draw assigned scores (casefile_reviewer), only the second
  reviewer confirms or returns a 不合格 sheet; sheets are read by their reviewers, by the organiser's
  subtree, and once completed by the subtree of the file's own organisation;
* rectification items: read by the handling organisation's and the organiser's subtrees, closed by the
  handling organisation's division or agency head or by a handler of the case.
Objects outside what a user may read answer 404, as if absent; a wrong role on a readable object 403.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db.models import Count, Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import visible_organisations
from api.docs import api_schema
from api.evidence import EvidenceOut
from api.fields import IdField
from api.idempotency import idempotent
from api.legal import FindingOut, LegalCheckOut
from api.pagination import PagePagination
from api.permissions import require_role, visible_organisation
from api.serializers import CaseEventOut, CaseOut, OrganisationRef, UserRef
from casefiles.models import Case, Evidence
from core.errors import InvalidInput, NotFound
from review import services
from review.export import campaign_report_xlsx
from review.models import (
    Campaign,
    Deduction,
    Grade,
    Rectification,
    SampledFile,
    ScoreSheet,
    ScoringStandard,
    SheetEvent,
    StandardCategory,
    StandardItem,
    Suggestion,
    VetoFinding,
    VetoItem,
)
from review.scoring import sheet_score
from review.selectors import (
    HISTORY_LIMIT,
    campaign_results,
    campaign_visible,
    campaigns_visible_to,
    casefile_documents,
    may_manage,
    rectifications_visible_to,
    samples_of,
    sheet_visible,
    sheets_visible_to,
    standard_detail,
    standards_list,
)
from review.standards import standard_create, standard_spec_from_data
from workflow import checklist
from workflow.models import LegalCheck
from workflow.selectors import case_history, legal_checks_of

POINTS = {"max_digits": 5, "decimal_places": 2}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def coded(values: list[str], *, choice: bool = False) -> type[serializers.Field]:
    """A field holding one of these codes, documented as a pattern: drf-spectacular names an enum
    after the field, and "kind"/"status" already name other choice sets in the API."""
    pattern = "^(" + "|".join(re.escape(v) for v in values) + ")$"
    base = serializers.ChoiceField if choice else serializers.CharField

    @extend_schema_field({"type": "string", "pattern": pattern})
    class Coded(base):  # type: ignore[valid-type, misc]
        def __init__(self, **kwargs: Any) -> None:
            if choice:
                kwargs.setdefault("choices", values)
            super().__init__(**kwargs)

    return Coded


CampaignKindField = coded(Campaign.Kind.values)
CampaignStatusField = coded(Campaign.Status.values)
SheetStatusField = coded(ScoreSheet.Status.values)


def _paginate(
    view: APIView, request: Request, queryset: Any, serializer: type[serializers.Serializer]
) -> Response:
    paginator = PagePagination()
    page = paginator.paginate_queryset(queryset, request, view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


# --- standards --------------------------------------------------------------------------------------------------


class StandardListOut(serializers.ModelSerializer):
    categories_count = serializers.IntegerField()
    vetoes_count = serializers.IntegerField()

    class Meta:
        model = ScoringStandard
        fields = [
            "id",
            "code",
            "version",
            "name",
            "active",
            "excellent_min",
            "good_min",
            "pass_min",
            "categories_count",
            "vetoes_count",
            "created_at",
        ]


class ItemOut(serializers.ModelSerializer):
    fixed = serializers.BooleanField(help_text="每处扣分固定（下限 = 上限）")
    finding_codes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = StandardItem
        fields = ["id", "code", "text", "deduction_min", "deduction_max", "fixed", "finding_codes"]


class CategoryOut(serializers.ModelSerializer):
    items = ItemOut(many=True)
    cap = serializers.DecimalField(**POINTS, source="effective_cap", help_text="本项目最多扣分")

    class Meta:
        model = StandardCategory
        fields = ["id", "code", "name", "points", "cap", "items"]


class VetoOut(serializers.ModelSerializer):
    finding_codes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = VetoItem
        fields = ["id", "code", "text", "finding_codes"]


class StandardOut(serializers.ModelSerializer):
    categories = CategoryOut(many=True)
    vetoes = VetoOut(many=True)

    class Meta:
        model = ScoringStandard
        fields = [
            "id",
            "code",
            "version",
            "name",
            "description",
            "active",
            "excellent_min",
            "good_min",
            "pass_min",
            "categories",
            "vetoes",
            "created_at",
        ]


class ItemIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=1000)
    min = serializers.DecimalField(**POINTS, help_text="每处扣分下限")
    max = serializers.DecimalField(**POINTS, required=False, help_text="每处扣分上限；省略则为固定扣分")
    finding_codes = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False, default=list
    )


class CategoryIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    points = serializers.DecimalField(**POINTS)
    cap = serializers.DecimalField(
        **POINTS, required=False, allow_null=True, help_text="扣分上限，默认为分值"
    )
    items = serializers.ListField(child=ItemIn(), min_length=1, max_length=100)


class VetoIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=1000)
    finding_codes = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False, default=list
    )


class StandardIn(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="同一标准各版本相同")
    version = serializers.IntegerField(
        min_value=1, max_value=9999, required=False, help_text="省略则为下一版"
    )
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    excellent_min = serializers.DecimalField(**POINTS, required=False, default=Decimal("90"))
    good_min = serializers.DecimalField(**POINTS, required=False, default=Decimal("80"))
    pass_min = serializers.DecimalField(**POINTS, required=False, default=Decimal("60"))
    categories = serializers.ListField(child=CategoryIn(), min_length=1, max_length=30)
    vetoes = serializers.ListField(child=VetoIn(), max_length=50, required=False, default=list)


class StandardListCreate(APIView):
    pagination_class = PagePagination

    @api_schema(responses=StandardListOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        return _paginate(self, request, standards_list(), StandardListOut)

    @api_schema(
        request=StandardIn,
        responses={201: StandardOut},
        errors=(400, 401, 403, 409),
        idempotent=True,
        description="新增评查标准的一个版本（格式同 review/data/penalty_standard.json）。已有版本不可修改。",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        data = StandardIn(data=request.data)
        data.is_valid(raise_exception=True)
        spec = standard_spec_from_data(dict(data.validated_data))
        standard = standard_create(spec=spec, actor=request.user)
        return Response(StandardOut(standard_detail(standard_id=standard.pk)).data, status=201)


class StandardDetail(APIView):
    @api_schema(responses=StandardOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        standard = standard_detail(standard_id=pk)
        if standard is None:
            raise NotFound("评查标准不存在")
        return Response(StandardOut(standard).data)


# --- campaigns ---------------------------------------------------------------------------------------------------


class StandardRef(serializers.ModelSerializer):
    class Meta:
        model = ScoringStandard
        fields = ["id", "code", "version", "name"]


class StratumOut(serializers.Serializer):
    organisation = serializers.IntegerField()
    procedure = serializers.CharField()
    population = serializers.IntegerField(help_text="该机构该程序期间内已结案案卷数")
    drawn = serializers.IntegerField(help_text="抽取数")


class CampaignSummaryFields(serializers.ModelSerializer):
    """What a campaign's list row and its detail both show."""

    kind = CampaignKindField()
    status = CampaignStatusField()
    organiser = OrganisationRef()
    standard = StandardRef()
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "organiser",
            "period_start",
            "period_end",
            "standard",
            "status",
            "status_label",
            "created_at",
        ]


class CampaignOut(CampaignSummaryFields):
    organisations = OrganisationRef(many=True)
    reviewers = UserRef(many=True)
    strata = serializers.SerializerMethodField(help_text="抽样分层：每个机构、每种程序的总数与抽取数")
    sheets = serializers.SerializerMethodField(help_text="各状态的评查表数")
    may_manage = serializers.SerializerMethodField(help_text="当前用户能否组织本活动")

    class Meta(CampaignSummaryFields.Meta):
        fields = [
            *CampaignSummaryFields.Meta.fields,
            "organisations",
            "reviewers",
            "procedure",
            "sample_percent",
            "sample_min",
            "second_review_on_fail",
            "seed",
            "sampled_at",
            "assigned_at",
            "finished_at",
            "strata",
            "sheets",
            "may_manage",
        ]

    @extend_schema_field(StratumOut(many=True))
    def get_strata(self, campaign: Campaign) -> list[dict[str, Any]]:
        rows = (
            SampledFile.objects.filter(campaign=campaign)
            .values("organisation", "procedure", "stratum_population", "stratum_drawn")
            .distinct()
            .order_by("organisation", "procedure")
        )
        return [
            {
                "organisation": r["organisation"],
                "procedure": r["procedure"],
                "population": r["stratum_population"],
                "drawn": r["stratum_drawn"],
            }
            for r in rows
        ]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_sheets(self, campaign: Campaign) -> dict[str, int]:
        counts = dict(
            ScoreSheet.objects.filter(campaign=campaign)
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        return {status: counts.get(status, 0) for status in ScoreSheet.Status.values}

    def get_may_manage(self, campaign: Campaign) -> bool:
        return may_manage(user=self.context["request"].user, organiser=campaign.organiser)


def campaign_out(request: Request, campaign_id: int) -> dict[str, Any]:
    campaign = campaign_visible(user=request.user, campaign_id=campaign_id)
    assert campaign is not None
    return CampaignOut(campaign, context={"request": request}).data


class CampaignListOut(CampaignSummaryFields):
    files = serializers.IntegerField(help_text="抽取案卷数")
    completed = serializers.IntegerField(help_text="完成评查数")

    class Meta(CampaignSummaryFields.Meta):
        fields = [*CampaignSummaryFields.Meta.fields, "files", "completed"]


class CampaignIn(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = coded(Campaign.Kind.values, choice=True)(help_text="self 自查；cross 交叉评查；spot_check 抽查")
    organisation = IdField(help_text="组织机构（评查活动所属机构）")
    period_start = serializers.DateField(help_text="案卷结案日期起")
    period_end = serializers.DateField(help_text="案卷结案日期止")
    standard = IdField(help_text="评查标准版本ID")
    organisations = serializers.ListField(
        child=IdField(), min_length=1, max_length=200, help_text="被评查机构"
    )
    reviewers = serializers.ListField(child=IdField(), max_length=200, required=False, default=list)
    procedure = serializers.ChoiceField(
        choices=[("", "两种程序"), *Case.Procedure.choices], required=False, default=""
    )
    sample_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text="抽取比例（%）",
    )
    sample_min = serializers.IntegerField(min_value=0, max_value=1000, required=False, default=3)
    second_review_on_fail = serializers.BooleanField(required=False, default=True)

    class Meta:
        ref_name = "CampaignInput"


class CampaignUpdateIn(CampaignIn):
    class Meta:
        ref_name = "CampaignUpdateInput"


def _organisations(user: User, ids: list[int]) -> list[Organisation]:
    found = list(visible_organisations(user=user).filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise InvalidInput(
            "机构不存在或不在本机构范围内", errors={"organisations": [f"无效的机构ID：{missing}"]}
        )
    return found


def _reviewers(user: User, ids: list[int]) -> list[User]:
    scope = visible_organisations(user=user)
    found = list(User.objects.filter(pk__in=ids, organisation__in=scope).select_related("organisation"))
    missing = sorted(set(ids) - {u.pk for u in found})
    if missing:
        raise InvalidInput(
            "评查人员不存在或不在本机构范围内", errors={"reviewers": [f"无效的用户ID：{missing}"]}
        )
    return found


def _standard(pk: int) -> ScoringStandard:
    standard = ScoringStandard.objects.filter(pk=pk).first()
    if standard is None:
        raise InvalidInput("评查标准不存在", errors={"standard": ["不存在"]})
    return standard


def _settings_values(user: User, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "organisations" in out:
        out["organisations"] = _organisations(user, out["organisations"])
    if "reviewers" in out:
        out["reviewers"] = _reviewers(user, out["reviewers"])
    if "standard" in out:
        out["standard"] = _standard(out["standard"])
    return out


class CampaignListCreate(APIView):
    pagination_class = PagePagination

    @api_schema(
        responses=CampaignListOut(many=True),
        errors=(400, 401),
        paginated=True,
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=Campaign.Status.values),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Campaign.Kind.values),
        ],
    )
    def get(self, request: Request) -> Response:
        queryset = campaigns_visible_to(user=request.user)
        for name, choices in (("status", Campaign.Status.values), ("kind", Campaign.Kind.values)):
            value = request.query_params.get(name)
            if value:
                if value not in choices:
                    raise InvalidInput(f"{name} 无效", errors={name: [f"应为 {'、'.join(choices)} 之一"]})
                queryset = queryset.filter(**{name: value})
        queryset = (
            queryset.select_related("organiser", "standard")
            .annotate(
                files=Count("samples", distinct=True),
                completed=Count(
                    "sheets", filter=Q(sheets__status=ScoreSheet.Status.COMPLETED), distinct=True
                ),
            )
            .order_by("-created_at", "-pk")
        )
        return _paginate(self, request, queryset, CampaignListOut)

    @api_schema(
        request=CampaignIn, responses={201: CampaignOut}, errors=(400, 401, 403, 404), idempotent=True
    )
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN, Role.AGENCY_HEAD)
        data = CampaignIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organiser = visible_organisation(request.user, values.pop("organisation"))
        settings = services.CampaignSettings(**_settings_values(request.user, values))
        campaign = services.campaign_create(actor=request.user, organiser=organiser, settings=settings)
        return Response(campaign_out(request, campaign.pk), status=201)


def _campaign(request: Request, pk: int) -> Campaign:
    campaign = campaign_visible(user=request.user, campaign_id=pk)
    if campaign is None:
        raise NotFound("评查活动不存在")
    return campaign


class CampaignDetail(APIView):
    @api_schema(responses=CampaignOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        _campaign(request, pk)
        return Response(campaign_out(request, pk))

    @api_schema(
        request=CampaignUpdateIn(partial=True),
        responses=CampaignOut,
        errors=(400, 401, 403, 404, 409),
        description="修改评查活动。抽取案卷前可修改全部设置；之后只能修改名称和评查人员。",
    )
    def patch(self, request: Request, pk: int) -> Response:
        _campaign(request, pk)
        data = CampaignUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "organisation" in values:
            raise InvalidInput("组织机构不能修改", errors={"organisation": ["组织机构不能修改"]})
        if not values:
            raise InvalidInput("没有要修改的内容", errors={"non_field_errors": ["请至少提供一个字段"]})
        services.campaign_update(
            campaign_id=pk, actor=request.user, changes=_settings_values(request.user, values)
        )
        return Response(campaign_out(request, pk))


class SampleIn(serializers.Serializer):
    seed = serializers.CharField(
        max_length=64, required=False, help_text="随机种子；省略则随机生成。用同一种子可复核抽取结果"
    )

    class Meta:
        ref_name = "SampleInput"


class SheetBriefOut(serializers.ModelSerializer):
    status = SheetStatusField()
    reviewer = UserRef()
    second_reviewer = UserRef(allow_null=True)

    class Meta:
        model = ScoreSheet
        fields = ["id", "status", "reviewer", "second_reviewer", "score", "grade", "vetoed"]


class SampledCaseOut(serializers.ModelSerializer):
    party_name = serializers.CharField(source="party.name", default="", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "party_name", "procedure", "closed_at", "archived_at"]


class SampledFileOut(serializers.ModelSerializer):
    organisation = OrganisationRef()
    case = SampledCaseOut()
    sheet = serializers.SerializerMethodField()

    class Meta:
        model = SampledFile
        fields = [
            "position",
            "organisation",
            "procedure",
            "stratum_population",
            "stratum_drawn",
            "case",
            "sheet",
        ]

    @extend_schema_field(SheetBriefOut(allow_null=True))
    def get_sheet(self, sample: SampledFile) -> dict[str, Any] | None:
        sheet = getattr(sample, "sheet", None)
        return SheetBriefOut(sheet).data if sheet is not None else None


class CampaignSample(APIView):
    pagination_class = PagePagination

    @api_schema(responses=SampledFileOut(many=True), errors=(401, 404), paginated=True)
    def get(self, request: Request, pk: int) -> Response:
        campaign = _campaign(request, pk)
        return _paginate(self, request, samples_of(campaign=campaign), SampledFileOut)

    @api_schema(
        request=SampleIn,
        responses={201: CampaignOut},
        errors=(400, 401, 403, 404, 409),
        idempotent=True,
        description="按机构（和程序）分层随机抽取案卷，随机种子随活动保存（双随机之一）。只能抽取一次。",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        _campaign(request, pk)
        data = SampleIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.campaign_draw_sample(
            campaign_id=pk, actor=request.user, seed=data.validated_data.get("seed")
        )
        return Response(campaign_out(request, pk), status=201)


class CampaignAssign(APIView):
    @api_schema(
        request=None,
        responses=CampaignOut,
        errors=(401, 403, 404, 409),
        description="随机分配评查人员（双随机之二），回避承办人员、法制审核人员、作出决定的负责人；"
        "交叉评查不评查本机构及其上下级机构的案卷。没有可分配人员时返回 409 并列出案卷。",
    )
    def post(self, request: Request, pk: int) -> Response:
        _campaign(request, pk)
        services.campaign_assign(campaign_id=pk, actor=request.user)
        return Response(campaign_out(request, pk))


class CampaignFinish(APIView):
    @api_schema(request=None, responses=CampaignOut, errors=(401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        _campaign(request, pk)
        services.campaign_finish(campaign_id=pk, actor=request.user)
        return Response(campaign_out(request, pk))


class FiguresOut(serializers.Serializer):
    files_sampled = serializers.IntegerField()
    files_reviewed = serializers.IntegerField(help_text="完成评查的案卷数")
    mean_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    grades = serializers.DictField(
        child=serializers.IntegerField(), help_text="excellent/good/pass/fail 各等次件数"
    )
    vetoed = serializers.IntegerField(help_text="存在否决项的案卷数")


class OrganisationResultOut(FiguresOut):
    organisation = OrganisationRef()
    rectifications_open = serializers.IntegerField()
    rectifications_done = serializers.IntegerField()


class TopDeductionOut(serializers.Serializer):
    item = serializers.CharField()
    text = serializers.CharField()
    category = serializers.CharField()
    files = serializers.IntegerField()
    occurrences = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=12, decimal_places=2)


class VetoCountOut(serializers.Serializer):
    veto = serializers.CharField()
    text = serializers.CharField()
    files = serializers.IntegerField()


class ResultsOut(FiguresOut):
    by_organisation = OrganisationResultOut(many=True)
    top_deductions = TopDeductionOut(many=True)
    vetoes = VetoCountOut(many=True)
    rectifications_open = serializers.IntegerField()
    rectifications_done = serializers.IntegerField()


class CampaignResults(APIView):
    @api_schema(responses=ResultsOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        campaign = _campaign(request, pk)
        return Response(ResultsOut(campaign_results(campaign=campaign)).data)


class CampaignReportXlsx(APIView):
    @api_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="评查情况报告（Excel）")},
        errors=(401, 404),
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        campaign = _campaign(request, pk)
        response = HttpResponse(campaign_report_xlsx(campaign=campaign), content_type=XLSX)
        name = f"案卷评查情况-{campaign.name}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


# --- score sheets -------------------------------------------------------------------------------------------------


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


class SheetOut(SheetListOut):
    opinion = serializers.CharField()
    second_opinion = serializers.CharField()
    standard = StandardRef(source="campaign.standard")
    current = serializers.SerializerMethodField(
        help_text="按当前扣分计算的得分与等次（提交时写入 score、grade）"
    )
    deductions = serializers.SerializerMethodField()
    veto_findings = serializers.SerializerMethodField()
    suggestions = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    rectifications = serializers.SerializerMethodField()

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

    @extend_schema_field(ScoreOut)
    def get_current(self, sheet: ScoreSheet) -> dict[str, Any]:
        result = sheet_score(sheet=sheet)
        return ScoreOut(
            {
                "total": result.total,
                "grade": result.grade,
                "grade_label": result.grade_label,
                "vetoed": result.vetoed,
                "categories": [dataclasses.asdict(c) for c in result.categories],
            }
        ).data

    @extend_schema_field(DeductionOut(many=True))
    def get_deductions(self, sheet: ScoreSheet) -> list[dict[str, Any]]:
        rows = Deduction.objects.filter(sheet=sheet).select_related("item__category").order_by("pk")
        return DeductionOut(rows, many=True).data

    @extend_schema_field(VetoFindingOut(many=True))
    def get_veto_findings(self, sheet: ScoreSheet) -> list[dict[str, Any]]:
        rows = VetoFinding.objects.filter(sheet=sheet).select_related("veto").order_by("pk")
        return VetoFindingOut(rows, many=True).data

    @extend_schema_field(SuggestionOut(many=True))
    def get_suggestions(self, sheet: ScoreSheet) -> list[dict[str, Any]]:
        rows = Suggestion.objects.filter(sheet=sheet).select_related("item", "veto").order_by("pk")
        return SuggestionOut(rows, many=True).data

    @extend_schema_field(SheetEventOut(many=True))
    def get_events(self, sheet: ScoreSheet) -> list[dict[str, Any]]:
        rows = SheetEvent.objects.filter(sheet=sheet).select_related("actor").order_by("at", "pk")
        return SheetEventOut(rows, many=True).data

    @extend_schema_field(RectificationOut(many=True))
    def get_rectifications(self, sheet: ScoreSheet) -> list[dict[str, Any]]:
        rows = Rectification.objects.filter(sheet=sheet).select_related(
            "organisation", "issued_by", "done_by", "case"
        )
        return RectificationOut(rows.order_by("pk"), many=True).data


def _sheet(request: Request, pk: int) -> ScoreSheet:
    sheet = sheet_visible(user=request.user, sheet_id=pk)
    if sheet is None:
        raise NotFound("评查表不存在")
    return sheet


def sheet_out(request: Request, pk: int) -> dict[str, Any]:
    return SheetOut(_sheet(request, pk)).data


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
        return _paginate(self, request, queryset, SheetListOut)


class SheetDetail(APIView):
    @api_schema(responses=SheetOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        return Response(sheet_out(request, pk))


class PrecheckRecordOut(serializers.Serializer):
    legal_check = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=LegalCheck.Stage.choices)
    concluded_at = serializers.DateTimeField()
    findings = FindingOut(many=True)


class DocumentOut(serializers.Serializer):
    source = serializers.CharField(
        help_text="generated 系统生成；uploaded 上传的签章扫描件；not_applicable 标注不适用；evidence 证据中的书证扫描件"
    )
    doc_type = serializers.CharField(help_text="文书类型代码（文书目录）")
    stage = serializers.CharField(help_text="办案阶段")
    title = serializers.CharField()
    number = serializers.CharField(help_text="文号")
    issued_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField(help_text="不适用理由")
    sha256 = serializers.CharField()
    reference = serializers.CharField(help_text="document:<文书ID> 或 evidence:<证据ID>")


class CasefileOut(serializers.Serializer):
    sheet = serializers.IntegerField()
    case = CaseOut()
    history = CaseEventOut(many=True)
    history_total = serializers.IntegerField()
    evidence = EvidenceOut(many=True)
    documents = DocumentOut(many=True)
    legal_checks = LegalCheckOut(many=True)
    precheck = PrecheckRecordOut(many=True, help_text="各次法制审核时记录的自动预审结果")
    checklist_missing = serializers.ListField(
        child=serializers.CharField(), help_text="按办案路径应有而缺少的材料"
    )
    standard = StandardOut()


class SheetCasefile(APIView):
    @api_schema(
        responses=CasefileOut,
        errors=(401, 404),
        description="评查时对照评查标准查看的案卷：案件信息、办案履历（前 500 条）、证据与音像记录、文书、"
        "法制审核意见及当时的自动预审结果、缺少的材料，以及评查标准。分配到该案卷的评查人员即使不属于"
        "办案机构也可查看。",
    )
    def get(self, request: Request, pk: int) -> Response:
        sheet = _sheet(request, pk)
        case = (
            Case.objects.select_related("organisation", "party", "violation_type")
            .prefetch_related("officers")
            .get(pk=sheet.case_id)
        )
        history = case_history(case=case)
        checks = list(legal_checks_of(case=case))
        from accounts.selectors import organisation_policy

        payload = {
            "sheet": sheet.pk,
            "case": case,
            "history": history[:HISTORY_LIMIT],
            "history_total": history.count(),
            "evidence": Evidence.objects.filter(case=case)
            .select_related("officer")
            .order_by("created_at", "pk"),
            "documents": casefile_documents(case=case),
            "legal_checks": checks,
            "precheck": [
                {
                    "legal_check": c.pk,
                    "stage": c.stage,
                    "concluded_at": c.concluded_at,
                    "findings": [f for f in c.findings if isinstance(f, dict)],
                }
                for c in checks
            ],
            "checklist_missing": checklist.missing_items(
                case, organisation_policy(organisation=case.organisation)
            ),
            "standard": standard_detail(standard_id=sheet.campaign.standard_id),
        }
        return Response(CasefileOut(payload).data)


class DeductionIn(serializers.Serializer):
    item = serializers.CharField(max_length=20, help_text="扣分项代码，如 P04")
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
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        data = DeductionIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.sheet_deduction_add(
            sheet_id=pk,
            actor=request.user,
            item_code=values["item"],
            occurrences=values["occurrences"],
            points_each=values.get("points_each"),
            reason=values["reason"],
        )
        return Response(sheet_out(request, pk), status=201)


class SheetDeduction(APIView):
    @api_schema(responses=SheetOut, errors=(401, 403, 404, 409))
    def delete(self, request: Request, pk: int, item: int) -> Response:
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        services.sheet_deduction_remove(sheet_id=pk, deduction_id=item, actor=request.user)
        return Response(sheet_out(request, pk))


class VetoIn2(serializers.Serializer):
    veto = serializers.CharField(max_length=20, help_text="否决项代码，如 V05")
    reason = serializers.CharField(max_length=5000)

    class Meta:
        ref_name = "VetoFindingInput"


class SheetVetoes(APIView):
    @api_schema(request=VetoIn2, responses={201: SheetOut}, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        data = VetoIn2(data=request.data)
        data.is_valid(raise_exception=True)
        services.sheet_veto_add(
            sheet_id=pk,
            actor=request.user,
            veto_code=data.validated_data["veto"],
            reason=data.validated_data["reason"],
        )
        return Response(sheet_out(request, pk), status=201)


class SheetVeto(APIView):
    @api_schema(responses=SheetOut, errors=(401, 403, 404, 409))
    def delete(self, request: Request, pk: int, item: int) -> Response:
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        services.sheet_veto_remove(sheet_id=pk, finding_id=item, actor=request.user)
        return Response(sheet_out(request, pk))


class ConfirmIn(serializers.Serializer):
    item = serializers.CharField(max_length=20, required=False, help_text="改用的扣分项；省略则用建议的项")
    veto = serializers.CharField(max_length=20, required=False, help_text="改为否决项")
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
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        data = ConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.suggestion_confirm(
            sheet_id=pk,
            suggestion_id=item,
            actor=request.user,
            item_code=values.get("item"),
            veto_code=values.get("veto"),
            occurrences=values.get("occurrences"),
            points_each=values.get("points_each"),
            reason=values.get("reason"),
        )
        return Response(sheet_out(request, pk))


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="排除理由")

    class Meta:
        ref_name = "SuggestionDismissInput"


class SuggestionDismiss(APIView):
    @api_schema(request=NoteIn, responses=SheetOut, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int, item: int) -> Response:
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        data = NoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.suggestion_dismiss(
            sheet_id=pk, suggestion_id=item, actor=request.user, note=data.validated_data["note"]
        )
        return Response(sheet_out(request, pk))


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
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        data = SubmitIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.sheet_submit(sheet_id=pk, actor=request.user, opinion=data.validated_data["opinion"])
        return Response(sheet_out(request, pk))


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
        _sheet(request, pk)
        require_role(request.user, Role.CASEFILE_REVIEWER)
        data = SecondReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.sheet_second_review(
            sheet_id=pk,
            actor=request.user,
            agree=data.validated_data["agree"],
            opinion=data.validated_data["opinion"],
        )
        return Response(sheet_out(request, pk))


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
        sheet = _sheet(request, pk)
        require_role(request.user, Role.ADMIN, Role.AGENCY_HEAD)
        data = RectificationIssueIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
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
        return _paginate(self, request, queryset, RectificationOut)


class CompleteIn(serializers.Serializer):
    note = serializers.CharField(max_length=5000, help_text="整改情况")

    class Meta:
        ref_name = "RectificationCompleteInput"


class RectificationComplete(APIView):
    @api_schema(request=CompleteIn, responses=RectificationOut, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        if not rectifications_visible_to(user=request.user).filter(pk=pk).exists():
            raise NotFound("整改事项不存在")
        data = CompleteIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.rectification_complete(
            rectification_id=pk, actor=request.user, note=data.validated_data["note"]
        )
        item = Rectification.objects.select_related("organisation", "issued_by", "done_by", "case").get(pk=pk)
        return Response(RectificationOut(item).data)
