"""The case-file review over the API (SPEC §10 /api/v1/review/…): a cross-review run end to end, the
reviewer reading a file outside his own subtree through his sheet, and the errors people see."""

from __future__ import annotations

import copy
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.roles import Role
from review import services
from review.models import Campaign, ScoreSheet
from review.standards import DEFAULT_STANDARD_FILE
from tests.factories import World, user
from tests.review.factories import (
    campaign,
    closed_major,
    closed_summary,
    default_standard,
    officers_of,
    reviewer,
    started,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/review"
ERROR_KEYS = {"code", "detail", "errors"}


def api(u) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(u)
    return client


def test_standards_are_read_by_everyone_and_versioned_by_an_admin(world: World) -> None:
    standard = default_standard()
    listed = api(world.officer1).get(f"{API}/standards/").json()
    assert [s["code"] for s in listed["results"]] == ["penalty"]
    detail = api(world.officer1).get(f"{API}/standards/{standard.pk}/").json()
    assert [c["name"] for c in detail["categories"]][:2] == ["主体", "事实证据"]
    assert detail["categories"][0]["cap"] == "10.00" and len(detail["vetoes"]) == 9
    assert api(world.officer1).get(f"{API}/standards/{standard.pk + 999}/").status_code == 404

    data = json.loads(DEFAULT_STANDARD_FILE.read_text(encoding="utf-8"))
    del data["version"]
    admin = api(user("std_admin", world.district, Role.ADMIN))
    assert api(world.officer1).post(f"{API}/standards/", data, format="json").status_code == 403
    created = admin.post(f"{API}/standards/", data, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["version"] == 2
    again = admin.post(f"{API}/standards/", {**data, "version": 2}, format="json")
    assert again.status_code == 409 and set(again.json()) == ERROR_KEYS

    bad = copy.deepcopy(data)
    bad["categories"][0]["points"] = "11"
    refused = admin.post(f"{API}/standards/", bad, format="json")
    assert refused.status_code == 400
    assert any("分值之和应为 100" in m for m in refused.json()["errors"]["standard"])


@pytest.fixture
def cross(world: World):  # type: ignore[no-untyped-def]
    """Files of two districts, reviewers in each, the city's admin organising a cross-review."""
    w = world
    east = w.other_district
    major = closed_major(w)
    closed_summary(w)
    east_officers = officers_of(east)
    for i in range(2):
        closed_summary(w, organisation=east, officers=east_officers, day=date(2026, 4, 6 + i))
    people = {
        "admin": user("city_admin", w.city, Role.ADMIN),
        "west1": reviewer(w.district, "west1"),
        "west2": reviewer(w.district, "west2"),
        "east1": reviewer(east, "east1"),
        "east2": reviewer(east, "east2"),
    }
    return w, major, people


def cross_body(w: World, name: str, organisations: list, reviewers: list, **fields: object) -> dict:
    """The form of a cross-review the city organises over 2026 under the default standard, sampling
    every file unless `fields` say otherwise, as the client posts it."""
    return {
        "name": name,
        "kind": "cross",
        "organisation": w.city.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "standard": default_standard().pk,
        "organisations": [o.pk for o in organisations],
        "reviewers": [u.pk for u in reviewers],
        "sample_percent": "100",
        **fields,
    }


def test_a_cross_review_end_to_end(cross) -> None:  # type: ignore[no-untyped-def]
    w, major, p = cross
    admin = api(p["admin"])
    everyone = [p[k] for k in ("west1", "west2", "east1", "east2")]
    body = cross_body(
        w,
        "2026年下半年交叉评查",
        [w.district, w.other_district],
        everyone,
        period_end="2026-10-31",
        sample_min=1,
    )
    assert api(p["west1"]).post(f"{API}/campaigns/", body, format="json").status_code == 403
    created = admin.post(f"{API}/campaigns/", body, format="json")
    assert created.status_code == 201, created.json()
    campaign_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["may_manage"] is True

    sampled = admin.post(f"{API}/campaigns/{campaign_id}/sample/", {"seed": "交叉-2026"}, format="json")
    assert sampled.status_code == 201, sampled.json()
    assert sampled.json()["seed"] == "交叉-2026"
    assert [
        (s["organisation"], s["procedure"], s["population"], s["drawn"]) for s in sampled.json()["strata"]
    ] == [
        (w.district.pk, "general", 1, 1),
        (w.district.pk, "summary", 1, 1),
        (w.other_district.pk, "summary", 2, 2),
    ]
    again = admin.post(f"{API}/campaigns/{campaign_id}/sample/", {"seed": "x"}, format="json")
    assert again.status_code == 409 and set(again.json()) == ERROR_KEYS

    assigned = admin.post(f"{API}/campaigns/{campaign_id}/assign/", {}, format="json")
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["status"] == "reviewing" and assigned.json()["sheets"]["draft"] == 4
    files = api(p["east1"]).get(f"{API}/campaigns/{campaign_id}/sample/").json()["results"]
    assert len(files) == 4 and all(f["sheet"]["reviewer"] for f in files)
    for f in files:
        reviewer_org = {p[k].pk: k[:4] for k in p if k != "admin"}[f["sheet"]["reviewer"]["id"]]
        assert reviewer_org == ("east" if f["organisation"]["id"] == w.district.pk else "west")

    # An eastern reviewer scores the western major case: through his sheet he reads its file, though
    # the case itself stays outside his subtree.
    sheet = ScoreSheet.objects.get(campaign_id=campaign_id, case=major)
    scorer, other = (
        (p["east1"], p["east2"]) if sheet.reviewer_id == p["east1"].pk else (p["east2"], p["east1"])
    )
    mine = api(scorer).get(f"{API}/scoresheets/?mine=true").json()
    assert sheet.pk in [s["id"] for s in mine["results"]]
    casefile = api(scorer).get(f"{API}/scoresheets/{sheet.pk}/casefile/")
    assert casefile.status_code == 200, casefile.json()
    cf = casefile.json()
    assert cf["case"]["id"] == major.pk and cf["history_total"] == len(cf["history"]) > 10
    assert [c["stage"] for c in cf["legal_checks"]] == ["pre_notice", "pre_decision"]
    assert cf["precheck"][0]["findings"], "the pre-check as the legal reviewer saw it"
    assert any(d["doc_type"] == "penalty_decision" for d in cf["documents"])
    assert cf["standard"]["code"] == "penalty" and cf["checklist_missing"] == []
    assert api(scorer).get(f"/api/v1/cases/{major.pk}/").status_code == 404

    # Only he scores it; the other eastern reviewer sees nothing of it.
    assert api(other).get(f"{API}/scoresheets/{sheet.pk}/").status_code == 404
    url = f"{API}/scoresheets/{sheet.pk}"
    bad = api(scorer).post(f"{url}/deductions/", {"item": "F03", "reason": "缺询问时间"}, format="json")
    assert bad.status_code == 400 and "points_each" in bad.json()["errors"]
    added = api(scorer).post(
        f"{url}/deductions/",
        {"item": "F03", "points_each": "1.5", "reason": "询问笔录缺询问时间"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["current"]["total"] == "98.50" and added.json()["current"]["grade"] == "excellent"
    vetoed = api(scorer).post(
        f"{url}/vetoes/", {"veto": "V07", "reason": "适用了已废止的条款"}, format="json"
    )
    assert vetoed.status_code == 201 and vetoed.json()["current"]["grade"] == "fail"
    submitted = api(scorer).post(f"{url}/submit/", {"opinion": "适用法律依据错误"}, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "second_review"
    assert submitted.json()["second_reviewer"]["id"] == other.pk, (
        "the other eastern reviewer: the west may not"
    )
    locked = api(scorer).post(f"{url}/deductions/", {"item": "D01", "reason": "再扣"}, format="json")
    assert locked.status_code == 409 and locked.json()["errors"]["unmet"][0]["code"] == "sheet_locked"
    confirmed = api(other).post(f"{url}/second-review/", {"agree": True, "opinion": "同意"}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "completed"

    # The rest are scored clean.
    for s in ScoreSheet.objects.filter(campaign_id=campaign_id).exclude(pk=sheet.pk):
        reviewer_client = api(s.reviewer)
        for suggestion in reviewer_client.get(f"{API}/scoresheets/{s.pk}/").json()["suggestions"]:
            reviewer_client.post(
                f"{API}/scoresheets/{s.pk}/suggestions/{suggestion['id']}/dismiss/",
                {"note": "已核实"},
                format="json",
            )
        done = reviewer_client.post(f"{API}/scoresheets/{s.pk}/submit/", {}, format="json")
        assert done.status_code == 200 and done.json()["status"] == "completed", done.json()

    finished = admin.post(f"{API}/campaigns/{campaign_id}/finish/", {}, format="json")
    assert finished.status_code == 200 and finished.json()["status"] == "finished"
    results = api(w.head).get(f"{API}/campaigns/{campaign_id}/results/")
    assert results.status_code == 404, "the district is under review, not the organiser"
    results = admin.get(f"{API}/campaigns/{campaign_id}/results/").json()
    assert results["files_reviewed"] == 4 and results["grades"]["fail"] == 1 and results["vetoed"] == 1
    assert results["mean_score"] == "99.6"
    report = admin.get(f"{API}/campaigns/{campaign_id}/report.xlsx")
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(report.content))
    assert book["评查概况"]["B2"].value == "2026年下半年交叉评查"

    # Rectification goes to the district, whose head sees the completed sheet and closes the items.
    issued = admin.post(
        f"{API}/scoresheets/{sheet.pk}/rectifications/", {"due_on": "2026-12-31"}, format="json"
    )
    assert issued.status_code == 201, issued.json()
    assert [r["organisation"]["id"] for r in issued.json()] == [w.district.pk, w.district.pk]
    head = api(w.head)
    assert head.get(f"{API}/scoresheets/{sheet.pk}/").status_code == 200
    listed = head.get(f"{API}/rectifications/?status=open").json()
    assert listed["count"] == 2
    item = listed["results"][0]["id"]
    assert (
        api(scorer).post(f"{API}/rectifications/{item}/complete/", {"note": "x"}, format="json").status_code
        == 404
    )
    closed = head.post(f"{API}/rectifications/{item}/complete/", {"note": "已组织学习并更正"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    assert Campaign.objects.get(pk=campaign_id).status == "finished"


def test_no_eligible_reviewer_answers_409_naming_the_files(cross) -> None:  # type: ignore[no-untyped-def]
    w, major, p = cross
    admin = api(p["admin"])
    body = cross_body(w, "只有西区评查人员的交叉评查", [w.district], [p["west1"], p["west2"]], sample_min=0)
    campaign_id = admin.post(f"{API}/campaigns/", body, format="json").json()["id"]
    assert admin.post(f"{API}/campaigns/{campaign_id}/sample/", {}, format="json").status_code == 201
    refused = admin.post(f"{API}/campaigns/{campaign_id}/assign/", {}, format="json")
    assert refused.status_code == 409
    error = refused.json()
    assert set(error) == ERROR_KEYS and "没有符合回避要求的评查人员" in error["detail"]
    unmet = error["errors"]["unmet"]
    assert len(unmet) == 2 and all(u["code"] == "no_eligible_reviewer" for u in unmet)
    assert any(major.number in u["message"] for u in unmet)
    assert "交叉评查不得评查本机构或其上下级机构的案卷" in unmet[0]["message"]

    # The settings stay editable only as far as the campaign's stage allows.
    patched = admin.patch(f"{API}/campaigns/{campaign_id}/", {"sample_percent": "50"}, format="json")
    assert patched.status_code == 409
    patched = admin.patch(
        f"{API}/campaigns/{campaign_id}/", {"reviewers": [p["west1"].pk, p["east1"].pk]}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    assert admin.post(f"{API}/campaigns/{campaign_id}/assign/", {}, format="json").status_code == 200


def test_bad_campaign_input_is_a_400_that_says_what(cross) -> None:  # type: ignore[no-untyped-def]
    w, _, p = cross
    admin = api(p["admin"])
    body = cross_body(
        w,
        "有误的评查活动",
        [w.district],
        [w.officer1],
        period_start="2026-12-31",
        period_end="2026-01-01",
        sample_percent="5",
    )
    refused = admin.post(f"{API}/campaigns/", body, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) >= {"period_end", "reviewers"}
    for change in ({"kind": "peer"}, {"sample_percent": "0"}, {"organisations": []}, {"standard": 10**12}):
        response = admin.post(
            f"{API}/campaigns/", {**body, "period_start": "2026-01-01", **change}, format="json"
        )
        assert response.status_code == 400, (change, response.json())
    outside = api(user("district_admin", w.district, Role.ADMIN))
    response = outside.post(f"{API}/campaigns/", body, format="json")
    assert response.status_code == 404, "the city is outside a district admin's subtree"
    assert not Campaign.objects.exists()


def test_lists_and_the_report_download_follow_who_may_read_the_campaign(cross) -> None:  # type: ignore[no-untyped-def]
    """The rows the permission matrix cannot hold: list contents, and the Excel download (not JSON)."""
    w, _, p = cross
    district_admin = user("district_admin", w.district, Role.ADMIN)
    own = campaign(
        actor=district_admin, organiser=w.district, organisations=[w.district], reviewers=[p["west1"]]
    )
    started(own, district_admin)
    outsider = user("east_viewer", w.other_district, Role.REPORT_VIEWER)
    url = f"{API}/campaigns/{own.pk}/report.xlsx"
    assert api(w.officer1).get(url).status_code == 200
    assert api(p["west1"]).get(url).status_code == 200
    hidden = api(outsider).get(url)
    assert hidden.status_code == 404 and set(hidden.json()) == ERROR_KEYS
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401 and set(anonymous.json()) == ERROR_KEYS

    def ids(client: APIClient, path: str) -> set[int]:
        return {row["id"] for row in client.get(f"{API}/{path}/?page_size=200").json()["results"]}

    own_sheets = set(ScoreSheet.objects.filter(campaign=own).values_list("pk", flat=True))
    assert own.pk in ids(api(w.officer1), "campaigns") and own.pk not in ids(api(outsider), "campaigns")
    assert own_sheets <= ids(api(p["west1"]), "scoresheets")
    assert not own_sheets & ids(api(outsider), "scoresheets")

    # The city's cross-review of the district: its eastern reviewer sees the campaign and his sheets;
    # the district sees neither until a sheet of its files is completed, and then only that sheet.
    cross_review = campaign(
        actor=p["admin"],
        organiser=w.city,
        organisations=[w.district],
        reviewers=[p["east1"]],
        kind=Campaign.Kind.CROSS,
    )
    started(cross_review, p["admin"])
    cross_sheets = list(ScoreSheet.objects.filter(campaign=cross_review).order_by("pk"))
    assert cross_review.pk in ids(api(p["east1"]), "campaigns")
    assert {s.pk for s in cross_sheets} <= ids(api(p["east1"]), "scoresheets")
    assert cross_review.pk not in ids(api(w.head), "campaigns")
    assert not {s.pk for s in cross_sheets} & ids(api(w.head), "scoresheets")
    done = cross_sheets[0]
    for suggestion in done.suggestions.all():
        services.suggestion_dismiss(
            sheet_id=done.pk, suggestion_id=suggestion.pk, actor=p["east1"], note="已核实"
        )
    services.sheet_submit(sheet_id=done.pk, actor=p["east1"])
    assert {s.pk for s in cross_sheets} & ids(api(w.head), "scoresheets") == {done.pk}
