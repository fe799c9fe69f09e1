"""The clocks of SPEC §4 on the Chinese working-day calendar (行政处罚法 2021).

Art. 85: the law's 二日/三日/五日/七日 are working days; 15 and 90 days are calendar days,
ending on the next working day when the last day is a holiday.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accounts.policy import Policy
from casefiles.models import Case
from casefiles.penalties import Penalty
from workflow.calendar import add_calendar_days, add_working_days
from workflow.states import BEFORE_DECISION, CaseState

SURCHARGE_RATE = Decimal("0.03")  # Art. 72: 3% of the fine per day overdue, never more than the fine


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def decision_deadline(*, filed_on: date, policy: Policy, extended: bool) -> date:
    days = policy.decision_days + (policy.decision_extension_days if extended else 0)
    return add_calendar_days(filed_on, days)


def service_deadline(*, decided_on: date, policy: Policy) -> date:
    return add_working_days(decided_on, policy.service_workdays)


def publication_deadline(*, decided_on: date, policy: Policy) -> date:
    return add_working_days(decided_on, policy.publication_workdays)


def statement_window_end(*, served_on: date, policy: Policy) -> date:
    return add_working_days(served_on, policy.statement_window_workdays)


def hearing_request_deadline(*, served_on: date, policy: Policy) -> date:
    return add_working_days(served_on, policy.hearing_request_workdays)


def earliest_hearing_date(*, notified_on: date, policy: Policy) -> date:
    return add_working_days(notified_on, policy.hearing_notice_workdays)


def payment_due(*, served_on: date, policy: Policy) -> date:
    return add_calendar_days(served_on, policy.payment_days)


def surcharge(*, fine: Decimal, due_on: date | None, paid_on: date) -> Decimal:
    """加处罚款 (Art. 72): 3% of the fine per day after the due date, capped at the fine."""
    if not fine or due_on is None or paid_on <= due_on:
        return Decimal("0.00")
    days = (paid_on - due_on).days
    return min(fine, (fine * SURCHARGE_RATE * days)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def current_clock(case: Case, policy: Policy) -> tuple[date | None, str]:
    """The deadline that runs in the case's current state, and which one it is."""
    state = case.state
    if state in BEFORE_DECISION and case.decision_deadline:
        return case.decision_deadline, "decision"
    if state in (CaseState.DECIDED, CaseState.ONSITE_DECIDED) and case.decided_at:
        return service_deadline(decided_on=local_date(case.decided_at), policy=policy), "service"
    if state == CaseState.SERVED and case.procedure == Case.Procedure.GENERAL and case.decided_at:
        return publication_deadline(decided_on=local_date(case.decided_at), policy=policy), "publication"
    unpaid = case.fine_due_on and Penalty.from_json(case.decided_penalty).fine and not case.execution_outcome
    if state in (CaseState.SERVED, CaseState.PUBLISHED, CaseState.EXECUTING) and unpaid:
        return case.fine_due_on, "payment"
    return None, ""
