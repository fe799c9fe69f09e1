"""A complete major case driven only through the API by users of the right roles (SPEC §10)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from freezegun import freeze_time
from rest_framework.test import APIClient

from casefiles.models import CaseEvent
from tests.factories import World, credit_code, user

pytestmark = pytest.mark.django_db


def as_user(u) -> APIClient:
    client = APIClient()
    client.force_authenticate(u)
    return client


def fire(client: APIClient, case_id: int, name: str, expect: int = 200, **body):
    response = client.post(f"/api/v1/cases/{case_id}/transitions/{name}/", body, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def test_major_case_through_the_api(world: World) -> None:
    w = world
    officer, head, legal, agency = (as_user(u) for u in (w.officer1, w.head, w.legal, w.agency_head))
    with freeze_time("2026-03-02 10:00:00+08:00"):
        created = officer.post(
            "/api/v1/cases/",
            {
                "organisation": w.district.pk,
                "title": "未按规定开展隐患排查治理",
                "origin": "inspection",
                "party": {"kind": "entity", "name": "闽江化工有限公司", "credit_code": credit_code()},
                "violation_type": w.vt.pk,
                "officers": [w.officer1.pk, w.officer2.pk],
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        case_id = created.json()["id"]
        fire(officer, case_id, "submit_filing")
    with freeze_time("2026-03-03 10:00:00+08:00"):
        body = fire(head, case_id, "approve_filing", opinion="同意立案")
        assert body["state"] == "investigating" and body["number"] == "区应急罚〔2026〕1号"
    with freeze_time("2026-03-09 10:00:00+08:00"):
        patched = officer.patch(
            f"/api/v1/cases/{case_id}/",
            {"proposed_penalty": {"fine": "90000"}, "facts": "该公司未建立事故隐患排查治理制度。"},
            format="json",
        )
        assert patched.status_code == 200 and patched.json()["is_major"] is True
        fire(officer, case_id, "submit_review")
        assert fire(head, case_id, "approve")["state"] == "pre_notice_check"
    with freeze_time("2026-03-10 10:00:00+08:00"):
        refused = legal.post(f"/api/v1/cases/{case_id}/transitions/approve/", {}, format="json")
        assert refused.status_code == 400 and "opinion" in refused.json()["errors"]
        assert fire(legal, case_id, "return", opinion="证据不足，补充调查")["state"] == "investigating"
        fire(officer, case_id, "submit_review")
        fire(head, case_id, "approve")
        assert fire(legal, case_id, "approve", opinion="同意告知")["state"] == "notice"
        fire(officer, case_id, "serve_notice", served_on="2026-03-10", method="direct")
    with freeze_time("2026-03-11 10:00:00+08:00"):
        blocked = officer.post(f"/api/v1/cases/{case_id}/transitions/conclude_notice/", {}, format="json")
        assert blocked.status_code == 409
        assert {u["code"] for u in blocked.json()["errors"]["unmet"]} == {
            "statement_window_open",
            "hearing_window_open",
        }
        fire(officer, case_id, "record_statement", statement_on="2026-03-11", waived=True)
        assert fire(officer, case_id, "conclude_notice")["state"] == "pre_decision_check"
        assert fire(legal, case_id, "approve", opinion="同意提交集体讨论")["state"] == "deliberation"
    with freeze_time("2026-03-12 10:00:00+08:00"):
        present = w.members[:3]
        decided = fire(
            agency,
            case_id,
            "conclude",
            held_at="2026-03-12T09:00:00+08:00",
            attendees=[m.pk for m in present],
            votes={str(m.pk): "agree" for m in present},
            minutes="纪要",
            conclusion="同意罚款九万元",
            decision_kind="penalty",
            fine="90000",
        )
        assert decided["state"] == "decided" and Decimal(decided["decided_fine"]) == Decimal("90000")
        fire(officer, case_id, "serve_decision", served_on="2026-03-12", method="direct")
        fire(officer, case_id, "publish", published_on="2026-03-12", channel="区政府网站")
        fire(officer, case_id, "start_execution")
        fire(officer, case_id, "close", outcome="paid", paid_on="2026-03-12", paid_amount="90000")
        assert fire(head, case_id, "archive")["state"] == "archived"

    history = officer.get(f"/api/v1/cases/{case_id}/history/").json()["results"]
    moved = [e["to_state"] for e in history if e["from_state"] != e["to_state"]]
    assert moved[0] == "draft" and moved[-1] == "archived" and moved.count("pre_notice_check") == 2
    assert officer.get(f"/api/v1/cases/{case_id}/transitions/").json() == []


def test_transitions_listing_explains_blocked_steps(world: World) -> None:
    case = world.case()
    options = {o["name"]: o for o in as_user(world.head).get(f"/api/v1/cases/{case.pk}/transitions/").json()}
    assert options["submit_filing"]["allowed"] is False
    codes = {u["code"] for u in options["submit_filing"]["unmet"]}
    assert "role_required" in codes and "not_a_handler" in codes
    assert all(u["message"] for u in options["submit_filing"]["unmet"])


def test_unknown_transition_and_wrong_state(world: World) -> None:
    case = world.case()
    officer = as_user(world.officer1)
    response = officer.post(f"/api/v1/cases/{case.pk}/transitions/fly_away/", {}, format="json")
    assert response.status_code == 404 and set(response.json()) == {"code", "detail", "errors"}
    response = officer.post(f"/api/v1/cases/{case.pk}/transitions/archive/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"]["unmet"][0]["code"] == "transition_not_available"


@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_one_200_one_409(postgres_only) -> None:
    w = World()
    head2 = user("division_head2", w.district, "division_head")
    case = w.case()
    w.fire(case, "submit_filing", w.officer1, None)
    w.fire(case, "approve_filing", w.head, None)
    w.propose(case, None, fine=Decimal("1000"))
    w.fire(case, "submit_review", w.officer1, None)
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def approve(actor) -> None:
        try:
            client = as_user(actor)
            barrier.wait()
            statuses.append(
                client.post(f"/api/v1/cases/{case.pk}/transitions/approve/", {}, format="json").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in (w.head, head2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    assert CaseEvent.objects.filter(case=case, transition="approve").count() == 1


def test_idempotency_key_replays_the_first_result(world: World) -> None:
    officer = as_user(world.officer1)
    body = {
        "organisation": world.district.pk,
        "title": "重复提交",
        "origin": "complaint",
        "officers": [world.officer1.pk],
    }
    first = officer.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = officer.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    different = officer.post(
        "/api/v1/cases/", {**body, "title": "另一件"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert different.status_code == 422 and different.json()["code"] == "idempotency_key_reused"
    other = officer.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.json()["id"] != first.json()["id"]
    assert officer.get("/api/v1/cases/").json()["count"] == 2


def test_case_filters_and_search(world: World) -> None:
    w = world
    street_case = w.case(organisation=w.street)
    district_case = w.case()
    w.fire(district_case, "submit_filing", w.officer1, None)
    client = as_user(w.officer1)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.json()
        return {c["id"] for c in response.json()["results"]}

    assert ids(f"organisation={w.street.pk}") == {street_case.pk}
    assert ids(f"organisation={w.district.pk}") == {street_case.pk, district_case.pk}, (
        "an organisation includes its subtree"
    )
    assert ids("state=filing_review") == {district_case.pk}
    assert ids("state=draft&state=filing_review") == {street_case.pk, district_case.pk}
    assert ids("procedure=summary") == set()
    assert ids(f"q={street_case.party.name[:4]}") >= {street_case.pk}
    assert ids("overdue=true") == set()
    bad = client.get("/api/v1/cases/?state=flying")
    assert bad.status_code == 400 and "state" in bad.json()["errors"]
    assert client.get("/api/v1/cases/?page_size=1000").json()["results"] is not None


def test_work_queue_shows_waiting_cases_overdue_first(world: World) -> None:
    w = world
    with freeze_time("2026-01-05 10:00:00+08:00"):
        old = w.case()
        w.fire(old, "submit_filing", w.officer1, None)
        w.fire(old, "approve_filing", w.head, None)
    with freeze_time("2026-05-05 10:00:00+08:00"):
        fresh = w.case()
        w.fire(fresh, "submit_filing", w.officer1, None)
        w.fire(fresh, "approve_filing", w.head, None)
        waiting = w.case()
        w.fire(waiting, "submit_filing", w.officer1, None)
        officer_queue = as_user(w.officer1).get("/api/v1/tasks/").json()["results"]
        head_queue = as_user(w.head).get("/api/v1/tasks/").json()["results"]
    assert [c["id"] for c in officer_queue][:2] == [old.pk, fresh.pk]
    assert officer_queue[0]["overdue"] is True and officer_queue[1]["overdue"] is False
    assert waiting.pk not in [c["id"] for c in officer_queue]
    assert [c["id"] for c in head_queue] == [waiting.pk]
    assert as_user(w.legal).get("/api/v1/tasks/").json()["count"] == 0


def test_openapi_document_and_offline_docs(world: World, client) -> None:
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for required in (
        "/api/v1/auth/token/",
        "/api/v1/organisations/",
        "/api/v1/inspections/",
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/transitions/",
        "/api/v1/cases/{id}/transitions/{name}/",
        "/api/v1/cases/{id}/history/",
        "/api/v1/tasks/",
    ):
        assert required in paths, required
    fire_op = paths["/api/v1/cases/{id}/transitions/{name}/"]["post"]
    assert {"400", "403", "404", "409"} <= set(fire_op["responses"])
    docs = client.get("/api/v1/docs/").content.decode()
    assert (
        "swagger-ui" in docs
        and "cdn" not in docs.lower()
        and "http://" not in docs.replace("http://testserver", "")
    )
    assert "/static/drf_spectacular_sidecar/" in docs
