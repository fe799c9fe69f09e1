"""Recording an inspection (执法检查) through the service itself: only an officer, only for an
organisation of his own subtree. The API and the page check the same before they call; the service
holds for every other caller (commands, imports, the demo)."""

from __future__ import annotations

from datetime import date

import pytest

from casefiles.models import Inspection
from casefiles.services import inspection_record
from core.errors import Forbidden
from tests.factories import World, entity

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
