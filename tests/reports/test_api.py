"""GET /api/v1/reports/annual/ and the report runs: figures as JSON, roles, subtree, bad input."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from accounts.models import User
from accounts.roles import Role
from reports.models import ReportRun
from tests.factories import World, client_for, user
from tests.reports.annual_world import YEAR, AnnualWorld
from tests.reports.test_selectors import add_cases

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/annual/"
RUNS = "/api/v1/reports/annual/runs/"
ERROR_KEYS = {"code", "detail", "errors"}


def get(actor: User | None, **params: Any):  # type: ignore[no-untyped-def]
    return client_for(actor).get(URL, params)


# --- the figures --------------------------------------------------------------------------------------------


def test_the_figures_as_json_with_exact_decimals() -> None:
    a = AnnualWorld()
    response = get(a.city_viewer, organisation=a.city.pk, year=YEAR)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organisation"] == {
        "id": a.city.pk,
        "code": a.city.code,
        "name": a.city.name,
        "level": "city",
    }
    assert body["year"] == YEAR
    assert (body["inspections"], body["violations_found"], body["cases_filed"]) == (4, 10, 7)
    assert body["fines_total_wan"] == "14.53"
    assert body["avg_fine_wan"] == "2.91"
    assert body["cases_filed_yoy_pct"] == "250.0"
    assert body["fines_yoy_pct"] == "384.3"
    assert body["published_on_time_pct"] == "66.7"
    assert body["av_covered_pct"] == "60.0"
    assert (body["transfers_to_police"], body["persons_transferred"]) == (1, 3)
    assert body["casefiles_reviewed"] == 0, "no file of this world was reviewed"
    assert body["casefiles_by_grade"] == {"excellent": 0, "good": 0, "pass": 0, "fail": 0}
    assert body["casefiles_mean_score"] is None, "no mean of no scores"
    assert body["prior_year"] == {
        "year": 2024,
        "cases_filed": 2,
        "cases_filed_source": "computed",
        "fines_total_wan": "3.00",
        "fines_total_wan_source": "computed",
    }
    assert "breakdown" not in body and "months" not in body

    full = get(a.city_viewer, organisation=a.city.pk, year=YEAR, breakdown="true", months="true").json()
    assert [(r["organisation"]["code"], r["scope"]) for r in full["breakdown"]] == [
        (a.district.code, "subtree"),
        (a.other.code, "subtree"),
        (a.city.code, "own"),
        (a.city.code, "total"),
    ]
    assert full["breakdown"][0]["fines_total_wan"] == "14.53"
    assert full["breakdown"][1]["avg_fine_wan"] is None
    assert [m["month"] for m in full["months"]] == list(range(1, 13))
    assert full["months"][0]["fines_total_wan"] == "1.01"
    assert {k: v for k, v in full.items() if k not in ("breakdown", "months")} == body

    # The street's figures are the street's alone, and the district viewer sees the street.
    street = get(a.district_viewer, organisation=a.street.pk, year=YEAR).json()
    assert (street["cases_filed"], street["fines_total_wan"], street["cases_filed_yoy_pct"]) == (
        1,
        "0.50",
        None,
    )


# --- who may read what -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.REPORT_VIEWER, 200),
        (Role.AGENCY_HEAD, 200),
        (Role.ADMIN, 200),
        (Role.OFFICER, 403),
        (Role.DIVISION_HEAD, 403),
        (Role.LEGAL_REVIEWER, 403),
        (Role.COMMITTEE_MEMBER, 403),
        (Role.CASEFILE_REVIEWER, 403),
    ],
)
def test_roles(world: World, role: str, status: int) -> None:
    reader = user(f"reader_{role}", world.district, role)
    response = get(reader, organisation=world.district.pk, year=YEAR)
    assert response.status_code == status, response.content
    if status == 403:
        body = response.json()
        assert set(body) == ERROR_KEYS and body["code"] == "forbidden"
        assert body["errors"]["unmet"][0]["code"] == "role_required"
    runs = client_for(reader).post(RUNS, {"organisation": world.district.pk, "year": YEAR}, format="json")
    assert runs.status_code == (202 if status == 200 else 403)


def test_only_the_subtree_is_visible(world: World) -> None:
    w = world
    viewer = user("district_viewer", w.district, Role.REPORT_VIEWER)
    other = user("other_viewer", w.other_district, Role.REPORT_VIEWER)
    assert get(viewer, organisation=w.district.pk, year=YEAR).status_code == 200
    assert get(viewer, organisation=w.street.pk, year=YEAR).status_code == 200
    for organisation in (w.city, w.other_district):  # the parent and a sibling
        response = get(viewer, organisation=organisation.pk, year=YEAR)
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "机构不存在", "errors": {}}
    assert get(other, organisation=w.district.pk, year=YEAR).status_code == 404
    assert get(viewer, organisation=999_999_999, year=YEAR).status_code == 404
    assert get(None, organisation=w.district.pk, year=YEAR).status_code == 401
    root = User.objects.create_superuser(username="root", password="root-pass-123")
    assert get(root, organisation=w.city.pk, year=YEAR).status_code == 200


def test_bad_or_missing_parameters_are_400_in_the_one_error_shape(world: World) -> None:
    viewer = user("district_viewer", world.district, Role.REPORT_VIEWER)
    d = world.district.pk
    next_year = date.today().year + 1
    for params, field in (
        ({"organisation": d}, "year"),
        ({"organisation": d, "year": "abc"}, "year"),
        ({"organisation": d, "year": "2025.5"}, "year"),
        ({"organisation": d, "year": 1999}, "year"),
        ({"organisation": d, "year": 2101}, "year"),
        ({"organisation": d, "year": next_year}, "year"),
        ({"year": YEAR}, "organisation"),
        ({"organisation": "x", "year": YEAR}, "organisation"),
        ({"organisation": 0, "year": YEAR}, "organisation"),
        ({"organisation": 2**63, "year": YEAR}, "organisation"),
        ({"organisation": d, "year": YEAR, "breakdown": "maybe"}, "breakdown"),
    ):
        response = get(viewer, **params)
        assert response.status_code == 400, (params, response.content)
        body = response.json()
        assert set(body) == ERROR_KEYS and body["code"] == "invalid", params
        assert field in body["errors"], (params, body)
    # A wrong role is refused before the parameters are looked at.
    assert get(world.officer1, year="abc").status_code == 403


# --- report runs ----------------------------------------------------------------------------------------------


def test_a_run_is_requested_and_fetched_when_done(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    w = world
    add_cases(w, 4)
    viewer = user("district_viewer", w.district, Role.REPORT_VIEWER)
    client = client_for(viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RUNS, {"organisation": w.district.pk, "year": YEAR}, format="json")
    assert response.status_code == 202, response.content
    run = response.json()
    assert run["status"] in ("queued", "done") and run["format"] == "json"
    assert run["organisation"]["id"] == w.district.pk and run["year"] == YEAR

    detail = client.get(f"{RUNS}{run['id']}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["status"] == "done" and body["error"] == "" and body["finished_at"]
    result = body["result"]
    assert (result["cases_filed"], result["summary_decisions"], result["fines_total_wan"]) == (2, 2, "0.04")
    assert len(result["breakdown"]) == 3 and len(result["months"]) == 12
    direct = client.get(URL, {"organisation": w.district.pk, "year": YEAR, "breakdown": "1", "months": "1"})
    assert result == direct.json()

    # Others: outside the subtree 404, the wrong role 403, an unknown id 404.
    outsider = user("other_viewer", w.other_district, Role.REPORT_VIEWER)
    assert client_for(outsider).get(f"{RUNS}{run['id']}/").status_code == 404
    assert client_for(w.officer1).get(f"{RUNS}{run['id']}/").status_code == 403
    assert client.get(f"{RUNS}999999999/").status_code == 404
    city_viewer = user("city_viewer", w.city, Role.REPORT_VIEWER)
    assert client_for(city_viewer).get(f"{RUNS}{run['id']}/").status_code == 200


def test_a_run_request_validates_its_body(world: World) -> None:
    viewer = user("district_viewer", world.district, Role.REPORT_VIEWER)
    client = client_for(viewer)
    for body, status in (
        ({"organisation": world.district.pk}, 400),
        ({"organisation": world.district.pk, "year": YEAR, "format": "pdf"}, 400),
        ({"organisation": world.district.pk, "year": date.today().year + 1}, 400),
        ({"organisation": world.other_district.pk, "year": YEAR}, 404),
    ):
        response = client.post(RUNS, body, format="json")
        assert response.status_code == status, (body, response.content)
        assert set(response.json()) == ERROR_KEYS
    assert not ReportRun.objects.exists()


def test_a_retried_run_request_with_the_same_key_creates_one_run(world: World) -> None:
    viewer = user("district_viewer", world.district, Role.REPORT_VIEWER)
    client = client_for(viewer)
    body = {"organisation": world.district.pk, "year": YEAR}
    first = client.post(RUNS, body, format="json", HTTP_IDEMPOTENCY_KEY="run-2025-1")
    again = client.post(RUNS, body, format="json", HTTP_IDEMPOTENCY_KEY="run-2025-1")
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_run_request_returns_the_done_run() -> None:
    """Outside a test transaction the request commits, the task runs eagerly on commit, and the 202
    already carries the result."""
    w = World()
    viewer = user("district_viewer", w.district, Role.REPORT_VIEWER)
    response = client_for(viewer).post(RUNS, {"organisation": w.district.pk, "year": YEAR}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "done"
    assert body["result"]["cases_filed"] == 0 and body["result"]["fines_total_wan"] == "0.00"
