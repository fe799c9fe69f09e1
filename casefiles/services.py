from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import user_can_see_organisation
from casefiles.models import Inspection, NumberSequence, Party, ViolationType
from core.errors import Forbidden, InvalidInput


def party_create(
    *,
    kind: str,
    name: str,
    credit_code: str = "",
    id_number: str = "",
    legal_representative: str = "",
    address: str = "",
    phone: str = "",
) -> Party:
    """Create a party; an entity with a known credit code is reused rather than duplicated."""
    if kind == Party.Kind.ENTITY and credit_code:
        existing = Party.objects.filter(kind=kind, credit_code=credit_code).first()
        if existing:
            return existing
    party = Party(
        kind=kind,
        name=name,
        credit_code=credit_code,
        id_number=id_number,
        legal_representative=legal_representative,
        address=address,
        phone=phone,
    )
    party.full_clean()
    party.save()
    return party


@dataclass(frozen=True)
class PartyRef:
    """The party (当事人) a record names: an existing party by its id, or the fields of a new one
    (party_create's keyword arguments). The service that stores the record resolves it inside its own
    transaction, so a new party and the record naming it land together or not at all."""

    id: int | None = None
    fields: Mapping[str, str] | None = None


class PartyInvalid(ValidationError):
    """The fields of a new party were refused (a credit code's or ID number's check digit…). A
    ValidationError like party_create's own, keyed by the party's fields, so callers that map those
    keep doing so; a page tells it apart from the record's own errors to show it by its party fields."""


def party_resolve(*, ref: PartyRef) -> Party:
    """The party the reference names: the existing one, or a new one made by party_create (an entity
    already known by its credit code is reused). Runs in the caller's transaction."""
    if ref.id is not None:
        found = Party.objects.filter(pk=ref.id).first()
        if found is None:
            raise InvalidInput("当事人不存在", errors={"party_id": ["当事人不存在"]})
        return found
    if ref.fields is None:
        raise InvalidInput("须提供当事人", errors={"party": ["须提供 party 或 party_id"]})
    try:
        return party_create(**ref.fields)
    except ValidationError as exc:
        raise PartyInvalid(exc.error_dict if hasattr(exc, "error_dict") else exc.error_list) from exc


def violation_type_upsert(
    *,
    code: str,
    name: str,
    legal_basis: str,
    penalty_basis: str,
    fine_min: object = None,
    fine_max: object = None,
) -> ViolationType:
    vt, _ = ViolationType.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "legal_basis": legal_basis,
            "penalty_basis": penalty_basis,
            "fine_min": fine_min,
            "fine_max": fine_max,
        },
    )
    return vt


@transaction.atomic
def inspection_record(
    *,
    actor: User,
    organisation: Organisation,
    inspected_on: date,
    party: Party | PartyRef,
    officers: Iterable[User],
    violations_found: int = 0,
    rectification_order: bool = False,
    documents_issued: int = 0,
    notes: str = "",
    now: datetime | None = None,
) -> Inspection:
    """Record an inspection (执法检查) of a party by officers of the organisation. Only an officer
    may record one, and only for an organisation of his own subtree (the API and the page check the
    same before they call; this holds for every other caller too). The party is an existing one or a
    reference (PartyRef) to an existing or a new one: a new party is created in this transaction, so it
    is gone again when the inspection is refused."""
    if not actor.has_role(Role.OFFICER):
        raise Forbidden("只有执法人员可以登记执法检查")
    if not user_can_see_organisation(user=actor, organisation_id=organisation.pk):
        raise Forbidden(f"不能为本机构及下级机构以外的“{organisation.name}”登记执法检查")
    if isinstance(party, PartyRef):
        party = party_resolve(ref=party)
    inspection = Inspection(
        organisation=organisation,
        inspected_on=inspected_on,
        party=party,
        violations_found=violations_found,
        rectification_order=rectification_order,
        documents_issued=documents_issued,
        notes=notes,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    inspection.full_clean()
    inspection.save()
    inspection.officers.set(list(officers))
    return inspection


def number_next(*, organisation: Organisation, year: int, kind: str) -> int:
    """Draw the next number of a gap-free sequence. Must run inside the caller's transaction:
    the sequence row stays locked until it commits, so concurrent draws queue, and a rollback
    gives the number back."""
    # One statement: the upsert creates the row on the first draw of a year, otherwise takes the
    # row lock and increments it; a concurrent first draw waits for the other's insert to commit and
    # then increments it (ON CONFLICT), so no savepoint and no retry are needed. PostgreSQL and
    # SQLite ≥ 3.35 both speak this.
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, year, kind, last) VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT (organisation_id, year, kind) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [organisation.pk, year, kind],
        )
        return cursor.fetchone()[0]


def format_case_number(*, organisation: Organisation, year: int, seq: int) -> str:
    return f"{organisation.case_number_prefix}〔{year}〕{seq}号"


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()
