"""Admin for the case file. Everything written by workflow.services (with a history row beside it)
is shown read-only here; Case itself is registered in workflow/admin.py, next to its history inline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from casefiles.catalogue.services import (
    LevelSpec,
    benchmark_period_problems,
    benchmark_predecessor_close,
    level_problems,
    violation_type_basis_refresh,
)
from casefiles.catalogue.values import Envelope, range_text
from casefiles.models import (
    BenchmarkLevel,
    BlacklistEntry,
    CaseActivity,
    CustodyEvent,
    DiscretionBenchmark,
    Evidence,
    Inspection,
    Law,
    Litigation,
    NumberSequence,
    Party,
    Reconsideration,
    Transfer,
    UploadSession,
    ViolationArticle,
    ViolationType,
)
from core.admin import ReadOnlyAdminMixin


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "credit_code", "legal_representative", "phone")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code", "id_number")
    ordering = ("name",)


# --- the violation catalogue: the admin asks casefiles.catalogue.services the same questions as the imports


def _levels_of(forms: list[ModelForm]) -> list[LevelSpec]:
    return [
        LevelSpec(
            severity=data["severity"],
            conditions=data.get("conditions") or "",
            measures=data.get("measures") or "",
            fine_min=data.get("fine_min"),
            fine_max=data.get("fine_max"),
            allows_no_penalty=bool(data.get("allows_no_penalty")),
        )
        for form in forms
        if (data := getattr(form, "cleaned_data", None)) and not data.get("DELETE") and data.get("severity")
    ]


@admin.register(Law)
class LawAdmin(admin.ModelAdmin):
    list_display = ("__str__", "revision", "effective_on")
    search_fields = ("name",)


class ViolationArticleFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        roles = {
            form.cleaned_data["role"]
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        }
        vt: ViolationType = self.instance
        missing = [
            label
            for role, label, text in (
                ("legal", "违法依据", vt.legal_basis),
                ("penalty", "处罚依据", vt.penalty_basis),
            )
            if role not in roles and not (text or "").strip()
        ]
        if missing:
            raise ValidationError(
                f"请填写{'和'.join(missing)}：在“条款引用”中逐条添加（推荐），或在上方{'、'.join(missing)}栏中填写文字"
            )


class ViolationArticleInline(admin.TabularInline):
    model = ViolationArticle
    formset = ViolationArticleFormSet
    fields = ("role", "position", "law", "article", "paragraph", "item")
    autocomplete_fields = ("law",)
    extra = 0


class DiscretionBenchmarkInline(admin.TabularInline):
    """The versions, read-only here: a version is added or edited with its levels on its own page."""

    model = DiscretionBenchmark
    fields = ("effective_from", "effective_to", "document_title", "document_number", "levels_text")
    readonly_fields = fields
    ordering = ("-effective_from",)
    show_change_link = True
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="裁量阶次")
    def levels_text(self, obj: DiscretionBenchmark) -> str:
        return "；".join(
            f"{lv.get_severity_display()}：{range_text(lv.fine_min, lv.fine_max)}" for lv in obj.levels.all()
        )


class ViolationTypeForm(ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is None or self.errors:
            return data
        # Narrowing the statutory range must not leave a benchmark level outside it.
        proposed = ViolationType(**{f: data.get(f) for f in ("fine_min", "fine_max", "overdue_fine_max")})
        envelope = Envelope.of(proposed)
        problems = []
        for benchmark in self.instance.benchmarks.prefetch_related("levels"):
            for problem in level_problems(envelope=envelope, levels=_levels_of_rows(benchmark.levels.all())):
                problems.append(f"自 {benchmark.effective_from} 起的裁量基准：{problem.message}")
        if problems:
            raise ValidationError(problems)
        return data


def _levels_of_rows(levels: Any) -> list[LevelSpec]:
    return [
        LevelSpec(lv.severity, lv.conditions, lv.measures, lv.fine_min, lv.fine_max, lv.allows_no_penalty)
        for lv in levels
    ]


@admin.register(ViolationType)
class ViolationTypeAdmin(admin.ModelAdmin):
    form = ViolationTypeForm
    list_display = ("code", "name", "domain", "penalty_basis", "fine_min", "fine_max", "active")
    list_filter = ("active", "domain", "subject")
    search_fields = ("code", "name", "legal_basis", "penalty_basis")
    inlines = (ViolationArticleInline, DiscretionBenchmarkInline)
    readonly_fields = ("add_benchmark",)
    fieldsets = (
        (None, {"fields": ("code", "name", "domain", "subject", "active")}),
        ("违法依据与处罚依据", {"fields": ("legal_basis", "penalty_basis")}),
        (
            "法定处罚",
            {
                "fields": (
                    "statutory_penalty",
                    ("fine_min", "fine_max"),
                    ("overdue_fine_min", "overdue_fine_max"),
                    ("person_fine_min", "person_fine_max"),
                    ("allows_warning", "allows_suspension", "allows_revocation", "allows_closure"),
                )
            },
        ),
        ("自由裁量基准", {"fields": ("add_benchmark",)}),
    )

    @admin.display(description="新增版本")
    def add_benchmark(self, obj: ViolationType) -> str:
        if obj.pk is None:
            return "保存后可新增裁量基准版本"
        link = reverse("admin:casefiles_discretionbenchmark_add") + f"?violation_type={obj.pk}"
        return format_html('<a href="{}">新增裁量基准版本（修订）</a>', link)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        violation_type_basis_refresh(violation_type=form.instance)


class BenchmarkLevelFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.violation_type_id is None:
            return
        problems = level_problems(
            envelope=Envelope.of(self.instance.violation_type), levels=_levels_of(self.forms)
        )
        if problems:
            raise ValidationError([p.message for p in problems])


class BenchmarkLevelInline(admin.TabularInline):
    model = BenchmarkLevel
    formset = BenchmarkLevelFormSet
    fields = ("severity", "conditions", "measures", "fine_min", "fine_max", "allows_no_penalty")
    extra = 0


class DiscretionBenchmarkForm(ModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        vt, start, end = data.get("violation_type"), data.get("effective_from"), data.get("effective_to")
        if vt is not None and start is not None and (end is None or end >= start):
            problems = benchmark_period_problems(
                violation_type=vt, effective_from=start, effective_to=end, exclude_pk=self.instance.pk
            )
            if problems:
                raise ValidationError([p.message for p in problems])
        return data


@admin.register(DiscretionBenchmark)
class DiscretionBenchmarkAdmin(admin.ModelAdmin):
    form = DiscretionBenchmarkForm
    inlines = (BenchmarkLevelInline,)
    list_display = ("violation_type", "effective_from", "effective_to", "document_title", "document_number")
    list_filter = ("violation_type__domain",)
    list_select_related = ("violation_type",)
    search_fields = ("violation_type__code", "violation_type__name", "document_title", "document_number")
    autocomplete_fields = ("violation_type",)
    date_hierarchy = "effective_from"

    def save_model(
        self, request: HttpRequest, obj: DiscretionBenchmark, form: ModelForm, change: bool
    ) -> None:
        if not change:
            # A new version is a revision: the open one before it ends the day before (as on import).
            benchmark_predecessor_close(violation_type=obj.violation_type, effective_from=obj.effective_from)
        super().save_model(request, obj, form, change)


@admin.register(ViolationArticle)
class ViolationArticleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Edited inline on its violation type (which re-derives the basis text); here to search across them,
    # e.g. every violation punished under 第九十七条.
    list_display = ("violation_type", "role", "__str__")
    list_filter = ("role", "law", "article")
    list_select_related = ("violation_type", "law")
    search_fields = ("violation_type__code", "violation_type__name", "law__name")


@admin.register(BenchmarkLevel)
class BenchmarkLevelAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Edited inline on its benchmark version, where the whole set of levels is checked together.
    list_display = ("benchmark", "severity", "fine_min", "fine_max", "allows_no_penalty")
    list_filter = ("severity", "allows_no_penalty")
    list_select_related = ("benchmark__violation_type",)
    search_fields = ("benchmark__violation_type__code", "benchmark__violation_type__name", "conditions")


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
