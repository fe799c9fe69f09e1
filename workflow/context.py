from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from accounts.models import User
from accounts.policy import Policy
from core.dates import local_date
from workflow.facts import FACTS, CaseFacts


@dataclass
class StepContext:
    """What a guard may look at besides the case: who acts, when, under which rules, with what input.

    `data` is None when we only ask "what may this user do now" (no input yet): guards that judge
    the input then stand aside, and the listing shows the input the step needs instead.
    """

    actor: User
    now: datetime
    policy: Policy
    data: dict[str, Any] | None = None
    scratch: dict[str, Any] = field(default_factory=dict)
    # What the law's rules ask of the database (law.facts).
    facts: CaseFacts = field(default=FACTS)

    @property
    def today(self) -> date:
        return local_date(self.now)

    @property
    def listing(self) -> bool:
        return self.data is None
