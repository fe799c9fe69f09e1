"""Admin for cases and their workflow records: all read-only, since every change to a case goes
through workflow.services. CaseFlow (the state-machine proxy of Case) is deliberately not registered."""

from __future__ import annotations

from django.contrib import admin

from casefiles.models import Case, CaseEvent, Deliberation, Hearing, LegalCheck, Meeting, Vote
from core.admin import ReadOnlyAdminMixin
from law.states import CaseState


def _state_label(value: str) -> str:
    return CaseState(value).label if value in CaseState.values else value


class CaseEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    ordering = ("seq",)
    fields = ("seq", "transition", "from_state_label", "to_state_label", "actor_name", "at", "opinion")
    readonly_fields = fields

    @admin.display(description="原状态")
    def from_state_label(self, event: CaseEvent) -> str:
        return _state_label(event.from_state)

    @admin.display(description="新状态")
    def to_state_label(self, event: CaseEvent) -> str:
        return _state_label(event.to_state)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "title", "organisation", "procedure", "state", "is_major", "current_deadline")
    list_filter = ("state", "procedure", "is_major", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("number", "title", "party__name")
    inlines = (CaseEventInline,)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "seq", "transition", "from_state", "to_state", "actor_name", "at")
    list_filter = ("transition",)
    list_select_related = ("case",)
    search_fields = ("case__number", "case__title", "actor_name")
    ordering = ("-at", "case_id", "seq")


@admin.register(LegalCheck)
class LegalCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "stage", "level", "organisation", "reviewer", "outcome", "concluded_at")
    list_filter = ("stage", "outcome", "level")
    list_select_related = ("case", "organisation", "reviewer")
    search_fields = ("case__number", "case__title")


@admin.register(Hearing)
class HearingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "requested_on", "hearing_date", "held_on", "hearing_officer")
    list_select_related = ("case", "hearing_officer")
    search_fields = ("case__number", "case__title")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("organisation", "held_at", "chair", "committee_size")
    list_filter = ("organisation",)
    list_select_related = ("organisation", "chair")


class VoteInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Vote
    extra = 0


@admin.register(Deliberation)
class DeliberationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case", "meeting", "concluded_at")
    list_select_related = ("case", "meeting__organisation")
    search_fields = ("case__number", "case__title")
    inlines = (VoteInline,)
