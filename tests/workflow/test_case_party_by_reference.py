"""A case names its party by reference (an existing id, or the fields of a new one) and the service
creates both in its own transaction: a refused case leaves no party behind (issue 16 item 5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from casefiles.models import Case, Party
from casefiles.services import PartyInvalid, PartyRef
from core.errors import DomainError
from tests.factories import World, at, user
from workflow import services

pytestmark = pytest.mark.django_db

NEW_PARTY = {"kind": Party.Kind.ENTITY, "name": "榕城某化工有限公司", "credit_code": "91350100MA2XN4K25G"}


def create(w: World, party: PartyRef, **extra):  # type: ignore[no-untyped-def]
    values = {
        "actor": w.officer1,
        "organisation": w.district,
        "title": "未按规定开展安全生产教育培训",
        "origin": Case.Origin.INSPECTION,
        "party": party,
        "violation_type": w.vt,
        "officers": [w.officer1, w.officer2],
        "now": at(2026, 3, 1),
    } | extra
    return services.case_create(**values)


def test_a_new_party_and_its_case_are_created_in_one_call(world: World) -> None:
    case = create(world, PartyRef(fields=NEW_PARTY))
    assert case.party.name == "榕城某化工有限公司"
    assert Party.objects.filter(credit_code=NEW_PARTY["credit_code"]).count() == 1


def test_a_refused_case_leaves_no_new_party(world: World) -> None:
    stranger = user("clerk", world.district, Role.CASEFILE_REVIEWER)  # not an officer: refused as handler
    with pytest.raises((DomainError, ValidationError)):
        create(world, PartyRef(fields=NEW_PARTY), officers=[world.officer1, stranger])
    assert not Party.objects.filter(credit_code=NEW_PARTY["credit_code"]).exists()
    assert not Case.objects.exists()


def test_a_bad_new_party_is_refused_by_its_fields_and_nothing_is_created(world: World) -> None:
    with pytest.raises(PartyInvalid) as refused:
        create(world, PartyRef(fields={**NEW_PARTY, "credit_code": "91350100MA2XN4K25X"}))
    assert "credit_code" in refused.value.message_dict
    assert not Case.objects.exists()


def test_an_edit_with_a_new_party_lands_with_it_or_not_at_all(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    with pytest.raises(DomainError):  # a stale view: the edit and its new party are both refused
        services.case_update_details(
            case_id=case.pk,
            actor=w.officer1,
            changes={"party": PartyRef(fields=NEW_PARTY)},
            expected_version=0,
        )
    assert not Party.objects.filter(credit_code=NEW_PARTY["credit_code"]).exists()
    services.case_update_details(
        case_id=case.pk,
        actor=w.officer1,
        changes={"party": PartyRef(fields=NEW_PARTY)},
        expected_version=Case.objects.get(pk=case.pk).version,
    )
    assert Case.objects.get(pk=case.pk).party.credit_code == NEW_PARTY["credit_code"]
