"""The case kernel's two writes: lock a case row for a transaction, and append to its history.

Everything that changes a case (workflow steps, evidence, documents) takes the row lock here, so
the history's sequence and hash chain stay consistent; the workflow passes its state-machine proxy
as `model` to get the same row with its transitions attached.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef, Subquery

from accounts.models import User
from accounts.selectors import user_can_see_organisation
from casefiles.history import history_append
from casefiles.models import Case, Hearing
from core.errors import NotFound, Reason, StaleVersion

C = TypeVar("C", bound=Case)


def case_lock(*, case_id: int, actor: User, expected_version: int | None = None, model: type[C] = Case) -> C:
    """Lock the case row for this transaction; refuse unseen cases (404) and stale views (409)."""
    # One read for what every step looks at: the organisation and its ancestors (the policy; the tree
    # is at most city / district / street), the party, the violation type, the handlers, and whether
    # there is a hearing (most cases have none; joining the hearing row costs more to plan than the
    # few steps that read it spend fetching it).
    cases = (
        model.objects.select_for_update(of=("self",))
        .select_related("organisation__parent__parent", "party", "violation_type")
        .annotate(hearing_pk=Subquery(Hearing.objects.filter(case_id=OuterRef("pk")).values("pk")[:1]))
    )
    if connection.vendor == "postgresql":
        cases = cases.annotate(
            handler_ids=ArraySubquery(
                Case.officers.through.objects.filter(case_id=OuterRef("pk")).values("user_id")
            )
        )
    try:
        case = cases.get(pk=case_id)
    except model.DoesNotExist:
        raise NotFound("案件不存在") from None
    if case.hearing_pk is None:
        # What select_related leaves when there is no row: `case.hearing` raises, with no query.
        model.hearing.related.set_cached_value(case, None)
    if not user_can_see_organisation(user=actor, organisation_id=case.organisation_id):
        raise NotFound("案件不存在")
    if expected_version is not None and case.version != expected_version:
        raise StaleVersion(
            f"案件已被他人更新（当前版本 {case.version}，您看到的是版本 {expected_version}），请刷新后重试",
            reasons=[Reason("stale_version", "案件已被他人更新，请刷新后重试")],
        )
    return case


def case_field_values(case: Case) -> dict[str, Any]:
    """Every column, the non-editable ones too (flags a step sets, e.g. pre_notice_approved), so
    whatever a step changed is saved. The officers are a many-to-many set, saved by the steps."""
    return {f.attname: getattr(case, f.attname) for f in case._meta.concrete_fields}


def case_save_changed(case: Case, before: dict[str, Any], extra: Iterable[str] = ()) -> None:
    """Save the columns that differ from `before`, with the version, the history head and the clock."""
    after = case_field_values(case)
    changed = [name for name, value in after.items() if before.get(name) != value]
    fields = (
        set(changed) | set(extra) | {"version", "history_head", "current_deadline", "current_deadline_kind"}
    )
    fields.discard("state")
    # The FSM field is protected against assignment, but saving the value it moved to is how
    # the transition is persisted.
    case.save(update_fields=[*fields, "state"])


def case_log_change(case: Case, *, actor: User, what: str, now: datetime, data: dict[str, Any]) -> None:
    """Append a history row for something recorded beside the case (an activity, evidence, a
    reconsideration…). The caller holds the case row lock and has not changed the case's fields."""
    history_append(
        case=case, transition=what, from_state=case.state, to_state=case.state, actor=actor, at=now, data=data
    )
    case.save(update_fields=["version", "history_head"])
