"""An organisation may not set a statutory period beyond the law's bound (law.bounds): the setting is
refused with the article named, through the service and through the API, and nothing is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.models import Organisation
from accounts.policy import DEFAULT_POLICY
from accounts.roles import Role
from accounts.services import organisation_save
from law.bounds import BOUNDS, bound_errors
from tests.factories import org, user


def test_the_defaults_are_within_the_law() -> None:
    assert bound_errors({b.setting: getattr(DEFAULT_POLICY, b.setting) for b in BOUNDS}) == {}


@pytest.mark.parametrize(
    ("setting", "value", "article"),
    [
        ("hearing_request_workdays", 4, "第六十四条第一款第一项"),
        ("hearing_notice_workdays", 6, "第六十四条第一款第二项"),
        ("decision_days", 120, "第六十条"),
        ("service_workdays", 10, "第六十一条第一款"),
        ("payment_days", 10, "第六十七条第三款"),
    ],
)
def test_a_period_beyond_the_law_is_refused_with_its_article(
    db, setting: str, value: int, article: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        org("BAD", Organisation.Level.CITY, **{setting: value})
    message = refused.value.message_dict[setting][0]
    assert "行政处罚法" in message and article in message
    assert not Organisation.objects.filter(code="BAD").exists()


def test_more_time_for_the_party_and_less_for_the_agency_are_allowed(db) -> None:
    city = org("OK", Organisation.Level.CITY, hearing_request_workdays=10, payment_days=30, decision_days=60)
    assert (city.hearing_request_workdays, city.payment_days, city.decision_days) == (10, 30, 60)


def test_an_existing_organisation_cannot_be_changed_below_the_floor(db) -> None:
    city = org("CITY", Organisation.Level.CITY)
    city.hearing_request_workdays = 3
    with pytest.raises(ValidationError) as refused:
        organisation_save(organisation=city)
    assert "第六十四条" in refused.value.message_dict["hearing_request_workdays"][0]
    city.refresh_from_db()
    assert city.hearing_request_workdays is None


def test_the_api_answers_400_naming_the_article(db) -> None:
    city = org("CITY", Organisation.Level.CITY)
    admin = user("admin1", city, Role.ADMIN)
    client = APIClient()
    client.force_authenticate(admin)
    body = {
        "code": "D1",
        "name": "一区应急管理局",
        "level": Organisation.Level.DISTRICT,
        "parent": city.pk,
        "case_number_prefix": "一应急罚",
        "hearing_request_workdays": 3,
    }
    response = client.post("/api/v1/organisations/", body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert "第六十四条第一款第一项" in errors["hearing_request_workdays"][0]
    assert not Organisation.objects.filter(code="D1").exists()
    body["hearing_request_workdays"] = 8
    assert client.post("/api/v1/organisations/", body, format="json").status_code == 201
    assert Organisation.objects.get(code="D1").hearing_request_workdays == 8
