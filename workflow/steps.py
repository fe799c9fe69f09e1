"""The transition table of SPEC §4, as data: one row per (transition, source state).

Each row names the role that may fire it, whether the actor must be a handler of the case
(officer steps) or must not be one (review steps — 审查与办案分离), the input form, the guards,
and what the step records. workflow.machine builds the django-fsm transitions from this table,
and workflow.services fires them; nothing else changes a case's state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django import forms as django_forms
from django.utils import timezone

from accounts.models import Organisation
from accounts.policy import AvActivity
from accounts.roles import Role
from casefiles.models import (
    Case,
    CaseActivity,
    CaseEvent,
    Deliberation,
    Hearing,
    LegalCheck,
    Meeting,
    Transfer,
    Vote,
)
from casefiles.services import format_case_number, number_next
from core.dates import local_date
from core.errors import InvalidInput, Reason
from documents.services import casefile_queue, documents_issue
from law import periods
from law.findings import FAIL, PASS, WARNING, Finding
from law.penalties import Penalty
from law.predicates import is_major
from law.states import BEFORE_DECISION, CaseState
from workflow import forms, guards
from workflow.context import StepContext
from workflow.precheck import run_precheck

S = CaseState
HANDLER, REVIEWER = "handler", "reviewer"

Apply = Callable[[Case, StepContext, dict[str, Any]], None]
Router = Callable[[Case, StepContext], str]


def _nothing(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True)
class Step:
    code: str
    source: str
    target: str | None  # None: stays in the same state (records something)
    role: str
    label: str
    actor: str = HANDLER
    form: type[django_forms.Form] = forms.StepForm
    guards: tuple[guards.Guard, ...] = ()
    apply: Apply = _nothing
    router: Router | None = None  # chooses the target among `targets`
    targets: tuple[str, ...] = ()
    changes: tuple[str, ...] = field(default=())  # case fields this step writes

    @property
    def possible_targets(self) -> tuple[str, ...]:
        return self.targets or ((self.target,) if self.target else (self.source,))


# --- the documents a step issues (documents.catalogue) ---------------------------------------------------


def issuing(apply: Apply, *doc_types: str, into: str | None = None, router: Router | None = None) -> Apply:
    """The step issues these documents, numbered and filled from the case as the step recorded it, in
    the transition's own transaction (a refused or failed step issues nothing and gives its 文号
    back). `into`: only when the step moves the case into that state (the notice is issued when the
    case reaches the notice stage)."""

    def wrapped(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
        apply(case, ctx, data)
        if into is not None and router is not None and router(case, ctx) != into:
            return
        documents_issue(case=case, ctx=ctx, doc_types=doc_types, data=data)

    wrapped.__name__ = getattr(apply, "__name__", "apply")
    return wrapped


def archive_and_file(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    """归档: the electronic case file is assembled once the archiving commits (a task: LibreOffice
    takes seconds, and the case row must not stay locked that long)."""
    archive(case, ctx, data)
    casefile_queue(case_id=case.pk)


# --- what steps record ------------------------------------------------------------------------------


def _local_noon(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def approve_filing(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    year = ctx.today.year
    case.year = year
    case.seq = number_next(organisation=case.organisation, year=year, kind="case")
    case.number = format_case_number(organisation=case.organisation, year=year, seq=case.seq)
    case.filed_at = ctx.now
    case.decision_deadline = periods.decision_deadline(filed_on=ctx.today, policy=ctx.policy, extended=False)


def transfer(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    Transfer.objects.create(
        case=case,
        authority_kind=data["authority_kind"],
        authority_name=data["authority_name"],
        persons=data["persons"] or 0,
        reason=data["opinion"],
        transferred_at=ctx.now,
    )


def mark_major(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    case.is_major = is_major(case, ctx.policy)


def route_after_initial_review(case: Case, ctx: StepContext) -> str:
    return S.PRE_NOTICE_CHECK if case.is_major else S.NOTICE


def route_after_notice(case: Case, ctx: StepContext) -> str:
    return S.PRE_DECISION_CHECK if case.is_major or ctx.policy.check_every_case else S.PENDING_DECISION


def route_after_pre_decision_check(case: Case, ctx: StepContext) -> str:
    return S.DELIBERATION if case.is_major else S.PENDING_DECISION


# --- legal check (法制审核), one or two levels --------------------------------------------------------

STAGE_OF_STATE = {
    S.PRE_NOTICE_CHECK: LegalCheck.Stage.PRE_NOTICE,
    S.PRE_DECISION_CHECK: LegalCheck.Stage.PRE_DECISION,
}


def two_level_review_applies(case: Case, ctx: StepContext) -> bool:
    """§2 两级法制审核: a street's case is checked at the street, then again at its district."""
    return ctx.policy.two_level_review and case.organisation.level == Organisation.Level.STREET


def legal_check_level_due(case: Case, ctx: StepContext) -> int:
    """1 until the street has approved in this round of the check (since the case last entered
    the check state — a return starts a new round), then 2."""
    if not two_level_review_applies(case, ctx):
        return 1
    entered = (
        CaseEvent.objects.filter(case=case, to_state=case.state)
        .exclude(from_state=case.state)
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )
    first_level_done = LegalCheck.objects.filter(
        case=case,
        stage=STAGE_OF_STATE[case.state],
        level=1,
        outcome=LegalCheck.Outcome.APPROVED,
        **({"concluded_at__gte": entered} if entered else {}),
    ).exists()
    return 2 if first_level_done else 1


def legal_reviewer_at_due_level(case: Case, ctx: StepContext) -> Reason | None:
    if not two_level_review_applies(case, ctx):
        return None
    org = ctx.actor.organisation
    if legal_check_level_due(case, ctx) == 1:
        if org is None or org.pk != case.organisation_id:
            return Reason(
                "first_level_review_due",
                f"两级法制审核：须先由{case.organisation.name}的法制审核人员审核",
            )
        return None
    if org is None or org.pk == case.organisation_id or org.pk not in case.organisation.ancestor_ids():
        parent = case.organisation.parent.name if case.organisation.parent_id else "上级机构"
        return Reason(
            "second_level_review_due",
            f"两级法制审核：{case.organisation.name}已审核同意，须由{parent}法制审核人员复核",
        )
    return None


# The case's flag an approving check of each stage turns on (casefiles.Case.pre_notice_approved).
APPROVED_FLAG = {
    LegalCheck.Stage.PRE_NOTICE: "pre_notice_approved",
    LegalCheck.Stage.PRE_DECISION: "pre_decision_approved",
}


def _legal_check(stage: str, outcome: str) -> Apply:
    def apply(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
        findings = run_precheck(case, ctx)
        ctx.scratch["findings"] = findings
        points = opinion_points(findings, data.get("points") or [])
        ctx.scratch["points"] = points
        items = data.get("items_to_fix") or [
            f"{p['title']}：{p['comment']}"
            for p in points
            if p["conclusion"] == LegalCheck.Conclusion.NONCONFORMING
        ]
        level = legal_check_level_due(case, ctx)
        LegalCheck.objects.create(
            case=case,
            stage=stage,
            level=level,
            organisation=ctx.actor.organisation or case.organisation,
            reviewer=ctx.actor,
            outcome=outcome,
            opinion=data["opinion"],
            findings=[f.as_dict() for f in findings],
            points=points,
            items_to_fix=items if outcome == LegalCheck.Outcome.RETURNED else [],
            override_reason=data.get("override_reason", ""),
            concluded_at=ctx.now,
        )
        if outcome == LegalCheck.Outcome.APPROVED:
            # Saved with the transition (services._save); read by the double-check figure.
            setattr(case, APPROVED_FLAG[stage], True)
        if outcome == LegalCheck.Outcome.RETURNED:
            reset_for_return(case, ctx, data)
        elif level == 1 and two_level_review_applies(case, ctx):
            ctx.scratch["awaiting_second_level"] = True  # stays in the check for the district
        else:
            mark_major(case, ctx, data)

    return apply


DEFAULT_CONCLUSION = {
    PASS: LegalCheck.Conclusion.CONFORMS,
    WARNING: LegalCheck.Conclusion.ATTENTION,
    FAIL: LegalCheck.Conclusion.NONCONFORMING,
}


def opinion_points(findings: list[Finding], given: list[dict[str, str]]) -> list[dict[str, str]]:
    """The opinion's review points: every pre-check point, with the reviewer's conclusion and
    comment where he gave one, otherwise the automatic finding's."""
    by_code = {p["code"]: p for p in given}
    points = []
    for f in findings:
        mine = by_code.get(f.code)
        points.append(
            {
                "code": f.code,
                "title": f.title,
                "finding": f.result,
                "finding_detail": f.detail,
                "conclusion": mine["conclusion"] if mine else DEFAULT_CONCLUSION[f.result],
                "comment": (mine["comment"] if mine and mine["comment"] else f.detail),
                "by_reviewer": bool(mine),
            }
        )
    return points


def _after_legal_check(then: Router) -> Router:
    def route(case: Case, ctx: StepContext) -> str:
        return case.state if ctx.scratch.get("awaiting_second_level") else then(case, ctx)

    return route


def route_to_notice(case: Case, ctx: StepContext) -> str:
    return S.NOTICE


@guards.input_guard
def precheck_failures_explained(case: Case, ctx: StepContext) -> Reason | None:
    """SPEC §7: a reviewer may approve over a failed pre-check item only with a written reason."""
    failed = [f"{f.title}：{f.detail}" for f in ctx.scratch.get("findings", []) if f.result == FAIL]
    failed += [
        f"{p['title']}：{p['comment']}"
        for p in ctx.scratch.get("points", [])
        if p["conclusion"] == LegalCheck.Conclusion.NONCONFORMING and p["finding"] != FAIL
    ]
    if failed and not (ctx.data or {}).get("override_reason", "").strip():
        return Reason(
            "precheck_fail_unexplained",
            f"有不通过（不符合）的审核要点，须写明同意的理由：{'；'.join(failed)}",
        )
    return None


def reset_for_return(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    # A returned case goes back to investigation: a new notice must be served afterwards.
    case.noticed_penalty = None
    case.notice_served_on = None
    case.statement_on = None
    case.statement_waived = False
    case.statement = ""


def serve_notice(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    case.notice_served_on = data["served_on"]
    case.noticed_penalty = Penalty.from_json(case.proposed_penalty).to_json()
    if data["method"] in (Case.ServiceMethod.LEAVE, Case.ServiceMethod.ANNOUNCEMENT):
        _record_service_activity(case, ctx, data)


def record_statement(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    case.statement_on = data["statement_on"]
    case.statement_waived = bool(data["waived"])
    case.statement = data.get("statement", "")


def request_hearing(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    if hasattr(case, "hearing"):
        raise InvalidInput("本案已申请过听证", errors={"requested_on": ["本案已申请过听证"]})
    ctx.scratch["requested_on"] = data["requested_on"]
    case.hearing = Hearing.objects.create(case=case, requested_on=data["requested_on"])
    case.is_major = True  # SPEC §5: a case that went through a hearing is major


def schedule_hearing(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    officer = data["hearing_officer"]
    if case.officers.filter(pk=officer.pk).exists():
        raise InvalidInput(
            "听证主持人不能是本案承办人员（行政处罚法第六十四条）",
            errors={"hearing_officer": ["听证主持人不能是本案承办人员"]},
        )
    hearing = case.hearing
    hearing.notified_on = data["notified_on"]
    hearing.hearing_date = data["hearing_date"]
    hearing.place = data["place"]
    hearing.hearing_officer = officer
    if hearing.activity_id is None:
        hearing.activity = CaseActivity.objects.create(
            case=case,
            kind=AvActivity.HEARING,
            occurred_at=_local_noon(data["hearing_date"]),
            place=data["place"],
            recorded_by=ctx.actor,
        )
    else:
        CaseActivity.objects.filter(pk=hearing.activity_id).update(
            occurred_at=_local_noon(data["hearing_date"])
        )
    hearing.save()


def hold_hearing(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    hearing = case.hearing
    hearing.held_on = data["held_on"]
    hearing.record = data.get("record", "")
    hearing.report = data.get("report", "")
    hearing.save(update_fields=["held_on", "record", "report"])


def record_decision(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    penalty = Penalty(
        warning=bool(data.get("warning")),
        fine=data.get("fine") or 0,
        confiscation=data.get("confiscation") or 0,
        suspension=bool(data.get("suspension")),
        revocation=bool(data.get("revocation")),
        closure=bool(data.get("closure")),
    )
    case.decision_kind = data.get("decision_kind") or Case.DecisionKind.PENALTY
    case.decided_penalty = Penalty.from_json(penalty.to_json()).to_json()
    case.decided_fine = Penalty.from_json(case.decided_penalty).fine
    case.decided_at = ctx.now
    case.decision_number = data.get("decision_number") or case.number
    case.decided_major = is_major(case, ctx.policy)


def committee_of(organisation: Organisation) -> set[int]:
    return set(
        organisation.users.filter(role_assignments__role=Role.COMMITTEE_MEMBER, is_active=True).values_list(
            "pk", flat=True
        )
    )


def conclude_deliberation(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    meeting = data.get("meeting")
    if meeting is not None:
        if meeting.organisation_id != case.organisation_id or not meeting.cases.filter(pk=case.pk).exists():
            raise InvalidInput("本案不在该次会议的议题中", errors={"meeting": ["本案不在该次会议的议题中"]})
        if meeting.deliberations.filter(case=case).exists():
            raise InvalidInput("该次会议已对本案作出结论", errors={"meeting": ["已作出结论"]})
        attendees = list(meeting.attendees.all())
        committee_size = meeting.committee_size
    else:
        committee = committee_of(case.organisation)
        attendees = list(data["attendees"])
        strangers = [str(u) for u in attendees if u.pk not in committee]
        if strangers:
            raise InvalidInput(
                "出席人员不是本机构案审委员会成员：" + "、".join(strangers),
                errors={"attendees": ["以下人员不是案审委员会成员：" + "、".join(strangers)]},
            )
        committee_size = len(committee)
        meeting = Meeting.objects.create(
            organisation=case.organisation,
            held_at=data["held_at"],
            chair=data.get("chair") or ctx.actor,
            minutes=data["minutes"],
            committee_size=committee_size,
        )
        meeting.attendees.set(attendees)
        meeting.invited.set(committee)
        meeting.cases.add(case)
    votes: dict[int, tuple[str, str]] = data["votes"]
    present = {u.pk for u in attendees}
    outsiders = [pk for pk in votes if pk not in present]
    if outsiders:
        raise InvalidInput(
            "只有出席会议的委员可以表决", errors={"votes": [f"未出席会议的人员不能表决：{outsiders}"]}
        )
    ctx.scratch["committee_size"] = committee_size
    ctx.scratch["present"] = len(attendees)
    ctx.scratch["members_without_vote"] = [u for u in attendees if u.pk not in votes]
    deliberation = Deliberation.objects.create(
        meeting=meeting, case=case, conclusion=data["conclusion"], concluded_at=ctx.now
    )
    Vote.objects.bulk_create(
        Vote(deliberation=deliberation, member_id=pk, choice=choice, opinion=opinion)
        for pk, (choice, opinion) in votes.items()
    )
    record_decision(case, ctx, data)


def _record_service_activity(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    kind = (
        AvActivity.LEAVE_SERVICE
        if data["method"] == Case.ServiceMethod.LEAVE
        else AvActivity.ANNOUNCEMENT_SERVICE
    )
    CaseActivity.objects.create(
        case=case, kind=kind, occurred_at=_local_noon(data["served_on"]), recorded_by=ctx.actor
    )


def serve_decision(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    decided_on = local_date(case.decided_at)
    if data["served_on"] < decided_on:
        raise InvalidInput(
            "送达日期不能早于决定日期", errors={"served_on": [f"决定日期为 {decided_on:%Y-%m-%d}"]}
        )
    case.decision_served_on = data["served_on"]
    case.decision_service_method = data["method"]
    # Art. 61: late service is lawful but flagged (counted against the bureau in reviews).
    case.service_late = data["served_on"] > periods.service_deadline(decided_on=decided_on, policy=ctx.policy)
    if Penalty.from_json(case.decided_penalty).fine:
        case.fine_due_on = periods.payment_due(served_on=data["served_on"], policy=ctx.policy)
    if data["method"] in (Case.ServiceMethod.LEAVE, Case.ServiceMethod.ANNOUNCEMENT):
        _record_service_activity(case, ctx, data)


def publish(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    case.published_on = data["published_on"]
    case.publication_channel = data["channel"]
    decided_on = local_date(case.decided_at)
    case.publication_late = data["published_on"] > periods.publication_deadline(
        decided_on=decided_on, policy=ctx.policy
    )


def skip_publication(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    case.publication_skip_reason = data["opinion"]


def close(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    fine = Penalty.from_json(case.decided_penalty).fine
    outcome = data["outcome"]
    if not fine and outcome != Case.ExecutionOutcome.NOTHING_TO_PAY:
        raise InvalidInput("本案无罚没款项，执行结果应为“无罚没款项”", errors={"outcome": ["本案无罚没款项"]})
    if fine and outcome == Case.ExecutionOutcome.NOTHING_TO_PAY:
        raise InvalidInput(
            f"本案罚款 {fine} 元，须记录缴纳、减免或申请强制执行", errors={"outcome": ["本案有罚款"]}
        )
    case.execution_outcome = outcome
    if outcome == Case.ExecutionOutcome.PAID:
        case.paid_on = data["paid_on"]
        case.paid_amount = data["paid_amount"]
        case.surcharge = periods.surcharge(fine=fine, due_on=case.fine_due_on, paid_on=data["paid_on"])
    case.closed_at = ctx.now


def archive(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    case.archived_at = ctx.now


def onsite_decision(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    year = ctx.today.year
    case.year = year
    case.seq = number_next(organisation=case.organisation, year=year, kind="case")
    case.number = format_case_number(organisation=case.organisation, year=year, seq=case.seq)
    record_decision(case, ctx, {**data, "decision_kind": Case.DecisionKind.PENALTY})


def extend_deadline(case: Case, ctx: StepContext, data: dict[str, Any]) -> None:
    case.deadline_extended = True
    case.decision_deadline = periods.decision_deadline(
        filed_on=local_date(case.filed_at), policy=ctx.policy, extended=True
    )


# --- the table -------------------------------------------------------------------------------------------

# Issued when the case reaches the notice stage: the notice, and the hearing notice when the penalty
# proposed gives the party the right to a hearing (Art. 63–64).
NOTICE_DOCUMENTS = ("penalty_notice", "hearing_notice")

G = guards
LEGAL_CHECK_GUARDS = (legal_reviewer_at_due_level, precheck_failures_explained)

STEPS: tuple[Step, ...] = (
    Step(
        "submit_filing",
        S.DRAFT,
        S.FILING_REVIEW,
        Role.OFFICER,
        "提交立案审批",
        guards=(G.general_procedure, G.party_present, G.violation_type_present, G.two_certified_officers),
    ),
    Step(
        "record_onsite_decision",
        S.DRAFT,
        S.ONSITE_DECIDED,
        Role.OFFICER,
        "当场作出处罚决定",
        form=forms.OnsiteDecisionForm,
        apply=issuing(onsite_decision, "onsite_decision"),
        guards=(
            G.summary_procedure,
            G.party_present,
            G.violation_type_present,
            G.two_certified_officers,
            G.summary_limits,
        ),
    ),
    Step(
        "approve_filing",
        S.FILING_REVIEW,
        S.INVESTIGATING,
        Role.DIVISION_HEAD,
        "批准立案",
        actor=REVIEWER,
        apply=issuing(approve_filing, "filing_approval"),
    ),
    Step(
        "reject_filing",
        S.FILING_REVIEW,
        S.NOT_FILED,
        Role.DIVISION_HEAD,
        "不予立案",
        actor=REVIEWER,
        form=forms.OpinionRequiredForm,
    ),
    Step(
        "submit_review",
        S.INVESTIGATING,
        S.INITIAL_REVIEW,
        Role.OFFICER,
        "调查终结，提交初审",
        guards=(
            G.no_criminal_suspicion,
            G.av_list_recorded,
            G.proposed_penalty_set,
            G.two_certified_officers,
        ),
        apply=issuing(_nothing, "investigation_report"),
    ),
    Step("withdraw", S.INVESTIGATING, S.WITHDRAWN, Role.OFFICER, "撤销立案", form=forms.OpinionRequiredForm),
    Step(
        "transfer",
        S.INVESTIGATING,
        S.TRANSFERRED,
        Role.OFFICER,
        "移送",
        form=forms.TransferForm,
        apply=transfer,
    ),
    Step(
        "approve",
        S.INITIAL_REVIEW,
        None,
        Role.DIVISION_HEAD,
        "初审同意",
        actor=REVIEWER,
        apply=issuing(mark_major, *NOTICE_DOCUMENTS, into=S.NOTICE, router=route_after_initial_review),
        router=route_after_initial_review,
        targets=(S.PRE_NOTICE_CHECK, S.NOTICE),
    ),
    Step(
        "return",
        S.INITIAL_REVIEW,
        S.INVESTIGATING,
        Role.DIVISION_HEAD,
        "初审退回补充调查",
        actor=REVIEWER,
        form=forms.OpinionRequiredForm,
        apply=reset_for_return,
    ),
    Step(
        "approve",
        S.PRE_NOTICE_CHECK,
        None,
        Role.LEGAL_REVIEWER,
        "告知前法制审核同意",
        actor=REVIEWER,
        form=forms.LegalCheckApproveForm,
        guards=LEGAL_CHECK_GUARDS,
        apply=issuing(
            issuing(_legal_check(LegalCheck.Stage.PRE_NOTICE, LegalCheck.Outcome.APPROVED), "legal_opinion"),
            *NOTICE_DOCUMENTS,
            into=S.NOTICE,
            router=_after_legal_check(route_to_notice),
        ),
        router=_after_legal_check(route_to_notice),
        targets=(S.NOTICE, S.PRE_NOTICE_CHECK),
    ),
    Step(
        "return",
        S.PRE_NOTICE_CHECK,
        S.INVESTIGATING,
        Role.LEGAL_REVIEWER,
        "法制审核退回",
        actor=REVIEWER,
        form=forms.LegalCheckReturnForm,
        guards=(legal_reviewer_at_due_level,),
        apply=issuing(
            _legal_check(LegalCheck.Stage.PRE_NOTICE, LegalCheck.Outcome.RETURNED), "legal_opinion"
        ),
    ),
    Step(
        "serve_notice",
        S.NOTICE,
        None,
        Role.OFFICER,
        "送达行政处罚告知书",
        form=forms.ServeNoticeForm,
        apply=issuing(serve_notice, "service_receipt:notice"),
    ),
    Step(
        "record_statement",
        S.NOTICE,
        None,
        Role.OFFICER,
        "记录陈述申辩",
        form=forms.RecordStatementForm,
        guards=(G.notice_served,),
        apply=record_statement,
    ),
    Step(
        "request_hearing",
        S.NOTICE,
        S.HEARING,
        Role.OFFICER,
        "当事人申请听证",
        form=forms.RequestHearingForm,
        guards=(G.notice_served, G.hearing_right, G.hearing_requested_in_time),
        apply=request_hearing,
    ),
    Step(
        "conclude_notice",
        S.NOTICE,
        None,
        Role.OFFICER,
        "告知程序终结",
        guards=(G.notice_served, G.statement_window_closed, G.hearing_window_closed),
        apply=mark_major,
        router=route_after_notice,
        targets=(S.PRE_DECISION_CHECK, S.PENDING_DECISION),
    ),
    Step(
        "schedule_hearing",
        S.HEARING,
        None,
        Role.OFFICER,
        "通知听证",
        form=forms.ScheduleHearingForm,
        apply=schedule_hearing,
    ),
    Step(
        "hold_hearing",
        S.HEARING,
        S.PRE_DECISION_CHECK,
        Role.OFFICER,
        "举行听证",
        form=forms.HoldHearingForm,
        guards=(G.hearing_scheduled, G.hearing_av_recorded, G.hearing_report_written),
        apply=issuing(hold_hearing, "hearing_record"),
    ),
    Step(
        "approve",
        S.PRE_DECISION_CHECK,
        None,
        Role.LEGAL_REVIEWER,
        "决定前法制审核同意",
        actor=REVIEWER,
        form=forms.LegalCheckApproveForm,
        guards=LEGAL_CHECK_GUARDS,
        apply=issuing(
            _legal_check(LegalCheck.Stage.PRE_DECISION, LegalCheck.Outcome.APPROVED), "legal_opinion"
        ),
        router=_after_legal_check(route_after_pre_decision_check),
        targets=(S.DELIBERATION, S.PENDING_DECISION, S.PRE_DECISION_CHECK),
    ),
    Step(
        "return",
        S.PRE_DECISION_CHECK,
        S.INVESTIGATING,
        Role.LEGAL_REVIEWER,
        "法制审核退回",
        actor=REVIEWER,
        form=forms.LegalCheckReturnForm,
        guards=(legal_reviewer_at_due_level,),
        apply=issuing(
            _legal_check(LegalCheck.Stage.PRE_DECISION, LegalCheck.Outcome.RETURNED), "legal_opinion"
        ),
    ),
    Step(
        "conclude",
        S.DELIBERATION,
        S.DECIDED,
        Role.AGENCY_HEAD,
        "集体讨论决定",
        actor=REVIEWER,
        form=forms.ConcludeForm,
        guards=(G.no_criminal_suspicion, G.quorum_present, G.votes_recorded, G.not_heavier_than_notice),
        apply=issuing(conclude_deliberation, "deliberation_record", "penalty_decision"),
    ),
    Step(
        "decide",
        S.PENDING_DECISION,
        S.DECIDED,
        Role.AGENCY_HEAD,
        "作出处罚决定",
        actor=REVIEWER,
        form=forms.DecideForm,
        guards=(G.no_criminal_suspicion, G.not_heavier_than_notice),
        apply=issuing(record_decision, "penalty_decision"),
    ),
    Step(
        "serve_decision",
        S.DECIDED,
        S.SERVED,
        Role.OFFICER,
        "送达处罚决定书",
        form=forms.ServeDecisionForm,
        guards=(G.decision_recorded,),
        apply=issuing(serve_decision, "service_receipt:decision"),
    ),
    Step(
        "serve_decision",
        S.ONSITE_DECIDED,
        S.SERVED,
        Role.OFFICER,
        "送达当场处罚决定书",
        form=forms.ServeDecisionForm,
        guards=(G.decision_recorded,),
        apply=issuing(serve_decision, "service_receipt:decision"),
    ),
    Step(
        "publish",
        S.SERVED,
        S.PUBLISHED,
        Role.OFFICER,
        "公示处罚决定",
        form=forms.PublishForm,
        guards=(G.general_procedure, G.special_service_av_recorded),
        apply=publish,
    ),
    Step(
        "skip_publication",
        S.SERVED,
        S.EXECUTING,
        Role.OFFICER,
        "依法不予公示",
        form=forms.OpinionRequiredForm,
        guards=(G.general_procedure, G.special_service_av_recorded),
        apply=skip_publication,
    ),
    Step(
        "start_execution",
        S.SERVED,
        S.EXECUTING,
        Role.OFFICER,
        "进入执行",
        guards=(G.published_or_summary, G.special_service_av_recorded),
    ),
    Step("start_execution", S.PUBLISHED, S.EXECUTING, Role.OFFICER, "进入执行"),
    Step(
        "close",
        S.EXECUTING,
        S.CLOSED,
        Role.OFFICER,
        "结案",
        form=forms.CloseForm,
        guards=(G.documents_complete_for_closure, G.fine_settled),
        apply=issuing(close, "closure_approval"),
    ),
    Step(
        "archive",
        S.CLOSED,
        S.ARCHIVED,
        Role.DIVISION_HEAD,
        "归档",
        actor=REVIEWER,
        guards=(G.casefile_complete,),
        apply=archive_and_file,
    ),
    *(
        Step(
            "extend_deadline",
            state,
            None,
            Role.AGENCY_HEAD,
            "批准延长办案期限",
            actor=REVIEWER,
            form=forms.OpinionRequiredForm,
            guards=(G.general_procedure, G.extension_unused),
            apply=extend_deadline,
        )
        for state in sorted(BEFORE_DECISION - {S.FILING_REVIEW})
    ),
)

BY_KEY: dict[tuple[str, str], Step] = {(s.code, s.source): s for s in STEPS}
CODES: tuple[str, ...] = tuple(dict.fromkeys(s.code for s in STEPS))
assert len(BY_KEY) == len(STEPS), "one row per (transition, source)"


def steps_from(state: str) -> list[Step]:
    return [s for s in STEPS if s.source == state]
