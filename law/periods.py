"""Statutory periods computed from the organisation's settings (accounts.policy, bounded by
law.bounds): each names the article that sets it. Working days follow law.calendar (Art. 85: periods
of "日" of up to ten days are working days)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from law.calendar import add_calendar_days, add_working_days

SURCHARGE_RATE = Decimal("0.03")  # Art. 72: 3% of the fine per day overdue, never more than the fine


def decision_deadline(*, filed_on: date, policy: Any, extended: bool) -> date:
    days = policy.decision_days + (policy.decision_extension_days if extended else 0)
    return add_calendar_days(filed_on, days)


def service_deadline(*, decided_on: date, policy: Any) -> date:
    return add_working_days(decided_on, policy.service_workdays)


def publication_deadline(*, decided_on: date, policy: Any) -> date:
    return add_working_days(decided_on, policy.publication_workdays)


def statement_window_end(*, served_on: date, policy: Any) -> date:
    return add_working_days(served_on, policy.statement_window_workdays)


def hearing_request_deadline(*, served_on: date, policy: Any) -> date:
    return add_working_days(served_on, policy.hearing_request_workdays)


def earliest_hearing_date(*, notified_on: date, policy: Any) -> date:
    return add_working_days(notified_on, policy.hearing_notice_workdays)


def payment_due(*, served_on: date, policy: Any) -> date:
    return add_calendar_days(served_on, policy.payment_days)


def surcharge(*, fine: Decimal, due_on: date | None, paid_on: date) -> Decimal:
    """加处罚款 (Art. 72): 3% of the fine per day after the due date, capped at the fine."""
    if not fine or due_on is None or paid_on <= due_on:
        return Decimal("0.00")
    days = (paid_on - due_on).days
    return min(fine, (fine * SURCHARGE_RATE * days)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
