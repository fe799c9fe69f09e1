"""The figures of the annual report (SPEC §9): one registry, in the order of SPEC §9.

A figure is one object: its key (as in the API's JSON and in SPEC §9), its one Chinese label, its
unit, its kind (how it is counted, printed and typed in the API), whether it is part of the month
series, and its definition (the text of SPEC §9, in Chinese). Everything else is derived from here:
the key lists of reports.selectors, the API serializers (api/reports.py), the dashboard's list and
cards, the Word report's table headings and its statistical definitions, the charts' legends.

How each figure is computed stays in reports.selectors: its aggregate queries are tuned together,
with a fixed number of queries, and are not generated from this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    COUNT = "count"  # an int
    MONEY = "money"  # 万元, Decimal with two decimals
    RATIO = "ratio"  # a share in %, Decimal with one decimal; null when its base is zero
    CHANGE = "change"  # 同比 in %, Decimal with one decimal; null when the prior year is zero
    SCORE = "score"  # a mean score, Decimal with one decimal; null when nothing was scored
    GRADES = "grades"  # {grade: count} of the case-file review


# Percentages carry their "%" in the value ("66.7%", "+250.0%"); a distribution carries a unit per
# grade ("优秀3宗"). The other kinds print their unit after the value.
_UNIT_IN_VALUE = frozenset({Kind.RATIO, Kind.CHANGE, Kind.GRADES})


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    kind: Kind
    definition: str
    monthly: bool = False  # one of the figures of each month (annual_months)
    nullable: bool = False  # may be None (null in JSON): see the definition for when
    absent: str = "—"  # the text shown for None

    @property
    def shown_unit(self) -> str:
        """The unit written after the value ("" when the value carries it)."""
        return "" if self.kind in _UNIT_IN_VALUE else self.unit

    @property
    def heading(self) -> str:
        """The label as a table heading or a chart legend: 立案数（件）, 按时公示率."""
        return f"{self.label}（{self.unit}）" if self.shown_unit else self.label


def _change(key: str, label: str, base: str) -> Figure:
    return Figure(
        key,
        label,
        "%",
        Kind.CHANGE,
        f"（本年{base} − 上年{base}）÷ 上年{base} × 100%，保留一位小数（四舍五入）；上年为零时不计算",
        nullable=True,
        absent="上年无可比数据",
    )


FIGURES: tuple[Figure, ...] = (
    Figure(
        "inspections",
        "执法检查企业",
        "家次",
        Kind.COUNT,
        "检查日期在本年度的执法检查，按企业家次计",
        monthly=True,
    ),
    Figure(
        "violations_found",
        "查处违法行为",
        "条",
        Kind.COUNT,
        "上述执法检查查处的违法行为条数之和",
        monthly=True,
    ),
    Figure(
        "rectification_orders",
        "责令限期整改",
        "次",
        Kind.COUNT,
        "上述执法检查中责令限期整改的次数",
        monthly=True,
    ),
    Figure("cases_filed", "立案数", "件", Kind.COUNT, "立案审批在本年度通过的普通程序案件数", monthly=True),
    _change("cases_filed_yoy_pct", "立案数同比", "立案数"),
    Figure(
        "preventive_cases",
        "事前立案数",
        "件",
        Kind.COUNT,
        "立案数中案件来源不是事故调查的案件数",
        monthly=True,
    ),
    Figure(
        "summary_decisions",
        "简易程序处罚决定",
        "件",
        Kind.COUNT,
        "本年度作出的简易程序行政处罚决定数",
        monthly=True,
    ),
    Figure(
        "penalty_decisions",
        "处罚决定数",
        "件",
        Kind.COUNT,
        "本年度作出的行政处罚决定数（普通程序和简易程序），按决定作出的日期统计",
        monthly=True,
    ),
    Figure(
        "fines_total_wan",
        "罚款金额",
        "万元",
        Kind.MONEY,
        "本年度处罚决定的罚款金额，以元为单位精确求和后折算为万元，保留两位小数（四舍五入）",
        monthly=True,
    ),
    _change("fines_yoy_pct", "罚款金额同比", "罚款金额"),
    Figure(
        "avg_fine_wan",
        "案均罚款",
        "万元",
        Kind.MONEY,
        "罚款总额 ÷ 罚款大于零的处罚决定数，保留两位小数（四舍五入）；无罚款时不计算",
        monthly=True,
        nullable=True,
    ),
    Figure(
        "fines_ge_50k",
        "5万元以上案件数",
        "件",
        Kind.COUNT,
        "处罚决定中罚款5万元（含）以上的案件数",
        monthly=True,
    ),
    Figure("major_decisions", "重大案件数", "件", Kind.COUNT, "处罚决定中重大案件的决定数", monthly=True),
    Figure(
        "legal_check_cases",
        "法制审核案件数",
        "件",
        Kind.COUNT,
        "本年度至少有一次法制审核办结（通过或退回）的案件数，同一案件只计一次",
    ),
    Figure("legal_check_returns", "审核退回次数", "次", Kind.COUNT, "本年度以退回办结的法制审核次数"),
    Figure(
        "major_double_checked",
        "重大案件双重审核数",
        "件",
        Kind.COUNT,
        "本年度作出决定的重大案件中，告知前和决定前法制审核均获通过的案件数",
    ),
    Figure("deliberations", "集体讨论数", "件次", Kind.COUNT, "本年度完成的集体讨论次数"),
    Figure("hearings", "听证数", "次", Kind.COUNT, "本年度举行的听证次数"),
    Figure("transfers_to_police", "移送公安机关", "件", Kind.COUNT, "本年度移送公安机关的涉嫌犯罪案件数"),
    Figure("persons_transferred", "移送公安机关人数", "人", Kind.COUNT, "上述移送案件涉及的人数"),
    Figure(
        "blacklisted",
        "列入黑名单",
        "个",
        Kind.COUNT,
        "本年度列入黑名单的当事人数，同一当事人只计一次",
    ),
    Figure("reconsiderations", "行政复议", "件", Kind.COUNT, "本年度提出的行政复议申请数"),
    # 行政复议法 names the outcomes against the bureau: 撤销, 变更, 确认违法.
    Figure(
        "reconsiderations_overturned",
        "复议被撤销、变更或确认违法",
        "件",
        Kind.COUNT,
        "上述行政复议中，行政行为被撤销、变更或确认违法的件数",
    ),
    Figure("litigations", "行政诉讼", "件", Kind.COUNT, "本年度提起的行政诉讼案件数"),
    Figure("litigations_lost", "行政诉讼败诉", "件", Kind.COUNT, "上述行政诉讼中行政机关败诉的件数"),
    Figure("published", "已公示决定", "件", Kind.COUNT, "本年度作出的执法决定中已公示的件数"),
    Figure(
        "published_on_time_pct",
        "按时公示率",
        "%",
        Kind.RATIO,
        "已公示决定中在规定期限内公示的比例，保留一位小数；无公示时不计算",
        nullable=True,
    ),
    Figure("av_required", "音像记录清单内执法活动", "次", Kind.COUNT, "本年度列入音像记录清单的执法活动数"),
    Figure(
        "av_covered_pct",
        "音像记录覆盖率",
        "%",
        Kind.RATIO,
        "上述执法活动中有经校验的音像记录的比例，保留一位小数；无此类活动时不计算",
        nullable=True,
    ),
    Figure(
        "casefiles_reviewed",
        "评查案卷数",
        "宗",
        Kind.COUNT,
        "本年度完成评分的案卷评查表数",
        absent="未登记",
    ),
    Figure(
        "casefiles_by_grade",
        "案卷评查等次分布",
        "宗",
        Kind.GRADES,
        "评查案卷中优秀、良好、合格、不合格各等次的案卷数",
    ),
    Figure(
        "casefiles_mean_score",
        "评查平均得分",
        "分",
        Kind.SCORE,
        "评查案卷得分的平均数，保留一位小数（四舍五入）；无评查案卷时不计算",
        nullable=True,
    ),
    Figure("certified_officers", "持证执法人员", "人", Kind.COUNT, "12月31日持有效行政执法证件的执法人员数"),
)

FIGURE: dict[str, Figure] = {f.key: f for f in FIGURES}

# The keys of a set of figures, in the order of SPEC §9 (annual_figures and each breakdown row).
FIGURE_KEYS: tuple[str, ...] = tuple(f.key for f in FIGURES)
# The keys of each month's figures (annual_months), in the same order.
MONTH_KEYS: tuple[str, ...] = tuple(f.key for f in FIGURES if f.monthly)
