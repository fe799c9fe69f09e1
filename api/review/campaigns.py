"""Review campaigns (评查活动): set up, read, changed and ended by an admin or agency head whose
subtree holds the organiser; read by that subtree and the campaign's own reviewers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import visible_organisations
from api.docs import api_schema
from api.fields import IdField
from api.idempotency import idempotent
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.permissions import require_role, visible_organisation
from api.review.common import (
    CampaignKindField,
    CampaignStatusField,
    StandardRef,
    campaign_or_404,
    coded,
)
from api.serializers import OrganisationRef, UserRef
from casefiles.models import Case
from core.errors import InvalidInput
from review import services
from review.models import Campaign, ScoreSheet, ScoringStandard
from review.selectors import campaign_detail, campaigns_visible_to


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


# Renders what review.selectors.campaign_detail read for the user and asks the database nothing itself.
# No docstring of its own: the schema describes it by CampaignSummaryFields's.
class CampaignOut(CampaignSummaryFields):
    organisations = OrganisationRef(many=True)
    reviewers = UserRef(many=True)
    strata = StratumOut(many=True, read_only=True, help_text="抽样分层：每个机构、每种程序的总数与抽取数")
    sheets = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, source="sheet_counts", help_text="各状态的评查表数"
    )
    may_manage = serializers.BooleanField(read_only=True, help_text="当前用户能否组织本活动")

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


def campaign_out(request: Request, campaign_id: int) -> dict[str, Any]:
    campaign = campaign_detail(user=request.user, campaign_id=campaign_id)
    assert campaign is not None
    return CampaignOut(campaign).data


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
        return paginate(self, request, queryset, CampaignListOut)

    @api_schema(
        request=CampaignIn, responses={201: CampaignOut}, errors=(400, 401, 403, 404), idempotent=True
    )
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN, Role.AGENCY_HEAD)
        values = validated(CampaignIn, request.data)
        organiser = visible_organisation(request.user, values.pop("organisation"))
        settings = services.CampaignSettings(**_settings_values(request.user, values))
        campaign = services.campaign_create(actor=request.user, organiser=organiser, settings=settings)
        return Response(campaign_out(request, campaign.pk), status=201)


class CampaignDetail(APIView):
    @api_schema(responses=CampaignOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        campaign_or_404(request, pk)
        return Response(campaign_out(request, pk))

    @api_schema(
        request=CampaignUpdateIn(partial=True),
        responses=CampaignOut,
        errors=(400, 401, 403, 404, 409),
        description="修改评查活动。抽取案卷前可修改全部设置；之后只能修改名称和评查人员。",
    )
    def patch(self, request: Request, pk: int) -> Response:
        campaign_or_404(request, pk)
        values = validated(CampaignUpdateIn, request.data, partial=True)
        if "organisation" in values:
            raise InvalidInput("组织机构不能修改", errors={"organisation": ["组织机构不能修改"]})
        if not values:
            raise InvalidInput("没有要修改的内容", errors={"non_field_errors": ["请至少提供一个字段"]})
        services.campaign_update(
            campaign_id=pk, actor=request.user, changes=_settings_values(request.user, values)
        )
        return Response(campaign_out(request, pk))


class CampaignFinish(APIView):
    @api_schema(request=None, responses=CampaignOut, errors=(401, 403, 404, 409))
    def post(self, request: Request, pk: int) -> Response:
        campaign_or_404(request, pk)
        services.campaign_finish(campaign_id=pk, actor=request.user)
        return Response(campaign_out(request, pk))
