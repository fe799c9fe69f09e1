"""One small state engine for every reviewed thing (a case, a campaign, a score sheet …), after viewflow's fsm.

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

# (thing, actor) → why not (one reason or several), or None / [] when he may.
Permission = Callable[[Any, Any], Reason | Sequence[Reason] | None]


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
    """One row of a table. The same code may leave several states (one row per source). A guard
    marked `judges_input` (as workflow.guards.input_guard marks them) judges what `apply` recorded:
    it stands aside while listing and is checked after `apply`."""

    code: str
    source: tuple[str, ...]
    target: str
    label: str
    permission: Permission | None = None
    guards: tuple[Guard, ...] = ()
    # Where the thing may end up when the machine's `move` chooses among several targets.
    targets: tuple[str, ...] = ()
    # The input: `clean(data, now)` validates it (raising with field errors), `apply(thing, ctx,
    # cleaned)` records it on the thing before the input guards judge it.
    clean: Callable[[Mapping[str, Any], datetime], dict[str, Any]] | None = None
    apply: Callable[[Any, Any, dict[str, Any]], None] | None = None
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

    @property
    def possible_targets(self) -> tuple[str, ...]:
        return self.targets or (self.target,)


def judges_input(guard: Callable[..., Reason | None]) -> bool:
    return getattr(guard, "judges_input", False)


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


ContextFactory = Callable[[Any, Any, datetime, "Mapping[str, Any] | None"], Any]
Mover = Callable[[Any, Transition, Any], None]
Saver = Callable[[Any, Transition, Any, Sequence[str]], None]


class Machine:
    """The transitions of one kind of thing over its `state_field`, each fired audited by `audit`
    (which appends to the thing's event chain, see core.audit).

    A thing with more to it than a status field plugs in its own parts: `context` builds what its
    guards read (a case's guards read its organisation's rules), `move` changes the state (a case
    moves through its django-fsm transition), `snapshot` and `save` write what changed, and
    `refuse_here` words the refusal of a transition the state does not offer."""

    def __init__(
        self,
        *,
        state_field: str,
        transitions: Sequence[Transition],
        audit: AuditWriter | None,
        context: ContextFactory | None = None,
        move: Mover | None = None,
        snapshot: Callable[[Any], Any] | None = None,
        save: Saver | None = None,
        refuse_here: Callable[[Any, str, Transition | None], Conflict] | None = None,
    ):
        keys = [(t.code, s) for t in transitions for s in t.source]
        if len(keys) != len(set(keys)):
            raise ValueError(f"duplicate transitions: {keys}")
        self.state_field = state_field
        self.transitions = tuple(transitions)
        self.by_key = {(t.code, s): t for t in transitions for s in t.source}
        self.by_code: dict[str, Transition] = {}
        for t in transitions:
            self.by_code.setdefault(t.code, t)
        self.audit = audit
        self.context = context or (
            lambda thing, actor, now, data: Context(actor=actor, now=now, data=data or {})
        )
        self.move = move or self._set_target
        self.snapshot = snapshot
        self.save = save or self._save_fields
        self.refuse_here = refuse_here or self._not_here

    def _set_target(self, thing: Any, t: Transition, ctx: Any) -> None:
        with _assigning():
            setattr(thing, self.state_field, t.target)

    def _save_fields(self, thing: Any, t: Transition, before: Any, update_fields: Sequence[str]) -> None:
        thing.save(update_fields=list(dict.fromkeys([self.state_field, *update_fields])))

    def state_of(self, thing: Any) -> str:
        return getattr(thing, self.state_field)

    def _state_label(self, thing: Any) -> str:
        display = getattr(thing, f"get_{self.state_field}_display", None)
        return display() if display else self.state_of(thing)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    def _permission(self, t: Transition, thing: Any, actor: Any) -> list[Reason]:
        reasons = t.permission(thing, actor) if t.permission else None
        if reasons is None:
            return []
        return [reasons] if isinstance(reasons, Reason) else list(reasons)

    def _not_here(self, thing: Any, code: str, t: Transition | None) -> Conflict:
        label = t.label if t else code
        here = f"当前状态“{self._state_label(thing)}”下不能{label}"
        detail = t.not_here(thing) if t and t.not_here else here
        return Conflict(detail, reasons=[*(t.not_here_reasons if t else ()), Reason(NOT_AVAILABLE, here)])

    def options(
        self, thing: Any, *, actor: Any, now: datetime | None = None, data: Mapping[str, Any] | None = None
    ) -> list[Option]:
        """What `actor` may do from the thing's current state, and for what he may not, why. Guards
        that judge input stand aside: nothing has been entered yet."""
        ctx = self.context(thing, actor, now or timezone.now(), data)
        options = []
        for t in self.transitions_from(self.state_of(thing)):
            refused = self._permission(t, thing, actor)
            unmet = refused + unmet_reasons(t.guards, thing, ctx)
            options.append(
                Option(
                    code=t.code,
                    label=t.label,
                    targets=t.possible_targets,
                    allowed=not unmet,
                    unmet=unmet,
                    permitted=not refused,
                )
            )
        return options

    def _offered(self, thing: Any, code: str, actor: Any) -> Transition:
        """The transition `code` from the thing's state, or 409; then the person, or 403."""
        t = self.by_key.get((code, self.state_of(thing)))
        if t is None:
            raise self.refuse_here(thing, code, self.by_code.get(code))
        refused = self._permission(t, thing, actor)
        if refused:
            raise Forbidden("；".join(r.message for r in refused), reasons=refused)
        return t

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
        t = self._offered(thing, code, actor)
        ctx = self.context(thing, actor, now or timezone.now(), data or {})
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
        data: Mapping[str, Any] | None = None,
        update_fields: Sequence[str] = (),
    ) -> Any:
        """The one way a state changes. Inside the caller's transaction and row lock: the transition
        from this state (409) → the person (403) → the input cleaned (400) → the guards on the thing
        as it stands (409) → `apply` records the input → the guards that judge it (409) → `move` →
        the audit row (returned; None for a machine without one) → `save`. Any refusal leaves the
        transaction to roll back what was recorded."""
        t = self._offered(thing, code, actor)
        cleaned = t.clean(data or {}, now) if t.clean else dict(data or {})
        ctx = self.context(thing, actor, now, cleaned)
        before = self.snapshot(thing) if self.snapshot else None
        refuse_unmet(unmet_reasons([g for g in t.guards if not judges_input(g)], thing, ctx))
        if t.apply:
            t.apply(thing, ctx, cleaned)
        refuse_unmet(unmet_reasons([g for g in t.guards if judges_input(g)], thing, ctx))
        from_state = self.state_of(thing)
        self.move(thing, t, ctx)
        row = None
        if self.audit is not None:
            row = self.audit(
                thing, transition=t, from_state=from_state, actor=actor, at=now, note=note, data=cleaned
            )
        self.save(thing, t, before, update_fields)
        return row
