"""The rules of the law registry at work through their adapters: one rule refuses a step, fails its
pre-check point and is suggested in case-file review, with the same code and words; and the rules no
other test exercises by name."""

from __future__ import annotations

import pytest

from accounts.selectors import organisation_policy
from accounts.services import organisation_save
from casefiles.models import Case
from core.errors import Conflict
from law import rules as law_rules
from law.states import CaseState as S
from review.findings import findings_for
from review.law_table import law_table
from tests.factories import World, at
from tests.workflow.test_guards import to_deliberation, to_notice, to_pending_decision
from workflow.context import StepContext
from workflow.precheck import POINT_OF_RULE
from workflow.services import case_precheck

pytestmark = pytest.mark.django_db


def precheck_point(w: World, case: Case, rule: str):  # type: ignore[no-untyped-def]
    found = {f.code: f for f in case_precheck(case_id=case.pk, actor=w.legal, now=at(2026, 3, 12))}
    return found[POINT_OF_RULE[rule]]


def test_one_rule_refuses_the_step_fails_the_precheck_and_is_suggested_in_review(world: World) -> None:
    w = world
    rule = law_rules.get("penalty_heavier_than_notice")
    assert str(rule.source) == "《中华人民共和国行政处罚法》第四十五条第二款"
    case = to_pending_decision(w, fine="8000")

    # 1. The step: a decision heavier than the notice is refused with the rule's code and article.
    with pytest.raises(Conflict) as refused:
        w.fire(case, "decide", w.agency_head, at(2026, 3, 12), decision_kind="penalty", fine="9000")
    reason = refused.value.reasons[0]
    assert reason.code == "penalty_heavier_than_notice"
    assert "第四十五条第二款" in reason.message and "罚款 9000.00 元高于告知的 8000.00 元" in reason.message

    # 2. The pre-check: a proposal heavier than the notice fails the point 不得加重处罚, in the same words.
    Case.objects.filter(pk=case.pk).update(proposed_penalty={"fine": "9000"})
    point = precheck_point(w, Case.objects.get(pk=case.pk), "penalty_heavier_than_notice")
    assert (point.code, point.result) == ("not_heavier", "fail")
    assert point.detail == reason.message

    # 3. Case-file review: a closed file whose decision is heavier than its notice (as if decided before
    # the rule) is suggested under the pre-check point the standard maps to its item L04.
    decided = w.fire(case, "decide", w.agency_head, at(2026, 3, 12), decision_kind="penalty", fine="8000")
    assert decided.state == S.DECIDED
    Case.objects.filter(pk=case.pk).update(decided_penalty={"fine": "9000"})
    suggested = {f.code: f for f in findings_for(Case.objects.get(pk=case.pk))}
    assert "precheck.not_heavier" in suggested
    assert "第四十五条第二款" in suggested["precheck.not_heavier"].message
    row = next(r for r in law_table(with_tests=False) if r.code == "penalty_heavier_than_notice")
    assert row.precheck_point == "not_heavier（不得加重处罚）"
    assert any(item.startswith("L04 ") for item in row.review_items)
    assert "decide（作出处罚决定）" in row.blocks


def test_a_suspected_crime_is_refused_at_the_decision_failed_in_precheck_and_suggested(world: World) -> None:
    w = world
    case = to_pending_decision(w, fine="8000")
    Case.objects.filter(pk=case.pk).update(
        criminal_suspicion=True, criminal_suspicion_note="涉嫌重大责任事故罪"
    )
    with pytest.raises(Conflict) as refused:
        w.fire(case, "decide", w.agency_head, at(2026, 3, 12), decision_kind="penalty", fine="8000")
    assert refused.value.reasons[0].code == "criminal_suspicion"
    point = precheck_point(w, Case.objects.get(pk=case.pk), "criminal_suspicion")
    assert point.result == "fail" and point.detail == refused.value.reasons[0].message
    assert "precheck.transfer" in {f.code for f in findings_for(Case.objects.get(pk=case.pk))}


def test_votes_missing_refuses_the_conclusion(world: World) -> None:
    w = world
    case = to_deliberation(w)
    present = w.members[:3]
    with pytest.raises(Conflict) as refused:
        w.conclude(case, at(2026, 3, 13), present, {str(m.pk): "agree" for m in present[:2]}, fine="80000")
    reason = next(r for r in refused.value.reasons if r.code == "votes_missing")
    assert str(present[2]) in reason.message
    assert not case.deliberations.exists(), "the refused sitting was not kept"


def test_publication_required_before_execution_of_a_general_procedure_case(world: World) -> None:
    w = world
    case = to_pending_decision(w, fine="8000")
    w.fire(case, "decide", w.agency_head, at(2026, 3, 12), decision_kind="penalty", fine="8000")
    case = w.serve_decision(case, at(2026, 3, 13))
    assert case.state == S.SERVED
    with pytest.raises(Conflict) as refused:
        w.fire(case, "start_execution", w.officer1, at(2026, 3, 14))
    assert [r.code for r in refused.value.reasons] == ["publication_required"]
    case = w.publish(case, at(2026, 3, 16))
    assert w.fire(case, "start_execution", w.officer1, at(2026, 3, 17)).state == S.EXECUTING


def test_messages_follow_the_organisations_period(world: World) -> None:
    """A message states the period in force, never one written into its text."""
    w = world
    w.district.hearing_request_workdays = 8
    organisation_save(organisation=w.district)
    case = to_pending_decision(w, fine="80000")
    Case.objects.filter(pk=case.pk).update(statement_waived=False)
    verdict = law_rules.get("hearing_window_open")(
        Case.objects.select_related("party").get(pk=case.pk), _ctx(w, at(2026, 3, 12))
    )
    assert verdict.failed and "告知后八个工作日" in verdict.message
    assert "五个工作日" not in verdict.message


def _ctx(w: World, now):  # type: ignore[no-untyped-def]
    return StepContext(actor=w.legal, now=now, policy=organisation_policy(organisation=w.district), data={})


def test_a_fine_within_the_range_is_not_refused_by_the_statutory_rule(world: World) -> None:
    w = world
    case = to_pending_decision(w, fine="8000")
    verdict = law_rules.get("fine_outside_statutory_range")(
        Case.objects.get(pk=case.pk), _ctx(w, at(2026, 3, 12))
    )
    assert verdict.result == "pass", verdict.message
    Case.objects.filter(pk=case.pk).update(proposed_penalty={"fine": "20000000"})
    verdict = law_rules.get("fine_outside_statutory_range")(
        Case.objects.get(pk=case.pk), _ctx(w, at(2026, 3, 12))
    )
    assert verdict.failed and "法定" in verdict.message


def test_the_notice_stage_cannot_end_before_the_notice_is_served(world: World) -> None:
    w = world
    case = to_notice(w, w.case(now=at(2026, 3, 1)), fine="8000")
    assert case.state == S.NOTICE
    with pytest.raises(Conflict) as refused:
        w.fire(case, "conclude_notice", w.officer1, at(2026, 3, 11))
    assert refused.value.reasons[0].code == "notice_not_served"
    assert "第四十四条" in law_rules.get("notice_not_served").article
    assert Case.objects.get(pk=case.pk).state == S.NOTICE
