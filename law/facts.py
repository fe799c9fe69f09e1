"""What a rule asks that only the database can answer. The workflow provides it (workflow.facts);
a rule reaches it as `ctx.facts`, so the law needs no app below it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Protocol


class Facts(Protocol):
    def av_gaps(self, case: Any, policy: Any, kinds: tuple[str, ...] | None = None) -> list[Any]:
        """Listed activities carried out in the case with no verified audio/video record."""

    def verified_evidence_count(self, case: Any) -> int: ...

    def action_dates(self, case: Any) -> list[date]:
        """The days the case was filed and each of its activities took place."""

    def missing_documents(self, case: Any, policy: Any, up_to: str = "archive") -> list[str]:
        """Labels of the catalogue's documents not generated, uploaded or marked not applicable."""

    def missing_records(self, case: Any, policy: Any) -> list[str]:
        """What the case file lacks for archiving (workflow.checklist)."""

    def statutory_fine_check(self, case: Any, fine: Decimal) -> tuple[str, str]: ...

    def benchmark_fine_check(self, case: Any, on: date, fine: Decimal) -> tuple[str, str]: ...
