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
