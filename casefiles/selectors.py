from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from accounts.models import User
from accounts.policy import AvActivity
from accounts.selectors import organisation_policy, visible_organisations
from casefiles.models import Case, CaseActivity, Evidence


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    """Cases in the user's organisation subtree (SPEC §1); a subquery, so it stays one SQL query."""
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(organisation__in=visible_organisations(user=user))


def overdue_q(today: date) -> Q:
    """The running clock of the case's current state has passed (indexed on state, current_deadline)."""
    return Q(current_deadline__lt=today)


def cases_overdue(*, today: date, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    return (queryset if queryset is not None else Case.objects.all()).filter(overdue_q(today))


def av_activities_covered(*, case: Case, kinds: Iterable[str]) -> list[tuple[CaseActivity, bool]]:
    """The case's activities of these AV-list kinds, each with whether a verified audio/video record
    covers it (SPEC §6). The guards and the case output both read this."""
    activities = list(
        CaseActivity.objects.filter(case=case, kind__in=list(kinds)).order_by("occurred_at", "pk")
    )
    covered = set(
        Evidence.objects.filter(
            activity__in=activities, status__in=Evidence.RECORDED_STATUSES, kind__in=Evidence.AV_KINDS
        ).values_list("activity_id", flat=True)
    )
    return [(a, a.pk in covered) for a in activities]


def av_coverage(*, case: Case) -> list[dict[str, object]]:
    """Each AV-list activity carried out in the case, and whether a verified recording covers it."""

    listed = organisation_policy(organisation=case.organisation).av_activities
    return [
        {
            "activity": a.pk,
            "kind": a.kind,
            "label": AvActivity.LABELS[a.kind],
            "occurred_at": a.occurred_at,
            "covered": covered,
        }
        for a, covered in av_activities_covered(case=case, kinds=listed)
    ]


def officers_with_certificates(case: Case) -> list[User]:
    """The case's officers (by id) with their certificates, read once per case instance: kept in
    Django's prefetch cache, which setting the officers clears. The guards and the documents a step
    issues read the same cache."""
    if "officers" not in getattr(case, "_prefetched_objects_cache", {}):
        prefetch_related_objects(
            [case],
            Prefetch("officers", queryset=User.objects.prefetch_related("certificates").order_by("pk")),
        )
    return sorted(case.officers.all(), key=lambda o: o.pk)


def av_gaps(case: Case, policy: Any, kinds: tuple[str, ...] | None = None) -> list[CaseActivity]:
    """Listed activities (of `policy.av_activities`) carried out in this case that have no verified audio/video record."""
    listed = set(policy.av_activities) if kinds is None else set(kinds) & set(policy.av_activities)
    return [a for a, covered in av_activities_covered(case=case, kinds=listed) if not covered]
