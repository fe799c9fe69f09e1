"""seed_demo's case-file review (issue 8 item 6): a finished cross-review campaign with its score sheets,
a vetoed file among them, built through the services; running the seed again adds nothing."""

from __future__ import annotations

from datetime import datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo import seed as demo
from demo.review import CAMPAIGN_NAME
from review import assignment
from review.models import Campaign, Deduction, Grade, Rectification, SampledFile, ScoreSheet, SheetEvent
from review.selectors import campaign_results

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_finished_cross_review_with_a_vetoed_file(client, settings) -> None:  # type: ignore[no-untyped-def]
    call_command("seed_demo", stdout=StringIO())
    campaign = Campaign.objects.select_related("organiser").get(name=CAMPAIGN_NAME)
    assert (campaign.kind, campaign.status, campaign.organiser.code) == ("cross", "finished", "RC")
    assert campaign.seed and campaign.finished_at

    sheets = list(
        ScoreSheet.objects.filter(campaign=campaign).select_related(
            "case__organisation", "reviewer__organisation"
        )
    )
    assert len(sheets) == SampledFile.objects.filter(campaign=campaign).count() >= 10
    assert all(s.status == ScoreSheet.Status.COMPLETED and s.score is not None for s in sheets)
    failed = [s for s in sheets if s.grade == Grade.FAIL]
    assert len(failed) == 1 and failed[0].vetoed and failed[0].second_reviewer_id
    assert SheetEvent.objects.filter(sheet=failed[0], action="second_review_confirmed").exists()
    assert {s.grade for s in sheets} >= {Grade.EXCELLENT, Grade.GOOD, Grade.FAIL}
    assert Deduction.objects.filter(sheet__campaign=campaign).exists()

    conflicts = assignment.conflicts_of(s.case_id for s in sheets)
    for s in sheets:
        own, theirs = s.case.organisation.path, s.reviewer.organisation.path
        assert not own.startswith(theirs) and not theirs.startswith(own), "cross-review outside the line"
        assert s.reviewer_id not in conflicts[s.case_id]

    results = campaign_results(campaign=campaign)
    assert results["files_reviewed"] == len(sheets) and results["vetoed"] == 1
    assert Rectification.objects.filter(sheet__campaign=campaign, status="done").count() == 1
    assert Rectification.objects.filter(sheet__campaign=campaign, status="open").exists()

    end = timezone.make_aware(datetime.combine(demo.DEMO_TODAY, time.max))
    assert not SheetEvent.objects.filter(at__gt=end).exists()
    assert not ScoreSheet.objects.filter(completed_at__gt=end).exists()
    assert client.login(username="tj_reviewer2", password=settings.DEMO_PASSWORD)

    before = (
        Campaign.objects.count(),
        ScoreSheet.objects.count(),
        Deduction.objects.count(),
        Rectification.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        Campaign.objects.count(),
        ScoreSheet.objects.count(),
        Deduction.objects.count(),
        Rectification.objects.count(),
    ) == before
