"""Stratified random sampling of closed case files with a stored seed (SPEC §8, 双随机).

The population of a campaign is every case of each organisation under review whose file was
closed (state closed or archived) with its closing date (Beijing time) inside the campaign's period,
optionally of one procedure. Each organisation is a stratum with its own quota:

    quota = min(N, max(minimum, ceil(N × percent / 100)))

split over the organisation's procedures in proportion to their sizes (largest remainder, ties in
the order general, summary). Within each (organisation, procedure) stratum the files are drawn by
`random.Random(f"{seed}|{organisation_id}|{procedure}").sample(ids in ascending order, k)`.

So anyone holding the seed and the list of the stratum's case ids can redraw the same files; a
different seed gives a different draw. Python seeds a str through SHA-512 (seed version 2), which does
not depend on PYTHONHASHSEED or the platform.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from casefiles.models import Case
from law.states import CaseState

# Closing dates are Beijing dates whatever the deployment's TIME_ZONE (as the §9 statistics).
REVIEW_TZ = ZoneInfo("Asia/Shanghai")
CLOSED_STATES = (CaseState.CLOSED, CaseState.ARCHIVED)
PROCEDURE_ORDER = (Case.Procedure.GENERAL, Case.Procedure.SUMMARY)


@dataclass(frozen=True)
class Stratum:
    organisation_id: int
    procedure: str
    population: tuple[int, ...]
    drawn: tuple[int, ...]


def organisation_quota(*, population: int, percent: Decimal, minimum: int) -> int:
    if population <= 0:
        return 0
    by_rate = math.ceil(Decimal(population) * percent / Decimal(100))
    return min(population, max(minimum, by_rate))


def split_quota(*, quota: int, sizes: Mapping[str, int]) -> dict[str, int]:
    """Share an organisation's quota among its procedures in proportion to their sizes."""
    total = sum(sizes.values())
    if total == 0 or quota == 0:
        return {p: 0 for p in sizes}
    order = [p for p in PROCEDURE_ORDER if p in sizes] + sorted(set(sizes) - set(PROCEDURE_ORDER))
    exact = {p: Decimal(quota) * sizes[p] / total for p in order}
    shares = {p: int(exact[p]) for p in order}
    left = quota - sum(shares.values())
    by_remainder = sorted(order, key=lambda p: (-(exact[p] - shares[p]), order.index(p)))
    for p in by_remainder[:left]:
        shares[p] += 1
    return shares


def stratum_rng(seed: str, organisation_id: int, procedure: str) -> random.Random:
    return random.Random(f"{seed}|{organisation_id}|{procedure}")


def draw(
    *,
    seed: str,
    populations: Mapping[int, Mapping[str, Sequence[int]]],
    percent: Decimal,
    minimum: int,
) -> list[Stratum]:
    """The sample: for each organisation id → procedure → case ids, the ids drawn (pure: no queries)."""
    strata: list[Stratum] = []
    for organisation_id in sorted(populations):
        by_procedure = {p: tuple(sorted(ids)) for p, ids in populations[organisation_id].items() if ids}
        quota = organisation_quota(
            population=sum(len(ids) for ids in by_procedure.values()), percent=percent, minimum=minimum
        )
        shares = split_quota(quota=quota, sizes={p: len(ids) for p, ids in by_procedure.items()})
        for procedure, ids in by_procedure.items():
            drawn = stratum_rng(seed, organisation_id, procedure).sample(ids, shares[procedure])
            strata.append(Stratum(organisation_id, procedure, ids, tuple(drawn)))
    return strata


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Beijing time."""
    return (
        datetime.combine(start, time.min, tzinfo=REVIEW_TZ),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=REVIEW_TZ),
    )


def population(
    *, organisation_ids: Sequence[int], start: date, end: date, procedure: str = ""
) -> dict[int, dict[str, list[int]]]:
    """Closed files per organisation and procedure: one indexed query (organisation, state, closed_at)."""
    low, high = period_bounds(start, end)
    rows = Case.objects.filter(
        organisation_id__in=list(organisation_ids),
        state__in=CLOSED_STATES,
        closed_at__gte=low,
        closed_at__lt=high,
    )
    if procedure:
        rows = rows.filter(procedure=procedure)
    found: dict[int, dict[str, list[int]]] = {pk: {} for pk in organisation_ids}
    for organisation_id, proc, pk in rows.values_list("organisation_id", "procedure", "pk").order_by("pk"):
        found[organisation_id].setdefault(proc, []).append(pk)
    return found
