"""The score sheet's and the campaign's read-models (review.selectors.sheet_detail, campaign_detail):
a fixed number of queries whatever the number of rows, the same score as review.scoring.sheet_score,
and serializers that only render what the selector read (no query of their own)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api.review.campaigns import CampaignOut
from api.review.sheets import SheetOut
from review import services
from review.models import ScoreSheet
from review.scoring import sheet_score
from review.selectors import campaign_detail, sheet_detail, sheet_visible
from tests.factories import World
from tests.review.factories import (
    campaign,
    closed_summary,
    deduct,
    manager,
    officers_of,
    reviewer,
    started,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoring(world: World):  # type: ignore[no-untyped-def]
    """A district campaign over four closed summary files, each sheet assigned to one reviewer."""
    w = world
    officers = officers_of(w.district)
    for day in (2, 3, 4, 5):
        closed_summary(w, officers=officers, day=date(2026, 3, day))
    scorer = reviewer(w.district, "scorer")
    admin = manager(w.district)
    c = campaign(actor=admin, organiser=w.district, organisations=[w.district], reviewers=[scorer])
    started(c, admin)
    sheets = list(ScoreSheet.objects.filter(campaign=c).order_by("sample__position"))
    return w, c, admin, scorer, sheets


def _deduct(sheet: ScoreSheet, scorer, plan: list[tuple[str, int, str | None]]) -> None:  # type: ignore[no-untyped-def]
    deduct(sheet, scorer, plan, "扣分")


def _queries(run) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_sheet_detail_reads_a_fixed_number_of_queries_and_scores_as_sheet_score(scoring) -> None:  # type: ignore[no-untyped-def]
    _, _, _, scorer, sheets = scoring
    few, many = sheets[0], sheets[1]
    _deduct(few, scorer, [("D01", 1, None)])
    _deduct(
        many, scorer, [("D01", 3, None), ("F03", 2, "1"), ("L02", 2, "5"), ("F05", 6, "5"), ("L03", 1, "5")]
    )
    services.sheet_veto_add(sheet_id=many.pk, actor=scorer, veto_code="V07", reason="否决")

    counts = []
    for sheet in (few, many):
        visible = sheet_visible(user=scorer, sheet_id=sheet.pk)
        assert visible is not None
        counts.append(_queries(lambda visible=visible: sheet_detail(sheet=visible)))
        assert visible.current == sheet_score(sheet=visible)
    assert counts[0] == counts[1] <= 6

    detail = sheet_detail(sheet=sheet_visible(user=scorer, sheet_id=many.pk))
    assert [d.item.code for d in detail.deduction_rows] == ["D01", "F03", "L02", "F05", "L03"]
    assert detail.current.vetoed and detail.current.grade == "fail"
    # F05: 30 points recorded, capped at the category's cap: the capping comes out as sheet_score's.
    assert any(c.deducted != c.counted for c in detail.current.categories)


def test_the_sheet_serializer_only_renders_what_the_selector_read(scoring) -> None:  # type: ignore[no-untyped-def]
    _, _, _, scorer, sheets = scoring
    sheet = sheets[0]
    _deduct(sheet, scorer, [("D01", 2, None), ("F03", 1, "2")])
    services.sheet_veto_add(sheet_id=sheet.pk, actor=scorer, veto_code="V07", reason="否决")
    detail = sheet_detail(sheet=sheet_visible(user=scorer, sheet_id=sheet.pk))

    with CaptureQueriesContext(connection) as captured:
        data = SheetOut(detail).data
    assert captured.captured_queries == []
    assert [d["item"] for d in data["deductions"]] == ["D01", "F03"]
    assert [v["veto"] for v in data["veto_findings"]] == ["V07"]
    assert data["current"]["vetoed"] is True and data["current"]["grade"] == "fail"
    assert data["current"]["total"] == str(sheet_score(sheet=sheet).total)
    assert [e["action"] for e in data["events"]] == [e.action for e in detail.event_rows]


def test_the_sheet_endpoint_reads_as_many_queries_for_many_rows_as_for_few(scoring) -> None:  # type: ignore[no-untyped-def]
    _, _, _, scorer, sheets = scoring
    few, many = sheets[0], sheets[1]
    _deduct(few, scorer, [("D01", 1, None)])
    _deduct(many, scorer, [("D01", 3, None), ("F03", 2, "1"), ("L02", 2, "5"), ("P01", 1, "3")])
    client = APIClient()
    client.force_authenticate(scorer)

    def get(sheet: ScoreSheet) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/review/scoresheets/{sheet.pk}/")
        assert response.status_code == 200, response.json()
        return len(captured.captured_queries)

    get(few)  # the first request of a client warms what is read once (the user's roles…)
    assert get(few) == get(many) <= 12


def test_the_campaign_serializer_only_renders_what_the_selector_read(scoring) -> None:  # type: ignore[no-untyped-def]
    w, c, admin, scorer, _ = scoring
    with CaptureQueriesContext(connection) as captured:
        read = campaign_detail(user=admin, campaign_id=c.pk)
    assert read is not None and len(captured.captured_queries) <= 8
    with CaptureQueriesContext(connection) as captured:
        data = CampaignOut(read).data
    assert captured.captured_queries == []
    assert data["may_manage"] is True and data["sheets"]["draft"] == 4
    assert [o["id"] for o in data["organisations"]] == [w.district.pk]
    assert [r["id"] for r in data["reviewers"]] == [scorer.pk]
    assert sum(s["drawn"] for s in data["strata"]) == 4

    as_reviewer = campaign_detail(user=scorer, campaign_id=c.pk)
    assert as_reviewer is not None and CampaignOut(as_reviewer).data["may_manage"] is False
    assert campaign_detail(user=admin, campaign_id=c.pk + 999) is None
