"""The first API slice and the home page answer, in Chinese, within the user's subtree."""

import pytest
from rest_framework.test import APIClient

from tests.factories import World, at, user

pytestmark = pytest.mark.django_db


def test_token_then_cases_and_transitions(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    client = APIClient()
    assert client.get("/api/v1/cases/").status_code == 401
    token = client.post("/api/v1/auth/token/", {"username": "officer1", "password": "pw-secret-123"}).json()[
        "token"
    ]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = client.get("/api/v1/cases/").json()
    assert body["count"] == 1 and body["results"][0]["state_label"] == "待立案"
    options = {o["name"]: o for o in client.get(f"/api/v1/cases/{case.pk}/transitions/").json()}
    assert options["submit_filing"]["allowed"] is True

    outsider = user("outsider", w.other_district, "officer")
    client.force_authenticate(outsider)
    assert client.get("/api/v1/cases/").json()["count"] == 0
    response = client.get(f"/api/v1/cases/{case.pk}/transitions/")
    assert response.status_code == 404 and response.json() == {
        "code": "not_found",
        "detail": "案件不存在",
        "errors": {},
    }


def test_home_page_shows_the_queue_in_chinese(world: World, client) -> None:
    case = world.case(now=at(2026, 3, 1))
    assert client.get("/").status_code == 302
    client.force_login(world.officer1)
    page = client.get("/").content.decode()
    assert "工作台" in page and case.title in page and "待立案" in page


def test_the_web_session_authenticates_the_api_too(world: World, client) -> None:
    case = world.case(now=at(2026, 3, 1))
    assert client.get("/api/v1/cases/").status_code == 401
    assert client.post("/login/", {"username": "officer1", "password": "pw-secret-123"}).status_code == 302
    body = client.get("/api/v1/cases/").json()
    assert [c["id"] for c in body["results"]] == [case.pk]
    # A session-authenticated write needs the CSRF token, as in the browser.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.officer1)
    refused = strict.post(
        f"/api/v1/cases/{case.pk}/transitions/submit_filing/", {}, content_type="application/json"
    )
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
