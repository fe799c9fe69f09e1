"""Campaigns and score sheets on the one state engine (core.engine): an impossible status change is
refused with the stable code `transition_not_available` (through the services and the API, 409);
the campaign page offers what the engine says may be done; a sheet's events are an append-only hash
chain (core.audit), and so is the chain of custody (PostgreSQL refuses UPDATE of either)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection, transaction
from django.test import Client
from rest_framework.test import APIClient

from casefiles.models import CustodyEvent
from core.engine import NOT_AVAILABLE
from core.errors import Conflict, Forbidden
from review import services
from review.models import Campaign, CampaignEvent, ScoreSheet, SheetEvent
from tests.casefiles.test_evidence import open_case
from tests.factories import World, upload
from tests.review.factories import campaign, closed_summary, manager, reviewer, started

pytestmark = pytest.mark.django_db
API = "/api/v1/review"


def codes(error: Conflict) -> list[str]:
    return [r.code for r in error.reasons]


def api(u) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(u)
    return client


@pytest.fixture
def running(world: World):  # type: ignore[no-untyped-def]
    """A self-review of one clean summary file, sampled and assigned: (campaign, sheet, admin, reviewer)."""
    closed_summary(world)
    rev, admin = reviewer(world.district), manager(world.district)
    c = campaign(actor=admin, organiser=world.district, organisations=[world.district], reviewers=[rev])
    started(c, admin)
    return Campaign.objects.get(pk=c.pk), ScoreSheet.objects.get(campaign=c), admin, rev


def tamper(sql: str, params: list) -> None:
    """Bypass the application and the append-only trigger, as a DBA could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


# --- refusals through the engine ---------------------------------------------------------------------------


def test_a_campaign_refuses_an_impossible_status_change(running) -> None:  # type: ignore[no-untyped-def]
    c, _, admin, rev = running
    with pytest.raises(Conflict) as again:
        services.campaign_draw_sample(campaign_id=c.pk, actor=admin, seed="again")
    assert codes(again.value) == [NOT_AVAILABLE] and "不能重新抽取" in again.value.detail
    with pytest.raises(Conflict) as assign:
        services.campaign_assign(campaign_id=c.pk, actor=admin)
    assert codes(assign.value) == [NOT_AVAILABLE]

    draft = campaign(actor=admin, organiser=c.organiser, organisations=[c.organiser], reviewers=[rev])
    with pytest.raises(Conflict) as finish:
        services.campaign_finish(campaign_id=draft.pk, actor=admin)
    assert codes(finish.value) == [NOT_AVAILABLE] and finish.value.detail == "只有评查中的活动可以结束"
    with pytest.raises(Forbidden) as stranger:
        services.campaign_finish(campaign_id=c.pk, actor=rev)
    assert codes(stranger.value) == ["role_required"]
    with pytest.raises(Conflict) as open_sheets:
        services.campaign_finish(campaign_id=c.pk, actor=admin)
    assert codes(open_sheets.value) == ["sheets_open"]
    c.refresh_from_db()
    assert c.status == Campaign.Status.REVIEWING


def test_a_score_sheet_refuses_an_impossible_status_change(running) -> None:  # type: ignore[no-untyped-def]
    _, sheet, admin, rev = running
    for suggestion in sheet.suggestions.all():
        services.suggestion_dismiss(sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=rev, note="已核对")
    with pytest.raises(Conflict) as not_submitted:
        services.sheet_second_review(sheet_id=sheet.pk, actor=admin, agree=True)
    assert codes(not_submitted.value) == [NOT_AVAILABLE]

    done = services.sheet_submit(sheet_id=sheet.pk, actor=rev)
    assert done.status == ScoreSheet.Status.COMPLETED
    with pytest.raises(Conflict) as twice:
        services.sheet_submit(sheet_id=sheet.pk, actor=rev)
    assert codes(twice.value) == ["sheet_locked", NOT_AVAILABLE], "the code clients knew comes first"
    with pytest.raises(Conflict) as returned:
        services.sheet_second_review(sheet_id=sheet.pk, actor=rev, agree=False, opinion="退回")
    assert codes(returned.value) == [NOT_AVAILABLE] and "不在待复核状态" in returned.value.detail
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.COMPLETED
    with pytest.raises(AttributeError):
        sheet.status = ScoreSheet.Status.DRAFT  # not by hand either


def test_the_api_answers_409_with_the_stable_code(running) -> None:  # type: ignore[no-untyped-def]
    c, sheet, admin, rev = running
    resampled = api(admin).post(f"{API}/campaigns/{c.pk}/sample/", {"seed": "x"}, format="json")
    assert resampled.status_code == 409 and resampled.json()["code"] == "conflict"
    assert [u["code"] for u in resampled.json()["errors"]["unmet"]] == [NOT_AVAILABLE]

    for suggestion in sheet.suggestions.all():
        services.suggestion_dismiss(sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=rev, note="已核对")
    services.sheet_submit(sheet_id=sheet.pk, actor=rev)
    resubmitted = api(rev).post(f"{API}/scoresheets/{sheet.pk}/submit/", {}, format="json")
    assert resubmitted.status_code == 409
    assert [u["code"] for u in resubmitted.json()["errors"]["unmet"]] == ["sheet_locked", NOT_AVAILABLE]
    second = api(rev).post(f"{API}/scoresheets/{sheet.pk}/second-review/", {"agree": True}, format="json")
    assert second.status_code == 409
    assert NOT_AVAILABLE in [u["code"] for u in second.json()["errors"]["unmet"]]

    finished = api(admin).post(f"{API}/campaigns/{c.pk}/finish/", {}, format="json")
    assert finished.status_code == 200 and finished.json()["status"] == "finished"
    again = api(admin).post(f"{API}/campaigns/{c.pk}/finish/", {}, format="json")
    assert again.status_code == 409 and [u["code"] for u in again.json()["errors"]["unmet"]] == [
        NOT_AVAILABLE
    ]


# --- what may be done now ------------------------------------------------------------------------------------


def test_the_campaign_page_offers_what_the_engine_allows(running) -> None:  # type: ignore[no-untyped-def]
    c, _, admin, rev = running
    options = services.campaign_available_transitions(campaign=c, actor=admin)
    assert [(o.code, o.allowed, [r.code for r in o.unmet]) for o in options] == [
        ("finish", False, ["sheets_open"])
    ]
    assert [o.permitted for o in services.campaign_available_transitions(campaign=c, actor=rev)] == [False]

    browser = Client()
    browser.force_login(admin)
    page = browser.get(f"/review/campaigns/{c.pk}/").content.decode()
    assert f"/review/campaigns/{c.pk}/finish/" in page and "还有 1 份评查表未完成" in page
    assert f"/review/campaigns/{c.pk}/sample/" not in page
    browser.force_login(rev)
    assert (
        f"/review/campaigns/{c.pk}/finish/" not in browser.get(f"/review/campaigns/{c.pk}/").content.decode()
    )

    draft = campaign(actor=admin, organiser=c.organiser, organisations=[c.organiser], reviewers=[rev])
    browser.force_login(admin)
    page = browser.get(f"/review/campaigns/{draft.pk}/").content.decode()
    assert f"/review/campaigns/{draft.pk}/sample/" in page and 'name="seed"' in page


# --- the event chains ------------------------------------------------------------------------------------------


def test_sheet_events_are_chained_and_an_edited_row_is_found(running) -> None:  # type: ignore[no-untyped-def]
    _, sheet, _, rev = running
    for suggestion in sheet.suggestions.all():
        services.suggestion_dismiss(sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=rev, note="已核对")
    services.sheet_submit(sheet_id=sheet.pk, actor=rev, opinion="规范")
    sheet.refresh_from_db()
    events = list(SheetEvent.objects.filter(sheet=sheet))
    assert [e.seq for e in events] == list(range(1, len(events) + 1)) and sheet.event_seq == len(events)
    assert events[-1].action == "submitted" and events[-1].data["to"] == "completed"
    assert services.sheet_chain_problems(sheet=sheet) == []

    tamper("DELETE FROM review_sheetevent WHERE sheet_id = %s AND seq = %s", [sheet.pk, sheet.event_seq])
    assert services.sheet_chain_problems(sheet=sheet) == [
        f"应有 {sheet.event_seq} 条评查表记录，实存 {sheet.event_seq - 1} 条：末尾的评查表记录被删除"
    ]
    tamper("UPDATE review_sheetevent SET note = %s WHERE sheet_id = %s AND seq = 1", ["改写", sheet.pk])
    assert services.sheet_chain_problems(sheet=sheet) == ["第 1 条评查表记录内容与哈希不符：该条被修改"]


def test_the_backfill_hashes_what_the_model_hashes(running) -> None:  # type: ignore[no-untyped-def]
    """Migration 0005 chained the sheet events stored before the chain; its frozen content is the model's."""
    backfill = importlib.import_module("review.migrations.0005_sheet_events_backfill")
    _, sheet, _, _ = running
    event = SheetEvent.objects.select_related("actor").get(sheet=sheet)
    assert backfill.actor_name(event.actor) == event.actor_name
    assert backfill.content(event, event.actor_name) == event.content()


def test_postgres_refuses_update_of_sheet_events(running, postgres_only) -> None:  # type: ignore[no-untyped-def]
    _, sheet, _, _ = running
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE review_sheetevent SET note = 'x' WHERE sheet_id = %s", [sheet.pk])
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM review_sheetevent WHERE sheet_id = %s", [sheet.pk])


def test_postgres_refuses_update_of_the_chain_of_custody(world: World, postgres_only) -> None:
    case = open_case(world)
    evidence = upload(case, world.officer1, b"video " * 100)
    assert CustodyEvent.objects.filter(evidence=evidence).count() == 3
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casefiles_custodyevent SET action = 'viewed' WHERE evidence_id = %s", [evidence.pk]
        )
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM casefiles_custodyevent WHERE evidence_id = %s", [evidence.pk])
    with pytest.raises(PermissionError):
        CustodyEvent.objects.filter(evidence=evidence).update(action="viewed")


def test_campaign_events_are_chained_append_only_and_an_edit_is_found(running) -> None:  # type: ignore[no-untyped-def]
    campaign_, sheet, admin, rev = running
    for suggestion in sheet.suggestions.all():
        services.suggestion_dismiss(sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=rev, note="已核对")
    services.sheet_submit(sheet_id=sheet.pk, actor=rev, opinion="规范")
    services.campaign_finish(campaign_id=campaign_.pk, actor=admin)
    campaign_.refresh_from_db()
    events = list(CampaignEvent.objects.filter(campaign=campaign_))
    assert [(e.seq, e.action, e.data["to"]) for e in events] == [
        (1, "sampled", "sampled"),
        (2, "assigned", "reviewing"),
        (3, "finished", "finished"),
    ]
    assert campaign_.event_seq == 3 and services.campaign_chain_problems(campaign=campaign_) == []
    with pytest.raises(PermissionError):
        CampaignEvent.objects.filter(campaign=campaign_).update(note="x")
    tamper(
        "UPDATE review_campaignevent SET note = %s WHERE campaign_id = %s AND seq = 2", ["改写", campaign_.pk]
    )
    assert services.campaign_chain_problems(campaign=campaign_) == [
        "第 2 条评查活动记录内容与哈希不符：该条被修改"
    ]


def test_postgres_refuses_update_of_campaign_events(running, postgres_only) -> None:  # type: ignore[no-untyped-def]
    campaign_, _, _, _ = running
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM review_campaignevent WHERE campaign_id = %s", [campaign_.pk])
