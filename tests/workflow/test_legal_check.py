"""The legal check (法制审核, SPEC §4/§7, issue 6): the stored pre-check and opinion, approving over a
failed point only with a written reason, and two-level review of a street's case."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.roles import Role
from casefiles.models import LegalCheck
from core.errors import Conflict, InvalidInput
from law.states import CaseState as S
from tests.factories import World, at, user
from workflow.services import case_available_transitions

pytestmark = pytest.mark.django_db


def to_pre_notice_check(w: World, fine: str = "80000", organisation=None):
    case = w.case(now=at(2026, 3, 1), organisation=organisation)
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    w.propose(case, at(2026, 3, 4), fine=Decimal(fine))
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 5))
    case = w.fire(case, "approve", w.head, at(2026, 3, 6))
    assert case.state == S.PRE_NOTICE_CHECK
    return case


def test_a_fine_above_the_statutory_maximum_blocks_approval_without_a_written_reason(world: World) -> None:
    w = world
    case = to_pre_notice_check(w, fine="120000")  # the law allows at most 100,000 yuan
    with pytest.raises(Conflict) as refused:
        w.fire(case, "approve", w.legal, at(2026, 3, 9), opinion="同意")
    assert refused.value.reasons[0].code == "precheck_fail_unexplained"
    assert "处罚幅度（法定）：拟罚款 120000元超过法定上限 100000元" in refused.value.reasons[0].message
    assert not LegalCheck.objects.exists(), "a refused check leaves no record"

    reason = "当事人逾期未改正，依第九十七条后段责令停产停业整顿并处十万元以上二十万元以下罚款"
    case = w.fire(case, "approve", w.legal, at(2026, 3, 9), opinion="同意", override_reason=reason)
    check = LegalCheck.objects.get()
    assert case.state == S.NOTICE and check.override_reason == reason
    fine_point = next(p for p in check.points if p["code"] == "fine_range")
    assert (fine_point["finding"], fine_point["conclusion"], fine_point["by_reviewer"]) == (
        "fail",
        "nonconforming",
        False,
    )


def test_the_opinion_records_the_reviewers_conclusion_on_each_point(world: World) -> None:
    w = world
    case = to_pre_notice_check(w)

    def approve(points: list[dict]) -> None:
        w.fire(case, "approve", w.legal, at(2026, 3, 9), opinion="同意", points=points)

    with pytest.raises(InvalidInput) as bad:
        approve([{"code": "nope", "conclusion": "conforms"}])
    assert "没有代码为“nope”的审核要点" in bad.value.errors["points"][0]
    with pytest.raises(InvalidInput) as bad:
        approve([{"code": "facts_evidence", "conclusion": "nonconforming"}])
    assert "认定“不符合”须写明意见" in bad.value.errors["points"][0]
    # The reviewer finds a fault the machine could not: approving over it needs a reason too.
    doubt = [
        {"code": "facts_evidence", "conclusion": "nonconforming", "comment": "询问笔录未经当事人签字确认"}
    ]
    with pytest.raises(Conflict) as refused:
        approve(doubt)
    assert "事实与证据：询问笔录未经当事人签字确认" in refused.value.reasons[0].message

    case = w.fire(case, "return", w.legal, at(2026, 3, 9), opinion="证据不足，退回补充调查", points=doubt)
    check = LegalCheck.objects.get()
    assert case.state == S.INVESTIGATING and check.outcome == "returned"
    assert check.items_to_fix == ["事实与证据：询问笔录未经当事人签字确认"]
    assert [p["code"] for p in check.points][:3] == ["authority", "officers", "facts_evidence"]
    point = next(p for p in check.points if p["code"] == "facts_evidence")
    assert point["by_reviewer"] and point["finding"] == "warning"  # no evidence uploaded yet

    w.fire(case, "submit_review", w.officer1, at(2026, 3, 10))
    w.fire(case, "approve", w.head, at(2026, 3, 10))
    case = w.fire(
        case,
        "return",
        w.legal,
        at(2026, 3, 11),
        opinion="仍需补正",
        items_to_fix=["补充询问笔录签字", "补充现场照片"],
    )
    assert LegalCheck.objects.latest("pk").items_to_fix == ["补充询问笔录签字", "补充现场照片"]


def test_two_level_review_of_a_street_case(db) -> None:
    w = World(two_level_review=True)  # set on the district; its streets inherit it
    street_legal = user("street_legal", w.street, Role.LEGAL_REVIEWER)
    case = to_pre_notice_check(w, organisation=w.street)

    with pytest.raises(Conflict) as refused:
        w.fire(case, "approve", w.legal, at(2026, 3, 9), opinion="同意")
    assert refused.value.reasons[0].code == "first_level_review_due"
    assert "须先由街应急管理局的法制审核人员审核" in refused.value.reasons[0].message
    options = {o.code: o for o in case_available_transitions(case=case, actor=street_legal)}
    assert options["approve"].allowed

    case = w.fire(case, "approve", street_legal, at(2026, 3, 9), opinion="街道审核同意，报区局复核")
    assert case.state == S.PRE_NOTICE_CHECK, "the district has yet to check it"
    with pytest.raises(Conflict) as refused:
        w.fire(case, "approve", street_legal, at(2026, 3, 9), opinion="再次同意")
    assert refused.value.reasons[0].code == "second_level_review_due"
    assert "街应急管理局已审核同意，须由区应急管理局法制审核人员复核" in refused.value.reasons[0].message

    case = w.fire(case, "approve", w.legal, at(2026, 3, 10), opinion="复核同意")
    assert case.state == S.NOTICE
    checks = list(LegalCheck.objects.order_by("pk").values_list("level", "organisation__name", "outcome"))
    assert checks == [(1, "街应急管理局", "approved"), (2, "区应急管理局", "approved")]


def test_a_district_return_starts_the_two_levels_again(db) -> None:
    w = World(two_level_review=True)
    street_legal = user("street_legal", w.street, Role.LEGAL_REVIEWER)
    case = to_pre_notice_check(w, organisation=w.street)
    w.fire(case, "approve", street_legal, at(2026, 3, 9), opinion="同意")
    case = w.fire(case, "return", w.legal, at(2026, 3, 10), opinion="处罚依据引用错误")
    assert case.state == S.INVESTIGATING
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 11))
    w.fire(case, "approve", w.head, at(2026, 3, 11))
    with pytest.raises(Conflict) as refused:
        w.fire(case, "approve", w.legal, at(2026, 3, 12), opinion="同意")
    assert refused.value.reasons[0].code == "first_level_review_due", "the street checks the new round first"


def test_a_district_case_is_checked_once(db) -> None:
    w = World(two_level_review=True)  # two levels are for streets' cases only
    case = w.fire(to_pre_notice_check(w), "approve", w.legal, at(2026, 3, 9), opinion="同意")
    assert case.state == S.NOTICE and LegalCheck.objects.get().level == 1


def test_a_case_suspected_of_a_crime_is_transferred_not_fined(world: World) -> None:
    from casefiles.models import Transfer
    from workflow.services import case_update_details

    w = world
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    w.propose(case, at(2026, 3, 4), fine=Decimal("80000"))
    with pytest.raises(InvalidInput) as bad:
        case_update_details(case_id=case.pk, actor=w.officer1, changes={"criminal_suspicion": True})
    assert bad.value.errors == {"criminal_suspicion_note": ["必填"]}
    case_update_details(
        case_id=case.pk,
        actor=w.officer1,
        changes={
            "criminal_suspicion": True,
            "criminal_suspicion_note": "违章指挥造成一人死亡，涉嫌重大责任事故罪",
        },
    )
    with pytest.raises(Conflict) as refused:
        w.fire(case, "submit_review", w.officer1, at(2026, 3, 5))
    assert refused.value.reasons[0].code == "criminal_suspicion"
    assert "不得以行政处罚代替刑事处罚" in refused.value.reasons[0].message
    case = w.transfer(
        case, at(2026, 3, 6), opinion="涉嫌重大责任事故罪，移送公安机关", authority_name="市公安局", persons=2
    )
    assert case.state == S.TRANSFERRED
    assert Transfer.objects.get(case=case).persons == 2
