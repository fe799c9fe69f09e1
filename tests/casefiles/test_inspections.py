"""Recording an inspection (执法检查) through the service itself: only an officer, only for an
organisation of his own subtree. The API and the page check the same before they call; the service
holds for every other caller (commands, imports, the demo)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casefiles.models import Inspection, Party
from casefiles.services import PartyInvalid, PartyRef, inspection_record
from core.errors import Forbidden, InvalidInput
from tests.factories import World, credit_code, entity

pytestmark = pytest.mark.django_db


def record(world: World, actor, organisation) -> Inspection:  # type: ignore[no-untyped-def]
    return inspection_record(
        actor=actor,
        organisation=organisation,
        inspected_on=date(2026, 3, 1),
        party=entity(),
        officers=[world.officer1],
        violations_found=2,
    )


def test_an_officer_records_an_inspection_of_his_subtree(world: World) -> None:
    inspection = record(world, world.officer1, world.street)
    assert (inspection.organisation, inspection.violations_found) == (world.street, 2)
    assert list(inspection.officers.all()) == [world.officer1]


def test_only_an_officer_records_an_inspection(world: World) -> None:
    with pytest.raises(Forbidden) as refused:
        record(world, world.legal, world.district)
    assert str(refused.value) == "只有执法人员可以登记执法检查"
    assert not Inspection.objects.exists()


def test_not_for_an_organisation_outside_his_subtree(world: World) -> None:
    for outside in (world.other_district, world.city):
        with pytest.raises(Forbidden) as refused:
            record(world, world.officer1, outside)
        assert f"不能为本机构及下级机构以外的“{outside.name}”登记执法检查" == str(refused.value)
    assert not Inspection.objects.exists()


# --- the party by reference: a new party and the inspection land together or not at all ----------------


def record_with(world: World, party: PartyRef, **values) -> Inspection:  # type: ignore[no-untyped-def]
    return inspection_record(
        actor=world.officer1,
        organisation=world.street,
        inspected_on=date(2026, 3, 1),
        party=party,
        officers=[world.officer1],
        **values,
    )


def new_party(code: str) -> PartyRef:
    return PartyRef(fields={"kind": Party.Kind.ENTITY, "name": "闽江化工有限公司", "credit_code": code})


def test_a_new_party_and_its_inspection_are_created_in_one_call(world: World) -> None:
    code = credit_code()
    inspection = record_with(world, new_party(code), violations_found=1)
    party = Party.objects.get(credit_code=code)
    assert inspection.party == party and party.name == "闽江化工有限公司"
    # An existing party by its id; an entity already known by its credit code is not duplicated.
    assert record_with(world, PartyRef(id=party.pk)).party == party
    assert record_with(world, new_party(code)).party == party
    assert Party.objects.filter(credit_code=code).count() == 1


def test_a_refused_inspection_leaves_no_new_party_behind(world: World) -> None:
    code = credit_code()
    with pytest.raises(ValidationError) as refused:
        record_with(world, new_party(code), violations_found=-1)
    assert "violations_found" in refused.value.message_dict
    assert not Party.objects.filter(credit_code=code).exists()
    assert not Inspection.objects.exists()


def test_a_refused_party_is_told_by_its_own_fields_and_nothing_is_created(world: World) -> None:
    good = credit_code()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")  # the check character is wrong
    with pytest.raises(PartyInvalid) as refused:
        record_with(world, new_party(wrong))
    assert isinstance(refused.value, ValidationError) and "credit_code" in refused.value.message_dict
    with pytest.raises(InvalidInput) as unknown:
        record_with(world, PartyRef(id=987654321))
    assert unknown.value.errors == {"party_id": ["当事人不存在"]}
    with pytest.raises(InvalidInput) as missing:
        record_with(world, PartyRef())
    assert unknown.value.status == missing.value.status == 400 and "party" in missing.value.errors
    assert not Inspection.objects.exists() and not Party.objects.filter(credit_code=wrong).exists()
