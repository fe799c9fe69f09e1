"""The case runs on the same engine as the review campaign and the score sheet (core.engine): its
step table is the machine's table, "what may I do now" is the machine's options, and a step fires
through the machine's one audited fire, in the engine's order of refusals."""

from __future__ import annotations

import pytest

from casefiles.models import CaseEvent
from core.engine import NOT_AVAILABLE, Machine
from core.errors import Conflict, Forbidden, InvalidInput
from law.states import CaseState as S
from review.services import CAMPAIGN_FLOW, SHEET_FLOW
from tests.factories import World, at
from workflow.services import CASE_FLOW, case_available_transitions
from workflow.steps import BY_KEY

pytestmark = pytest.mark.django_db


def test_one_engine_for_the_case_the_campaign_and_the_sheet() -> None:
    assert all(isinstance(m, Machine) for m in (CASE_FLOW, CAMPAIGN_FLOW, SHEET_FLOW))
    assert set(CASE_FLOW.by_key) == set(BY_KEY), "every row of the step table is a transition"


def test_options_and_refusals_come_from_the_machine(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    offered = {o.code: o for o in case_available_transitions(case=case, actor=w.officer1)}
    assert offered["submit_filing"].allowed and offered["submit_filing"].role == "officer"
    assert {o.code for o in CASE_FLOW.options(case, actor=w.officer1)} == set(offered)

    # The engine's order: not from this state (409) before the person (403) before the input (400).
    with pytest.raises(Conflict) as not_here:
        w.fire(case, "approve_filing", w.officer1, at(2026, 3, 2))
    assert [r.code for r in not_here.value.reasons] == [NOT_AVAILABLE]
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    with pytest.raises(Forbidden):
        w.fire(case, "approve_filing", w.officer1, at(2026, 3, 3))
    case = w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    with pytest.raises(InvalidInput) as bad:
        w.fire(case, "withdraw", w.officer1, at(2026, 3, 4))  # a withdrawal needs its written reason
    assert "opinion" in bad.value.errors
    case = w.fire(case, "withdraw", w.officer1, at(2026, 3, 4), opinion="当事人已注销，撤销立案")
    assert case.state == S.WITHDRAWN
    last = CaseEvent.objects.filter(case=case).latest("seq")
    assert (last.transition, last.from_state, last.to_state) == ("withdraw", S.INVESTIGATING, S.WITHDRAWN)
