"""The state diagram of a case page: the statutory path of its procedure (SPEC §4), where the case
stands, which stages it went through (with the day it last entered each), which it skipped (a
non-major case has no legal check), and how often it was returned to investigation.

Rendered as HTML/CSS by templates/web/_diagram.html: no script, no picture library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from casefiles.models import Case, CaseEvent
from law.states import CaseState as S

GENERAL_PATH = (
    S.DRAFT,
    S.FILING_REVIEW,
    S.INVESTIGATING,
    S.INITIAL_REVIEW,
    S.PRE_NOTICE_CHECK,
    S.NOTICE,
    S.HEARING,
    S.PRE_DECISION_CHECK,
    S.DELIBERATION,
    S.PENDING_DECISION,
    S.DECIDED,
    S.SERVED,
    S.PUBLISHED,
    S.EXECUTING,
    S.CLOSED,
    S.ARCHIVED,
)
SUMMARY_PATH = (S.DRAFT, S.ONSITE_DECIDED, S.SERVED, S.EXECUTING, S.CLOSED, S.ARCHIVED)
# Stages a case passes only on some paths (major cases, a hearing requested, publication).
OPTIONAL = frozenset(
    {S.PRE_NOTICE_CHECK, S.HEARING, S.PRE_DECISION_CHECK, S.DELIBERATION, S.PENDING_DECISION, S.PUBLISHED}
)
SIDE_EXITS = frozenset({S.NOT_FILED, S.WITHDRAWN, S.TRANSFERRED})
LABELS = dict(S.choices)
RETURN_TRANSITIONS = ("return",)


@dataclass(frozen=True)
class Node:
    state: str
    label: str
    status: str  # current | done | skipped | todo
    entered: datetime | None
    optional: bool
    note: str = ""


@dataclass(frozen=True)
class Diagram:
    nodes: list[Node]
    exit: Node | None
    returns: int


def case_diagram(case: Case) -> Diagram:
    events = list(
        CaseEvent.objects.filter(case=case)
        .order_by("seq")
        .values_list("transition", "from_state", "to_state", "at")
    )
    entered: dict[str, datetime] = {}
    for _transition, from_state, to_state, at in events:
        if from_state != to_state or not from_state:
            entered[to_state] = at
    returns = sum(
        1
        for transition, from_state, to_state, _ in events
        if transition in RETURN_TRANSITIONS and from_state != to_state
    )
    path = SUMMARY_PATH if case.procedure == Case.Procedure.SUMMARY else GENERAL_PATH
    current = case.state
    if current in path:
        reached = path.index(current)
    else:  # a side exit: the path up to the last stage it passed
        reached = max((path.index(s) for s in entered if s in path), default=0)
    nodes = []
    for i, state in enumerate(path):
        if state == current:
            status = "current"
        elif state in entered and i <= reached:
            status = "done"
        elif i < reached:
            status = "skipped"
        else:
            status = "todo"
        note = f"退回 {returns} 次" if state == S.INVESTIGATING and returns else ""
        nodes.append(
            Node(
                state=state,
                label=LABELS[state],
                status=status,
                entered=timezone.localtime(entered[state]) if state in entered else None,
                optional=state in OPTIONAL,
                note=note,
            )
        )
    exit_node = None
    if current in SIDE_EXITS:
        exit_node = Node(
            state=current,
            label=LABELS[current],
            status="current",
            entered=timezone.localtime(entered[current]) if current in entered else None,
            optional=False,
        )
    return Diagram(nodes=nodes, exit=exit_node, returns=returns)
