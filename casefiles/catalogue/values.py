"""Values of the catalogue: amounts in yuan as benchmark documents write them, the statutory envelope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from casefiles.models import BenchmarkLevel, ViolationType

SEVERITY_LABELS: dict[str, str] = dict(BenchmarkLevel.Severity.choices)
SUBJECT_LABELS: dict[str, str] = dict(ViolationType.Subject.choices)


class HasStatutoryRange(Protocol):
    fine_min: Decimal | None
    fine_max: Decimal | None
    overdue_fine_max: Decimal | None


def yuan(amount: Decimal) -> str:
    """30000.00 → 30000元, 12500.50 → 12500.5元: amounts as a benchmark document writes them."""
    text = format(amount.normalize(), "f") if amount == amount.to_integral_value() else str(amount)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}元"


def range_text(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return "不处罚款"
    if not low:
        return f"{yuan(high)}以下" if high is not None else "不限"
    if high is None:
        return f"{yuan(low)}以上"
    return f"{yuan(low)}以上{yuan(high)}以下"


@dataclass(frozen=True)
class Envelope:
    """The statutory fine envelope: from the lower bound up to the highest fine any tier allows.

    A law such as 安全生产法 Art. 97 has a base tier (十万元以下) and an escalated one when the
    order to rectify is ignored (逾期未改正：十万元以上二十万元以下); a benchmark level may lie in either.
    `high` is None when the law (or the entry) sets no fine.
    """

    low: Decimal
    high: Decimal | None

    @classmethod
    def of(cls, vt: HasStatutoryRange) -> Envelope:
        highs = [h for h in (vt.fine_max, vt.overdue_fine_max) if h is not None]
        return cls(low=vt.fine_min or Decimal(0), high=max(highs) if highs else None)

    def contains(self, low: Decimal, high: Decimal) -> bool:
        return self.high is not None and self.low <= low and high <= self.high

    def text(self) -> str:
        return "法律未规定罚款" if self.high is None else range_text(self.low, self.high)
