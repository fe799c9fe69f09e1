"""A workflow step as a web form.

The page renders the step's own Django form (workflow.forms — the one the service validates with),
so the field errors a person sees are the service's, in Chinese, next to the fields. Here we only
make it pleasant to fill in: date pickers, choices narrowed to the people who make sense, sensible
initial values, and editors for the structured inputs (the legal check's review points, the
committee's votes) that the form takes as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import organisation_policy, users_with_role
from casefiles.models import Case, LegalCheck, Meeting, Vote
from core.errors import DomainError
from law import periods
from law.findings import RESULT_LABELS, Finding
from law.penalties import Penalty
from web.forms import DateInput, DateTimeInput, UserChoice
from workflow.steps import BY_KEY, DEFAULT_CONCLUSION, Step, committee_of

STRUCTURED = ("points", "items_to_fix", "votes")
# The sitting of the committee (ConcludeForm): rendered in its own fieldset.
SITTING = ("meeting", "held_at", "chair", "attendees", "minutes")
PENALTY = ("warning", "fine", "confiscation", "suspension", "revocation", "closure")


def step_of(case: Case, code: str) -> Step | None:
    return BY_KEY.get((code, case.state))


@dataclass
class PointRow:
    code: str
    title: str
    result: str
    result_label: str
    detail: str
    conclusion: str
    comment: str


@dataclass
class VoteRow:
    member: User
    choice: str
    opinion: str


@dataclass
class StepPage:
    """What the step page shows besides the form: the editors' rows and the service's refusal."""

    points: list[PointRow] = field(default_factory=list)
    votes: list[VoteRow] = field(default_factory=list)
    items_to_fix: str = ""
    refusal: DomainError | None = None


def _local_today() -> date:
    return timezone.localdate()


def _initial(step: Step, case: Case) -> dict[str, Any]:
    today = _local_today()
    initial: dict[str, Any] = {}
    for name in ("served_on", "published_on", "paid_on", "statement_on", "requested_on", "notified_on"):
        initial[name] = today
    hearing = getattr(case, "hearing", None)
    if hearing is not None:
        # The scheduled day once it has come; a hearing is not recorded as held on a later day
        # than the one it is recorded on (workflow.services refuses it).
        initial["held_on"] = min(hearing.hearing_date, today) if hearing.hearing_date else today
        if hearing.notified_on:
            initial["notified_on"] = hearing.notified_on
        initial["hearing_date"] = hearing.hearing_date
        initial["place"] = hearing.place
        initial["hearing_officer"] = hearing.hearing_officer_id
    if "hearing_date" in step.form.base_fields and not initial.get("hearing_date"):
        policy = organisation_policy(organisation=case.organisation)
        initial["hearing_date"] = periods.earliest_hearing_date(notified_on=today, policy=policy)
    basis = Penalty.from_json(case.noticed_penalty or case.proposed_penalty)
    if "decision_kind" in step.form.base_fields:
        initial.update(
            decision_kind=Case.DecisionKind.PENALTY,
            warning=basis.warning,
            fine=basis.fine or None,
            confiscation=basis.confiscation or None,
            suspension=basis.suspension,
            revocation=basis.revocation,
            closure=basis.closure,
        )
    elif "fine" in step.form.base_fields:  # 当场处罚
        initial.update(warning=basis.warning, fine=basis.fine or None)
    if "outcome" in step.form.base_fields:
        fine = Penalty.from_json(case.decided_penalty).fine
        initial["outcome"] = Case.ExecutionOutcome.PAID if fine else Case.ExecutionOutcome.NOTHING_TO_PAY
        initial["paid_amount"] = fine or None
    if "held_at" in step.form.base_fields:
        initial["held_at"] = timezone.localtime().replace(second=0, microsecond=0)
    return initial


def _open_meetings(case: Case) -> Any:
    """Recorded sittings with this case on the agenda that have not concluded it yet."""
    return (
        Meeting.objects.filter(organisation=case.organisation, cases=case)
        .exclude(deliberations__case=case)
        .select_related("chair")
        .order_by("-held_at")
    )


def committee(case: Case) -> Any:
    return User.objects.filter(pk__in=committee_of(case.organisation)).order_by("username")


def build_form(step: Step, case: Case, data: dict[str, Any] | None = None) -> forms.Form:
    """The step's own form class, bound or with initial values, dressed for the page."""
    form = step.form(data=data, initial=None if data is not None else _initial(step, case), label_suffix="")
    for name, f in form.fields.items():
        if isinstance(f, forms.DateTimeField):
            f.widget = DateTimeInput()
        elif isinstance(f, forms.DateField):
            f.widget = DateInput()
        elif isinstance(f.widget, forms.Textarea):
            f.widget.attrs["rows"] = 3
        if name == "hearing_officer":
            # 听证主持人: an officer of the organisation who does not handle the case (Art. 64).
            f.queryset = (
                users_with_role(role=Role.OFFICER, organisation=case.organisation)
                .exclude(pk__in=case.officers.values_list("pk", flat=True))
                .order_by("username")
            )
            f.label_from_instance = UserChoice.label_from_instance.__get__(f)
        elif name == "meeting":
            f.queryset = _open_meetings(case)
            f.empty_label = "（不选：本次会议只讨论本案，在下方登记）"
        elif name == "chair":
            heads = users_with_role(role=Role.AGENCY_HEAD, organisation=case.organisation)
            f.queryset = User.objects.filter(
                pk__in=[*heads.values_list("pk", flat=True), *committee_of(case.organisation)]
            ).order_by("username")
            f.empty_label = "（本人）"
        elif name == "attendees":
            f.widget = forms.CheckboxSelectMultiple()
            f.queryset = committee(case)  # also gives the new widget its choices
    return form


def findings_rows(findings: list[Finding], post: QueryDict | None) -> list[PointRow]:
    rows = []
    for f in findings:
        default = DEFAULT_CONCLUSION[f.result]
        rows.append(
            PointRow(
                code=f.code,
                title=f.title,
                result=f.result,
                result_label=RESULT_LABELS[f.result],
                detail=f.detail,
                conclusion=(post.get(f"point-{f.code}") if post else None) or default,
                comment=(post.get(f"point-{f.code}-comment") if post else "") or "",
            )
        )
    return rows


def vote_rows(case: Case, post: QueryDict | None) -> list[VoteRow]:
    return [
        VoteRow(
            member=m,
            choice=(post.get(f"vote-{m.pk}") if post else "") or "",
            opinion=(post.get(f"vote-{m.pk}-opinion") if post else "") or "",
        )
        for m in committee(case)
    ]


def data_from_post(step: Step, post: QueryDict, findings: list[Finding]) -> dict[str, Any]:
    """The data the service takes (as the API would send it), from the page's fields."""
    form = step.form()
    data: dict[str, Any] = {}
    for name, f in form.fields.items():
        if name in STRUCTURED:
            continue
        if isinstance(f, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
            data[name] = post.getlist(name)
        elif isinstance(f, forms.BooleanField):
            data[name] = post.get(name) in ("on", "true", "1", "True")
        elif name in post:
            data[name] = post.get(name)
    if "points" in form.fields:
        # Only the points the reviewer judged differently from the automatic finding, or commented on:
        # the others take the finding's conclusion (workflow.steps.opinion_points).
        points = []
        for f in findings:
            conclusion = post.get(f"point-{f.code}") or DEFAULT_CONCLUSION[f.result]
            comment = (post.get(f"point-{f.code}-comment") or "").strip()
            if conclusion != DEFAULT_CONCLUSION[f.result] or comment:
                points.append({"code": f.code, "conclusion": conclusion, "comment": comment})
        data["points"] = points
    if "items_to_fix" in form.fields:
        data["items_to_fix"] = [
            line.strip() for line in (post.get("items_to_fix_text") or "").splitlines() if line.strip()
        ]
    if "votes" in form.fields:
        votes = {}
        for key, choice in post.items():
            if key.startswith("vote-") and not key.endswith("-opinion") and choice:
                member = key.removeprefix("vote-")
                votes[member] = {"choice": choice, "opinion": post.get(f"vote-{member}-opinion", "")}
        data["votes"] = votes
    return data


CONCLUSION_CHOICES = LegalCheck.Conclusion.choices
VOTE_CHOICES = Vote.Choice.choices
