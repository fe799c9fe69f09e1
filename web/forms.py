"""Forms of the pages that are not a workflow step (the steps render workflow.forms, see web.steps).

They only shape input for the services: every rule that matters (roles, scope, guards) is enforced
by the service the view calls, and its refusal is shown on the form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.policy import AvActivity
from accounts.roles import Role
from casefiles.models import BenchmarkLevel, Case, Evidence, Party, ViolationType
from casefiles.services import PartyRef
from law.penalties import Penalty
from law.states import CaseState

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class WebForm(forms.Form):
    """Labels without Django's ASCII colon: the Chinese pages put the label above the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


TRISTATE = [("", "全部"), ("1", "是"), ("0", "否")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj}（{obj.username}）"


class UserMultipleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj}（{obj.username}）"


def officers_of(organisations: Any) -> Any:
    return (
        User.objects.filter(
            organisation__in=organisations, role_assignments__role=Role.OFFICER, is_active=True
        )
        .distinct()
        .order_by("organisation__path", "username")
    )


# --- the case list -------------------------------------------------------------------------------------


class CaseFilterForm(WebForm):
    q = forms.CharField(label="搜索", required=False, max_length=100)
    state = forms.MultipleChoiceField(
        label="状态",
        required=False,
        choices=CaseState.choices,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    organisation = forms.ModelChoiceField(
        label="机构（含下级）", required=False, queryset=Organisation.objects.none(), empty_label="全部"
    )
    year = forms.IntegerField(label="立案年度", required=False, min_value=1990, max_value=2100)
    procedure = forms.ChoiceField(
        label="程序", required=False, choices=[("", "全部"), *Case.Procedure.choices]
    )
    major = forms.TypedChoiceField(
        label="重大案件", required=False, choices=TRISTATE, coerce=int, empty_value=None
    )
    overdue = forms.TypedChoiceField(
        label="超期", required=False, choices=TRISTATE, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.fields["q"].widget.attrs["placeholder"] = "案号、当事人或案由"


# --- party, inspection and a new case ---------------------------------------------------------------------

PARTY_FIELDS = (
    "party_kind",
    "party_name",
    "party_credit_code",
    "party_id_number",
    "party_legal_representative",
    "party_address",
    "party_phone",
)


class PartyFields(WebForm):
    """当事人: entered inline; an entity already known by its credit code is reused (party_create)."""

    party_kind = forms.ChoiceField(label="当事人类型", choices=Party.Kind.choices, initial=Party.Kind.ENTITY)
    party_name = forms.CharField(label="当事人名称/姓名", max_length=200)
    party_credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    party_id_number = forms.CharField(label="身份证号码", max_length=18, required=False)
    party_legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    party_address = forms.CharField(label="地址", max_length=200, required=False)
    party_phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def party_values(self) -> dict[str, str]:
        data = self.cleaned_data
        return {name.removeprefix("party_"): (data.get(name) or "").strip() for name in PARTY_FIELDS} | {
            "kind": data["party_kind"]
        }

    def party_ref(self, reuse: Party | None = None) -> PartyRef:
        """The party the form describes, for the service to resolve in its own transaction: the one it
        was prefilled from when its identity is unchanged, else a new one (an entity already known by
        its credit code is reused by party_create)."""
        values = self.party_values()
        if reuse is not None and all(
            getattr(reuse, key) == values[key] for key in ("kind", "name", "credit_code", "id_number")
        ):
            return PartyRef(id=reuse.pk)
        return PartyRef(fields=values)

    @staticmethod
    def initial_from(party: Party | None) -> dict[str, str]:
        if party is None:
            return {}
        return {
            "party_kind": party.kind,
            "party_name": party.name,
            "party_credit_code": party.credit_code,
            "party_id_number": party.id_number,
            "party_legal_representative": party.legal_representative,
            "party_address": party.address,
            "party_phone": party.phone,
        }


class InspectionForm(PartyFields):
    organisation = forms.ModelChoiceField(label="检查机构", queryset=Organisation.objects.none())
    inspected_on = forms.DateField(label="检查日期", widget=DateInput)
    officers = UserMultipleChoice(
        label="检查人员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    violations_found = forms.IntegerField(label="发现违法行为条数", min_value=0, max_value=100000, initial=0)
    rectification_order = forms.BooleanField(label="已下达责令限期整改", required=False)
    documents_issued = forms.IntegerField(label="制发文书数", min_value=0, max_value=100000, initial=0)
    notes = forms.CharField(
        label="检查情况", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )

    field_order = ["organisation", "inspected_on", *PARTY_FIELDS, "officers"]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.fields["officers"].queryset = officers_of(organisations)
        self.fields["inspected_on"].initial = timezone.localdate()


class CaseCreateForm(PartyFields):
    organisation = forms.ModelChoiceField(label="办案机构", queryset=Organisation.objects.none())
    procedure = forms.ChoiceField(
        label="程序", choices=Case.Procedure.choices, initial=Case.Procedure.GENERAL
    )
    origin = forms.ChoiceField(label="案件来源", choices=Case.Origin.choices, initial=Case.Origin.INSPECTION)
    title = forms.CharField(label="案由", max_length=200)
    violation_type = forms.ModelChoiceField(
        label="违法行为", required=False, queryset=ViolationType.objects.none(), empty_label="（暂不选择）"
    )
    facts = forms.CharField(
        label="违法事实", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=50000
    )
    officers = UserMultipleChoice(
        label="承办人员（至少两名持证人员）",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["organisation", "procedure", "origin", "title", *PARTY_FIELDS]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.fields["officers"].queryset = officers_of(organisations)
        self.fields["violation_type"].queryset = ViolationType.objects.filter(active=True).order_by("code")


class CaseDetailsForm(PartyFields):
    """修改案情 while drafting or investigating (workflow.services.case_update_details)."""

    title = forms.CharField(label="案由", max_length=200)
    facts = forms.CharField(
        label="违法事实", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=50000
    )
    violation_type = forms.ModelChoiceField(
        label="违法行为", required=False, queryset=ViolationType.objects.none(), empty_label="（未选择）"
    )
    severity = forms.ChoiceField(
        label="裁量阶次", required=False, choices=[("", "（未选择）"), *BenchmarkLevel.Severity.choices]
    )
    complex = forms.BooleanField(label="疑难复杂", required=False)
    warning = forms.BooleanField(label="拟警告", required=False)
    fine = forms.DecimalField(label="拟罚款（元）", required=False, **MONEY)
    confiscation = forms.DecimalField(label="拟没收违法所得（元）", required=False, **MONEY)
    suspension = forms.BooleanField(label="拟责令停产停业", required=False)
    revocation = forms.BooleanField(label="拟吊销许可证", required=False)
    closure = forms.BooleanField(label="拟责令关闭", required=False)
    officers = UserMultipleChoice(
        label="承办人员", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    criminal_suspicion = forms.BooleanField(label="涉嫌犯罪（须移送）", required=False)
    criminal_suspicion_note = forms.CharField(
        label="涉嫌犯罪情况", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    PENALTY = ("warning", "fine", "confiscation", "suspension", "revocation", "closure")
    PLAIN = ("title", "facts", "violation_type", "severity", "complex", "criminal_suspicion")

    def __init__(self, *args: Any, case: Case, organisations: Any, **kwargs: Any) -> None:
        penalty = Penalty.from_json(case.proposed_penalty)
        kwargs.setdefault(
            "initial",
            {
                **self.initial_from(case.party),
                "title": case.title,
                "facts": case.facts,
                "violation_type": case.violation_type_id,
                "severity": case.severity,
                "complex": case.complex,
                "warning": penalty.warning,
                "fine": penalty.fine or None,
                "confiscation": penalty.confiscation or None,
                "suspension": penalty.suspension,
                "revocation": penalty.revocation,
                "closure": penalty.closure,
                "officers": list(case.officers.all()),
                "criminal_suspicion": case.criminal_suspicion,
                "criminal_suspicion_note": case.criminal_suspicion_note,
                "expected_version": case.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["violation_type"].queryset = ViolationType.objects.filter(active=True).order_by("code")
        self.fields["officers"].queryset = officers_of(organisations)
        for name in PARTY_FIELDS:
            self.fields[name].required = name in ("party_kind",)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        party_changed = any(name in self.changed_data for name in PARTY_FIELDS)
        if party_changed and not (data.get("party_name") or "").strip():
            self.add_error("party_name", "请填写当事人名称或姓名")
        return data

    def party_changed(self) -> bool:
        return any(name in self.changed_data for name in PARTY_FIELDS)

    def changes(self) -> dict[str, Any]:
        """Only what the handler changed: the history records exactly that."""
        data = self.cleaned_data
        changed = set(self.changed_data)
        out: dict[str, Any] = {name: data[name] for name in self.PLAIN if name in changed}
        if "criminal_suspicion_note" in changed or "criminal_suspicion" in changed:
            out["criminal_suspicion_note"] = data["criminal_suspicion_note"]
        if "officers" in changed:
            out["officers"] = list(data["officers"])
        if changed & set(self.PENALTY):
            out["proposed_penalty"] = Penalty(
                warning=bool(data.get("warning")),
                fine=data.get("fine") or Decimal("0"),
                confiscation=data.get("confiscation") or Decimal("0"),
                suspension=bool(data.get("suspension")),
                revocation=bool(data.get("revocation")),
                closure=bool(data.get("closure")),
            )
        return out


class ActivityForm(WebForm):
    kind = forms.ChoiceField(label="执法活动", choices=AvActivity.CHOICES)
    occurred_at = forms.DateTimeField(label="时间", widget=DateTimeInput)
    place = forms.CharField(label="地点", max_length=200, required=False)
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


# --- evidence ---------------------------------------------------------------------------------------------


class EvidenceMetaForm(WebForm):
    """The metadata of an upload. The page's script sends it to the resumable-upload API; without the
    script the form posts the file itself (web.evidence_views)."""

    title = forms.CharField(label="证据名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=Evidence.Kind.choices)
    category = forms.ChoiceField(
        label="类别", choices=Evidence.Category.choices, initial=Evidence.Category.CASE_EVIDENCE
    )
    activity = forms.ChoiceField(label="对应执法活动（音像记录清单）", required=False)
    captured_at = forms.DateTimeField(label="拍摄/采集时间", required=False, widget=DateTimeInput)
    device = forms.CharField(label="设备", max_length=100, required=False)
    duration_seconds = forms.IntegerField(label="时长（秒）", required=False, min_value=0, max_value=10**7)
    file = forms.FileField(label="文件")

    def __init__(self, *args: Any, activities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", "（不对应执法活动）")] + [
            (
                str(a.pk),
                f"{a.get_kind_display()} {timezone.localtime(a.occurred_at):%Y-%m-%d %H:%M} {a.place}",
            )
            for a in activities
        ]


# --- documents ----------------------------------------------------------------------------------------------


class NotApplicableForm(WebForm):
    requirement = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="不适用的理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentUploadForm(WebForm):
    requirement = forms.ChoiceField(label="文书")
    number = forms.CharField(label="文号", max_length=60, required=False)
    issued_on = forms.DateField(label="文书日期", required=False, widget=DateInput)
    file = forms.FileField(label="签字扫描件（PDF、JPEG 或 PNG）")

    def __init__(self, *args: Any, requirements: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = requirements


# --- committee sitting ----------------------------------------------------------------------------------------


class MeetingForm(WebForm):
    """案审委员会会议: one sitting with several cases on its agenda (workflow.services.meeting_record)."""

    organisation = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none())
    held_at = forms.DateTimeField(label="会议时间", widget=DateTimeInput)
    chair = UserChoice(label="主持人", queryset=User.objects.none(), required=False, empty_label="（本人）")
    invited = UserMultipleChoice(
        label="通知参会委员",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = UserMultipleChoice(
        label="出席委员", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    cases = forms.ModelMultipleChoiceField(
        label="议题案件（待集体讨论）",
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)

    def __init__(
        self, *args: Any, organisations: Any, committee: Any, chairs: Any, cases: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("path")
        self.fields["chair"].queryset = chairs
        self.fields["invited"].queryset = committee
        self.fields["attendees"].queryset = committee
        self.fields["cases"].queryset = cases
        self.fields["held_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
