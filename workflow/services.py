"""Every change to a case goes through here (SPEC §4, STYLE rule 2):

atomic → lock the case row → check version, role, scope, separation of duties → validate the
input → record what the step records → check the guards → fire the django-fsm transition →
save(update_fields) → append the hash-chained history row → side effects on commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.policy import Policy, fold_policy
from accounts.roles import Role
from accounts.selectors import organisation_policy, user_can_see_organisation
from casefiles.history import history_append
from casefiles.kernel import case_field_values, case_lock, case_log_change, case_save_changed
from casefiles.models import (
    BlacklistEntry,
    Case,
    CaseActivity,
    Inspection,
    Litigation,
    Meeting,
    Party,
    Reconsideration,
    ViolationType,
)
from casefiles.services import PartyRef, party_resolve
from core.dates import local_date
from core.engine import NOT_AVAILABLE, Machine, Option, Transition
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from law.findings import Finding
from law.penalties import Penalty
from law.predicates import is_major
from law.states import AFTER_DECISION, TERMINAL_STATES, CaseState
from workflow import deadlines
from workflow.context import StepContext
from workflow.machine import CaseFlow
from workflow.precheck import run_precheck
from workflow.steps import BY_KEY, HANDLER, REVIEWER, STEPS, Step, committee_of, steps_from

EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.INVESTIGATING})


# --- reading what may be done -------------------------------------------------------------------------


@dataclass(kw_only=True)
class TransitionOption(Option):
    """core.engine's option ("may I, and if not why not") with the step's role and required inputs."""

    role: str
    inputs: list[str] = field(default_factory=list)


def _handlers(case: Case) -> set[int]:
    # case_lock reads them with the row (PostgreSQL); a case read elsewhere asks.
    ids = getattr(case, "handler_ids", None)
    if ids is not None:
        return set(ids)
    return set(case.officers.values_list("pk", flat=True))


def _may_handle(case: Case, actor: User, handlers: set[int]) -> bool:
    """Handlers act on their case; the person who drafted it may also act while it is a draft."""
    return actor.pk in handlers or (case.state == CaseState.DRAFT and case.created_by_id == actor.pk)


def actor_reasons(case: Case, step: Step, actor: User, handlers: set[int] | None = None) -> list[Reason]:
    reasons = []
    if not actor.has_role(step.role):
        reasons.append(Reason("role_required", f"需要“{Role(step.role).label}”角色才能执行“{step.label}”"))
    handlers = _handlers(case) if handlers is None else handlers
    if step.actor == HANDLER and not _may_handle(case, actor, handlers):
        reasons.append(Reason("not_a_handler", "只有本案承办人员可以执行此操作"))
    # Whoever drafted the case has worked on it, whether or not he stayed on it as a handler.
    if step.actor == REVIEWER and (actor.pk in handlers or actor.pk == case.created_by_id):
        reasons.append(
            Reason("reviewer_is_handler", "您是本案承办人员，不能审核或决定本案（审查与办案分离）")
        )
    return reasons


def _policy(case: Case) -> Policy:
    """The organisation's effective settings (accounts.selectors.organisation_policy), folded from the
    chain of organisations case_lock read with the row; asked for when that chain is not loaded."""
    organisation = case.organisation
    chain = [organisation]
    while chain[-1].parent_id is not None and Organisation.parent.is_cached(chain[-1]):
        chain.append(chain[-1].parent)
    chain.reverse()
    if [o.pk for o in chain] != (organisation.ancestor_ids() or [organisation.pk]):
        return organisation_policy(organisation=organisation)
    return fold_policy([o.explicit_settings() for o in chain])


def _context(case: Case, actor: User, now: datetime | None, data: dict[str, Any] | None) -> StepContext:
    return StepContext(actor=actor, now=now or timezone.now(), policy=_policy(case), data=data)


def case_available_transitions(
    *, case: Case, actor: User, now: datetime | None = None
) -> list[TransitionOption]:
    """What this user may fire now, and for each transition that exists here but is blocked, why
    (CASE_FLOW's options, with each step's role and the input it needs)."""
    if getattr(case, "handler_ids", None) is None:
        case.handler_ids = list(_handlers(case))  # read once for every step's separation check
    options = []
    for option in CASE_FLOW.options(case, actor=actor, now=now):
        step = BY_KEY[(option.code, case.state)]
        options.append(
            TransitionOption(
                **vars(option),
                role=step.role,
                inputs=[name for name, f in step.form.base_fields.items() if f.required],
            )
        )
    return options


def case_precheck(*, case_id: int, actor: User, now: datetime | None = None) -> list[Finding]:
    """The automated legal pre-check (§7) of a case as it stands now, for the reviewer to read."""
    case = Case.objects.select_related("organisation", "violation_type").filter(pk=case_id).first()
    if case is None or not user_can_see_organisation(user=actor, organisation_id=case.organisation_id):
        raise NotFound("案件不存在")
    return run_precheck(case, _context(case, actor, now, None))


# --- changing a case --------------------------------------------------------------------------------------


def case_flow_lock(*, case_id: int, actor: User, expected_version: int | None = None) -> CaseFlow:
    """The kernel's row lock (casefiles.kernel.case_lock), the row carrying its transitions."""
    return case_lock(case_id=case_id, actor=actor, expected_version=expected_version, model=CaseFlow)


def _refresh_clock(case: Case, policy: Any) -> None:
    case.current_deadline, case.current_deadline_kind = deadlines.current_clock(case, policy)


# --- the case's state machine on core.engine --------------------------------------------------------


def _clean(step: Step) -> Callable[[Mapping[str, Any], datetime], dict[str, Any]]:
    def clean(data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        form = step.form(data=data, today=local_date(now))
        if not form.is_valid():
            errors = {
                name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()
            }
            summary = "；".join(m for msgs in errors.values() for m in msgs)
            raise InvalidInput(f"输入有误：{summary}", errors=errors)
        return form.cleaned_data

    return clean


def _case_transition(step: Step) -> Transition:
    return Transition(
        code=step.code,
        source=(step.source,),
        target=step.target or step.source,
        targets=step.possible_targets,
        label=step.label,
        permission=lambda case, actor: actor_reasons(case, step, actor),
        guards=step.guards,
        clean=_clean(step),
        apply=step.apply,
    )


def _move(case: CaseFlow, transition: Transition, ctx: StepContext) -> None:
    # The django-fsm transition (its conditions re-check the input guards; a router picks the
    # target), then the clock that runs in the new state.
    case._step_ctx = ctx
    getattr(case, transition.code)()
    _refresh_clock(case, ctx.policy)


def _history(
    case: Case,
    *,
    transition: Transition,
    from_state: str,
    actor: User,
    at: datetime,
    note: str,
    data: dict[str, Any],
) -> Any:
    return history_append(
        case=case,
        transition=transition.code,
        from_state=from_state,
        to_state=case.state,
        actor=actor,
        at=at,
        opinion=data.get("opinion", ""),
        data=_history_data(data),
    )


def _refuse_here(case: Case, code: str, transition: Transition | None) -> Conflict:
    available = "、".join(s.code for s in steps_from(case.state)) or "无"
    return Conflict(
        f"案件处于“{case.get_state_display()}”状态，不能执行“{code}”（可执行：{available}）",
        reasons=[Reason(NOT_AVAILABLE, f"当前状态“{case.get_state_display()}”下不能执行该操作")],
    )


CASE_FLOW = Machine(
    state_field="state",
    transitions=[_case_transition(step) for step in STEPS],
    audit=_history,
    context=lambda case, actor, now, data: _context(case, actor, now, data),
    move=_move,
    snapshot=case_field_values,
    save=lambda case, transition, before, update_fields: case_save_changed(case, before),
    refuse_here=_refuse_here,
)


@transaction.atomic
def case_transition(
    *,
    case_id: int,
    transition: str,
    actor: User,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Fire a step of the case (CASE_FLOW): the row locked, the version checked, then the engine's
    one audited fire — state, person, input, guards, the step's record, the guards on that record,
    the django-fsm move, the history row, the changed columns saved."""
    case = case_flow_lock(case_id=case_id, actor=actor, expected_version=expected_version)
    CASE_FLOW.fire(case, transition, actor=actor, now=now or timezone.now(), data=data or {})
    return case


def _history_data(cleaned: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for name, value in cleaned.items():
        if name == "opinion" or value in (None, "", False):
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, Iterable) and not isinstance(value, str | dict):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    return data


def _record_change(
    case: Case, *, actor: User, what: str, now: datetime, data: dict[str, Any], before: dict[str, Any]
) -> None:
    history_append(
        case=case, transition=what, from_state=case.state, to_state=case.state, actor=actor, at=now, data=data
    )
    case_save_changed(case, before)


@transaction.atomic
def case_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    origin: str,
    procedure: str = Case.Procedure.GENERAL,
    party: Party | PartyRef | None = None,
    violation_type: ViolationType | None = None,
    inspection: Inspection | None = None,
    facts: str = "",
    officers: Iterable[User] = (),
    now: datetime | None = None,
) -> Case:
    if not actor.has_role(Role.OFFICER):
        raise Forbidden("只有执法人员可以登记案件", reasons=[Reason("role_required", "需要“执法人员”角色")])
    if not user_can_see_organisation(user=actor, organisation_id=organisation.pk):
        raise NotFound("机构不存在")
    if isinstance(party, PartyRef):  # an existing party by id, or a new one created with the case
        party = party_resolve(ref=party)
    now = now or timezone.now()
    case = Case(
        organisation=organisation,
        title=title,
        origin=origin,
        procedure=procedure,
        party=party,
        violation_type=violation_type,
        inspection=inspection,
        facts=facts,
        created_by=actor,
        created_at=now,
    )
    case.full_clean(exclude=["state"])
    case.save()
    officers = list(officers)
    _check_officers(officers)
    case.officers.add(*officers)  # a new case has none: no need to read which to keep
    history_append(
        case=case,
        transition="create",
        from_state="",
        to_state=case.state,
        actor=actor,
        at=now,
        data={"title": title, "origin": origin, "procedure": procedure, "officers": [o.pk for o in officers]},
    )
    Case.objects.filter(pk=case.pk).update(version=case.version, history_head=case.history_head)
    return case


def _check_officers(officers: list[User]) -> None:
    strangers = [str(o) for o in officers if not o.has_role(Role.OFFICER)]
    if strangers:
        raise InvalidInput(
            "承办人员须为执法人员：" + "、".join(strangers),
            errors={"officers": ["非执法人员：" + "、".join(strangers)]},
        )


DETAIL_FIELDS = (
    "title",
    "facts",
    "party",
    "violation_type",
    "complex",
    "severity",
    "proposed_penalty",
    "officers",
    "criminal_suspicion",
    "criminal_suspicion_note",
)


@transaction.atomic
def case_update_details(
    *,
    case_id: int,
    actor: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    """Edit what the handlers establish while drafting and investigating."""
    case = case_flow_lock(case_id=case_id, actor=actor, expected_version=expected_version)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise InvalidInput(
            "不能修改这些字段：" + "、".join(sorted(unknown)), errors={k: ["不可修改"] for k in unknown}
        )
    if case.state not in EDITABLE_STATES:
        raise Conflict(
            f"案件处于“{case.get_state_display()}”状态，案情只能在待立案或调查取证阶段修改",
            reasons=[Reason("not_editable", "当前状态下不能修改案情")],
        )
    if not _may_handle(case, actor, _handlers(case)):
        raise Forbidden(
            "只有本案承办人员可以修改案情", reasons=[Reason("not_a_handler", "只有本案承办人员可以修改案情")]
        )
    if isinstance(changes.get("party"), PartyRef):  # a new party lands with the edit, or not at all
        changes = {**changes, "party": party_resolve(ref=changes["party"])}
    now = now or timezone.now()
    before = case_field_values(case)
    record: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "officers":
            officers = list(value)
            _check_officers(officers)
            case.officers.set(officers)
            case.handler_ids = [o.pk for o in officers]
            record[name] = [o.pk for o in officers]
        elif name == "proposed_penalty":
            penalty = value if isinstance(value, Penalty) else Penalty.from_json(value)
            case.proposed_penalty = penalty.to_json()
            record[name] = case.proposed_penalty
        else:
            setattr(case, name, value)
            record[name] = getattr(value, "pk", value)
    if case.criminal_suspicion and not case.criminal_suspicion_note.strip():
        raise InvalidInput(
            "认定涉嫌犯罪的，须写明涉嫌犯罪的情况", errors={"criminal_suspicion_note": ["必填"]}
        )
    # Validate what this edit changes; the other fields were valid when saved, and re-checking them
    # (a query per foreign key and per unique constraint) finds nothing new.
    unchanged = [f.name for f in Case._meta.fields if f.name not in changes]
    case.full_clean(exclude=[*unchanged, "state", "officers"])
    policy = _policy(case)
    case.is_major = is_major(case, policy)
    _refresh_clock(case, policy)
    _record_change(case, actor=actor, what="update_details", now=now, data=record, before=before)
    return case


@transaction.atomic
def activity_record(
    *, case_id: int, actor: User, kind: str, occurred_at: datetime, place: str = "", note: str = ""
) -> CaseActivity:
    """Record an enforcement activity carried out in the case (those on the AV list need a recording)."""
    case = case_flow_lock(case_id=case_id, actor=actor)
    if case.state in TERMINAL_STATES:
        raise Conflict("案件已终结，不能再登记执法活动", reasons=[Reason("case_closed", "案件已终结")])
    if actor.pk not in _handlers(case):
        raise Forbidden(
            "只有本案承办人员可以登记执法活动", reasons=[Reason("not_a_handler", "只有本案承办人员可以登记")]
        )
    activity = CaseActivity(
        case=case, kind=kind, occurred_at=occurred_at, place=place, note=note, recorded_by=actor
    )
    activity.full_clean()
    activity.save()
    case_log_change(
        case,
        actor=actor,
        what="record_activity",
        now=occurred_at,
        data={"activity": activity.pk, "kind": kind},
    )
    return activity


# --- after the decision ----------------------------------------------------------------------------------


def _lock_decided(case_id: int, actor: User) -> CaseFlow:
    case = case_flow_lock(case_id=case_id, actor=actor)
    if case.state not in AFTER_DECISION:
        raise Conflict("案件尚未作出处罚决定", reasons=[Reason("not_decided", "案件尚未作出处罚决定")])
    if not (
        actor.has_role(Role.LEGAL_REVIEWER) or actor.has_role(Role.AGENCY_HEAD) or actor.pk in _handlers(case)
    ):
        raise Forbidden(
            "需要法制审核人员、机关负责人或承办人员登记", reasons=[Reason("role_required", "无权登记")]
        )
    return case


@transaction.atomic
def reconsideration_record(
    *, case_id: int, actor: User, filed_on: date, authority: str, now: datetime | None = None
) -> Reconsideration:
    """行政复议: filed against the decision. Allowed on an archived case too — the record is added
    to the file, the case itself is not changed."""
    case = _lock_decided(case_id, actor)
    item = Reconsideration(case=case, filed_on=filed_on, authority=authority, recorded_by=actor)
    item.full_clean()
    item.save()
    data = {"reconsideration": item.pk, "filed_on": filed_on, "authority": authority}
    case_log_change(case, actor=actor, what="record_reconsideration", now=now or timezone.now(), data=data)
    return item


@transaction.atomic
def reconsideration_decide(
    *, reconsideration_id: int, actor: User, outcome: str, decided_on: date, now: datetime | None = None
) -> Reconsideration:
    item = Reconsideration.objects.select_related("case").get(pk=reconsideration_id)
    case = _lock_decided(item.case_id, actor)
    item = Reconsideration.objects.select_for_update().get(pk=reconsideration_id)
    if item.outcome != Reconsideration.Outcome.PENDING:
        raise Conflict("该复议已有结果", reasons=[Reason("already_decided", "该复议已有结果")])
    item.outcome, item.decided_on = outcome, decided_on
    item.full_clean()
    item.save(update_fields=["outcome", "decided_on"])
    data = {"reconsideration": item.pk, "outcome": outcome, "decided_on": decided_on}
    case_log_change(case, actor=actor, what="decide_reconsideration", now=now or timezone.now(), data=data)
    return item


@transaction.atomic
def litigation_record(
    *, case_id: int, actor: User, filed_on: date, court: str, now: datetime | None = None
) -> Litigation:
    case = _lock_decided(case_id, actor)
    item = Litigation(case=case, filed_on=filed_on, court=court, recorded_by=actor)
    item.full_clean()
    item.save()
    data = {"litigation": item.pk, "filed_on": filed_on, "court": court}
    case_log_change(case, actor=actor, what="record_litigation", now=now or timezone.now(), data=data)
    return item


@transaction.atomic
def litigation_decide(
    *, litigation_id: int, actor: User, outcome: str, decided_on: date, now: datetime | None = None
) -> Litigation:
    item = Litigation.objects.get(pk=litigation_id)
    case = _lock_decided(item.case_id, actor)
    item = Litigation.objects.select_for_update().get(pk=litigation_id)
    if item.outcome != Litigation.Outcome.PENDING:
        raise Conflict("该诉讼已有结果", reasons=[Reason("already_decided", "该诉讼已有结果")])
    item.outcome, item.decided_on = outcome, decided_on
    item.full_clean()
    item.save(update_fields=["outcome", "decided_on"])
    data = {"litigation": item.pk, "outcome": outcome, "decided_on": decided_on}
    case_log_change(case, actor=actor, what="decide_litigation", now=now or timezone.now(), data=data)
    return item


@transaction.atomic
def blacklist_add(
    *, case_id: int, actor: User, listed_on: date, reason: str, now: datetime | None = None
) -> BlacklistEntry:
    case = _lock_decided(case_id, actor)
    if case.decision_kind != Case.DecisionKind.PENALTY:
        raise Conflict(
            "只有给予处罚的案件可以将当事人列入黑名单", reasons=[Reason("not_penalised", "本案未给予处罚")]
        )
    if BlacklistEntry.objects.filter(case=case).exists():
        raise Conflict("该当事人已因本案列入黑名单", reasons=[Reason("already_listed", "已列入黑名单")])
    entry = BlacklistEntry(party=case.party, case=case, listed_on=listed_on, reason=reason, recorded_by=actor)
    entry.full_clean()
    entry.save()
    data = {"blacklist": entry.pk, "listed_on": listed_on}
    case_log_change(case, actor=actor, what="blacklist", now=now or timezone.now(), data=data)
    return entry


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    organisation: Organisation,
    held_at: datetime,
    minutes: str,
    attendees: Iterable[User],
    case_ids: Iterable[int],
    invited: Iterable[User] = (),
    chair: User | None = None,
    now: datetime | None = None,
) -> Meeting:
    """案审委员会会议: record a sitting of the committee — who was invited, who attended, the minutes —
    with the cases on its agenda. Each case is then concluded (`conclude`) with its own votes; a
    sitting without a quorum is recorded all the same, and the conclusion is refused."""
    if not actor.has_role(Role.AGENCY_HEAD):
        raise Forbidden(
            "只有机关负责人可以登记案审会议", reasons=[Reason("role_required", "需要机关负责人角色")]
        )
    if not user_can_see_organisation(user=actor, organisation_id=organisation.pk):
        raise NotFound("机构不存在")
    if not minutes.strip():
        raise InvalidInput("须填写会议纪要", errors={"minutes": ["必填"]})

    committee = committee_of(organisation)
    invited_ids = {u.pk for u in invited} or set(committee)
    present = list(attendees)
    errors: dict[str, list[str]] = {}
    strangers = sorted(str(u) for u in (*invited, *present) if u.pk not in committee)
    if strangers:
        errors["attendees"] = ["以下人员不是本机构案审委员会成员：" + "、".join(dict.fromkeys(strangers))]
    uninvited = sorted(str(u) for u in present if u.pk not in invited_ids)
    if uninvited and "attendees" not in errors:
        errors["attendees"] = ["以下出席人员未被通知参会：" + "、".join(uninvited)]
    ids = sorted(set(case_ids))
    if not ids:
        errors["cases"] = ["至少列入一个待集体讨论的案件"]
    if errors:
        raise InvalidInput("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    now = now or timezone.now()
    cases = [case_flow_lock(case_id=pk, actor=actor) for pk in ids]  # ascending ids: one lock order
    wrong = [
        c.number or str(c.pk)
        for c in cases
        if c.organisation_id != organisation.pk or c.state != CaseState.DELIBERATION
    ]
    if wrong:
        raise InvalidInput(
            "以下案件不是本机构待集体讨论的案件：" + "、".join(wrong),
            errors={"cases": ["不是本机构待集体讨论的案件：" + "、".join(wrong)]},
        )
    meeting = Meeting.objects.create(
        organisation=organisation,
        held_at=held_at,
        chair=chair or actor,
        minutes=minutes.strip(),
        committee_size=len(committee),
    )
    meeting.invited.set(invited_ids)
    meeting.attendees.set(present)
    meeting.cases.set(cases)
    for case in cases:
        case_log_change(
            case,
            actor=actor,
            what="meeting_recorded",
            now=now,
            data={"meeting": meeting.pk, "held_at": held_at.isoformat(), "present": len(present)},
        )
    return meeting
