"""Admin: baselines are entered here by an admin; report runs are shown read-only (reports.services
writes them)."""

from __future__ import annotations

from django.contrib import admin

from casefiles.admin import ReadOnlyAdminMixin
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
        "result",
    )
