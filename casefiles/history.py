from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accounts.models import User
from casefiles.models import Case, CaseEvent
from core.hashchain import GENESIS, canonical, chain_breaks, chain_hash


def history_append(
    *,
    case: Case,
    transition: str,
    from_state: str,
    to_state: str,
    actor: User | None,
    at: datetime,
    opinion: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one row to the case's history. The caller holds the case row lock (so seq and the
    chain are consistent) and saves `version` and `history_head` with its own update."""
    event = CaseEvent(
        case=case,
        seq=case.version + 1,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_name=str(actor) if actor else "系统",
        at=at,
        opinion=opinion,
        data=canonical(data or {}),
        prev_hash=case.history_head or GENESIS,
    )
    event.hash = chain_hash(event.prev_hash, event.content())
    event.save()
    case.version = event.seq
    case.history_head = event.hash
    return event


@dataclass(frozen=True)
class ChainProblem:
    case_id: int
    seq: int | None
    message: str


def verify_case_chain(case: Case, events: list[CaseEvent]) -> list[ChainProblem]:
    messages = {
        "missing": "第 {seq} 条履历缺失",
        "relinked": "前一条哈希不符：此前的履历被修改或删除",
        "edited": "内容与哈希不符：该条履历被修改",
        "count": f"案件记录有 {case.version} 条履历，实存 {len(events)} 条：末尾履历被删除",
        "head": "最后一条履历的哈希与案件记录不符",
    }
    return [
        ChainProblem(case.pk, seq, messages[kind].format(seq=seq))
        for seq, kind in chain_breaks(events, head=case.history_head, count=case.version)
    ]


def verify_all(*, batch: int = 2000) -> Iterator[ChainProblem]:
    """Stream every case and its history in (case, seq) order; memory stays flat."""
    cases = Case.objects.order_by("pk").only("pk", "version", "history_head")
    last_pk = 0
    while True:
        chunk = list(cases.filter(pk__gt=last_pk)[:batch])
        if not chunk:
            return
        by_case: dict[int, list[CaseEvent]] = {c.pk: [] for c in chunk}
        for event in CaseEvent.objects.filter(case_id__in=by_case).order_by("case_id", "seq"):
            by_case[event.case_id].append(event)
        for case in chunk:
            yield from verify_case_chain(case, by_case[case.pk])
        last_pk = chunk[-1].pk
