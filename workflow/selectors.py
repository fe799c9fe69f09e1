from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as When_

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import organisation_policy
from casefiles.models import Case, CaseEvent, Deliberation, LegalCheck, Meeting
from casefiles.selectors import cases_visible_to
from law.predicates import quorum_met
from workflow.steps import HANDLER, STEPS


def _queue_states() -> dict[str, set[str]]:
    """States in which each role has work that moves the case on (from the transition table)."""
    states: dict[str, set[str]] = {}
    for step in STEPS:
        if step.target is None and step.router is None:
            continue  # steps that only record something (or extend a deadline) are not queue work
        states.setdefault(step.role, set()).add(step.source)
    return states


QUEUE_STATES = _queue_states()
HANDLER_ROLES = {s.role for s in STEPS if s.actor == HANDLER}


def tasks_for(*, user: User, today: date) -> QuerySet[Case]:
    """The cases waiting for this user: for an officer the cases he handles in an officer state, for
    a reviewer the cases in his review states that he does not handle; overdue first, then by deadline."""
    # "Handles it" as an EXISTS on the officers table rather than a join: a join gives a case one row
    # per officer, which then needs a DISTINCT over whole rows (and its COUNT) — a sort of every case
    # in the queue's states at a million cases.
    handles = Exists(Case.officers.through.objects.filter(case_id=OuterRef("pk"), user_id=user.pk))
    wanted = Q(pk__in=[])
    for role, states in QUEUE_STATES.items():
        if not user.has_role(role):
            continue
        if role in HANDLER_ROLES:
            wanted |= Q(state__in=states) & Q(handles)
        else:
            wanted |= Q(state__in=states) & ~Q(handles)
    overdue = When_(
        When(current_deadline__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return (
        cases_visible_to(user=user)
        .filter(wanted)
        .annotate(overdue=overdue)
        .select_related("organisation", "party")
        .order_by("-overdue", F("current_deadline").asc(nulls_last=True), "pk")
    )


def case_history(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("seq")


def role_labels() -> dict[str, str]:
    return dict(Role.choices)


def legal_checks_of(*, case: Case) -> QuerySet[LegalCheck]:
    return (
        LegalCheck.objects.filter(case=case)
        .select_related("organisation", "reviewer")
        .order_by("concluded_at", "pk")
    )


def legal_check_visible(*, check_id: int, user: User) -> LegalCheck | None:
    return (
        LegalCheck.objects.filter(pk=check_id, case__in=cases_visible_to(user=user))
        .select_related(
            "case__organisation", "case__party", "case__violation_type", "organisation", "reviewer"
        )
        .first()
    )


def deliberations_of(*, case: Case) -> QuerySet[Deliberation]:
    return (
        Deliberation.objects.filter(case=case)
        .select_related("meeting__chair", "meeting__organisation")
        .prefetch_related("meeting__attendees", "votes__member")
        .order_by("concluded_at", "pk")
    )


def meeting_quorum_present(*, meeting: Meeting) -> bool:
    """Whether the sitting had its quorum under the organisation's ratio (law.predicates.quorum_met).
    The attendees are read through `meeting.attendees.all()`, so a prefetch serves them."""
    ratio = organisation_policy(organisation=meeting.organisation).quorum_ratio
    return quorum_met(
        present=len(meeting.attendees.all()), committee_size=meeting.committee_size, ratio=ratio
    )
