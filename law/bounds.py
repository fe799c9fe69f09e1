"""The law's floors and ceilings for the periods an organisation may configure (accounts.policy).

An organisation may give the party more time than the law does, never less, and may hold itself to a
shorter period than the law allows it, never a longer one. A setting outside its bound is refused by
accounts.services.organisation_save with the article named."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from law.registry import Source

CFL = "行政处罚法"


@dataclass(frozen=True)
class Bound:
    setting: str  # the accounts.policy.Policy field
    what: str
    unit: str
    source: Source
    floor: int | None = None  # the party's periods: at least what the law gives
    ceiling: int | None = None  # the agency's own periods: at most what the law allows

    def error(self, value: object) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        if self.floor is not None and value < self.floor:
            return f"{self.what}不得少于{self.floor}{self.unit}（{self.source}），现设为{value}{self.unit}"
        if self.ceiling is not None and value > self.ceiling:
            return f"{self.what}不得超过{self.ceiling}{self.unit}（{self.source}），现设为{value}{self.unit}"
        return None


BOUNDS: tuple[Bound, ...] = (
    # 当事人要求听证的，应当在行政机关告知后五日内提出 (working days by Art. 85).
    Bound("hearing_request_workdays", "听证申请期限", "个工作日", Source(CFL, 64, 1, 1), floor=5),
    # 行政机关应当在举行听证的七日前，通知当事人及有关人员听证的时间、地点.
    Bound("hearing_notice_workdays", "听证提前通知期限", "个工作日", Source(CFL, 64, 1, 2), floor=7),
    # 行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定.
    Bound("decision_days", "办案期限", "日", Source(CFL, 60), ceiling=90),
    # 当事人不在场的，行政机关应当在七日内依照民事诉讼法的有关规定将行政处罚决定书送达当事人.
    Bound("service_workdays", "处罚决定书送达期限", "个工作日", Source(CFL, 61, 1), ceiling=7),
    # 当事人应当自收到行政处罚决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款.
    Bound("payment_days", "罚款缴纳期限", "日", Source(CFL, 67, 3), floor=15),
)
BOUND_OF: dict[str, Bound] = {b.setting: b for b in BOUNDS}


def bound_errors(settings: Mapping[str, object]) -> dict[str, str]:
    """{setting: message} for every explicit setting outside the law's bound (None = inherited)."""
    errors = {}
    for name, value in settings.items():
        bound = BOUND_OF.get(name)
        message = bound.error(value) if bound is not None and value is not None else None
        if message:
            errors[name] = message
    return errors
