"""How a score sheet's score and grade follow from its deductions and veto findings (SPEC §8).

- each category loses the sum of its deductions, but never more than its cap (by default its
  points), so no category goes below zero;
- the total is the sum of the categories, floored at zero;
- any veto finding makes the grade 不合格 whatever the points (the score is still shown);
- otherwise the grade follows the standard version's thresholds (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60 by
  default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from review.models import Deduction, Grade, ScoreSheet, ScoringStandard, StandardCategory, VetoFinding

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CategoryScore:
    code: str
    name: str
    points: Decimal
    cap: Decimal
    deducted: Decimal  # the sum of the deductions recorded in it
    counted: Decimal  # what of that counts: at most the cap
    score: Decimal


@dataclass(frozen=True)
class SheetScore:
    categories: tuple[CategoryScore, ...]
    total: Decimal
    vetoed: bool
    grade: str

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


def grade_for(*, score: Decimal, vetoed: bool, standard: ScoringStandard) -> str:
    if vetoed or score < standard.pass_min:
        return Grade.FAIL
    if score >= standard.excellent_min:
        return Grade.EXCELLENT
    if score >= standard.good_min:
        return Grade.GOOD
    return Grade.PASS


def compute_score(
    *,
    standard: ScoringStandard,
    categories: Iterable[StandardCategory],
    deducted: Mapping[int, Decimal],
    vetoed: bool,
) -> SheetScore:
    """The score from the sums of deductions per category id (pure: no queries)."""
    rows = []
    for category in categories:
        raw = deducted.get(category.pk, ZERO)
        counted = min(raw, category.effective_cap)
        rows.append(
            CategoryScore(
                code=category.code,
                name=category.name,
                points=category.points,
                cap=category.effective_cap,
                deducted=raw,
                counted=counted,
                score=max(ZERO, category.points - counted),
            )
        )
    total = max(ZERO, sum((r.score for r in rows), ZERO))
    return SheetScore(
        categories=tuple(rows),
        total=total,
        vetoed=vetoed,
        grade=grade_for(score=total, vetoed=vetoed, standard=standard),
    )


def sheet_score(*, sheet: ScoreSheet) -> SheetScore:
    """The sheet's score as its deductions stand now: three queries, whatever their number."""
    standard = sheet.campaign.standard
    deducted = dict(
        Deduction.objects.filter(sheet=sheet)
        .values("item__category")
        .annotate(total=Sum("points"))
        .values_list("item__category", "total")
    )
    return compute_score(
        standard=standard,
        categories=StandardCategory.objects.filter(standard=standard).order_by("position"),
        deducted=deducted,
        vetoed=VetoFinding.objects.filter(sheet=sheet).exists(),
    )
