"""A step records what has happened: a notice served, a statement made, a hearing held, a decision
published or a fine paid cannot be dated after the day it is recorded on. The refusal names the
field and changes nothing; the same day is accepted. A hearing may still be scheduled ahead."""

from __future__ import annotations

import pytest

from casefiles.models import CaseEvent
from core.errors import InvalidInput
from law.states import CaseState as S
from tests.factories import World, at
from tests.workflow.test_legal_check import to_pre_notice_check

pytestmark = pytest.mark.django_db


def at_notice(w: World):
    case = to_pre_notice_check(w)
    case = w.fire(case, "approve", w.legal, at(2026, 3, 9), opinion="同意告知")
    assert case.state == S.NOTICE
    return case


def test_a_notice_served_tomorrow_is_refused_and_nothing_is_recorded(world: World) -> None:
    w = world
    case = at_notice(w)
    events = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(InvalidInput) as refused:
        w.fire(case, "serve_notice", w.officer1, at(2026, 3, 10, 16), served_on="2026-03-11", method="direct")
    assert refused.value.errors == {"served_on": ["送达日期不能晚于记录当日（2026-03-10）"]}
    case.refresh_from_db()
    assert case.notice_served_on is None
    assert CaseEvent.objects.filter(case=case).count() == events

    case = w.fire(
        case, "serve_notice", w.officer1, at(2026, 3, 10, 16), served_on="2026-03-10", method="direct"
    )
    assert str(case.notice_served_on) == "2026-03-10"


def test_a_hearing_can_be_scheduled_ahead_but_not_recorded_as_held_ahead(world: World) -> None:
    w = world
    case = at_notice(w)
    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 10), served_on="2026-03-10", method="direct")
    w.fire(case, "request_hearing", w.officer1, at(2026, 3, 11), requested_on="2026-03-11")
    case = w.schedule_hearing(case, at(2026, 3, 12), "2026-03-26")  # ahead, as a hearing is scheduled
    assert str(case.hearing.hearing_date) == "2026-03-26"

    with pytest.raises(InvalidInput) as refused:
        w.fire(case, "hold_hearing", w.officer1, at(2026, 3, 20), held_on="2026-03-26", report="听证报告")
    assert refused.value.errors == {"held_on": ["举行日期不能晚于记录当日（2026-03-20）"]}
    case.refresh_from_db()
    assert case.state == S.HEARING and case.hearing.held_on is None
