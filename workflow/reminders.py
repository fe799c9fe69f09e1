"""Deadline reminders and escalation (SPEC §4 deadlines; issue: scheduled work).

Every clock of a running case is `Case.current_deadline` (set by each transition on the working-day
calendar). Before it ends, the people who must act next are reminded at each lead time (working
days); after it, they are told it is overdue and the agency heads of the case's organisation are
asked to supervise (督办). Each message has a key, so a job that runs twice sends nothing twice.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings

from accounts.models import User
from accounts.roles import Role
from casefiles.models import Case
from law.calendar import working_days_between
from notifications.models import Notification
from notifications.services import Message, notifications_send
from workflow.selectors import HANDLER_ROLES, QUEUE_STATES

CLOCK_LABELS = {
    "decision": "作出处罚决定",
    "service": "送达处罚决定书",
    "publication": "公示处罚决定",
    "payment": "缴纳罚款",
}


def responsible_users(case: Case) -> list[User]:
    """Who must act in the case's current state: its handlers, or the reviewers of its organisation."""
    roles = [role for role, states in QUEUE_STATES.items() if case.state in states]
    users: dict[int, User] = {}
    for role in roles:
        if role in HANDLER_ROLES:
            people = case.officers.all()
        else:
            people = User.objects.filter(
                organisation=case.organisation, role_assignments__role=role, is_active=True
            ).exclude(pk__in=case.officers.all())
        users.update({u.pk: u for u in people})
    return list(users.values())


def deadline_reminders_run(*, today: date) -> int:
    """Send what is due today; returns how many notifications were created (0 on a second run)."""
    leads = sorted(settings.REMINDER_LEAD_WORKDAYS)
    horizon = max(leads)
    messages: list[Message] = []
    cases = (
        Case.objects.filter(current_deadline__isnull=False)
        .select_related("organisation")
        .prefetch_related("officers")
    )
    for case in cases.iterator(chunk_size=500):
        deadline, clock = case.current_deadline, case.current_deadline_kind
        what = CLOCK_LABELS.get(clock, clock)
        ref = f"case:{case.pk}:{clock}:{deadline.isoformat()}"
        label = case.number or case.title
        if deadline < today:
            for user in responsible_users(case):
                messages.append(
                    Message(
                        user,
                        Notification.Kind.OVERDUE,
                        f"{ref}:overdue",
                        f"【已超期】{label}：{what}期限 {deadline:%Y-%m-%d} 已过",
                        f"{label}（{case.get_state_display()}）{what}的期限为 {deadline:%Y-%m-%d}，已超期，请尽快办理。",
                        case.pk,
                    )
                )
            heads = User.objects.filter(
                organisation=case.organisation, role_assignments__role=Role.AGENCY_HEAD
            )
            for head in heads:
                messages.append(
                    Message(
                        head,
                        Notification.Kind.ESCALATION,
                        f"{ref}:escalation",
                        f"【督办】{label}：{what}已超期",
                        f"{label}（{case.get_state_display()}）{what}的期限 {deadline:%Y-%m-%d} 已过，请督办。",
                        case.pk,
                    )
                )
            continue
        left = working_days_between(today, deadline)
        if left > horizon:
            continue
        lead = min(lead for lead in leads if lead >= left)
        for user in responsible_users(case):
            messages.append(
                Message(
                    user,
                    Notification.Kind.REMINDER,
                    f"{ref}:lead{lead}",
                    f"【期限提醒】{label}：{what}期限 {deadline:%Y-%m-%d}（还剩 {left} 个工作日）",
                    f"{label}（{case.get_state_display()}）须在 {deadline:%Y-%m-%d} 前{what}。",
                    case.pk,
                )
            )
    return len(notifications_send(messages=messages))
