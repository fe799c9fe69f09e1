from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import visible_organisations
from casefiles.models import Case


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


def av_coverage(*, case: Case) -> list[dict[str, object]]:
    """Each AV-list activity carried out in the case, and whether a verified recording covers it (§6)."""
    from accounts.policy import AvActivity
    from accounts.selectors import organisation_policy
    from casefiles.models import CaseActivity, Evidence

    listed = organisation_policy(organisation=case.organisation).av_activities
    activities = CaseActivity.objects.filter(case=case, kind__in=listed).order_by("occurred_at", "pk")
    covered = set(
        Evidence.objects.filter(
            activity__in=activities, status=Evidence.Status.VERIFIED, kind__in=Evidence.AV_KINDS
        ).values_list("activity_id", flat=True)
    )
    return [
        {
            "activity": a.pk,
            "kind": a.kind,
            "label": AvActivity.LABELS[a.kind],
            "occurred_at": a.occurred_at,
            "covered": a.pk in covered,
        }
        for a in activities
    ]
