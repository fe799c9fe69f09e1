"""The guards of SPEC §4, each a small function: (case, context) → Reason when unmet, else None.

The same functions answer "what may I do now" (listing) and "why was this refused" (firing),
so the reasons a person reads are the reasons the system acts on. A guard that holds a rule of law is
an adapter of that rule (law_guard): the rule, its article and its words are in law.rules, once; the
guards written here check only that the case holds what a step needs (a party, a decision…).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casefiles.models import Case
from core.errors import Reason
from law import rules as law_rules
from law.penalties import Penalty
from law.registry import Rule
from workflow.context import StepContext

Guard = Callable[[Case, StepContext], Reason | None]


def input_guard(func: Guard) -> Guard:
    """Mark a guard that judges the step's input; it stands aside while only listing."""

    def wrapper(case: Case, ctx: StepContext) -> Reason | None:
        return None if ctx.listing else func(case, ctx)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.judges_input = True  # type: ignore[attr-defined]
    for attr in ("rule_code", "rule_codes"):
        if hasattr(func, attr):
            setattr(wrapper, attr, getattr(func, attr))
    return wrapper


def judges_input(guard: Guard) -> bool:
    return getattr(guard, "judges_input", False)


def law_guard(code: str, name: str | None = None, **options: Any) -> Guard:
    """The rule `code` of the law registry as a blocking guard: a failed verdict refuses the step
    with the rule's code and words; a warning does not block."""
    rule: Rule = law_rules.get(code)

    def guard(case: Case, ctx: StepContext) -> Reason | None:
        verdict = rule(case, ctx, **options)
        return Reason(rule.code, verdict.message) if verdict.failed else None

    guard.__name__ = name or rule.evaluate.__name__
    guard.__doc__ = f"{rule.title}（{rule.article}）"
    guard.rule_code = rule.code  # type: ignore[attr-defined]
    return input_guard(guard) if rule.judges_input else guard


def rule_codes(guard: Guard) -> tuple[str, ...]:
    """The codes of the law's rules a guard holds (the law table lists where each rule blocks)."""
    return tuple(getattr(guard, "rule_codes", ())) or (
        (guard.rule_code,) if hasattr(guard, "rule_code") else ()  # type: ignore[attr-defined]
    )


# --- who and what the case is -------------------------------------------------------------------


def party_present(case: Case, ctx: StepContext) -> Reason | None:
    if case.party_id is None:
        return Reason("party_missing", "未填写当事人")
    return None


def violation_type_present(case: Case, ctx: StepContext) -> Reason | None:
    if case.violation_type_id is None:
        return Reason("violation_type_missing", "未选择违法行为类型（违法依据、处罚依据）")
    return None


two_certified_officers = law_guard("officers_uncertified")


def general_procedure(case: Case, ctx: StepContext) -> Reason | None:
    if case.procedure != Case.Procedure.GENERAL:
        return Reason("wrong_procedure", "该操作仅适用于普通程序案件")
    return None


def summary_procedure(case: Case, ctx: StepContext) -> Reason | None:
    if case.procedure != Case.Procedure.SUMMARY:
        return Reason("wrong_procedure", "该操作仅适用于简易程序案件")
    return None


# --- evidence -------------------------------------------------------------------------------------


# --- evidence -------------------------------------------------------------------------------------


av_list_recorded = law_guard("av_record_missing", "av_list_recorded")
hearing_av_recorded = law_guard("av_record_missing", "hearing_av_recorded", kinds=("hearing",))
# 留置送达 and 公告送达 must be recorded on audio/video.
special_service_av_recorded = law_guard(
    "av_record_missing", "special_service_av_recorded", kinds=("leave_service", "announcement_service")
)


# --- penalty ----------------------------------------------------------------------------------------


no_criminal_suspicion = law_guard("criminal_suspicion")


def proposed_penalty_set(case: Case, ctx: StepContext) -> Reason | None:
    if Penalty.from_json(case.proposed_penalty).is_empty:
        return Reason("proposed_penalty_missing", "未填写拟作出的行政处罚")
    return None


not_heavier_than_notice = law_guard("penalty_heavier_than_notice")
_summary_limits = law_guard("summary_limit_exceeded")


@input_guard
def summary_limits(case: Case, ctx: StepContext) -> Reason | None:
    return party_present(case, ctx) or _summary_limits(case, ctx)


summary_limits.rule_codes = ("summary_limit_exceeded",)  # type: ignore[attr-defined]


# --- notice and hearing -------------------------------------------------------------------------------


notice_served = law_guard("notice_not_served")
statement_window_closed = law_guard("statement_window_open")
hearing_window_closed = law_guard("hearing_window_open")
hearing_right = law_guard("no_hearing_right")
hearing_requested_in_time = law_guard("hearing_request_late")
_hearing_notice_in_time = law_guard("hearing_notice_too_short")


def hearing_scheduled(case: Case, ctx: StepContext) -> Reason | None:
    hearing = getattr(case, "hearing", None)
    if hearing is None or hearing.notified_on is None or hearing.hearing_date is None:
        return Reason("hearing_not_notified", "尚未通知当事人听证时间、地点")
    return _hearing_notice_in_time(case, ctx)


hearing_scheduled.rule_codes = ("hearing_notice_too_short",)  # type: ignore[attr-defined]
hearing_report_written = law_guard("hearing_report_missing")


# --- deliberation and decision ------------------------------------------------------------------------


quorum_present = law_guard("quorum_not_met")
votes_recorded = law_guard("votes_missing")


def decision_recorded(case: Case, ctx: StepContext) -> Reason | None:
    if not case.decision_kind or not case.decision_number or case.decided_at is None:
        return Reason("decision_missing", "尚未记录处罚决定及决定书文号")
    return None


published_or_summary = law_guard("publication_required")
fine_settled = law_guard("fine_unsettled")
casefile_complete = law_guard("casefile_incomplete")
documents_complete_for_closure = law_guard("documents_missing")
extension_unused = law_guard("already_extended")
