"""Admin for the case-file review: everything is shown, almost nothing is edited here.

Standard versions are immutable (a change is a new version, through the API or
`manage.py load_review_standard`); only whether a version is offered to new campaigns is switched
here, by the two actions of the standards' list. Campaigns, sheets and rectification items change only through review.services (the API).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from core.admin import ReadOnlyAdminMixin
from review.models import (
    Campaign,
    CampaignEvent,
    Deduction,
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
from review.standards import standard_set_active


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class CategoryInline(ReadOnlyInline):
    model = StandardCategory
    fields = ("position", "code", "name", "points", "cap")
    readonly_fields = fields


class VetoInline(ReadOnlyInline):
    model = VetoItem
    fields = ("position", "code", "text", "finding_codes")
    readonly_fields = fields


@admin.register(ScoringStandard)
class ScoringStandardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "version",
        "active",
        "excellent_min",
        "good_min",
        "pass_min",
        "created_at",
    )
    list_filter = ("active", "code")
    search_fields = ("code", "name")
    inlines = (CategoryInline, VetoInline)
    actions = ("offer", "withdraw")

    @admin.action(description="设为可用于新的评查活动")
    def offer(self, request: HttpRequest, queryset: QuerySet[ScoringStandard]) -> None:
        for standard in queryset:
            standard_set_active(standard_id=standard.pk, active=True)

    @admin.action(description="停止用于新的评查活动（已有活动不受影响）")
    def withdraw(self, request: HttpRequest, queryset: QuerySet[ScoringStandard]) -> None:
        for standard in queryset:
            standard_set_active(standard_id=standard.pk, active=False)


class ItemInline(ReadOnlyInline):
    model = StandardItem
    fields = ("position", "code", "text", "deduction_min", "deduction_max", "finding_codes")
    readonly_fields = fields


@admin.register(StandardCategory)
class StandardCategoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("standard", "position", "code", "name", "points", "cap")
    list_select_related = ("standard",)
    list_filter = ("standard",)
    inlines = (ItemInline,)


@admin.register(StandardItem)
class StandardItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "text", "category", "deduction_min", "deduction_max")
    list_select_related = ("category__standard",)
    list_filter = ("category__standard",)
    search_fields = ("code", "text")


@admin.register(VetoItem)
class VetoItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "text", "standard")
    list_select_related = ("standard",)
    list_filter = ("standard",)


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "organiser", "period_start", "period_end", "status", "seed", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("organiser",)
    search_fields = ("name",)


@admin.register(SampledFile)
class SampledFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("campaign", "position", "case", "organisation", "procedure", "stratum_population")
    list_select_related = ("campaign", "case", "organisation")
    list_filter = ("campaign",)


class DeductionInline(ReadOnlyInline):
    model = Deduction
    fields = ("item", "occurrences", "points_each", "points", "reason")
    readonly_fields = fields


class VetoFindingInline(ReadOnlyInline):
    model = VetoFinding
    fields = ("veto", "reason")
    readonly_fields = fields


class SheetEventInline(ReadOnlyInline):
    model = SheetEvent
    fields = ("at", "action", "actor", "note")
    readonly_fields = fields


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "campaign", "case", "reviewer", "status", "score", "grade", "completed_at")
    list_filter = ("status", "grade", "campaign")
    list_select_related = ("campaign", "case", "reviewer")
    inlines = (DeductionInline, VetoFindingInline, SheetEventInline)


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sheet", "source", "code", "item", "veto", "status")
    list_filter = ("source", "status")
    list_select_related = ("item", "veto")


@admin.register(Deduction)
class DeductionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sheet", "item", "occurrences", "points", "reason")
    list_select_related = ("item",)


@admin.register(VetoFinding)
class VetoFindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sheet", "veto", "reason")
    list_select_related = ("veto",)


@admin.register(CampaignEvent)
class CampaignEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("campaign", "seq", "at", "action", "actor_name")
    list_select_related = ("campaign",)


@admin.register(SheetEvent)
class SheetEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sheet", "at", "action", "actor")
    list_select_related = ("actor",)


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "organisation", "description", "due_on", "status", "done_at")
    list_filter = ("status",)
    list_select_related = ("case", "organisation")
