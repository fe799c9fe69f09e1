"""Campaign results (issue 8 item 5) and the §9 figure: the report's figures match the score sheets,
in the selector and in the Excel export; counted by database aggregates in a fixed number of queries."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports.selectors import annual_figures
from review import services
from review.export import campaign_report_xlsx
from review.models import Campaign, Deduction, Grade, ScoreSheet, VetoFinding
from review.selectors import campaign_results
from tests.factories import World, at, org
from tests.review.factories import campaign, closed_summary, finished_campaign, manager, reviewer, started

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def finished(world: World) -> Campaign:
    return finished_campaign(world)


def mean(values: list[Decimal]) -> Decimal:
    return (sum(values, D(0)) / len(values)).quantize(D("0.1"), rounding=ROUND_HALF_UP)


def test_the_campaign_report_figures_match_the_score_sheets(finished: Campaign) -> None:
    with CaptureQueriesContext(connection) as queries:
        results = campaign_results(campaign=finished)
    assert len(queries) == 6, [q["sql"][:80] for q in queries]

    sheets = list(ScoreSheet.objects.filter(campaign=finished).select_related("case"))
    scores = sorted(s.score for s in sheets)
    assert scores == [D("65.00"), D("87.00"), D("96.50"), D("97.00"), D("99.00"), D("99.50")]
    assert results["files_sampled"] == results["files_reviewed"] == len(sheets) == 6
    assert results["mean_score"] == mean([s.score for s in sheets]) == D("90.7")
    assert results["grades"] == {g: sum(s.grade == g for s in sheets) for g in Grade.values}
    assert results["grades"] == {"excellent": 3, "good": 1, "pass": 1, "fail": 1}
    assert results["vetoed"] == sum(s.vetoed for s in sheets) == 1
    assert (results["rectifications_open"], results["rectifications_done"]) == (1, 0)

    for row in results["by_organisation"]:
        own = [s for s in sheets if s.case.organisation_id == row["organisation"].pk]
        assert row["files_reviewed"] == len(own) == 3
        assert row["mean_score"] == mean([s.score for s in own])
        assert sum(row["grades"].values()) == 3

    recorded = Counter()
    for d in Deduction.objects.filter(sheet__campaign=finished).select_related("item"):
        recorded[d.item.code] += 1
    top = {r["item"]: r for r in results["top_deductions"]}
    assert {code: r["files"] for code, r in top.items()} == dict(recorded)
    assert results["top_deductions"][0]["item"] == "D01" and top["D01"]["occurrences"] == 6
    assert top["F05"]["points"] == D("30.00"), "the points recorded, before the category cap"
    assert results["vetoes"] == [{"veto": "V07", "text": VetoFinding.objects.get().veto.text, "files": 1}]


def test_the_excel_report_carries_the_same_figures(finished: Campaign) -> None:
    book = load_workbook(io.BytesIO(campaign_report_xlsx(campaign=finished)))
    assert book.sheetnames == ["评查概况", "按机构", "案卷得分", "扣分项统计", "整改事项"]
    summary = {row[0]: row[1] for row in book["评查概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["完成评查（件）"] == 6 and summary["平均分"] == 90.7
    assert (summary["优秀（件）"], summary["良好（件）"], summary["合格（件）"], summary["不合格（件）"]) == (
        3,
        1,
        1,
        1,
    )
    assert summary["随机种子"] == finished.seed
    files = list(book["案卷得分"].iter_rows(min_row=2, values_only=True))
    assert len(files) == 6
    assert sorted(r[8] for r in files) == [65.0, 87.0, 96.5, 97.0, 99.0, 99.5]
    assert [r[9] for r in files].count("不合格") == 1
    vetoed = next(r for r in files if r[9] == "不合格")
    assert vetoed[10].startswith("V07")
    per_org = list(book["按机构"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in per_org] == [3, 3]
    rectifications = list(book["整改事项"].iter_rows(min_row=2, values_only=True))
    assert len(rectifications) == 1 and "D01" in rectifications[0][2]


def casefiles_reviewed(*, organisation, year: int) -> dict:  # type: ignore[no-untyped-def]
    """The §9 case-file review figures of the annual report (reports.selectors counts them)."""
    figures = annual_figures(organisation=organisation, year=year)
    return {k: figures[k] for k in ("casefiles_reviewed", "casefiles_by_grade", "casefiles_mean_score")}


def test_casefiles_reviewed_for_the_annual_report(finished: Campaign, world: World) -> None:
    w = world
    district = casefiles_reviewed(organisation=w.district, year=2026)
    assert district == {
        "casefiles_reviewed": 6,
        "casefiles_by_grade": {"excellent": 3, "good": 1, "pass": 1, "fail": 1},
        "casefiles_mean_score": D("90.7"),
    }
    street = casefiles_reviewed(organisation=w.street, year=2026)
    assert street["casefiles_reviewed"] == 3, "the street's own files only"
    assert casefiles_reviewed(organisation=w.city, year=2026)["casefiles_reviewed"] == 6
    assert casefiles_reviewed(organisation=w.other_district, year=2026) == {
        "casefiles_reviewed": 0,
        "casefiles_by_grade": {"excellent": 0, "good": 0, "pass": 0, "fail": 0},
        "casefiles_mean_score": None,
    }
    assert casefiles_reviewed(organisation=w.district, year=2025)["casefiles_reviewed"] == 0


def test_only_completed_sheets_count_and_the_year_is_beijing_time(world: World) -> None:
    w = world
    closed_summary(w)
    closed_summary(w, day=date(2026, 3, 3))
    rev = reviewer(w.district)
    admin = manager(w.district)
    c = campaign(actor=admin, organiser=w.district, organisations=[w.district], reviewers=[rev])
    started(c, admin)
    first, second = ScoreSheet.objects.filter(campaign=c).order_by("pk")
    # Completed at 00:30 on 1 January 2027 in Beijing: still 2026 in UTC, but a 2027 review.
    services.sheet_submit(sheet_id=first.pk, actor=rev, now=at(2027, 1, 1, 0, 30))
    assert casefiles_reviewed(organisation=w.district, year=2026)["casefiles_reviewed"] == 0
    assert casefiles_reviewed(organisation=w.district, year=2027)["casefiles_reviewed"] == 1
    results = campaign_results(campaign=c)
    assert (results["files_sampled"], results["files_reviewed"]) == (2, 1)
    assert second.status == "draft"


def test_an_organisation_without_closed_files_still_has_its_row(world: World) -> None:
    w = world
    quiet = org("静街", "street", w.district)
    closed_summary(w)
    rev = reviewer(w.district)
    admin = manager(w.district)
    c = campaign(actor=admin, organiser=w.district, organisations=[w.district, quiet], reviewers=[rev])
    started(c, admin)
    rows = {row["organisation"].pk: row for row in campaign_results(campaign=c)["by_organisation"]}
    assert set(rows) == {w.district.pk, quiet.pk}
    assert (rows[quiet.pk]["files_sampled"], rows[quiet.pk]["mean_score"]) == (0, None)
    assert rows[quiet.pk]["grades"] == {"excellent": 0, "good": 0, "pass": 0, "fail": 0}
