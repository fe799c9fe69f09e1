"""评查案卷数 in the annual figures (SPEC §9, issue 9 with issue 8): the score sheets completed in the
year, under the reviewed file's own organisation, rolled up the tree; the same numbers in the
breakdown, the JSON API and the Word report (its sentence and its grade chart)."""

from __future__ import annotations

import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from docx import Document
from rest_framework.test import APIClient

from accounts.roles import Role
from reports.selectors import annual_breakdown, annual_figures
from reports.word import annual_report_docx
from review.models import ScoreSheet
from tests.factories import World, user
from tests.review.factories import finished_campaign

pytestmark = pytest.mark.django_db

# The six files of finished_campaign, reviewed on 10 November 2026.
YEAR = 2026
ALL_GRADES = {"excellent": 3, "good": 1, "pass": 1, "fail": 1}


def mean_of(sheets: list[ScoreSheet]) -> Decimal:
    return (sum((s.score for s in sheets), Decimal(0)) / len(sheets)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def grades_of(sheets: list[ScoreSheet]) -> dict[str, int]:
    return {g: sum(s.grade == g for s in sheets) for g in ("excellent", "good", "pass", "fail")}


@pytest.fixture
def reviewed(world: World) -> World:
    finished_campaign(world)
    return world


def test_the_reviewed_files_count_at_their_organisation_and_every_ancestor(reviewed: World) -> None:
    w = reviewed
    sheets = list(ScoreSheet.objects.select_related("case"))
    street_sheets = [s for s in sheets if s.case.organisation_id == w.street.pk]
    assert len(sheets) == 6 and len(street_sheets) == 3

    district = annual_figures(organisation=w.district, year=YEAR)
    assert district["casefiles_reviewed"] == 6
    assert district["casefiles_by_grade"] == ALL_GRADES
    assert district["casefiles_mean_score"] == Decimal("90.7") == mean_of(sheets)

    street = annual_figures(organisation=w.street, year=YEAR)
    assert street["casefiles_reviewed"] == 3, "the street's own files, though the district reviewed them"
    assert street["casefiles_by_grade"] == grades_of(street_sheets)
    assert street["casefiles_mean_score"] == mean_of(street_sheets)

    city = annual_figures(organisation=w.city, year=YEAR)
    assert (city["casefiles_reviewed"], city["casefiles_mean_score"]) == (6, Decimal("90.7"))
    other = annual_figures(organisation=w.other_district, year=YEAR)
    assert (other["casefiles_reviewed"], other["casefiles_mean_score"]) == (0, None)
    assert annual_figures(organisation=w.district, year=YEAR - 1)["casefiles_reviewed"] == 0


def test_the_breakdown_rows_add_up_and_each_has_its_own_mean(reviewed: World) -> None:
    w = reviewed
    sheets = list(ScoreSheet.objects.select_related("case"))
    rows = {
        (r["organisation"]["code"], r["scope"]): r
        for r in annual_breakdown(organisation=w.district, year=YEAR)
    }
    street = rows[(w.street.code, "subtree")]
    own = rows[(w.district.code, "own")]
    total = rows[(w.district.code, "total")]
    street_sheets = [s for s in sheets if s.case.organisation_id == w.street.pk]
    own_sheets = [s for s in sheets if s.case.organisation_id == w.district.pk]
    assert (street["casefiles_reviewed"], own["casefiles_reviewed"], total["casefiles_reviewed"]) == (3, 3, 6)
    assert street["casefiles_mean_score"] == mean_of(street_sheets)
    assert own["casefiles_mean_score"] == mean_of(own_sheets)
    assert total["casefiles_mean_score"] == Decimal("90.7"), (
        "the mean of all six scores, not of the row means"
    )
    assert total["casefiles_by_grade"] == ALL_GRADES
    assert {
        g: street["casefiles_by_grade"][g] + own["casefiles_by_grade"][g] for g in ALL_GRADES
    } == ALL_GRADES


def test_the_api_gives_the_review_figures(reviewed: World) -> None:
    viewer = user("viewer_review", reviewed.district, Role.REPORT_VIEWER, certified=False)
    client = APIClient()
    client.force_authenticate(viewer)
    body = client.get("/api/v1/reports/annual/", {"organisation": reviewed.district.pk, "year": YEAR}).json()
    assert body["casefiles_reviewed"] == 6
    assert body["casefiles_by_grade"] == ALL_GRADES
    assert body["casefiles_mean_score"] == "90.7"


def test_the_word_report_states_the_review_and_draws_its_grades(reviewed: World) -> None:
    content = annual_report_docx(organisation=reviewed.district, year=YEAR)
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全年评查执法案卷6宗，其中优秀3宗、良好1宗、合格1宗、不合格1宗，平均得分90.7分。" in text
    assert "案卷评查等次分布" in text, "the grade chart's caption"
    assert len(document.inline_shapes) >= 3, "the monthly charts and the grade chart"
    supervision = next(t for t in document.tables if t.rows[0].cells[-1].text == "评查案卷数\n（宗）")
    assert [row.cells[-1].text for row in supervision.rows[1:]] == ["3", "3", "6"], "street, own, total"


def test_the_dashboard_shows_the_review_figures_and_the_grade_chart(reviewed: World) -> None:
    viewer = user("viewer_dashboard", reviewed.district, Role.REPORT_VIEWER, certified=False)
    client = Client()
    client.force_login(viewer)
    html = client.get("/reports/", {"organisation": reviewed.district.pk, "year": YEAR}).content.decode()
    charts = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert charts["grades"] == [
        {"name": "优秀", "value": 3},
        {"name": "良好", "value": 1},
        {"name": "合格", "value": 1},
        {"name": "不合格", "value": 1},
    ]
    assert 'id="chart-grades"' in html
    assert "全年评查执法案卷6宗" in html
