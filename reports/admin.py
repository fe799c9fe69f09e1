"""Admin: baselines are entered here by an admin; report runs are shown read-only (reports.services
writes them)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ReadOnlyAdminMixin
from reports.models import AnnualBaseline, ReportRun


@admin.register(AnnualBaseline)
class AnnualBaselineAdmin(admin.ModelAdmin):
    list_display = ("organisation", "year", "cases_filed", "fines_total_wan", "source", "updated_at")
    list_filter = ("year",)
    list_select_related = ("organisation",)
    search_fields = ("organisation__code", "organisation__name", "source")
    fields = ("organisation", "year", "cases_filed", "fines_total_wan", "source")


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "pk",
        "organisation",
        "year",
        "format",
        "status",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "format", "year")
    list_select_related = ("organisation", "requested_by")
    readonly_fields = (
        "requested_by",
        "organisation",
        "year",
        "format",
        "status",
        "attempts",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "document_size",
        "result",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportRun]:
        # The documents stay in the database: the list does not load them.
        return super().get_queryset(request).defer("document")

    @admin.display(description="Word 文档")
    def document_size(self, run: ReportRun) -> str:
        if run.format != ReportRun.Format.DOCX:
            return "—（JSON 任务）"
        if run.document is None:
            return "尚未生成"
        return f"{len(run.document) / 1024:.0f} KB（通过 API 下载：/api/v1/reports/annual/runs/{run.pk}/download/）"
