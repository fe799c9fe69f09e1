"""Per-organisation rules, inherited down the organisation tree (SPEC §2, §4, §5).

Each setting names where its default comes from. An organisation leaves a setting empty to
inherit it from its parent; the root falls back to the default here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal


class AvActivity:
    """Activities that must be recorded on audio/video when they occur (SPEC §6; 国办发〔2018〕118号
    执法全过程记录制度 and the bureaus' published 音像记录事项清单)."""

    ONSITE_INSPECTION = "onsite_inspection"
    INVESTIGATION = "investigation"
    INQUIRY = "inquiry"
    SEIZURE = "seizure"
    HEARING = "hearing"
    LEAVE_SERVICE = "leave_service"
    ANNOUNCEMENT_SERVICE = "announcement_service"
    DEMOLITION = "demolition"

    CHOICES = [
        (ONSITE_INSPECTION, "现场检查"),
        (INVESTIGATION, "调查取证"),
        (INQUIRY, "询问"),
        (SEIZURE, "查封扣押"),
        (HEARING, "听证"),
        (LEAVE_SERVICE, "留置送达"),
        (ANNOUNCEMENT_SERVICE, "公告送达"),
        (DEMOLITION, "强制拆除"),
    ]
    LABELS = dict(CHOICES)


@dataclass(frozen=True)
class Policy:
    # §5 major case (重大执法决定) fine thresholds, from the reference bureaus' catalogues.
    major_fine_entity: Decimal = Decimal("50000")
    major_fine_individual: Decimal = Decimal("20000")
    # §5 hearing right (听证权, 行政处罚法 Art. 63 "较大数额罚款"; provincial amounts).
    hearing_fine_entity: Decimal = Decimal("50000")
    hearing_fine_individual: Decimal = Decimal("20000")
    # §5: some bureaus send every general-procedure case to the pre-decision legal check.
    check_every_case: bool = False
    # §2 两级法制审核: a street's case is checked at the street and again at its district.
    two_level_review: bool = False
    # §4 statement window after notice (陈述申辩期), working days (Art. 85: "三日" are working days).
    statement_window_workdays: int = 3
    # Art. 60: decision within 90 days of filing, extendable once with the agency head's approval.
    decision_days: int = 90
    decision_extension_days: int = 30
    # Art. 61: decision served within 7 days (working days by Art. 85).
    service_workdays: int = 7
    # 国办发〔2018〕118号: publication within 7 working days of the decision.
    publication_workdays: int = 7
    # Art. 64: hearing requested within 5 days of notice; notified 7 days ahead (working days).
    hearing_request_workdays: int = 5
    hearing_notice_workdays: int = 7
    # Art. 67: fine paid within 15 days of service (calendar days).
    payment_days: int = 15
    # §4 deliberation quorum: more than this share of the committee present.
    quorum_ratio: Decimal = Decimal("0.50")
    av_activities: tuple[str, ...] = tuple(code for code, _ in AvActivity.CHOICES)


POLICY_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Policy))
DEFAULT_POLICY = Policy()


def fold_policy(chain: list[dict[str, object]]) -> Policy:
    """Combine the explicit settings of an organisation chain, root first, into one Policy."""
    values: dict[str, object] = {}
    for explicit in chain:
        for name in POLICY_FIELDS:
            value = explicit.get(name)
            if value is not None:
                values[name] = tuple(value) if name == "av_activities" else value
    return Policy(**values)
