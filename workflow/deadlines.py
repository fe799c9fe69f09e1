"""Which clock of SPEC §4 runs for a case now; the periods themselves are law.periods on the Chinese working-day calendar (行政处罚法 2021).

Art. 85: the law's 二日/三日/五日/七日 are working days; 15 and 90 days are calendar days,
ending on the next working day when the last day is a holiday.
"""

from __future__ import annotations

from datetime import date

from accounts.policy import Policy
from casefiles.models import Case
from core.dates import local_date
from law.penalties import Penalty
from law.periods import publication_deadline, service_deadline
from law.states import BEFORE_DECISION, CaseState


def current_clock(case: Case, policy: Policy) -> tuple[date | None, str]:
    """The deadline that runs in the case's current state, and which one it is."""
    state = case.state
    if state in BEFORE_DECISION and case.decision_deadline:
        return case.decision_deadline, "decision"
    if state in (CaseState.DECIDED, CaseState.ONSITE_DECIDED) and case.decided_at:
        return service_deadline(decided_on=local_date(case.decided_at), policy=policy), "service"
    if state == CaseState.SERVED and case.procedure == Case.Procedure.GENERAL and case.decided_at:
        return publication_deadline(decided_on=local_date(case.decided_at), policy=policy), "publication"
    unpaid = case.fine_due_on and Penalty.from_json(case.decided_penalty).fine and not case.execution_outcome
    if state in (CaseState.SERVED, CaseState.PUBLISHED, CaseState.EXECUTING) and unpaid:
        return case.fine_due_on, "payment"
    return None, ""
