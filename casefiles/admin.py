"""Admin for the case file. Everything written by workflow.services (with a history row beside it)
is shown read-only here; Case itself is registered in workflow/admin.py, next to its history inline."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from casefiles.models import (
    BlacklistEntry,
    CaseActivity,
    CustodyEvent,
    Evidence,
    Inspection,
    Litigation,
    NumberSequence,
    Party,
    Reconsideration,
    Transfer,
    UploadSession,
    ViolationType,
)


class ReadOnlyAdminMixin:
    """View only: these rows are written by the services (or are immutable records)."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "legal_representative", "phone")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code", "id_number")
    ordering = ("name",)


@admin.register(ViolationType)
class ViolationTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "fine_min", "fine_max", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "legal_basis", "penalty_basis")


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("inspected_on", "party", "organisation", "violations_found", "rectification_order")
    list_filter = ("organisation", "rectification_order")
    list_select_related = ("party", "organisation")
    search_fields = ("party__name", "party__credit_code")
    date_hierarchy = "inspected_on"
    autocomplete_fields = ("organisation", "party", "officers")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: Inspection, form: ModelForm, change: bool) -> None:
        if not change:
            obj.created_by = request.user
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(CaseActivity)
class CaseActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "kind", "occurred_at", "place", "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__number", "case__title", "place")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "case", "kind", "status", "size_bytes", "captured_at", "verified_at")
    list_filter = ("kind", "status")
    list_select_related = ("case",)
    search_fields = ("title", "sha256", "case__number", "case__title")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "authority_kind", "authority_name", "persons", "transferred_at")
    list_filter = ("authority_kind",)
    list_select_related = ("case",)
    search_fields = ("case__number", "authority_name")


@admin.register(Reconsideration)
class ReconsiderationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "filed_on", "authority", "outcome", "decided_on")
    list_filter = ("outcome",)
    list_select_related = ("case",)
    search_fields = ("case__number", "authority")


@admin.register(Litigation)
class LitigationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "filed_on", "court", "outcome", "decided_on")
    list_filter = ("outcome",)
    list_select_related = ("case",)
    search_fields = ("case__number", "court")


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("party", "case", "listed_on", "removed_on")
    list_select_related = ("party", "case")
    search_fields = ("party__name", "party__credit_code", "case__number")


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Gap-free numbering drawn under a row lock by casefiles.services.number_next; never edited by hand.
    list_display = ("organisation", "year", "kind", "last")
    list_filter = ("year", "kind")
    list_select_related = ("organisation",)


@admin.register(UploadSession)
class UploadSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("evidence", "created_by", "created_at", "expires_at", "closed_at")
    list_select_related = ("evidence", "created_by")


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("evidence", "seq", "action", "actor_name", "at", "client_address")
    list_filter = ("action",)
    list_select_related = ("evidence",)
    search_fields = ("evidence__title", "actor_name", "client_address")
