"""How many queries each step of the general procedure costs (issue 11, SPEC §11 "Speed").

A regression guard: every step still locks the row, checks role, scope, separation of duties and
its guards, issues its documents and appends the hash-chained history, within these bounds. The
bounds are what the steps cost when this was written (the savepoints of the test's transaction
included); a change that needs more should say why here.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casefiles.history import verify_case_chain
from casefiles.models import CaseEvent
from law.states import CaseState as S
from tests.factories import World, at

pytestmark = pytest.mark.django_db

# (step, most queries): the non-major general procedure of bench/workflow_throughput.py.
BOUNDS = {
    "submit_filing": 7,
    "approve_filing": 11,
    "update_details": 5,
    "submit_review": 12,
    "approve": 10,
    "serve_notice": 10,
    "record_statement": 5,
    "conclude_notice": 5,
    "decide": 13,
    "serve_decision": 10,
    "publish": 6,
    "start_execution": 5,
    "close": 16,
}


def test_each_step_of_the_general_procedure_stays_within_its_query_bound(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 2))
    costs: dict[str, int] = {}

    def step(name, fire):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connection) as queries:
            fire()
        costs[name] = len(queries.captured_queries)

    def fire(code, actor, when, **data):  # type: ignore[no-untyped-def]
        return lambda: w.fire(case, code, actor, when, **data)

    step("submit_filing", fire("submit_filing", w.officer1, at(2026, 3, 2)))
    step("approve_filing", fire("approve_filing", w.head, at(2026, 3, 3)))
    step("update_details", lambda: w.propose(case, at(2026, 3, 4), fine=Decimal("8000")))
    step("submit_review", fire("submit_review", w.officer1, at(2026, 3, 5)))
    step("approve", fire("approve", w.head, at(2026, 3, 6)))
    step(
        "serve_notice",
        fire("serve_notice", w.officer1, at(2026, 3, 9), served_on="2026-03-09", method="direct"),
    )
    step(
        "record_statement",
        fire("record_statement", w.officer1, at(2026, 3, 9), statement_on="2026-03-09", waived=True),
    )
    step("conclude_notice", fire("conclude_notice", w.officer1, at(2026, 3, 10)))
    step("decide", fire("decide", w.agency_head, at(2026, 3, 11), decision_kind="penalty", fine="8000"))
    step(
        "serve_decision",
        fire("serve_decision", w.officer1, at(2026, 3, 12), served_on="2026-03-12", method="direct"),
    )
    step(
        "publish",
        fire("publish", w.officer1, at(2026, 3, 13), published_on="2026-03-13", channel="门户网站"),
    )
    step("start_execution", fire("start_execution", w.officer1, at(2026, 3, 13)))
    step(
        "close",
        fire(
            "close",
            w.officer1,
            at(2026, 3, 20),
            outcome="paid",
            paid_on="2026-03-20",
            paid_amount="8000",
        ),
    )

    case.refresh_from_db()
    assert case.state == S.CLOSED
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert [e.transition for e in events][1:] == list(BOUNDS)
    assert verify_case_chain(case, events) == []
    over = {name: (costs[name], bound) for name, bound in BOUNDS.items() if costs[name] > bound}
    assert not over, f"steps over their query bound (queries, bound): {over}; all: {costs}"
