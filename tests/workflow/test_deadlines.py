"""Deadlines of SPEC §4 on cases, across the Chinese holidays, and the overdue flag in the database."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.selectors import organisation_policy
from casefiles.models import Case
from casefiles.selectors import cases_overdue
from law import periods
from tests.factories import World, at, individual
from tests.workflow.test_guards import to_pending_decision

pytestmark = pytest.mark.django_db


def test_decision_deadline_rolls_past_the_spring_festival(world: World) -> None:
    w = world
    case = w.case(now=at(2025, 11, 14))
    w.fire(case, "submit_filing", w.officer1, at(2025, 11, 14))
    case = w.fire(case, "approve_filing", w.head, at(2025, 11, 17))
    # 17 Nov 2025 + 90 days = Sun 15 Feb 2026, inside the Spring Festival holiday (15–23 Feb):
    # the period ends on the first working day after it.
    assert case.decision_deadline == date(2026, 2, 24)
    assert case.current_deadline == date(2026, 2, 24) and case.current_deadline_kind == "decision"


def test_service_and_publication_deadlines_count_the_adjusted_saturday(world: World) -> None:
    policy = organisation_policy(organisation=world.district)
    # Decided Mon 29 Sep 2025. Working days: 30 Sep, (1–8 Oct National Day), 9, 10, Sat 11 Oct
    # (an adjusted working day), 13, 14, 15 → the 7th working day is 15 Oct.
    assert periods.publication_deadline(decided_on=date(2025, 9, 29), policy=policy) == date(2025, 10, 15)
    assert periods.service_deadline(decided_on=date(2025, 9, 29), policy=policy) == date(2025, 10, 15)
    # Hearing request: 5 working days after notice served on Fri 13 Feb 2026: Sat 14 Feb is an
    # adjusted working day, then the holiday to 23 Feb → 14, 24, 25, 26, 27 → 27 Feb.
    assert periods.hearing_request_deadline(served_on=date(2026, 2, 13), policy=policy) == date(2026, 2, 27)


def test_late_publication_is_allowed_but_flagged(world: World) -> None:
    w = world
    case = to_pending_decision(w, fine="8000")
    w.fire(case, "decide", w.agency_head, at(2026, 9, 29), decision_kind="penalty", fine="8000")
    case = w.fire(case, "serve_decision", w.officer1, at(2026, 9, 30), served_on="2026-09-30", method="mail")
    # Decided Tue 29 Sep 2026; 30 Sep, (1–7 Oct holiday), 8, 9, Sat 10 Oct (adjusted), 12, 13, 14
    # → publication due 14 Oct.
    assert case.current_deadline == date(2026, 10, 14) and case.current_deadline_kind == "publication"
    assert list(cases_overdue(today=date(2026, 10, 14))) == []
    assert list(cases_overdue(today=date(2026, 10, 15))) == [Case.objects.get(pk=case.pk)]
    case = w.publish(case, at(2026, 10, 15), "门户网站")
    assert case.publication_late is True
    assert case.current_deadline_kind == "payment" and case.current_deadline == case.fine_due_on


def test_service_later_than_seven_working_days_is_flagged(world: World) -> None:
    w = world
    case = w.case(party=individual("钱七"), procedure=Case.Procedure.SUMMARY, now=at(2026, 3, 2))
    w.fire(case, "record_onsite_decision", w.officer1, at(2026, 3, 2), fine="100")
    case = w.fire(case, "serve_decision", w.officer1, at(2026, 3, 12), served_on="2026-03-12", method="mail")
    assert case.service_late is True  # due 11 March (7 working days after Mon 2 March)


def test_overdue_decision_clock_is_queryable(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    w.propose(case, at(2026, 3, 4), fine=Decimal("100"))
    assert cases_overdue(today=date(2026, 6, 1)).count() == 0
    assert cases_overdue(today=date(2026, 6, 2)).count() == 1
