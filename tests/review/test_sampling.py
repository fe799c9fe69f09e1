"""Stratified random sampling with a stored seed (SPEC §8, 双随机): same seed → same sample, another
seed → another sample, the rate and the minimum per organisation, the period and the closed states."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from casefiles.models import Case
from core.errors import Conflict
from review import sampling, services
from review.models import Campaign, SampledFile
from tests.factories import World, at
from tests.review.factories import campaign, closed_summary, manager, officers_of, reviewer

pytestmark = pytest.mark.django_db
D = Decimal


def populations(sizes: dict[int, dict[str, int]]) -> dict[int, dict[str, list[int]]]:
    start = 1
    out: dict[int, dict[str, list[int]]] = {}
    for org, by_procedure in sizes.items():
        out[org] = {}
        for procedure, n in by_procedure.items():
            out[org][procedure] = list(range(start, start + n))
            start += n
    return out


SIZES = {1: {"general": 80, "summary": 40}, 2: {"general": 20}, 3: {"summary": 2}, 4: {}}


def drawn(seed: str, percent: str = "5", minimum: int = 3) -> dict[tuple[int, str], tuple[int, ...]]:
    strata = sampling.draw(seed=seed, populations=populations(SIZES), percent=D(percent), minimum=minimum)
    return {(s.organisation_id, s.procedure): s.drawn for s in strata}


def test_the_same_seed_gives_the_same_sample() -> None:
    assert drawn("2026上半年") == drawn("2026上半年")
    # Independent of the order the population arrives in: each stratum is sorted first.
    shuffled = {
        org: {p: list(reversed(ids)) for p, ids in by.items()} for org, by in populations(SIZES).items()
    }
    again = sampling.draw(seed="2026上半年", populations=shuffled, percent=D("5"), minimum=3)
    assert {(s.organisation_id, s.procedure): s.drawn for s in again} == drawn("2026上半年")


def test_a_different_seed_gives_a_different_sample() -> None:
    a, b = drawn("seed-a"), drawn("seed-b")
    assert a != b
    assert a[(1, "general")] != b[(1, "general")]
    # Only the choice differs, never the sizes.
    assert {k: len(v) for k, v in a.items()} == {k: len(v) for k, v in b.items()}


def test_the_rate_and_the_minimum_hold_per_organisation() -> None:
    sample = drawn("any")
    per_org = {org: sum(len(ids) for (o, _), ids in sample.items() if o == org) for org in SIZES}
    # 120 files at 5% → 6; 20 files at 5% → 1, raised to the minimum 3; 2 files → both (no more exist);
    # an organisation without closed files → none.
    assert per_org == {1: 6, 2: 3, 3: 2, 4: 0}
    # Within an organisation, shared by procedure in proportion: 80:40 → 4:2.
    assert (len(sample[(1, "general")]), len(sample[(1, "summary")])) == (4, 2)
    for (org, procedure), ids in sample.items():
        assert len(set(ids)) == len(ids)
        assert set(ids) <= set(populations(SIZES)[org][procedure]), "drawn from its own stratum only"


@pytest.mark.parametrize(
    ("population", "percent", "minimum", "expected"),
    [
        (100, "5", 3, 5),
        (101, "5", 3, 6),
        (40, "5", 3, 3),
        (2, "5", 3, 2),
        (0, "5", 3, 0),
        (10, "100", 0, 10),
        (7, "0.01", 0, 1),
    ],
)
def test_quota(population: int, percent: str, minimum: int, expected: int) -> None:
    assert sampling.organisation_quota(population=population, percent=D(percent), minimum=minimum) == expected


def test_split_by_largest_remainder() -> None:
    assert sampling.split_quota(quota=5, sizes={"general": 10, "summary": 10}) == {"general": 3, "summary": 2}
    assert sampling.split_quota(quota=3, sizes={"general": 1, "summary": 99}) == {"general": 0, "summary": 3}
    assert sampling.split_quota(quota=4, sizes={"general": 50, "summary": 50}) == {"general": 2, "summary": 2}


# --- through the database -------------------------------------------------------------------------------------


def closed_on(case: Case, when: datetime, state: str = "closed") -> None:
    # Test scaffolding for a large population: the closing itself is tested in tests/workflow; here
    # only which files count matters, so the columns the population query reads are set directly.
    Case.objects.filter(pk=case.pk).update(state=state, closed_at=when)


@pytest.fixture
def city(world: World) -> tuple[World, dict[str, list[Case]]]:
    w = world
    street_officers = officers_of(w.street)
    files: dict[str, list[Case]] = {"district": [], "street": [], "outside": []}
    for i in range(40):
        case = w.case(now=at(2026, 1, 5))
        closed_on(case, at(2026, 2, 1 + i % 27), "archived" if i % 2 else "closed")
        files["district"].append(case)
    for i in range(4):
        files["street"].append(
            closed_summary(w, organisation=w.street, officers=street_officers, day=date(2026, 3, 2 + i))
        )
    # Not in the population: still open, closed before or after the period.
    files["outside"].append(w.case(now=at(2026, 1, 5)))
    late = w.case(now=at(2026, 1, 5))
    closed_on(late, at(2026, 7, 1, 0, 5))
    early = w.case(now=at(2026, 1, 5))
    closed_on(early, at(2025, 12, 31, 23, 55))
    files["outside"] += [late, early]
    return w, files


def test_a_campaign_draws_over_closed_files_of_the_period_and_stores_its_seed(city) -> None:  # type: ignore[no-untyped-def]
    w, files = city
    admin = manager(w.district)
    rev = reviewer(w.district)

    def draw(seed: str) -> tuple[Campaign, list[int]]:
        c = campaign(
            actor=admin,
            organiser=w.district,
            organisations=[w.district, w.street],
            reviewers=[rev],
            percent="10",
            minimum=3,
            start=date(2026, 1, 1),
            end=date(2026, 6, 30),
        )
        c = services.campaign_draw_sample(campaign_id=c.pk, actor=admin, seed=seed)
        return c, list(
            SampledFile.objects.filter(campaign=c).order_by("position").values_list("case_id", flat=True)
        )

    first, ids = draw("双随机-2026")
    assert first.seed == "双随机-2026" and first.status == Campaign.Status.SAMPLED
    per_org = {
        org: SampledFile.objects.filter(campaign=first, organisation=org).count()
        for org in (w.district, w.street)
    }
    assert per_org == {w.district: 4, w.street: 3}, "40 × 10% = 4; the street's 4 files → its minimum of 3"
    outside = {c.pk for c in files["outside"]}
    assert not outside & set(ids)
    stratum = SampledFile.objects.filter(campaign=first, organisation=w.district).first()
    assert (stratum.stratum_population, stratum.stratum_drawn) == (40, 4)

    _, same = draw("双随机-2026")
    assert same == ids, "anyone with the seed redraws the same files"
    _, other = draw("another seed")
    assert other != ids

    with pytest.raises(Conflict):
        services.campaign_draw_sample(campaign_id=first.pk, actor=admin, seed="again")
    assert (
        list(
            SampledFile.objects.filter(campaign=first).order_by("position").values_list("case_id", flat=True)
        )
        == ids
    )


def test_a_seed_is_generated_when_none_is_given(city) -> None:  # type: ignore[no-untyped-def]
    w, _ = city
    admin = manager(w.district)
    c = campaign(
        actor=admin, organiser=w.district, organisations=[w.district], reviewers=[], percent="5", minimum=3
    )
    c = services.campaign_draw_sample(campaign_id=c.pk, actor=admin)
    assert len(c.seed) == 16
    ids = set(SampledFile.objects.filter(campaign=c).values_list("case_id", flat=True))
    redrawn = sampling.draw(
        seed=c.seed,
        populations=sampling.population(
            organisation_ids=[w.district.pk], start=c.period_start, end=c.period_end
        ),
        percent=c.sample_percent,
        minimum=c.sample_min,
    )
    assert {pk for s in redrawn for pk in s.drawn} == ids, "the stored seed reproduces the draw"


def test_stratified_by_procedure_when_asked_for_one(city) -> None:  # type: ignore[no-untyped-def]
    w, _ = city
    admin = manager(w.district)
    c = campaign(
        actor=admin, organiser=w.district, organisations=[w.street], reviewers=[], procedure="summary"
    )
    services.campaign_draw_sample(campaign_id=c.pk, actor=admin, seed="x")
    assert set(SampledFile.objects.filter(campaign=c).values_list("procedure", flat=True)) == {"summary"}


def test_no_closed_file_in_the_period_is_a_clear_conflict(world: World) -> None:
    admin = manager(world.district)
    c = campaign(actor=admin, organiser=world.district, organisations=[world.street], reviewers=[])
    with pytest.raises(Conflict) as refused:
        services.campaign_draw_sample(campaign_id=c.pk, actor=admin, seed="s")
    assert refused.value.reasons[0].code == "no_files"
    c.refresh_from_db()
    assert c.status == Campaign.Status.DRAFT and not c.seed
