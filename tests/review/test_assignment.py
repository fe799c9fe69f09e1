"""Random reviewer assignment (SPEC §8, §11): never a reviewer who took part in the file; cross-review
never within the organisation's line; even load; a clear error when nobody may review a file."""

from __future__ import annotations

import random

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_set_roles
from core.errors import Conflict, Forbidden, InvalidInput
from review import assignment, services
from review.models import Campaign, SampledFile, ScoreSheet
from tests.factories import World, user
from tests.review.factories import (
    campaign,
    closed_major,
    closed_summary,
    manager,
    officers_of,
    reviewer,
    started,
)

pytestmark = pytest.mark.django_db


def also_reviewer(u: User) -> User:
    user_set_roles(user=u, roles=[*u.role_codes, Role.CASEFILE_REVIEWER])
    return u


@pytest.fixture
def conflicted(world: World):  # type: ignore[no-untyped-def]
    """Files in the district whose handlers, legal reviewer and deciding head also review case files."""
    w = world
    major = closed_major(w)
    summaries = [closed_summary(w) for _ in range(3)]
    for u in (w.officer1, w.officer2, w.legal, w.agency_head):
        also_reviewer(u)
    clean = [reviewer(w.district, f"clean{i}") for i in range(2)]
    return w, major, summaries, clean


def test_conflicts_name_who_took_part_and_why(conflicted) -> None:  # type: ignore[no-untyped-def]
    w, major, summaries, _ = conflicted
    found = assignment.conflicts_of([major.pk, summaries[0].pk])
    assert found[major.pk][w.officer1.pk] == {"handler"}
    assert found[major.pk][w.officer2.pk] == {"handler"}
    assert found[major.pk][w.legal.pk] == {"legal_reviewer"}
    assert found[major.pk][w.agency_head.pk] == {"deciding_head"}
    assert w.head.pk not in found[major.pk]
    assert set(found[summaries[0].pk]) == {w.officer1.pk, w.officer2.pk}


def test_no_reviewer_is_ever_assigned_a_file_with_a_conflict(conflicted) -> None:  # type: ignore[no-untyped-def]
    w, major, summaries, clean = conflicted
    admin = manager(w.district)
    pool = [w.officer1, w.officer2, w.legal, w.agency_head, *clean]
    conflicts = assignment.conflicts_of([major.pk, *(s.pk for s in summaries)])
    seen_reviewers: set[int] = set()
    for seed in range(25):
        c = campaign(actor=admin, organiser=w.district, organisations=[w.district], reviewers=pool)
        started(c, admin, seed=f"seed-{seed}")
        for case_id, reviewer_id in ScoreSheet.objects.filter(campaign=c).values_list(
            "case_id", "reviewer_id"
        ):
            assert reviewer_id not in conflicts[case_id], (seed, case_id, reviewer_id)
            seen_reviewers.add(reviewer_id)
    # The legal reviewer and the agency head may review the summary files they had nothing to do with.
    assert {w.legal.pk, w.agency_head.pk} <= seen_reviewers
    assert not {w.officer1.pk, w.officer2.pk} & seen_reviewers


def test_cross_review_is_never_within_the_organisation_or_its_line(world: World) -> None:
    w = world
    east = w.other_district
    files = [closed_summary(w) for _ in range(3)]
    files += [closed_summary(w, organisation=w.street, officers=officers_of(w.street))]
    files += [closed_summary(w, organisation=east, officers=officers_of(east)) for _ in range(3)]
    reviewers = [
        reviewer(w.city, "city_rev"),
        reviewer(w.district, "district_rev"),
        reviewer(w.street, "street_rev"),
        reviewer(east, "east_rev1"),
        reviewer(east, "east_rev2"),
    ]
    admin = manager(w.city)
    paths = {u.pk: u.organisation.path for u in reviewers}
    for seed in range(20):
        c = campaign(
            actor=admin,
            organiser=w.city,
            organisations=[w.district, w.street, east],
            reviewers=reviewers,
            kind=Campaign.Kind.CROSS,
        )
        started(c, admin, seed=f"cross-{seed}")
        for sheet in ScoreSheet.objects.filter(campaign=c).select_related("case__organisation"):
            own = sheet.case.organisation.path
            mine = paths[sheet.reviewer_id]
            assert mine != own, "never the file's own organisation"
            assert not own.startswith(mine) and not mine.startswith(own), "nor its superior or subordinate"
        assert not ScoreSheet.objects.filter(campaign=c, reviewer__username="city_rev").exists()


def test_spot_check_and_self_review_by_the_line() -> None:
    city, district, street, other = "/1/", "/1/2/", "/1/2/3/", "/1/4/"
    reason = assignment.organisation_reason
    assert reason(Campaign.Kind.SPOT_CHECK, city, district) is None
    assert reason(Campaign.Kind.SPOT_CHECK, district, district).code == "not_superior"
    assert reason(Campaign.Kind.SELF, district, street) is None
    assert reason(Campaign.Kind.SELF, district, district) is None
    assert reason(Campaign.Kind.SELF, street, district).code == "not_own_organisation"
    assert reason(Campaign.Kind.SELF, other, district).code == "not_own_organisation"
    assert reason(Campaign.Kind.CROSS, other, street) is None
    assert reason(Campaign.Kind.CROSS, street, district).code == "own_organisation"


def test_the_load_is_even() -> None:
    files = [assignment.FileToAssign(i, f"F{i}", "/1/2/") for i in range(12)]
    candidates = [assignment.Candidate(100 + k, f"R{k}", "/1/2/") for k in range(3)]
    chosen = assignment.assign(
        kind=Campaign.Kind.SELF, files=files, candidates=candidates, conflicts={}, rng=random.Random("x")
    )
    loads = [list(chosen.values()).count(c.user_id) for c in candidates]
    assert loads == [4, 4, 4]
    # With conflicts the constrained files go first and the rest evens out.
    conflicts = {i: {100: {"handler"}, 101: {"handler"}} for i in range(3)}
    chosen = assignment.assign(
        kind=Campaign.Kind.SELF,
        files=files,
        candidates=candidates,
        conflicts=conflicts,
        rng=random.Random("y"),
    )
    assert all(chosen[i] == 102 for i in range(3))
    loads = sorted(list(chosen.values()).count(c.user_id) for c in candidates)
    assert loads == [4, 4, 4]


def test_the_assignment_is_random_but_reproducible_from_the_seed(world: World) -> None:
    w = world
    for _ in range(6):
        closed_summary(w)
    pool = [reviewer(w.district, f"r{i}") for i in range(3)]
    admin = manager(w.district)

    def run(seed: str) -> list[tuple[int, int]]:
        c = campaign(actor=admin, organiser=w.district, organisations=[w.district], reviewers=pool)
        started(c, admin, seed=seed)
        return sorted(ScoreSheet.objects.filter(campaign=c).values_list("case_id", "reviewer_id"))

    assert run("a") == run("a")
    assert len({tuple(run(s)) for s in ("a", "b", "c", "d")}) > 1


def test_no_eligible_reviewer_is_a_clear_error_and_nothing_is_assigned(conflicted) -> None:  # type: ignore[no-untyped-def]
    w, major, _, _ = conflicted
    admin = manager(w.district)
    c = campaign(
        actor=admin, organiser=w.district, organisations=[w.district], reviewers=[w.officer1, w.legal]
    )
    services.campaign_draw_sample(campaign_id=c.pk, actor=admin, seed="s")
    with pytest.raises(Conflict) as refused:
        services.campaign_assign(campaign_id=c.pk, actor=admin)
    error = refused.value
    assert "没有符合回避要求的评查人员" in error.detail
    assert {r.code for r in error.reasons} == {"no_eligible_reviewer"}
    assert len(error.reasons) == 1, (
        "the summary files can go to the legal reviewer; only the major one cannot"
    )
    assert major.number in error.reasons[0].message
    assert "本案承办人员" in error.reasons[0].message and "本案法制审核人员" in error.reasons[0].message
    c.refresh_from_db()
    assert c.status == Campaign.Status.SAMPLED and not ScoreSheet.objects.filter(campaign=c).exists()
    # Adding a reviewer after the draw is allowed, and then it assigns.
    extra = reviewer(w.district, "extra")
    services.campaign_update(
        campaign_id=c.pk, actor=admin, changes={"reviewers": [w.officer1, w.legal, extra]}
    )
    services.campaign_assign(campaign_id=c.pk, actor=admin)
    assert (
        ScoreSheet.objects.filter(campaign=c).count() == SampledFile.objects.filter(campaign=c).count() == 4
    )


def test_a_campaign_without_reviewers_names_the_missing_setting(world: World) -> None:
    closed_summary(world)
    admin = manager(world.district)
    c = campaign(actor=admin, organiser=world.district, organisations=[world.district], reviewers=[])
    services.campaign_draw_sample(campaign_id=c.pk, actor=admin, seed="s")
    with pytest.raises(Conflict) as refused:
        services.campaign_assign(campaign_id=c.pk, actor=admin)
    assert "评查活动尚未指定评查人员" in refused.value.reasons[0].message


def test_reviewers_must_hold_the_role_and_belong_under_the_organiser(world: World) -> None:
    admin = manager(world.district)
    with pytest.raises(InvalidInput) as not_reviewer:
        campaign(
            actor=admin, organiser=world.district, organisations=[world.district], reviewers=[world.officer1]
        )
    assert "reviewers" in not_reviewer.value.errors
    outsider = reviewer(world.other_district, "outsider")
    with pytest.raises(InvalidInput):
        campaign(actor=admin, organiser=world.district, organisations=[world.district], reviewers=[outsider])
    with pytest.raises(InvalidInput):
        campaign(actor=admin, organiser=world.district, organisations=[world.other_district], reviewers=[])
    officer_admin = user("not_a_manager", world.district, Role.OFFICER)
    with pytest.raises(Forbidden):
        campaign(actor=officer_admin, organiser=world.district, organisations=[world.district], reviewers=[])
