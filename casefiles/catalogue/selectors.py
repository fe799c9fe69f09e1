"""Reads of the violation catalogue: the benchmark version in force, and fine checks against it.

A case is measured against the benchmark version in force on its filing date (立案日期): a benchmark
revised in 2022 applies to cases filed from its effective date on, earlier cases keep the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q

from casefiles.catalogue.values import SEVERITY_LABELS, Envelope, range_text, yuan
from casefiles.models import SEVERITY_ORDER, BenchmarkLevel, DiscretionBenchmark, ViolationType
from law.findings import FAIL, PASS, WARNING


def benchmark_for(*, violation_type: ViolationType, on: date) -> DiscretionBenchmark | None:
    """The version in force on `on` (effective_from ≤ on ≤ effective_to), its levels prefetched."""
    return (
        DiscretionBenchmark.objects.filter(violation_type=violation_type, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .prefetch_related(Prefetch("levels", queryset=BenchmarkLevel.objects.all()))
        .first()
    )


def benchmark_level(*, violation_type: ViolationType, on: date, severity: str) -> BenchmarkLevel | None:
    """The level of the given severity (minor / general / serious / severe) in the version in force on `on`."""
    return (
        BenchmarkLevel.objects.filter(
            benchmark__violation_type=violation_type,
            benchmark__effective_from__lte=on,
            severity=severity,
        )
        .filter(Q(benchmark__effective_to__isnull=True) | Q(benchmark__effective_to__gte=on))
        .select_related("benchmark")
        .order_by("-benchmark__effective_from")
        .first()
    )


def benchmark_level_for_fine(
    *, violation_type: ViolationType, on: date, fine: Decimal
) -> BenchmarkLevel | None:
    """The lightest level of the version in force whose range holds `fine` (a shared boundary such as
    3万 in 1万–3万 / 3万–6万 belongs to the lighter level): a suggestion for the severity, never a decision."""
    benchmark = benchmark_for(violation_type=violation_type, on=on)
    if benchmark is None:
        return None
    fine = Decimal(fine)
    for level in sorted(benchmark.levels.all(), key=lambda lv: SEVERITY_ORDER.index(lv.severity)):
        if (
            level.fine_min is not None
            and level.fine_max is not None
            and level.fine_min <= fine <= level.fine_max
        ):
            return level
    return None


@dataclass(frozen=True)
class FineCheck:
    """pass / warning / fail (the pre-check's result codes) and why, in Chinese."""

    result: str
    message: str
    level: BenchmarkLevel | None = None


def statutory_fine_check(*, violation_type: ViolationType, fine: Decimal) -> FineCheck:
    """Is the fine within what the law allows? Above the statutory maximum is a fail.

    Below the minimum is a warning, not a fail: 行政处罚法 Art. 32 allows a mitigated penalty (减轻处罚)
    below the range, but the file must show the reason. A fine in the escalated tier only (逾期未改正)
    is a warning too: legal only if the order to rectify was ignored.
    """
    fine = Decimal(fine)
    envelope = Envelope.of(violation_type)
    if envelope.high is None:
        return FineCheck(FAIL, f"{violation_type.name}的处罚依据未规定罚款，不能处以罚款")
    if fine > envelope.high:
        return FineCheck(FAIL, f"拟罚款 {yuan(fine)}超过法定上限 {yuan(envelope.high)}")
    if fine < envelope.low:
        return FineCheck(WARNING, f"拟罚款 {yuan(fine)}低于法定下限 {yuan(envelope.low)}，须有减轻处罚的依据")
    base_high = violation_type.fine_max
    if base_high is not None and fine > base_high:
        return FineCheck(
            WARNING,
            f"拟罚款 {yuan(fine)}超过 {yuan(base_high)}，仅在逾期未改正时适用"
            f"（{range_text(violation_type.overdue_fine_min, violation_type.overdue_fine_max)}），须有逾期未改正的证据",
        )
    return FineCheck(PASS, f"拟罚款 {yuan(fine)}在法定幅度（{envelope.text()}）内")


def benchmark_fine_check(
    *, violation_type: ViolationType, on: date, severity: str, fine: Decimal
) -> FineCheck:
    """Is the fine within the chosen severity's range of the benchmark in force on `on`? Outside: warning.

    No benchmark in force, or no such level, is a warning as well: the reviewer has nothing to measure
    the discretion against and should know it.
    """
    fine = Decimal(fine)
    label = SEVERITY_LABELS.get(severity, severity)
    level = benchmark_level(violation_type=violation_type, on=on, severity=severity)
    if level is None:
        if benchmark_for(violation_type=violation_type, on=on) is None:
            return FineCheck(WARNING, f"{violation_type.code} 在 {on} 没有有效的自由裁量基准")
        return FineCheck(WARNING, f"{on} 有效的裁量基准没有“{label}”阶次")
    source = f"（{level.benchmark.document_title}，{level.benchmark.effective_from} 起施行）"
    if level.fine_min is None or level.fine_max is None:
        if fine:
            return FineCheck(WARNING, f"“{label}”阶次不处罚款{source}，拟罚款 {yuan(fine)}", level)
        return FineCheck(PASS, f"“{label}”阶次不处罚款{source}", level)
    if not level.fine_min <= fine <= level.fine_max:
        return FineCheck(
            WARNING,
            f"拟罚款 {yuan(fine)}不在“{label}”阶次的裁量幅度（{range_text(level.fine_min, level.fine_max)}）内"
            f"{source}，须说明理由",
            level,
        )
    return FineCheck(
        PASS,
        f"拟罚款 {yuan(fine)}在“{label}”阶次的裁量幅度（{range_text(level.fine_min, level.fine_max)}）内",
        level,
    )
