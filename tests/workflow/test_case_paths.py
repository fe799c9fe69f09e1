"""Cases carried through the state machine by users of the right roles (SPEC §4, §5)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import F

from accounts.policy import AvActivity
from casefiles.history import verify_case_chain
from casefiles.models import Case, CaseEvent, LegalCheck
from law.states import CaseState as S
from tests.factories import World, agreed, at, individual, inquiry_record, upload
from workflow import services

pytestmark = pytest.mark.django_db


def record_av(w: World, case: Case, kind: str, when) -> None:
    activity = services.activity_record(case_id=case.pk, actor=w.officer1, kind=kind, occurred_at=when)
    upload(
        case,
        w.officer1,
        f"{kind} recording".encode(),
        title=f"{kind} 执法记录仪视频",
        activity=activity,
        when=when,
    )


def test_major_case_through_every_state_to_archive(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 2))
    assert case.state == S.DRAFT
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2, 11))
    case = w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    assert case.state == S.INVESTIGATING
    assert case.number == "区应急罚〔2026〕1号"
    assert case.decision_deadline == date(2026, 6, 1)  # 90 days from 3 March 2026 (a Monday)
    record_av(w, case, AvActivity.INQUIRY, at(2026, 3, 5))
    # The officer writes up the inquiry as its 询问笔录 (the closure checklist requires one).
    inquiry_record(w, case, at(2026, 3, 5, 11))
    w.propose(case, at(2026, 3, 9), fine=Decimal("80000"))
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 10))
    case = w.fire(case, "approve", w.head, at(2026, 3, 11))
    assert case.state == S.PRE_NOTICE_CHECK, (
        "a fine of 80,000 yuan for an entity is major: checked before notice"
    )
    assert case.is_major

    case = w.fire(case, "return", w.legal, at(2026, 3, 12), opinion="询问笔录未由当事人签字，请补正")
    assert case.state == S.INVESTIGATING
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 13))
    w.fire(case, "approve", w.head, at(2026, 3, 16))
    case = w.fire(case, "approve", w.legal, at(2026, 3, 17), opinion="事实清楚，证据确凿，同意告知")
    assert case.state == S.NOTICE

    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 18), served_on="2026-03-18", method="direct")
    case = w.fire(case, "request_hearing", w.officer1, at(2026, 3, 19), requested_on="2026-03-19")
    assert case.state == S.HEARING
    w.schedule_hearing(case, at(2026, 3, 20), "2026-04-01", place="区应急管理局三楼听证室")
    case = w.hold_hearing(
        case,
        at(2026, 4, 1, 15),
        at(2026, 4, 1, 16),
        report="当事人对违法事实无异议，请求从轻处罚",
        record="听证笔录全文",
    )
    assert case.state == S.PRE_DECISION_CHECK
    case = w.fire(case, "approve", w.legal, at(2026, 4, 2), opinion="程序合法，同意提交集体讨论")
    assert case.state == S.DELIBERATION

    present = w.members[:4]
    case = w.conclude(
        case,
        at(2026, 4, 3),
        present,
        agreed(present),
        fine="60000",
        minutes="案审委员会第3次会议纪要",
        conclusion="同意给予罚款六万元的行政处罚",
    )
    assert case.state == S.DECIDED
    assert case.decided_fine == Decimal("60000.00")
    assert case.decision_number == case.number
    case = w.serve_decision(case, at(2026, 4, 7))
    assert not case.service_late
    assert case.fine_due_on == date(2026, 4, 22)
    case = w.publish(case, at(2026, 4, 8))
    assert not case.publication_late
    w.fire(case, "start_execution", w.officer1, at(2026, 4, 9))
    case = w.close_paid(case, at(2026, 4, 15), "60000")
    assert case.state == S.CLOSED and case.surcharge == Decimal("0.00")
    case = w.fire(case, "archive", w.head, at(2026, 4, 16))
    assert case.state == S.ARCHIVED

    path = list(
        CaseEvent.objects.filter(case=case)
        .exclude(from_state=F("to_state"))  # events that moved the state
        .values_list("to_state", flat=True)
    )
    assert path == [
        S.DRAFT,
        S.FILING_REVIEW,
        S.INVESTIGATING,
        S.INITIAL_REVIEW,
        S.PRE_NOTICE_CHECK,
        S.INVESTIGATING,
        S.INITIAL_REVIEW,
        S.PRE_NOTICE_CHECK,
        S.NOTICE,
        S.HEARING,
        S.PRE_DECISION_CHECK,
        S.DELIBERATION,
        S.DECIDED,
        S.SERVED,
        S.PUBLISHED,
        S.EXECUTING,
        S.CLOSED,
        S.ARCHIVED,
    ]
    assert LegalCheck.objects.filter(case=case, outcome=LegalCheck.Outcome.RETURNED).count() == 1
    assert set(LegalCheck.objects.filter(case=case, outcome="approved").values_list("stage", flat=True)) == {
        "pre_notice",
        "pre_decision",
    }
    returned = CaseEvent.objects.get(case=case, transition="return")
    assert returned.opinion == "询问笔录未由当事人签字，请补正" and returned.actor == w.legal
    assert verify_case_chain(case, list(CaseEvent.objects.filter(case=case))) == []
    # Nothing may move an archived case.
    assert services.case_available_transitions(case=case, actor=w.head) == []


def test_minor_case_skips_legal_checks(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 5, 6))
    w.fire(case, "submit_filing", w.officer1, at(2026, 5, 6))
    w.fire(case, "approve_filing", w.head, at(2026, 5, 7))
    w.propose(case, at(2026, 5, 8), fine=Decimal("5000"))
    w.fire(case, "submit_review", w.officer1, at(2026, 5, 11))
    case = w.fire(case, "approve", w.head, at(2026, 5, 12))
    assert case.state == S.NOTICE and not case.is_major
    w.fire(case, "serve_notice", w.officer1, at(2026, 5, 12), served_on="2026-05-12", method="direct")
    w.fire(case, "record_statement", w.officer1, at(2026, 5, 13), statement_on="2026-05-13", waived=True)
    case = w.fire(case, "conclude_notice", w.officer1, at(2026, 5, 13))
    assert case.state == S.PENDING_DECISION
    case = w.fire(case, "decide", w.agency_head, at(2026, 5, 14), decision_kind="penalty", fine="5000")
    assert case.state == S.DECIDED
    assert not LegalCheck.objects.filter(case=case).exists()


def test_organisation_that_checks_every_case(db) -> None:
    w = World(check_every_case=True)
    case = w.case(organisation=w.street, now=at(2026, 5, 6))  # the street inherits its district's setting
    w.fire(case, "submit_filing", w.officer1, at(2026, 5, 6))
    w.fire(case, "approve_filing", w.head, at(2026, 5, 7))
    w.propose(case, at(2026, 5, 8), fine=Decimal("3000"))
    w.fire(case, "submit_review", w.officer1, at(2026, 5, 11))
    w.fire(case, "approve", w.head, at(2026, 5, 12))
    w.fire(case, "serve_notice", w.officer1, at(2026, 5, 12), served_on="2026-05-12", method="direct")
    # Without a waiver the 3-working-day statement window must pass first: 13, 14, 15 May.
    with pytest.raises(Exception) as refused:
        w.fire(case, "conclude_notice", w.officer1, at(2026, 5, 15))
    assert "2026-05-15" in str(refused.value)
    case = w.fire(case, "conclude_notice", w.officer1, at(2026, 5, 18))
    assert case.state == S.PRE_DECISION_CHECK, "not major, but this organisation checks every case"
    case = w.fire(case, "approve", w.legal, at(2026, 5, 19), opinion="同意")
    assert case.state == S.PENDING_DECISION


def test_summary_procedure_case(world: World) -> None:
    w = world
    case = w.case(party=individual("李四"), procedure=Case.Procedure.SUMMARY, now=at(2026, 6, 1, 9))
    case = w.fire(case, "record_onsite_decision", w.officer1, at(2026, 6, 1, 9, 30), fine="200", warning=True)
    assert case.state == S.ONSITE_DECIDED and case.number == "区应急罚〔2026〕1号"
    w.serve_decision(case, at(2026, 6, 1, 9, 35))
    w.fire(case, "start_execution", w.officer1, at(2026, 6, 1, 9, 40))
    w.close_paid(case, at(2026, 6, 1, 10), "200")
    case = w.fire(case, "archive", w.head, at(2026, 6, 2))
    assert case.state == S.ARCHIVED
    assert case.filed_at is None, "summary cases are not 立案 — they are counted as summary decisions"


def test_summary_procedure_refuses_fines_above_article_51(world: World) -> None:
    w = world
    case = w.case(party=individual("王五"), procedure=Case.Procedure.SUMMARY, now=at(2026, 6, 1, 9))
    with pytest.raises(Exception) as refused:
        w.fire(case, "record_onsite_decision", w.officer1, at(2026, 6, 1, 9, 30), fine="201")
    assert refused.value.reasons[0].code == "summary_limit_exceeded"
    assert "200 元" in refused.value.detail
    case.refresh_from_db()
    assert case.state == S.DRAFT and case.number == "", "the refused step recorded nothing"


def test_late_payment_surcharge_capped_at_the_fine(world: World) -> None:
    w = world
    case = w.case(party=individual("赵六"), procedure=Case.Procedure.SUMMARY, now=at(2026, 1, 5))
    w.fire(case, "record_onsite_decision", w.officer1, at(2026, 1, 5), fine="100")
    case = w.serve_decision(case, at(2026, 1, 5))
    assert case.fine_due_on == date(2026, 1, 20)
    w.fire(case, "start_execution", w.officer1, at(2026, 1, 6))
    with pytest.raises(Exception) as refused:
        w.close_paid(case, at(2026, 6, 1), "100")
    assert refused.value.reasons[0].code == "fine_unsettled"
    assert "加处罚款 100.00 元" in refused.value.detail  # 3%/day for 132 days, capped at the 100-yuan fine
    case = w.close_paid(case, at(2026, 6, 1), "200")
    assert case.surcharge == Decimal("100.00")
