"""Score and grade (SPEC §8): veto items, category caps, the zero floor, the grade thresholds, and
score sheets that compute them and lock when submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import Conflict, Forbidden, InvalidInput
from review import services
from review.models import Grade, ScoreSheet, ScoringStandard, StandardCategory
from review.scoring import compute_score, grade_for, sheet_score
from review.standards import standard_create, standard_spec_from_data
from tests.factories import World
from tests.review.factories import (
    closed_summary,
    default_standard,
    reviewer,
    single_reviewer_campaign,
)

pytestmark = pytest.mark.django_db
D = Decimal


def deducted_by_code(standard: ScoringStandard, **by_code: str) -> dict[int, Decimal]:
    ids = dict(StandardCategory.objects.filter(standard=standard).values_list("code", "pk"))
    return {ids[code]: D(points) for code, points in by_code.items()}


def score(standard: ScoringStandard, vetoed: bool = False, **by_code: str):  # type: ignore[no-untyped-def]
    return compute_score(
        standard=standard,
        categories=StandardCategory.objects.filter(standard=standard).order_by("position"),
        deducted=deducted_by_code(standard, **by_code),
        vetoed=vetoed,
    )


def test_a_veto_item_makes_the_file_fail_at_any_score() -> None:
    standard = default_standard()
    perfect = score(standard, vetoed=True)
    assert perfect.total == D("100.00")
    assert perfect.grade == Grade.FAIL and perfect.grade_label == "不合格"
    assert score(standard, vetoed=False).grade == Grade.EXCELLENT
    assert score(standard, vetoed=True, facts="0.5").grade == Grade.FAIL


def test_a_category_loses_at_most_its_cap_and_never_goes_below_zero() -> None:
    standard = default_standard()  # 主体 10, 事实证据 30, 法律适用 20, 程序 20, 文书 10, 记录 5, 归档 5
    result = score(standard, subject="14", facts="3")
    subject = next(c for c in result.categories if c.code == "subject")
    assert (subject.deducted, subject.counted, subject.score) == (D("14"), D("10.00"), D("0.00"))
    facts = next(c for c in result.categories if c.code == "facts")
    assert facts.score == D("27.00")
    assert result.total == D("87.00"), "the 4 points over the cap of 主体 do not reach other categories"
    assert result.grade == Grade.GOOD


def test_an_explicit_cap_below_the_points() -> None:
    data = {
        "code": "capped",
        "name": "上限测试标准",
        "categories": [
            {
                "code": "a",
                "name": "甲",
                "points": "60",
                "cap": "10",
                "items": [{"code": "A1", "text": "甲项", "min": "5"}],
            },
            {
                "code": "b",
                "name": "乙",
                "points": "40",
                "items": [{"code": "B1", "text": "乙项", "min": "1", "max": "4"}],
            },
        ],
    }
    standard = standard_create(spec=standard_spec_from_data(data), actor=None)
    result = score(standard, a="25", b="5")
    assert [c.score for c in result.categories] == [D("50.00"), D("35.00")]
    assert result.total == D("85.00")


def test_the_total_floors_at_zero() -> None:
    standard = default_standard()
    everything = {c.code: "999" for c in StandardCategory.objects.filter(standard=standard)}
    result = score(standard, **everything)
    assert result.total == D("0.00")
    assert all(c.score == D("0.00") for c in result.categories)
    assert result.grade == Grade.FAIL


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        ("100", "excellent"),
        ("90", "excellent"),
        ("89.5", "good"),
        ("80", "good"),
        ("79.99", "pass"),
        ("60", "pass"),
        ("59.5", "fail"),
        ("0", "fail"),
    ],
)
def test_grade_thresholds_of_spec_8(points: str, grade: str) -> None:
    assert grade_for(score=D(points), vetoed=False, standard=default_standard()) == grade


def test_grade_thresholds_are_configured_per_standard_version() -> None:
    base = {
        "code": "strict",
        "name": "从严标准",
        "categories": [
            {
                "code": "all",
                "name": "全部",
                "points": "100",
                "items": [{"code": "X1", "text": "任一问题", "min": "1"}],
            }
        ],
    }
    strict = standard_create(
        spec=standard_spec_from_data({**base, "excellent_min": "95", "good_min": "85", "pass_min": "70"}),
        actor=None,
    )
    assert grade_for(score=D("92"), vetoed=False, standard=strict) == Grade.GOOD
    assert grade_for(score=D("65"), vetoed=False, standard=strict) == Grade.FAIL
    assert grade_for(score=D("92"), vetoed=False, standard=default_standard()) == Grade.EXCELLENT


# --- through the score sheet ---------------------------------------------------------------------------------


@pytest.fixture
def sheet(world: World) -> ScoreSheet:
    closed_summary(world)
    c, _, _ = single_reviewer_campaign(world, [world.district], "scorer")
    return ScoreSheet.objects.select_related("reviewer", "campaign__standard").get(campaign=c)


def test_deductions_follow_the_items_range_and_the_sheet_computes_its_score(sheet: ScoreSheet) -> None:
    rev = sheet.reviewer
    # D01 is a fixed 0.5 per occurrence: no amount needed.
    services.sheet_deduction_add(
        sheet_id=sheet.pk,
        actor=rev,
        item_code="D01",
        occurrences=3,
        reason="询问笔录等三份文书未使用统一格式",
    )
    # F03 ranges 0.5–2: the amount must be given and inside the range.
    with pytest.raises(InvalidInput) as missing:
        services.sheet_deduction_add(sheet_id=sheet.pk, actor=rev, item_code="F03", reason="笔录缺少询问时间")
    assert "0.50–2.00" in missing.value.detail
    with pytest.raises(InvalidInput):
        services.sheet_deduction_add(
            sheet_id=sheet.pk, actor=rev, item_code="F03", points_each=D("2.5"), reason="超出范围"
        )
    with pytest.raises(InvalidInput):
        services.sheet_deduction_add(
            sheet_id=sheet.pk, actor=rev, item_code="F03", points_each=D("1"), reason="  "
        )
    with pytest.raises(InvalidInput):
        services.sheet_deduction_add(sheet_id=sheet.pk, actor=rev, item_code="NOPE", reason="没有这个扣分项")
    services.sheet_deduction_add(
        sheet_id=sheet.pk, actor=rev, item_code="F03", points_each=D("1.5"), reason="笔录缺少询问时间"
    )

    live = sheet_score(sheet=sheet)
    assert live.total == D("97.00") and live.grade == Grade.EXCELLENT

    submitted = services.sheet_submit(sheet_id=sheet.pk, actor=rev, opinion="文书规范性有待加强")
    assert (submitted.status, submitted.score, submitted.grade) == ("completed", D("97.00"), Grade.EXCELLENT)
    assert submitted.completed_at is not None


def test_a_submitted_sheet_is_locked(sheet: ScoreSheet) -> None:
    rev = sheet.reviewer
    deduction = services.sheet_deduction_add(
        sheet_id=sheet.pk, actor=rev, item_code="S02", reason="未记录出示证件"
    )
    services.sheet_submit(sheet_id=sheet.pk, actor=rev)
    for attempt in (
        lambda: services.sheet_deduction_add(sheet_id=sheet.pk, actor=rev, item_code="S02", reason="再扣"),
        lambda: services.sheet_deduction_remove(sheet_id=sheet.pk, deduction_id=deduction.pk, actor=rev),
        lambda: services.sheet_veto_add(sheet_id=sheet.pk, actor=rev, veto_code="V05", reason="证据不足"),
        lambda: services.sheet_submit(sheet_id=sheet.pk, actor=rev),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.reasons[0].code == "sheet_locked"
    sheet.refresh_from_db()
    assert sheet.score == D("99.00")


def test_only_the_assigned_reviewer_scores(sheet: ScoreSheet, world: World) -> None:
    other = reviewer(world.district, "another")
    with pytest.raises(Forbidden):
        services.sheet_deduction_add(sheet_id=sheet.pk, actor=other, item_code="S02", reason="不是我的")
    assert not sheet.deductions.exists()


def test_a_veto_through_the_sheet_fails_the_file_with_its_points_shown(sheet: ScoreSheet) -> None:
    rev = sheet.reviewer
    services.sheet_veto_add(
        sheet_id=sheet.pk, actor=rev, veto_code="V05", reason="无现场照片等证据证明违法事实"
    )
    with pytest.raises(Conflict):
        services.sheet_veto_add(sheet_id=sheet.pk, actor=rev, veto_code="V05", reason="重复")
    done = services.sheet_submit(sheet_id=sheet.pk, actor=rev)
    assert (done.score, done.grade, done.vetoed, done.status) == (D("100.00"), Grade.FAIL, True, "completed")
