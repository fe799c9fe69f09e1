"""The case state machine: a proxy of casefiles.Case carrying django-fsm transitions built from
the table in workflow.steps. The state field is protected: only these transitions move it, and
only workflow.services calls them (inside a transaction, with the case row locked).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django_fsm import GET_STATE, transition

from casefiles.models import Case
from workflow.guards import judges_input
from workflow.steps import STEPS, Step


def _condition(step: Step) -> Any:
    # django-fsm evaluates conditions as the state moves, i.e. after the step recorded its input:
    # the guards that judge that input are re-checked here. (Guards on the case as it stood were
    # checked by the service before anything was recorded.) The context rides on the instance.
    input_guards = [g for g in step.guards if judges_input(g)]

    def condition(instance: Case) -> bool:
        ctx = instance._step_ctx
        return all(guard(instance, ctx) is None for guard in input_guards)

    condition.__name__ = f"{step.code}_{step.source}_guards"
    return condition


def _target(step: Step) -> Any:
    if step.router is None:
        return step.target
    router = step.router

    def route(instance: Case, *args: Any, **kwargs: Any) -> str:
        return router(instance, instance._step_ctx)

    return GET_STATE(route, states=list(step.targets))


def _build_transitions() -> dict[str, Any]:
    rows: dict[str, list[Step]] = defaultdict(list)
    for step in STEPS:
        rows[step.code].append(step)
    methods: dict[str, Any] = {}
    for code, steps in rows.items():

        def method(self: Case) -> None:
            """The step's recording is done by workflow.steps before the state moves."""

        method.__name__ = method.__qualname__ = code
        fn: Any = method
        for step in steps:
            fn = transition(
                field="state",
                source=step.source,
                target=_target(step),
                conditions=[_condition(step)],
                custom={"step": step},
            )(fn)
        methods[code] = fn
    return methods


CaseFlow = type(
    "CaseFlow",
    (Case,),
    {
        "__module__": "workflow.models",
        "__doc__": "案件办理流程 (the state machine over Case)",
        "Meta": type(
            "Meta", (), {"proxy": True, "verbose_name": "案件流程", "verbose_name_plural": "案件流程"}
        ),
        **_build_transitions(),
    },
)
