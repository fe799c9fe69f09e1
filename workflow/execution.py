"""Late-payment surcharge (加处罚款, 行政处罚法 Art. 72; 行政强制法 Art. 45), accrued by a daily job.

A party who has not paid by the due date owes 3% of the fine for every day after it, never more than
the fine itself. The job keeps `Case.surcharge` current so the work queue, the case page and the
closing step all show what is owed today. The amount is a function of the date alone, so a job that
runs twice (or is redelivered after a crash) writes the same figure.

When the surcharge reaches the fine it stops growing: the bureau should then apply to the people's
court for enforcement (行政强制法 Art. 53). The handlers and the agency heads are told once.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from casefiles.models import Case
from law import periods
from law.states import CaseState
from notifications.models import Notification
from notifications.services import Message, notifications_send

# States in which a decided fine may still be unpaid (after service, before closure).
UNPAID_STATES = (CaseState.SERVED, CaseState.PUBLISHED, CaseState.EXECUTING)


def surcharge_accrual_q(today: date) -> Q:
    return Q(
        state__in=UNPAID_STATES,
        execution_outcome="",
        decided_fine__gt=0,
        fine_due_on__lt=today,
    ) & (Q(surcharge_as_of__isnull=True) | Q(surcharge_as_of__lt=today))


def surcharges_accrue(*, today: date) -> int:
    """Bring every unpaid, overdue fine's surcharge up to `today`. Returns the number of cases
    updated (0 when run again the same day)."""
    updated = 0
    ids = list(Case.objects.filter(surcharge_accrual_q(today)).order_by("pk").values_list("pk", flat=True))
    for case_id in ids:
        if _accrue_one(case_id=case_id, today=today):
            updated += 1
    return updated


def _accrue_one(*, case_id: int, today: date) -> bool:
    with transaction.atomic():
        # Re-read under the row lock: the party may have paid (close) since the list was taken.
        case = (
            Case.objects.select_for_update(of=("self",))
            .filter(surcharge_accrual_q(today), pk=case_id)
            .first()
        )
        if case is None:
            return False
        fine = case.decided_fine
        before = case.surcharge or 0
        case.surcharge = periods.surcharge(fine=fine, due_on=case.fine_due_on, paid_on=today)
        case.surcharge_as_of = today
        case.save(update_fields=["surcharge", "surcharge_as_of"])
        if case.surcharge >= fine > before:
            _tell_cap_reached(case)
    return True


def _tell_cap_reached(case: Case) -> None:
    label = case.number or case.title
    people = {u.pk: u for u in case.officers.all()}
    people.update(
        {
            u.pk: u
            for u in User.objects.filter(
                organisation=case.organisation, role_assignments__role=Role.AGENCY_HEAD, is_active=True
            )
        }
    )
    notifications_send(
        messages=[
            Message(
                user,
                Notification.Kind.SURCHARGE,
                f"case:{case.pk}:surcharge_cap",
                f"【加处罚款已达上限】{label}",
                f"{label}的罚款 {case.decided_fine} 元逾期未缴（缴纳期限 {case.fine_due_on:%Y-%m-%d}），"
                f"加处罚款已达罚款数额 {case.surcharge} 元，不再增加。请依法申请人民法院强制执行。",
                case.pk,
            )
            for user in people.values()
        ]
    )
