"""The organisation tree, inherited settings and who may see what (SPEC §1, §2)."""

from decimal import Decimal

import pytest

from accounts.models import Organisation
from accounts.selectors import organisation_policy, visible_organisations
from accounts.services import organisation_save, user_create
from casefiles.selectors import cases_visible_to
from tests.factories import World, at, org, user

pytestmark = pytest.mark.django_db


def test_visibility_is_the_users_subtree(world: World) -> None:
    w = world
    city_viewer = user("city_viewer", w.city, "report_viewer")
    street_officer = user("street_officer", w.street, "officer")
    assert set(visible_organisations(user=city_viewer)) == {w.city, w.district, w.street, w.other_district}
    assert set(visible_organisations(user=w.officer1)) == {w.district, w.street}
    assert set(visible_organisations(user=street_officer)) == {w.street}
    superuser = user_create(username="root", password="x-pass-12345", full_name="root", organisation=None)
    superuser.is_superuser = True
    assert visible_organisations(user=superuser).count() == 4

    case = w.case(now=at(2026, 3, 1))
    assert list(cases_visible_to(user=city_viewer)) == [case]
    assert list(cases_visible_to(user=street_officer)) == []


def test_settings_are_inherited_downward(db) -> None:
    city = org("C", Organisation.Level.CITY, major_fine_entity=Decimal("30000"))
    district = org("D", Organisation.Level.DISTRICT, city, check_every_case=True)
    street = org("S", Organisation.Level.STREET, district, statement_window_workdays=5)
    policy = organisation_policy(organisation=street)
    assert policy.major_fine_entity == Decimal("30000")  # from the city
    assert policy.check_every_case is True  # from the district
    assert policy.statement_window_workdays == 5  # its own
    assert policy.decision_days == 90  # the statutory default
    assert organisation_policy(organisation=city).check_every_case is False


def test_moving_an_organisation_moves_its_subtree(db) -> None:
    city = org("C", Organisation.Level.CITY)
    d1 = org("D1", Organisation.Level.DISTRICT, city)
    d2 = org("D2", Organisation.Level.DISTRICT, city)
    street = org("S", Organisation.Level.STREET, d1)
    d1.parent = d2
    organisation_save(organisation=d1)
    street.refresh_from_db()
    assert street.path == f"/{city.pk}/{d2.pk}/{d1.pk}/{street.pk}/"
    d2.parent = street
    with pytest.raises(Exception, match="不能是本机构或其下级机构"):
        organisation_save(organisation=d2)
