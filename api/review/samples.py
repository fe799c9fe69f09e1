"""A campaign's sample (双随机): drawing the files and assigning the reviewers, and the files drawn."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from api.idempotency import idempotent
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.review.campaigns import CampaignOut, campaign_out
from api.review.common import SheetStatusField, campaign_or_404
from api.serializers import OrganisationRef, UserRef
from casefiles.models import Case
from review import services
from review.models import SampledFile, ScoreSheet
from review.selectors import samples_of


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
        campaign = campaign_or_404(request, pk)
        return paginate(self, request, samples_of(campaign=campaign), SampledFileOut)

    @api_schema(
        request=SampleIn,
        responses={201: CampaignOut},
        errors=(400, 401, 403, 404, 409),
        idempotent=True,
        description="按机构（和程序）分层随机抽取案卷，随机种子随活动保存（双随机之一）。只能抽取一次。",
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        campaign_or_404(request, pk)
        data = validated(SampleIn, request.data)
        services.campaign_draw_sample(campaign_id=pk, actor=request.user, seed=data.get("seed"))
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
        campaign_or_404(request, pk)
        services.campaign_assign(campaign_id=pk, actor=request.user)
        return Response(campaign_out(request, pk))
