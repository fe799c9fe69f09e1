"""One small state engine for every reviewed thing (a campaign, a score sheet …), after viewflow's fsm.

A `Machine` is a transition table kept as data: each `Transition` names its source state(s), its
target, who may fire it (`permission`) and what must hold (`guards`), each answering with a
`Reason(code, message)` or None. The same table answers "what may I do now, and why not"
(`Machine.options`) and refuses what may not be done (`Machine.check`), and `Machine.fire` is the one
way to change the state: inside the caller's transaction and row lock it checks the source state,
the permission and the guards, sets the state, saves with `update_fields`, and appends the audit row.

The state field is a `StateField`: it cannot be assigned outside the engine (nor by `refresh_from_db`
of a `StatefulModel`), so a hand-set `sheet.status = …` fails at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone

from core.errors import Conflict, Forbidden, Reason

NOT_AVAILABLE = "transition_not_available"

Permission = Callable[[Any, Any], Reason | None]  # (thing, actor) → why not, or None


@dataclass(frozen=True)
class Context:
    """What a guard may read besides the thing itself."""

    actor: Any
    now: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


Guard = Callable[[Any, Context], Reason | None]  # (thing, context) → why not, or None


# --- the state field ---------------------------------------------------------------------------------------

_engine_assigns: ContextVar[bool] = ContextVar("engine_assigns", default=False)


@contextlib.contextmanager
def _assigning() -> Iterator[None]:
    token = _engine_assigns.set(True)
    try:
        yield
    finally:
        _engine_assigns.reset(token)


class _StateAttribute(DeferredAttribute):
    def __set__(self, instance: models.Model, value: Any) -> None:
        name = self.field.attname
        current = instance.__dict__.get(name, _UNSET)
        # Loading a row sets it once; afterwards only the engine changes it.
        if current is not _UNSET and current != value and not _engine_assigns.get():
            raise AttributeError(
                f"{type(instance).__name__}.{name} 只能通过状态转换（core.engine.Machine.fire）改变"
            )
        instance.__dict__[name] = value


_UNSET = object()


class StateField(models.CharField):
    """A CharField whose value only the engine changes. In migrations it is a plain CharField."""

    descriptor_class = _StateAttribute

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class StatefulModel(models.Model):
    """Lets `refresh_from_db` bring the state back from the database."""

    class Meta:
        abstract = True

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        with _assigning():
            super().refresh_from_db(*args, **kwargs)


# --- the table ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    code: str
    source: tuple[str, ...]
    target: str
    label: str
    permission: Permission | None = None
    guards: tuple[Guard, ...] = ()
    # The audit row's action (defaults to the code).
    event: str = ""
    # What a refusal says when the thing is not in a source state (default: "当前状态…下不能…"),
    # and any reasons with their own stable codes that clients already know, given before
    # `transition_not_available`.
    not_here: Callable[[Any], str] | None = None
    not_here_reasons: tuple[Reason, ...] = ()

    @property
    def action(self) -> str:
        return self.event or self.code


@dataclass(kw_only=True)
class Option:
    """One thing that may be done from the current state: allowed, or why not. `permitted` is False
    when the person may never do it here (a page shows him no button), True when only guards block it."""

    code: str
    label: str
    targets: tuple[str, ...]
    allowed: bool
    unmet: list[Reason] = field(default_factory=list)
    permitted: bool = True


def unmet_reasons(guards: Sequence[Callable[..., Reason | None]], *args: Any) -> list[Reason]:
    """Every guard's reason, in order (a guard answers None when it holds)."""
    return [r for g in guards if (r := g(*args)) is not None]


def refuse_unmet(unmet: Sequence[Reason]) -> None:
    """Refuse with the unmet reasons (409), or do nothing when there are none."""
    if unmet:
        raise Conflict("；".join(r.message for r in unmet), reasons=list(unmet))


class AuditWriter(Protocol):
    def __call__(
        self,
        thing: Any,
        *,
        transition: Transition,
        from_state: str,
        actor: Any,
        at: datetime,
        note: str,
        data: dict[str, Any],
    ) -> Any: ...


class Machine:
    """The transitions of one kind of thing, over its `state_field`, each fired one audited by
    `audit` (which appends to the thing's event chain, see core.audit)."""

    def __init__(self, *, state_field: str, transitions: Sequence[Transition], audit: AuditWriter | None):
        codes = [t.code for t in transitions]
        if len(codes) != len(set(codes)):
            raise ValueError(f"duplicate transition codes: {codes}")
        self.state_field = state_field
        self.transitions = tuple(transitions)
        self.by_code = {t.code: t for t in transitions}
        self.audit = audit

    def state_of(self, thing: Any) -> str:
        return getattr(thing, self.state_field)

    def _state_label(self, thing: Any) -> str:
        display = getattr(thing, f"get_{self.state_field}_display", None)
        return display() if display else self.state_of(thing)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    def _permission(self, t: Transition, thing: Any, actor: Any) -> list[Reason]:
        reason = t.permission(thing, actor) if t.permission else None
        return [reason] if reason else []

    def options(
        self, thing: Any, *, actor: Any, now: datetime | None = None, data: Mapping[str, Any] | None = None
    ) -> list[Option]:
        """What `actor` may do from the thing's current state, and for what he may not, why."""
        ctx = Context(actor=actor, now=now or timezone.now(), data=data or {})
        options = []
        for t in self.transitions_from(self.state_of(thing)):
            refused = self._permission(t, thing, actor)
            unmet = refused + unmet_reasons(t.guards, thing, ctx)
            options.append(
                Option(
                    code=t.code,
                    label=t.label,
                    targets=(t.target,),
                    allowed=not unmet,
                    unmet=unmet,
                    permitted=not refused,
                )
            )
        return options

    def check(
        self,
        thing: Any,
        code: str,
        *,
        actor: Any,
        now: datetime | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> Transition:
        """Refuse unless `actor` may fire `code` now: 409 not from this state (`transition_not_available`),
        403 not this person, 409 unmet guards."""
        t = self.by_code.get(code)
        state = self.state_of(thing)
        if t is None or state not in t.source:
            label = t.label if t else code
            here = f"当前状态“{self._state_label(thing)}”下不能{label}"
            detail = t.not_here(thing) if t and t.not_here else here
            reasons = [*(t.not_here_reasons if t else ()), Reason(NOT_AVAILABLE, here)]
            raise Conflict(detail, reasons=reasons)
        refused = self._permission(t, thing, actor)
        if refused:
            raise Forbidden("；".join(r.message for r in refused), reasons=refused)
        ctx = Context(actor=actor, now=now or timezone.now(), data=data or {})
        refuse_unmet(unmet_reasons(t.guards, thing, ctx))
        return t

    def fire(
        self,
        thing: models.Model,
        code: str,
        *,
        actor: Any,
        now: datetime,
        note: str = "",
        data: dict[str, Any] | None = None,
        update_fields: Sequence[str] = (),
    ) -> Any:
        """Check, change the state, save the state and `update_fields`, append the audit row (returned;
        None for a machine without one). The caller holds the thing's row lock inside its transaction."""
        t = self.check(thing, code, actor=actor, now=now, data=data)
        from_state = self.state_of(thing)
        with _assigning():
            setattr(thing, self.state_field, t.target)
        thing.save(update_fields=list(dict.fromkeys([self.state_field, *update_fields])))
        if self.audit is None:
            return None
        return self.audit(
            thing,
            transition=t,
            from_state=from_state,
            actor=actor,
            at=now,
            note=note,
            data=dict(data or {}),
        )
