"""A campaign's results: the figures, and the report as an Excel workbook."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from api.review.common import campaign_or_404
from api.serializers import OrganisationRef
from review.export import campaign_report_xlsx
from review.selectors import campaign_results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        campaign = campaign_or_404(request, pk)
        return Response(ResultsOut(campaign_results(campaign=campaign)).data)


class CampaignReportXlsx(APIView):
    @api_schema(
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="评查情况报告（Excel）")},
        errors=(401, 404),
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        campaign = campaign_or_404(request, pk)
        response = HttpResponse(campaign_report_xlsx(campaign=campaign), content_type=XLSX)
        name = f"案卷评查情况-{campaign.name}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
