"""A penalty as a value: the kinds of 行政处罚法 Art. 9 this product handles, money exact."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ZERO = Decimal("0")


@dataclass(frozen=True)
class Penalty:
    warning: bool = False
    fine: Decimal = ZERO  # yuan, exact
    confiscation: Decimal = ZERO  # 没收违法所得, yuan
    suspension: bool = False  # 责令停产停业
    revocation: bool = False  # 吊销许可证
    closure: bool = False  # 责令关闭

    def __post_init__(self) -> None:
        # Money is always yuan with two decimals, however it was typed in.
        for name in ("fine", "confiscation"):
            object.__setattr__(self, name, Decimal(getattr(self, name) or 0).quantize(Decimal("0.01")))

    LABELS = {
        "warning": "警告",
        "fine": "罚款",
        "confiscation": "没收违法所得",
        "suspension": "责令停产停业",
        "revocation": "吊销许可证",
        "closure": "责令关闭",
    }

    @property
    def is_empty(self) -> bool:
        return not (
            self.warning
            or self.fine
            or self.confiscation
            or self.suspension
            or self.revocation
            or self.closure
        )

    def heavier_than(self, other: Penalty) -> list[str]:
        """What makes this penalty heavier than `other` (行政处罚法 Art. 45)."""
        reasons = []
        if self.fine > other.fine:
            reasons.append(f"罚款 {self.fine} 元高于告知的 {other.fine} 元")
        if self.confiscation > other.confiscation:
            reasons.append(f"没收违法所得 {self.confiscation} 元高于告知的 {other.confiscation} 元")
        for kind in ("suspension", "revocation", "closure"):
            if getattr(self, kind) and not getattr(other, kind):
                reasons.append(f"增加了告知中没有的{self.LABELS[kind]}")
        if self.warning and other.is_empty:
            reasons.append("告知时未拟处罚，决定却给予警告")
        return reasons

    def describe(self) -> str:
        parts = []
        if self.warning:
            parts.append("警告")
        if self.fine:
            parts.append(f"罚款{self.fine}元")
        if self.confiscation:
            parts.append(f"没收违法所得{self.confiscation}元")
        for kind in ("suspension", "revocation", "closure"):
            if getattr(self, kind):
                parts.append(self.LABELS[kind])
        return "，".join(parts) or "不予处罚"

    def to_json(self) -> dict[str, Any]:
        return {
            "warning": self.warning,
            "fine": str(self.fine),
            "confiscation": str(self.confiscation),
            "suspension": self.suspension,
            "revocation": self.revocation,
            "closure": self.closure,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Penalty:
        data = data or {}
        return cls(
            warning=bool(data.get("warning")),
            fine=Decimal(str(data.get("fine") or "0")),
            confiscation=Decimal(str(data.get("confiscation") or "0")),
            suspension=bool(data.get("suspension")),
            revocation=bool(data.get("revocation")),
            closure=bool(data.get("closure")),
        )
