"""Pure legal predicates: questions the law answers about a case and its people, with no database
access of their own (what they read is given, or read through the attributes of what is given).
Every guard, pre-check point, document and page that asks one of these questions asks it here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from law.penalties import Penalty
from law.states import PartyKind


def certificate_valid(certificate: Any, on: date) -> bool:
    """行政处罚法第四十二条第一款: the officer holds a 行政执法证件 valid on the day he acts."""
    return certificate.valid_from <= on <= certificate.valid_to


def officer_certified(officer: Any, on: date) -> bool:
    return any(certificate_valid(c, on) for c in officer.certificates.all())


def uncertified_officers(officers: Iterable[Any], on: date) -> list[Any]:
    """The officers with no 执法证 valid on `on` (their certificates are read through
    `officer.certificates.all()`, so a prefetch serves them)."""
    return [o for o in officers if not officer_certified(o, on)]


def quorum_met(*, present: int, committee_size: int, ratio: Any) -> bool:
    """集体讨论 (行政处罚法第五十七条第二款): more than the organisation's share of the committee present."""
    return committee_size > 0 and present > committee_size * ratio


def party_is_individual(case: Any) -> bool:
    return case.party_id is not None and case.party.kind == PartyKind.INDIVIDUAL


def hearing_right_applies(case: Any, policy: Any) -> bool:
    """行政处罚法第六十三条第一款: 较大数额罚款 (the organisation's amounts), 责令停产停业, 吊销许可证,
    责令关闭 give the party the right to a hearing."""
    penalty = Penalty.from_json(case.noticed_penalty or case.proposed_penalty)
    if penalty.suspension or penalty.revocation or penalty.closure:
        return True
    threshold = policy.hearing_fine_individual if party_is_individual(case) else policy.hearing_fine_entity
    return penalty.fine >= threshold


def is_major(case: Any, policy: Any) -> bool:
    """行政处罚法第五十八条第一款 and SPEC §5: a 重大执法决定 — complex, heard, a suspension,
    revocation or closure, or a fine at the organisation's threshold."""
    if case.complex:
        return True
    if hasattr(case, "hearing") and case.hearing is not None:
        return True
    penalty = Penalty.from_json(case.decided_penalty or case.proposed_penalty)
    if penalty.suspension or penalty.revocation or penalty.closure:
        return True
    threshold = policy.major_fine_individual if party_is_individual(case) else policy.major_fine_entity
    return penalty.fine >= threshold
