"""Each automated pre-check rule (SPEC §7): a case that passes it and one that fails it, with the message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.policy import AvActivity
from casefiles.models import Case, CaseActivity
from law import findings as P
from tests.factories import World, at, user
from tests.workflow.test_guards import to_investigating, to_notice, to_pending_decision
from workflow.precheck import POINT_OF_RULE, RULE_TITLES
from workflow.services import case_precheck

pytestmark = pytest.mark.django_db


def finding(w: World, case: Case, rule: str, when=None) -> P.Finding:
    """The pre-check point that the law's rule `rule` (law.rules) fills."""
    found = {f.code: f for f in case_precheck(case_id=case.pk, actor=w.legal, now=when or at(2026, 3, 12))}
    assert list(found) == list(RULE_TITLES), "every review point, every time"
    return found[POINT_OF_RULE[rule]]


def investigating(w: World, fine: str = "80000") -> Case:
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    w.propose(case, at(2026, 3, 4), fine=Decimal(fine))
    case.refresh_from_db()
    return case


def test_authority(world: World) -> None:
    w = world
    case = investigating(w)
    assert finding(w, case, "authority_incompetent").result == P.PASS
    outsider = user("outsider", w.other_district, "officer")
    case.officers.add(outsider)
    f = finding(w, case, "authority_incompetent")
    assert f.result == P.FAIL and "outsider（外区应急管理局）" in f.detail


def test_officers_certified_on_every_action_date(world: World) -> None:
    w = world
    case = investigating(w)
    assert finding(w, case, "officers_uncertified_when_acting").result == P.PASS
    # officer2's certificate only began after the on-site inspection of 2 March.
    w.officer2.certificates.update(valid_from=date(2026, 3, 5))
    CaseActivity.objects.create(
        case=case, kind=AvActivity.ONSITE_INSPECTION, occurred_at=at(2026, 3, 2), recorded_by=w.officer1
    )
    f = finding(w, case, "officers_uncertified_when_acting")
    assert f.result == P.FAIL and "2026-03-02 有效持证 1 名（无证：officer2）" in f.detail


def test_facts_and_evidence(world: World) -> None:
    w = world
    case = investigating(w)
    f = finding(w, case, "facts_unestablished")
    assert f.result == P.WARNING and "未上传任何已校验的证据" in f.detail
    from tests.factories import upload

    upload(case, w.officer1, b"photo of the site", kind="photo", title="现场照片")
    assert finding(w, case, "facts_unestablished").detail == "已写明违法事实，附已校验证据 1 份"
    Case.objects.filter(pk=case.pk).update(facts="  ")
    f = finding(w, case, "facts_unestablished")
    assert (f.result, f.detail) == (P.FAIL, "未写明违法事实")


def test_legal_basis(world: World) -> None:
    w = world
    case = investigating(w)
    f = finding(w, case, "legal_basis_missing")
    assert f.result == P.PASS and "第九十七条第三项" in f.detail
    Case.objects.filter(pk=case.pk).update(violation_type=None)
    assert finding(w, case, "legal_basis_missing").result == P.FAIL


def test_fine_within_the_statutory_range(world: World) -> None:
    w = world
    f = finding(w, investigating(w, fine="100000"), "fine_outside_statutory_range")
    assert (f.result, f.detail) == (P.PASS, "拟罚款 100000元在法定幅度（100000元以下）内")
    f = finding(w, investigating(w, fine="100000.01"), "fine_outside_statutory_range")
    assert (f.result, f.detail) == (P.FAIL, "拟罚款 100000.01元超过法定上限 100000元")


def benchmarks(w: World) -> None:
    """The bureau's benchmark for the test violation, revised on 1 March 2022."""
    from casefiles.catalogue.services import BenchmarkSpec, LevelSpec, benchmark_add

    def levels(general_max: str) -> list[LevelSpec]:
        return [
            LevelSpec("minor", "首次违法且及时改正", fine_min=Decimal("0"), fine_max=Decimal("10000")),
            LevelSpec("general", "一般情形", fine_min=Decimal("10000"), fine_max=Decimal(general_max)),
            LevelSpec("serious", "涉及人数较多", fine_min=Decimal(general_max), fine_max=Decimal("100000")),
        ]

    benchmark_add(
        violation_type=w.vt,
        spec=BenchmarkSpec(
            date(2019, 1, 1), "区应急管理局行政处罚自由裁量基准（2019）", levels=levels("50000")
        ),
    )
    benchmark_add(
        violation_type=w.vt,
        spec=BenchmarkSpec(
            date(2022, 3, 1), "区应急管理局行政处罚自由裁量基准（2022修订）", levels=levels("30000")
        ),
    )


def test_a_fine_within_the_law_but_above_the_benchmark_is_a_warning(world: World) -> None:
    w = world
    benchmarks(w)
    case = investigating(w, fine="40000")  # filed 2026: the 2022 revision applies
    f = finding(w, case, "fine_outside_benchmark")
    assert (f.result, f.detail) == (
        P.WARNING,
        "未选择裁量阶次（轻微、一般、较重、严重），无法对照自由裁量基准",
    )
    Case.objects.filter(pk=case.pk).update(severity="general")
    f = finding(w, case, "fine_outside_benchmark")
    assert f.result == P.WARNING
    assert "拟罚款 40000元不在“一般”阶次的裁量幅度（10000元以上30000元以下）内" in f.detail
    assert "2022修订" in f.detail
    assert finding(w, case, "fine_outside_statutory_range").result == P.PASS, "within the law all the same"
    Case.objects.filter(pk=case.pk).update(severity="serious")
    assert finding(w, case, "fine_outside_benchmark").result == P.PASS


def test_a_benchmark_revision_applies_by_filing_date(world: World) -> None:
    w = world
    benchmarks(w)
    case = investigating(w, fine="40000")
    Case.objects.filter(pk=case.pk).update(severity="general", filed_at=at(2022, 2, 28))
    f = finding(
        w, case, "fine_outside_benchmark"
    )  # filed the day before the revision: the 2019 range (≤ 50,000)
    assert f.result == P.PASS and "10000元以上50000元以下" in f.detail
    Case.objects.filter(pk=case.pk).update(filed_at=at(2022, 3, 1))
    assert finding(w, case, "fine_outside_benchmark").result == P.WARNING


def test_criminal_suspicion_must_be_transferred(world: World) -> None:
    w = world
    case = investigating(w)
    assert finding(w, case, "criminal_suspicion").result == P.PASS
    Case.objects.filter(pk=case.pk).update(criminal_suspicion=True, criminal_suspicion_note="造成一人死亡")
    f = finding(w, case, "criminal_suspicion")
    assert f.result == P.FAIL and "不得以罚代刑" in f.detail


def test_av_records(world: World) -> None:
    w = world
    case = investigating(w)
    assert finding(w, case, "av_record_missing").result == P.PASS
    CaseActivity.objects.create(
        case=case, kind=AvActivity.INQUIRY, occurred_at=at(2026, 3, 3), recorded_by=w.officer1
    )
    f = finding(w, case, "av_record_missing")
    assert f.result == P.FAIL and "询问" in f.detail


def test_notice_served_before_the_decision_check(world: World) -> None:
    w = world
    before = finding(w, to_notice(w, w.case(now=at(2026, 3, 1))), "notice_not_given")
    assert before.result == P.PASS and before.detail.startswith("不适用")
    case = to_pending_decision(w, fine="8000")
    Case.objects.filter(pk=case.pk).update(state="pre_decision_check")
    assert finding(w, case, "notice_not_given").result == P.PASS
    Case.objects.filter(pk=case.pk).update(notice_served_on=None)
    f = finding(w, case, "notice_not_given")
    assert f.result == P.FAIL and "未送达行政处罚告知书" in f.detail


def test_hearing_offered_when_due(world: World) -> None:
    w = world
    small = to_pending_decision(w, fine="3000")
    assert finding(w, small, "hearing_right_denied").detail == "不适用：拟作出的处罚不属于听证范围"
    case = to_pending_decision(w, fine="80000")  # hearing right (≥ 50,000 yuan, entity)
    Case.objects.filter(pk=case.pk).update(state="pre_decision_check")
    assert finding(w, case, "hearing_right_denied").result == P.PASS
    Case.objects.filter(pk=case.pk).update(notice_served_on=None)
    f = finding(w, case, "hearing_right_denied")
    assert (f.result, f.detail) == (P.FAIL, "属于听证范围，但告知书未送达，未告知听证权利")


def test_deadline_overrun(world: World) -> None:
    w = world
    case = investigating(w)  # filed 3 March 2026 → decision due 1 June
    assert finding(w, case, "decision_deadline_passed", at(2026, 4, 1)).result == P.PASS
    soon = finding(w, case, "decision_deadline_passed", at(2026, 5, 25))
    assert soon.result == P.WARNING and "仅剩 7 日" in soon.detail
    late = finding(w, case, "decision_deadline_passed", at(2026, 6, 3))
    assert (late.result, late.detail) == (P.FAIL, "办案期限 2026-06-01 已超过 2 日")


def test_heavier_penalty_than_noticed(world: World) -> None:
    w = world
    case = to_pending_decision(w, fine="8000")
    assert finding(w, case, "penalty_heavier_than_notice").result == P.PASS
    Case.objects.filter(pk=case.pk).update(proposed_penalty={"fine": "9000"})
    f = finding(w, case, "penalty_heavier_than_notice")
    assert f.result == P.FAIL and "罚款 9000.00 元高于告知的 8000.00 元" in f.detail


def test_documents_present(world: World) -> None:
    w = world
    case = investigating(w)
    assert finding(w, case, "documents_incomplete").result == P.PASS
    Case.objects.filter(pk=case.pk).update(proposed_penalty={})
    f = finding(w, case, "documents_incomplete")
    assert (f.result, f.detail) == (P.FAIL, "缺少：处罚建议（拟作出的行政处罚）")


def test_precheck_is_not_shown_outside_the_subtree(world: World) -> None:
    from core.errors import NotFound

    w = world
    stranger = user("stranger_legal", w.other_district, "legal_reviewer")
    with pytest.raises(NotFound):
        case_precheck(case_id=investigating(w).pk, actor=stranger)
