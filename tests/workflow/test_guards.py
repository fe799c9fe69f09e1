"""Every guard refuses with a reason that names what is missing (SPEC §4)."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.policy import AvActivity
from accounts.services import certificate_issue
from casefiles.models import Case, CaseEvent
from core.errors import Conflict, Forbidden, InvalidInput
from law.states import CaseState as S
from tests.factories import World, add_hearing_av, at, user
from workflow import services

pytestmark = pytest.mark.django_db


def to_investigating(w: World, case: Case) -> Case:
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    return w.fire(case, "approve_filing", w.head, at(2026, 3, 3))


def to_notice(w: World, case: Case, fine: str = "80000") -> Case:
    to_investigating(w, case)
    w.propose(case, at(2026, 3, 4), fine=Decimal(fine))
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 5))
    case = w.fire(case, "approve", w.head, at(2026, 3, 6))
    if case.state == S.PRE_NOTICE_CHECK:
        case = w.fire(case, "approve", w.legal, at(2026, 3, 9), opinion="同意")
    return case


def test_uncertified_officer_is_named(world: World) -> None:
    w = world
    expired = user(
        "expired_officer", w.district, "officer", cert_from=date(2020, 1, 1), cert_to=date(2026, 1, 31)
    )
    case = services.case_create(
        actor=w.officer1,
        organisation=w.district,
        title="案件",
        origin="inspection",
        party=w.case().party,
        violation_type=w.vt,
        officers=[w.officer1, expired],
        now=at(2026, 3, 1),
    )
    with pytest.raises(Conflict) as refused:
        w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    reason = refused.value.reasons[0]
    assert reason.code == "officers_uncertified"
    assert "expired_officer 在 2026-03-02 无有效执法证" in reason.message
    # A renewed certificate makes the same step pass.
    certificate_issue(
        user=expired, number="ZF-RENEW-1", valid_from=date(2026, 2, 1), valid_to=date(2031, 1, 31)
    )
    assert w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2)).state == S.FILING_REVIEW


def test_missing_party_and_violation_type_are_named(world: World) -> None:
    w = world
    case = services.case_create(
        actor=w.officer1,
        organisation=w.district,
        title="案件",
        origin="complaint",
        officers=[w.officer1, w.officer2],
        now=at(2026, 3, 1),
    )
    options = {
        o.code: o
        for o in services.case_available_transitions(case=case, actor=w.officer1, now=at(2026, 3, 2))
    }
    codes = {r.code for r in options["submit_filing"].unmet}
    assert codes == {"party_missing", "violation_type_missing"}
    assert not options["submit_filing"].allowed


def test_missing_av_record_blocks_submit_review(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    services.activity_record(
        case_id=case.pk, actor=w.officer1, kind=AvActivity.INQUIRY, occurred_at=at(2026, 3, 4)
    )
    w.propose(case, at(2026, 3, 4), fine=Decimal("10000"))
    with pytest.raises(Conflict) as refused:
        w.fire(case, "submit_review", w.officer1, at(2026, 3, 5))
    assert refused.value.reasons[0].code == "av_record_missing"
    assert refused.value.reasons[0].message == "以下执法活动缺少已校验的音像记录：询问（2026-03-04）"


def test_reviewer_who_handles_the_case_is_refused(world: World) -> None:
    w = world
    both = user("officer_and_head", w.district, "officer", "division_head")
    case = services.case_create(
        actor=both,
        organisation=w.district,
        title="案件",
        origin="inspection",
        party=w.case().party,
        violation_type=w.vt,
        officers=[both, w.officer2],
        now=at(2026, 3, 1),
    )
    w.fire(case, "submit_filing", both, at(2026, 3, 2))
    with pytest.raises(Forbidden) as refused:
        w.fire(case, "approve_filing", both, at(2026, 3, 3))
    assert refused.value.reasons[0].code == "reviewer_is_handler"
    assert "承办人员，不能审核" in refused.value.detail


def test_wrong_role_is_refused(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    with pytest.raises(Forbidden) as refused:
        w.fire(case, "approve_filing", w.legal, at(2026, 3, 3))
    assert refused.value.reasons[0].code == "role_required"
    assert "承办机构负责人" in refused.value.reasons[0].message
    assert Case.objects.get(pk=case.pk).state == S.FILING_REVIEW


def test_return_requires_a_written_opinion(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    w.propose(case, at(2026, 3, 4), fine=Decimal("1000"))
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 5))
    with pytest.raises(InvalidInput) as refused:
        w.fire(case, "return", w.head, at(2026, 3, 6), opinion="   ")
    assert "必须填写书面意见" in refused.value.errors["opinion"][0]


def hearing_case(w: World) -> Case:
    case = to_notice(w, w.case(now=at(2026, 3, 1)))
    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 10), served_on="2026-03-10", method="direct")
    return w.fire(case, "request_hearing", w.officer1, at(2026, 3, 11), requested_on="2026-03-11")


def test_hearing_notified_less_than_seven_working_days_ahead(world: World) -> None:
    w = world
    case = hearing_case(w)
    # Notified Thu 12 March; seven working days later is Mon 23 March. Friday 20th is too early.
    w.schedule_hearing(case, at(2026, 3, 12), "2026-03-20")
    case.refresh_from_db()
    add_hearing_av(w, case, at(2026, 3, 20))
    with pytest.raises(Conflict) as refused:
        w.fire(case, "hold_hearing", w.officer1, at(2026, 3, 20), held_on="2026-03-20", report="报告")
    assert refused.value.reasons[0].code == "hearing_notice_too_short"
    assert "最早可于 2026-03-23 举行" in refused.value.reasons[0].message


def test_hearing_needs_its_av_record_and_report(world: World) -> None:
    w = world
    case = hearing_case(w)
    w.schedule_hearing(case, at(2026, 3, 12), "2026-03-24")
    with pytest.raises(Conflict) as refused:
        w.fire(case, "hold_hearing", w.officer1, at(2026, 3, 24), held_on="2026-03-24", report="")
    assert [r.code for r in refused.value.reasons] == ["av_record_missing"]
    assert "听证（2026-03-24）" in refused.value.reasons[0].message
    case.refresh_from_db()
    add_hearing_av(w, case, at(2026, 3, 24))
    with pytest.raises(Conflict) as refused:
        w.fire(case, "hold_hearing", w.officer1, at(2026, 3, 24), held_on="2026-03-24", report="")
    assert [r.code for r in refused.value.reasons] == ["hearing_report_missing"]


def test_hearing_officer_may_not_be_a_handler(world: World) -> None:
    w = world
    case = hearing_case(w)
    with pytest.raises(InvalidInput) as refused:
        w.schedule_hearing(case, at(2026, 3, 12), "2026-03-24", hearing_officer=w.officer2)
    assert "听证主持人不能是本案承办人员" in refused.value.detail


def test_hearing_request_outside_five_working_days(world: World) -> None:
    w = world
    case = to_notice(w, w.case(now=at(2026, 3, 1)))
    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 10), served_on="2026-03-10", method="direct")
    with pytest.raises(Conflict) as refused:
        w.fire(case, "request_hearing", w.officer1, at(2026, 3, 18), requested_on="2026-03-18")
    assert refused.value.reasons[0].code == "hearing_request_late"
    assert "2026-03-17" in refused.value.reasons[0].message


def test_no_hearing_right_for_a_small_fine(world: World) -> None:
    w = world
    case = to_notice(w, w.case(now=at(2026, 3, 1)), fine="3000")
    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 10), served_on="2026-03-10", method="direct")
    with pytest.raises(Conflict) as refused:
        w.fire(case, "request_hearing", w.officer1, at(2026, 3, 11), requested_on="2026-03-11")
    assert refused.value.reasons[0].code == "no_hearing_right"


def to_pending_decision(w: World, fine: str) -> Case:
    case = to_notice(w, w.case(now=at(2026, 3, 1)), fine=fine)
    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 10), served_on="2026-03-10", method="direct")
    w.fire(case, "record_statement", w.officer1, at(2026, 3, 10), statement_on="2026-03-10", waived=True)
    return w.fire(case, "conclude_notice", w.officer1, at(2026, 3, 11))


def test_heavier_penalty_after_notice_is_refused(world: World) -> None:
    w = world
    case = to_pending_decision(w, fine="8000")
    assert case.state == S.PENDING_DECISION
    with pytest.raises(Conflict) as refused:
        w.fire(case, "decide", w.agency_head, at(2026, 3, 12), decision_kind="penalty", fine="9000")
    assert refused.value.reasons[0].code == "penalty_heavier_than_notice"
    assert "罚款 9000.00 元高于告知的 8000.00 元" in refused.value.reasons[0].message
    with pytest.raises(Conflict) as refused:
        w.fire(
            case,
            "decide",
            w.agency_head,
            at(2026, 3, 12),
            decision_kind="penalty",
            fine="8000",
            suspension=True,
        )
    assert "增加了告知中没有的责令停产停业" in refused.value.reasons[0].message
    assert Case.objects.get(pk=case.pk).decided_penalty is None, "the refused decision left nothing behind"
    assert (
        w.fire(case, "decide", w.agency_head, at(2026, 3, 12), decision_kind="penalty", fine="6000").state
        == S.DECIDED
    )


def to_deliberation(w: World) -> Case:
    case = to_notice(w, w.case(now=at(2026, 3, 1)), fine="80000")
    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 10), served_on="2026-03-10", method="direct")
    w.fire(case, "record_statement", w.officer1, at(2026, 3, 10), statement_on="2026-03-10", waived=True)
    w.fire(case, "conclude_notice", w.officer1, at(2026, 3, 11))
    return w.fire(case, "approve", w.legal, at(2026, 3, 12), opinion="同意提交集体讨论")


def deliberate(w: World, case: Case, present: list) -> Case:
    return w.conclude(case, at(2026, 3, 13), present, {str(m.pk): "agree" for m in present}, fine="80000")


def test_deliberation_without_quorum_is_refused(world: World) -> None:
    w = world
    case = to_deliberation(w)
    assert case.state == S.DELIBERATION
    with pytest.raises(Conflict) as refused:
        deliberate(w, case, w.members[:2])  # 2 of 5 is not more than half
    assert refused.value.reasons[0].code == "quorum_not_met"
    assert "出席委员 2 人，委员会共 5 人" in refused.value.reasons[0].message
    assert not case.deliberations.exists(), "the refused meeting was not kept"
    assert deliberate(w, case, w.members[:3]).state == S.DECIDED


def test_extension_is_approved_once_by_the_agency_head(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    assert case.decision_deadline == date(2026, 6, 1)
    case = w.fire(case, "extend_deadline", w.agency_head, at(2026, 5, 20), opinion="案情复杂，需鉴定")
    assert case.decision_deadline == date(2026, 7, 1) and case.current_deadline == date(2026, 7, 1)
    with pytest.raises(Conflict) as refused:
        w.fire(case, "extend_deadline", w.agency_head, at(2026, 6, 20), opinion="再次延期")
    assert refused.value.reasons[0].code == "already_extended"


def test_transition_not_available_in_this_state(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    with pytest.raises(Conflict) as refused:
        w.fire(case, "approve", w.head, at(2026, 3, 2))
    assert refused.value.reasons[0].code == "transition_not_available"
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_user_outside_the_subtree_cannot_see_the_case(world: World) -> None:
    w = world
    outsider = user("outsider", w.other_district, "division_head")
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    from core.errors import NotFound

    with pytest.raises(NotFound):
        w.fire(case, "approve_filing", outsider, at(2026, 3, 3))


def test_listing_shows_exactly_what_this_user_may_fire(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    case = w.propose(case, at(2026, 3, 4), fine=Decimal("1000"))
    officer = {
        o.code: o
        for o in services.case_available_transitions(case=case, actor=w.officer1, now=at(2026, 3, 5))
    }
    assert officer["submit_review"].allowed and officer["withdraw"].allowed
    assert officer["withdraw"].inputs == ["opinion"]
    head = {
        o.code: o for o in services.case_available_transitions(case=case, actor=w.head, now=at(2026, 3, 5))
    }
    assert not head["submit_review"].allowed
    assert {r.code for r in head["submit_review"].unmet} >= {"role_required", "not_a_handler"}
