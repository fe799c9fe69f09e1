"""Two people firing the same transition at once on PostgreSQL: one wins, one gets a clear error."""

from functools import partial
from typing import Any

import pytest

from casefiles.models import CaseEvent
from core.errors import DomainError
from law.states import CaseState as S
from tests.factories import World, at, in_threads, user
from workflow import services


def race(case_id: int, actors: list, **kwargs: Any) -> list[object]:
    """Fire approve_filing from each actor in its own thread and connection, released together."""
    results: list[object] = []

    def approve(actor) -> None:
        try:
            services.case_transition(
                case_id=case_id, transition="approve_filing", actor=actor, now=at(2026, 3, 3), **kwargs
            )
            results.append("ok")
        except DomainError as exc:
            results.append(exc)

    unexpected = in_threads([partial(approve, a) for a in actors])
    if unexpected:
        raise unexpected[0]
    return results


@pytest.fixture
def filed_case(postgres_only):
    w = World()
    head2 = user("division_head2", w.district, "division_head")
    case = w.case(now=at(2026, 3, 1))
    case = w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    return w, head2, case


@pytest.mark.django_db(transaction=True)
def test_two_threads_approve_the_same_filing(filed_case) -> None:
    w, head2, case = filed_case
    results = race(case.pk, [w.head, head2], expected_version=case.version)
    assert results.count("ok") == 1
    (loser,) = [r for r in results if r != "ok"]
    assert loser.status == 409 and "已被他人更新" in loser.detail
    assert CaseEvent.objects.filter(case=case, transition="approve_filing").count() == 1
    case.refresh_from_db()
    assert case.state == S.INVESTIGATING and case.number.endswith("〔2026〕1号")


@pytest.mark.django_db(transaction=True)
def test_without_a_version_the_loser_finds_the_transition_gone(filed_case) -> None:
    w, head2, case = filed_case
    results = race(case.pk, [w.head, head2])
    assert results.count("ok") == 1
    (loser,) = [r for r in results if r != "ok"]
    assert loser.status == 409 and loser.reasons[0].code == "transition_not_available"
    assert CaseEvent.objects.filter(case=case, transition="approve_filing").count() == 1
