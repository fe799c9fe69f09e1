"""Case-file review pages (issue 10 item 4) on the review app: a campaign set up on its form, the sample
drawn and the reviewers assigned at random, the score sheet beside the case file (suggestions,
deductions, submission), the results — and the review services deciding who may do what."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from review.models import Campaign, ScoreSheet, Suggestion
from tests.factories import World, browser, user
from tests.review.factories import closed_summary, default_standard, reviewer

pytestmark = pytest.mark.django_db


def test_a_campaign_is_set_up_sampled_assigned_scored_and_reported_through_the_pages(world: World) -> None:
    w = world
    files = [closed_summary(w), closed_summary(w)]
    checker = reviewer(w.district, "checker")
    standard = default_standard()
    agency = browser(w.agency_head)
    assert "设立评查活动" in agency.get("/review/").content.decode()

    form = {
        "name": "2026年上半年案卷自查",
        "kind": "self",
        "organiser": w.district.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "standard": standard.pk,
        "procedure": "",
        "sample_percent": "100",
        "sample_min": "1",
        "second_review_on_fail": "on",
        "organisations": [w.district.pk],
        "reviewers": [checker.pk],
    }
    backwards = agency.post("/review/campaigns/new/", {**form, "period_end": "2025-01-01"})
    assert backwards.status_code == 400 and "截止日不能早于起始日" in backwards.content.decode()
    refused = browser(w.officer1).post("/review/campaigns/new/", form)
    assert refused.status_code == 400, "an officer may set up nothing: no organisation to choose from"
    created = agency.post("/review/campaigns/new/", form)
    campaign = Campaign.objects.get(name="2026年上半年案卷自查")
    assert created.status_code == 302 and created["Location"] == f"/review/campaigns/{campaign.pk}/"

    assert browser(checker).post(f"/review/campaigns/{campaign.pk}/sample/").status_code == 403
    assert agency.post(f"/review/campaigns/{campaign.pk}/sample/", {"seed": "web-2026"}).status_code == 302
    again = agency.post(f"/review/campaigns/{campaign.pk}/sample/")
    assert again.status_code == 409 and "不能重新抽取" in again.content.decode()
    assert agency.post(f"/review/campaigns/{campaign.pk}/assign/").status_code == 302
    page = agency.get(f"/review/campaigns/{campaign.pk}/").content.decode()
    assert "web-2026" in page and all(f.number in page for f in files)

    sheet = ScoreSheet.objects.filter(campaign=campaign).order_by("pk").first()
    mine = browser(checker)
    assert f"/review/sheets/{sheet.pk}/" in mine.get("/review/").content.decode()
    page = mine.get(f"/review/sheets/{sheet.pk}/").content.decode()
    assert sheet.case.number in page and "当前得分" in page and "卷内文书" in page
    assert (
        browser(user("stranger", w.other_district, Role.CASEFILE_REVIEWER))
        .get(f"/review/sheets/{sheet.pk}/")
        .status_code
        == 404
    )

    for suggestion in Suggestion.objects.filter(sheet=sheet):
        assert (
            mine.post(
                f"/review/sheets/{sheet.pk}/dismiss/", {"id": suggestion.pk, "note": "经核对不存在该问题"}
            ).status_code
            == 302
        )
    item = standard.categories.order_by("position").first().items.order_by("position").first()
    no_reason = mine.post(f"/review/sheets/{sheet.pk}/deduct/", {"item": item.code, "occurrences": "1"})
    assert no_reason.status_code == 400 and "该字段是必填项" in no_reason.content.decode()
    too_much = mine.post(
        f"/review/sheets/{sheet.pk}/deduct/",
        {"item": item.code, "occurrences": "1", "points_each": "99", "reason": "文书不规范"},
    )
    assert too_much.status_code in (302, 400)
    if too_much.status_code == 400:
        assert "分之间" in too_much.content.decode()
    assert (
        mine.post(
            f"/review/sheets/{sheet.pk}/deduct/",
            {
                "item": item.code,
                "occurrences": "1",
                "points_each": str(item.deduction_min),
                "reason": "文书不规范",
            },
        ).status_code
        == 302
    )
    assert (
        browser(w.agency_head)
        .post(f"/review/sheets/{sheet.pk}/deduct/", {"item": item.code, "occurrences": "1", "reason": "越权"})
        .status_code
        == 403
    )
    submitted = mine.post(f"/review/sheets/{sheet.pk}/submit/", {"opinion": "案卷基本规范"})
    assert submitted.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.COMPLETED and sheet.score == 100 - item.deduction_min
    assert "评查表已提交" in mine.get(submitted["Location"]).content.decode()

    results = agency.get(f"/review/campaigns/{campaign.pk}/").content.decode()
    assert "评查结果" in results and "已完成评查" in results and item.code in results
