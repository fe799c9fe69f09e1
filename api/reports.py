"""Annual statistics (SPEC §9, §10): the figures as JSON, the Word report, inline or generated in
the background.

Readable by report viewers (统计/法制科), agency heads and admins, for organisations in their subtree
(outside it: 404). Money and percentages are strings with their exact decimals ("14.53", "66.7").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from api.fields import IdField
from api.idempotency import idempotent
from api.inputs import validated
from api.permissions import require_role, visible_organisation
from api.serializers import OrganisationRef
from core.errors import Conflict, NotFound
from reports.figures import FIGURES, Figure, Kind
from reports.models import MAX_YEAR, MIN_YEAR, ReportRun
from reports.selectors import annual_report, report_runs_visible_to
from reports.services import (
    REPORT_ROLES,
    annual_docx_deliver,
    inline_max_cases,
    report_run_request,
    report_year_check,
)
from reports.word import DOCX_MEDIA_TYPE, docx_filename
from review.models import Grade

WAN = {"max_digits": 16, "decimal_places": 2}
PCT = {"max_digits": 12, "decimal_places": 1}
SCORE = {"max_digits": 5, "decimal_places": 1}


# A pattern rather than an enum: drf-spectacular names an enum after each field that uses it, and
# would give this one choice set two names.
@extend_schema_field({"type": "string", "pattern": "^(baseline|computed)$"})
class PriorSourceField(serializers.ChoiceField):
    """Where a prior-year figure came from."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "baseline = 管理员录入的上年度公布数据；computed = 系统记录")
        super().__init__(choices=["baseline", "computed"], **kwargs)


class PriorYearOut(serializers.Serializer):
    year = serializers.IntegerField()
    cases_filed = serializers.IntegerField()
    cases_filed_source = PriorSourceField()
    fines_total_wan = serializers.DecimalField(**WAN)
    fines_total_wan_source = PriorSourceField()


def figure_field(figure: Figure) -> serializers.Field:
    """The API field of a figure: its type from its kind, its label and definition as help text."""
    help_text = f"{figure.heading}：{figure.definition}"
    if figure.kind == Kind.COUNT:
        return serializers.IntegerField(help_text=help_text)
    if figure.kind == Kind.MONEY:
        return serializers.DecimalField(**WAN, allow_null=figure.nullable, help_text=help_text)
    if figure.kind in (Kind.RATIO, Kind.CHANGE):
        return serializers.DecimalField(**PCT, allow_null=figure.nullable, help_text=help_text)
    if figure.kind == Kind.SCORE:
        return serializers.DecimalField(**SCORE, allow_null=figure.nullable, help_text=help_text)
    if figure.kind == Kind.GRADES:
        grades = "、".join(f"{value} {label}" for value, label in Grade.choices)
        return serializers.DictField(child=serializers.IntegerField(), help_text=f"{help_text}（{grades}）")
    raise ValueError(f"no API field for a figure of kind {figure.kind}")


def figure_fields(figures: Iterable[Figure]) -> dict[str, serializers.Field]:
    """The fields of the figures, in their order (DRF orders declared fields as they were created)."""
    return {figure.key: figure_field(figure) for figure in figures}


# Built from the registry, so that the JSON, the OpenAPI document and reports.figures cannot drift
# apart: the figures in the order of SPEC §9, then the prior year the year-on-year compares with.
FiguresOut = type(
    "FiguresOut",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "Every figure of SPEC §9 (keys as written there), from reports.figures.FIGURES.",
        **figure_fields(FIGURES),
        "prior_year": PriorYearOut(help_text="同比所用的上年度数据及其来源"),
    },
)


class BreakdownRowOut(FiguresOut):
    organisation = OrganisationRef()
    scope = serializers.ChoiceField(
        choices=["subtree", "own", "total"],
        help_text="subtree = 该下级机构及其下级；own = 本级机构自身；total = 合计",
    )


MonthRowOut = type(
    "MonthRowOut",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "The figures of one month (reports.figures: the figures with monthly=True).",
        "month": serializers.IntegerField(min_value=1, max_value=12),
        **figure_fields(f for f in FIGURES if f.monthly),
    },
)


class AnnualReportOut(FiguresOut):
    organisation = OrganisationRef()
    year = serializers.IntegerField()
    breakdown = BreakdownRowOut(
        many=True, required=False, help_text="按下级机构：每个直属下级一行、本级一行、合计一行"
    )
    months = MonthRowOut(many=True, required=False, help_text="按月（1–12 月）")


class AnnualReport(APIView):
    class Input(serializers.Serializer):
        organisation = IdField(help_text="机构ID（统计含其全部下级机构）")
        year = serializers.IntegerField(
            min_value=MIN_YEAR, max_value=MAX_YEAR, help_text="年度（北京时间的自然年），不晚于当前年度"
        )
        breakdown = serializers.BooleanField(required=False, default=False, help_text="附按下级机构的分项")
        months = serializers.BooleanField(required=False, default=False, help_text="附按月分项")

        class Meta:
            ref_name = "AnnualReportQuery"

    @extend_schema(
        parameters=[Input],
        description=(
            "SPEC §9 年度统计数据：机构（含全部下级机构）某自然年度（北京时间）的各项数字。"
            "统计/法制科（report_viewer）、行政机关负责人（agency_head）和系统管理员（admin）可查看"
            "本机构及下级机构的统计；其他角色 403，本机构范围以外的机构 404。"
            "金额（万元）和百分比为字符串，保留规定的小数位（四舍五入）；上年为 0 时同比为 null。"
        ),
    )
    @api_schema(responses=AnnualReportOut, errors=(400, 401, 403, 404))
    def get(self, request: Request) -> Response:
        require_role(request.user, *REPORT_ROLES)
        values = validated(self.Input, request.query_params)
        report_year_check(year=values["year"])
        organisation = visible_organisation(request.user, values["organisation"])
        report = annual_report(
            organisation=organisation,
            year=values["year"],
            breakdown=values["breakdown"],
            months=values["months"],
        )
        return Response(AnnualReportOut(report).data)


class ReportRunOut(serializers.ModelSerializer):
    organisation = OrganisationRef()
    result = AnnualReportOut(allow_null=True, help_text="完成后为统计数据（含分项），此前为 null")
    download_url = serializers.SerializerMethodField(
        help_text="Word 报告完成后的下载地址；JSON 任务或尚未完成时为 null"
    )

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "organisation",
            "year",
            "format",
            "status",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
            "result",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_download_url(self, run: ReportRun) -> str | None:
        if run.format != ReportRun.Format.DOCX or run.status != ReportRun.Status.DONE:
            return None
        path = reverse("api-reports-annual-run-download", kwargs={"pk": run.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


def attachment(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX_MEDIA_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Content-Length"] = str(len(content))
    return response


DOCX_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="Word 报告（.docx）")


class AnnualReportDocx(APIView):
    class Input(serializers.Serializer):
        organisation = IdField(help_text="机构ID（统计含其全部下级机构）")
        year = serializers.IntegerField(
            min_value=MIN_YEAR, max_value=MAX_YEAR, help_text="年度（北京时间的自然年），不晚于当前年度"
        )

        class Meta:
            ref_name = "AnnualReportDocxQuery"

    @api_schema(
        parameters=[Input],
        description=(
            "法治政府建设年度报告的行政执法统计部分（Word）：文字说明、分机构表格、按月图表。"
            "角色和机构范围同 GET /api/v1/reports/annual/。"
            f"机构（含下级）本年度立案或作出决定的案件不超过 {inline_max_cases()} 件时直接返回文件（200）；"
            "超过时在后台生成：返回 202 和报表任务（同一用户对同一报表尚未完成的任务会被复用），"
            "完成后从任务的 download_url 下载。"
        ),
        responses={
            (200, DOCX_MEDIA_TYPE): DOCX_RESPONSE,
            (202, "application/json"): OpenApiResponse(ReportRunOut, description="报表较大，已转入后台生成"),
        },
        errors=(400, 401, 403, 404),
    )
    def get(self, request: Request) -> HttpResponse:
        require_role(request.user, *REPORT_ROLES)
        values = validated(self.Input, request.query_params)
        report_year_check(year=values["year"])
        organisation = visible_organisation(request.user, values["organisation"])
        delivery = annual_docx_deliver(actor=request.user, organisation=organisation, year=values["year"])
        if delivery.content is not None:
            return attachment(
                delivery.content,
                filename=docx_filename(organisation_name=organisation.name, year=values["year"]),
            )
        assert delivery.run is not None
        run = ReportRun.objects.defer("document").select_related("organisation").get(pk=delivery.run.pk)
        body = ReportRunOut(run, context={"request": request}).data
        location = reverse("api-reports-annual-run", kwargs={"pk": run.pk})
        return Response(body, status=202, headers={"Location": request.build_absolute_uri(location)})


class AnnualReportRuns(APIView):
    class Input(serializers.Serializer):
        organisation = IdField(help_text="机构ID（统计含其全部下级机构）")
        year = serializers.IntegerField(
            min_value=MIN_YEAR, max_value=MAX_YEAR, help_text="年度，不晚于当前年度"
        )
        format = serializers.ChoiceField(
            choices=ReportRun.Format.choices,
            default=ReportRun.Format.JSON,
            help_text="json = 统计数据；docx = Word 报告（完成后从 download_url 下载）",
        )

        class Meta:
            ref_name = "AnnualReportRunInput"

    @extend_schema(
        description="申请在后台生成年度统计（含分项）；返回任务，完成后用 GET …/runs/{id}/ 取结果。"
    )
    @api_schema(request=Input, responses={202: ReportRunOut}, errors=(400, 401, 403, 404), idempotent=True)
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, *REPORT_ROLES)
        values = validated(self.Input, request.data)
        organisation = visible_organisation(request.user, values["organisation"])
        run = report_run_request(
            actor=request.user, organisation=organisation, year=values["year"], format=values["format"]
        )
        # Without a broker the task has run eagerly on commit: the run may already be done.
        run = ReportRun.objects.defer("document").select_related("organisation").get(pk=run.pk)
        return Response(ReportRunOut(run, context={"request": request}).data, status=202)


class AnnualReportRunDetail(APIView):
    @api_schema(responses=ReportRunOut, errors=(401, 403, 404))
    def get(self, request: Request, pk: int) -> Response:
        require_role(request.user, *REPORT_ROLES)
        runs = report_runs_visible_to(user=request.user).defer("document").select_related("organisation")
        run = runs.filter(pk=pk).first()
        if run is None:
            raise NotFound("报表任务不存在")
        return Response(ReportRunOut(run, context={"request": request}).data)


class AnnualReportRunDownload(APIView):
    @api_schema(
        description="下载后台生成的 Word 报告；任务尚未完成或已失败时 409，JSON 任务没有文件（404）。",
        responses={(200, DOCX_MEDIA_TYPE): DOCX_RESPONSE},
        errors=(401, 403, 404, 409),
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        require_role(request.user, *REPORT_ROLES)
        run = report_runs_visible_to(user=request.user).select_related("organisation").filter(pk=pk).first()
        if run is None:
            raise NotFound("报表任务不存在")
        if run.format != ReportRun.Format.DOCX:
            raise NotFound("该任务为 JSON 格式，没有可下载的文件；统计数据见任务的 result")
        if run.status != ReportRun.Status.DONE or run.document is None:
            if run.status == ReportRun.Status.FAILED:
                raise Conflict(f"报表生成失败，请重新申请：{run.error}")
            raise Conflict(f"报表尚未生成完成（{run.get_status_display()}），请稍后再试")
        return attachment(
            bytes(run.document),
            filename=docx_filename(organisation_name=run.organisation.name, year=run.year),
        )
