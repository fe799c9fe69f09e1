"""Cases, parties and money as stored (SPEC §3)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casefiles.models import Case, Party
from casefiles.services import party_create
from tests.factories import World, at

pytestmark = pytest.mark.django_db


def test_party_identity_is_validated() -> None:
    with pytest.raises(ValidationError) as refused:
        party_create(kind=Party.Kind.ENTITY, name="某公司", credit_code="91110000802100433C")
    assert "校验位错误" in str(refused.value)
    with pytest.raises(ValidationError):
        party_create(kind=Party.Kind.ENTITY, name="无代码公司")
    party = party_create(kind=Party.Kind.ENTITY, name="某公司", credit_code="91110000802100433B")
    assert party_create(kind=Party.Kind.ENTITY, name="同一公司", credit_code="91110000802100433B") == party
    assert party_create(kind=Party.Kind.INDIVIDUAL, name="某人", id_number="11010519491231002X").pk


def test_case_numbers_are_sequential_per_organisation_and_year(world: World) -> None:
    w = world
    numbers = []
    for day in (2, 3, 4):
        case = w.case(now=at(2026, 3, 1))
        w.fire(case, "submit_filing", w.officer1, at(2026, 3, day))
        numbers.append(w.fire(case, "approve_filing", w.head, at(2026, 3, day)).number)
    other = w.case(organisation=w.street, now=at(2026, 3, 1))
    w.fire(other, "submit_filing", w.officer1, at(2026, 3, 5))
    street_number = w.fire(other, "approve_filing", w.head, at(2026, 3, 5)).number
    assert numbers == ["区应急罚〔2026〕1号", "区应急罚〔2026〕2号", "区应急罚〔2026〕3号"]
    assert street_number == "街应急罚〔2026〕1号"


def test_database_refuses_a_duplicate_case_number(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    case = w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
    twin = w.case(now=at(2026, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=twin.pk).update(year=2026, number=case.number)


def test_money_is_exact(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    case = w.propose(case, at(2026, 3, 1), fine=Decimal("12345678.91"))
    case = Case.objects.get(pk=case.pk)
    assert case.proposed_penalty["fine"] == "12345678.91"
