"""The annual figures in words: the Chinese prose of the statistics part of a 法治政府建设年度报告.

One source for the Word report and the dashboard. Each paragraph states the figures the way the
bureaus' published reports do ("全年共执法检查企业…家次，查处违法行为…条，立案…件，同比增长…%"),
and says something true and readable where a figure is zero or unknown instead of printing "0件"
or "None": a year-on-year change without a prior-year base is "上年无可比数据", and the case-file
review figures, unknown until score sheets exist, are left out with a sentence saying so.

Every function takes the report as `reports.selectors.annual_report` returns it (int, Decimal or
None per figure); JSON-decoded reports (money and percentages as strings) work as well.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from reports.charts import grade_counts
from reports.figures import FIGURE, FIGURES, Figure, Kind
from reports.selectors import percent

CHINESE_NUMERALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (section numbers of the report)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return (
        (CHINESE_NUMERALS[tens - 1] if tens > 1 else "")
        + "十"
        + (CHINESE_NUMERALS[units - 1] if units else "")
    )


# --- numbers as the reports print them ---------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def wan(value: Any) -> str:
    """万元 with its two decimals: 292.09."""
    return f"{_dec(value):.2f}"


def pct(value: Any) -> str:
    """A percentage with its one decimal, or a dash when there is no base: 21.2 → "21.2%"."""
    return "—" if value is None else f"{_dec(value):.1f}%"


def yoy(value: Any) -> str:
    """同比 as a phrase: 同比增长21.2% / 同比下降3.0% / 与上年持平 / 上年无可比数据."""
    if value is None:
        return "上年无可比数据"
    change = _dec(value)
    if change > 0:
        return f"同比增长{change:.1f}%"
    if change < 0:
        return f"同比下降{-change:.1f}%"
    return "与上年持平"


def yoy_cell(value: Any) -> str:
    """同比 in a table cell: +21.2% / −3.0% / 0.0% / —."""
    if value is None:
        return "—"
    change = _dec(value)
    return f"+{change:.1f}%" if change > 0 else f"{change:.1f}%".replace("-", "−")


# --- the report's parts ----------------------------------------------------------------------------------


@dataclass
class Paragraph:
    """A paragraph of the report, optionally opened by a bold lead-in such as "（一）行政执法公示。"."""

    text: str
    lead: str = ""


@dataclass
class Section:
    title: str
    paragraphs: list[Paragraph] = field(default_factory=list)


def is_partial_year(year: int, today: date) -> bool:
    return year >= today.year


def period_phrase(year: int, today: date) -> str:
    if is_partial_year(year, today):
        return f"{year}年1月1日至{today.month}月{today.day}日"
    return f"{year}年1月1日至12月31日"


def introduction(report: dict[str, Any], *, today: date) -> str:
    name = report["organisation"]["name"]
    year = report["year"]
    children = [r for r in report.get("breakdown", []) if r["scope"] == "subtree"]
    scope = f"{name}及所属{len(children)}个下级机构" if children else name
    return (
        f"{year}年，{name}严格落实行政执法公示、执法全过程记录和重大执法决定法制审核制度，"
        f"依法履行安全生产行政执法职责。现将本年度行政执法有关数据报告如下。"
        f"统计范围为{scope}，统计期间为{period_phrase(year, today)}（北京时间），"
        f"数据由执法办案系统按统一口径自动汇总。"
    )


def enforcement_paragraphs(r: dict[str, Any]) -> list[Paragraph]:
    paragraphs = []
    if r["inspections"]:
        paragraphs.append(
            Paragraph(
                f"全年共执法检查企业{r['inspections']}家次，查处违法行为{r['violations_found']}条，"
                f"责令限期整改{r['rectification_orders']}次。"
            )
        )
    else:
        paragraphs.append(Paragraph("全年系统中未登记执法检查。"))

    prior = r.get("prior_year") or {}
    filed, decided = r["cases_filed"], r["penalty_decisions"]
    if not filed and not decided:
        before = f"（{prior['year']}年立案{prior['cases_filed']}件）" if prior.get("cases_filed") else ""
        paragraphs.append(Paragraph(f"全年无立案和行政处罚决定{before}。"))
        return paragraphs
    text = f"立案查处违法案件{filed}件，{yoy(r['cases_filed_yoy_pct'])}"
    if filed:
        share = percent(r["preventive_cases"], filed)
        text += f"，其中事前立案{r['preventive_cases']}件，占立案总数的{pct(share)}"
    text += "。"
    if decided:
        summary = f"（其中简易程序{r['summary_decisions']}件）" if r["summary_decisions"] else ""
        text += (
            f"作出行政处罚决定{decided}件{summary}，处罚罚款{wan(r['fines_total_wan'])}万元，"
            f"{yoy(r['fines_yoy_pct'])}"
        )
        if r["avg_fine_wan"] is not None:
            text += f"，案均罚款{wan(r['avg_fine_wan'])}万元"
        text += f"；罚款5万元以上的案件{r['fines_ge_50k']}件，重大行政处罚案件{r['major_decisions']}件。"
    else:
        text += "全年未作出行政处罚决定。"
    sources = [prior.get("cases_filed_source"), prior.get("fines_total_wan_source")]
    if "baseline" in sources:
        text += f"同比基数采用{prior['year']}年度已公布的数据。"
    paragraphs.append(Paragraph(text))
    return paragraphs


def three_systems_paragraphs(r: dict[str, Any]) -> list[Paragraph]:
    if r["published"]:
        publication = (
            f"本年度作出的执法决定已公示{r['published']}件，按时公示率{pct(r['published_on_time_pct'])}。"
        )
    else:
        publication = "本年度作出的执法决定尚无公示记录。"
    if r["av_required"]:
        recording = (
            f"列入音像记录清单的执法活动{r['av_required']}次，"
            f"有经校验的音像记录的占{pct(r['av_covered_pct'])}。"
        )
    else:
        recording = "本年度无列入音像记录清单的执法活动。"
    review = f"全年法制审核案件{r['legal_check_cases']}件，审核退回{r['legal_check_returns']}次"
    if not r["legal_check_cases"]:
        review = "全年无经法制审核的案件"
    if r["major_decisions"] or r["major_double_checked"]:
        review += (
            f"；作出重大行政处罚决定{r['major_decisions']}件，本年度作出决定的重大案件中"
            f"经告知前和决定前两次法制审核的{r['major_double_checked']}件"
        )
    review += (
        f"；案审委员会集体讨论案件{r['deliberations']}件次"
        if r["deliberations"]
        else "；全年无提交集体讨论的案件"
    )
    review += f"；依当事人申请举行听证{r['hearings']}次。" if r["hearings"] else "；全年未举行听证。"
    return [
        Paragraph(publication, lead="（一）行政执法公示。"),
        Paragraph(recording, lead="（二）执法全过程记录。"),
        Paragraph(review, lead="（三）重大执法决定法制审核。"),
    ]


def supervision_paragraphs(r: dict[str, Any], *, today: date) -> list[Paragraph]:
    if r["transfers_to_police"]:
        persons = f"、{r['persons_transferred']}人" if r["persons_transferred"] else ""
        transfer = f"向公安机关移送涉嫌犯罪案件{r['transfers_to_police']}件{persons}。"
    else:
        transfer = "全年无向公安机关移送的涉嫌犯罪案件。"
    if r["blacklisted"]:
        transfer += f"将{r['blacklisted']}个严重违法失信的当事人列入安全生产失信惩戒名单（黑名单）。"

    parts = []
    if r["reconsiderations"]:
        parts.append(
            f"发生行政复议{r['reconsiderations']}件，其中被撤销、变更或确认违法"
            f"{r['reconsiderations_overturned']}件"
        )
    if r["litigations"]:
        parts.append(f"发生行政诉讼{r['litigations']}件，其中败诉{r['litigations_lost']}件")
    if parts:
        if not r["reconsiderations"]:
            parts.append("未发生行政复议案件")
        if not r["litigations"]:
            parts.append("未发生行政诉讼案件")
        disputes = "全年" + "；".join(parts) + "。"
    else:
        disputes = "全年未发生行政复议和行政诉讼案件。"

    paragraphs = [
        Paragraph(transfer, lead="（一）行政执法与刑事司法衔接。"),
        Paragraph(disputes, lead="（二）行政复议和行政诉讼。"),
        Paragraph(casefile_review_sentence(r), lead="（三）案卷评查。"),
    ]
    year = r["year"]
    certified = (
        f"按{year}年12月31日证件有效期计，持有效行政执法证件的执法人员{r['certified_officers']}人。"
        if is_partial_year(year, today)
        else f"截至{year}年12月31日，持有效行政执法证件的执法人员{r['certified_officers']}人。"
    )
    paragraphs.append(Paragraph(certified, lead="（四）执法队伍。"))
    return paragraphs


def casefile_review_sentence(r: dict[str, Any]) -> str:
    reviewed = r.get("casefiles_reviewed") or 0
    if not reviewed:
        return "本年度系统中无已完成评查的案卷。"
    grades = "、".join(
        f"{grade}{files}宗" for grade, files in grade_counts(r.get("casefiles_by_grade") or {}) if files
    )
    text = f"全年评查执法案卷{reviewed}宗"
    if grades:
        text += f"，其中{grades}"
    if r.get("casefiles_mean_score") is not None:
        text += f"，平均得分{_dec(r['casefiles_mean_score']):.1f}分"
    return text + "。"


def has_casefile_grades(r: dict[str, Any]) -> bool:
    return bool(r.get("casefiles_reviewed")) and bool(r.get("casefiles_by_grade"))


def statistics_sections(report: dict[str, Any], *, today: date) -> list[Section]:
    """The prose sections of the statistics part, numbered 一、二、三."""
    return [
        Section(f"{ordinal(1)}、执法检查和案件查办情况", enforcement_paragraphs(report)),
        Section(f"{ordinal(2)}、落实行政执法“三项制度”情况", three_systems_paragraphs(report)),
        Section(f"{ordinal(3)}、执法监督和执法衔接情况", supervision_paragraphs(report, today=today)),
    ]


def row_name(row: dict[str, Any]) -> str:
    name = row["organisation"]["name"]
    return {"own": f"{name}本级", "total": "合计"}.get(row["scope"], name)


# What the definitions of the figures (reports.figures) leave to be said about the report as a whole.
NOTES: tuple[str, ...] = (
    "下级机构的数据含其所属机构；各项百分比、平均数和同比按各行自身的数据计算，不由下级机构的数据相加。",
    "列入黑名单按当事人计，同一当事人本年度多次列入只计一次，故合计可能小于各机构之和；"
    "各机构罚款金额分别四舍五入，合计与各行之和可能有尾差。",
)


def definitions() -> list[str]:
    """The statistical definition of every figure, in the order of SPEC §9: "立案数（件）：……。"."""
    return [f"{figure.heading}：{figure.definition}。" for figure in FIGURES]


# --- the tables by sub-organisation and by month ------------------------------------------------------------

# A column: its header ("\n" where a narrow header breaks) and the cell text of a row.
CellColumn = tuple[str, Callable[[dict[str, Any]], str]]


def table_heading(figure: Figure) -> str:
    """The figure's label as a column header, its unit on a line of its own: "立案数\n（件）"."""
    return f"{figure.label}\n（{figure.shown_unit}）" if figure.shown_unit else figure.label


def _count(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: str(row[key])


def _money(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: "—" if row[key] is None else wan(row[key])


def _percent(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: pct(row[key])


def _change(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda row: yoy_cell(row[key])


_CELLS: dict[Kind, Callable[[str], Callable[[dict[str, Any]], str]]] = {
    Kind.COUNT: _count,
    Kind.MONEY: _money,
    Kind.RATIO: _percent,
    Kind.CHANGE: _change,
}


def columns(*keys: str) -> list[CellColumn]:
    """The table columns of these figures: the registry's label and unit, a cell by the figure's kind."""
    return [(table_heading(FIGURE[key]), _CELLS[FIGURE[key].kind](key)) for key in keys]


# Four tables of up to nine columns rather than one wide one: every figure by sub-organisation,
# legible at 9 pt in portrait A4 and on a tablet.
INSPECTION_CELLS: list[CellColumn] = columns(
    "inspections",
    "violations_found",
    "rectification_orders",
    "cases_filed",
    "cases_filed_yoy_pct",
    "preventive_cases",
)
PENALTY_CELLS: list[CellColumn] = columns(
    "penalty_decisions",
    "summary_decisions",
    "fines_total_wan",
    "fines_yoy_pct",
    "avg_fine_wan",
    "fines_ge_50k",
    "major_decisions",
)
SYSTEMS_CELLS: list[CellColumn] = columns(
    "legal_check_cases",
    "legal_check_returns",
    "major_double_checked",
    "deliberations",
    "hearings",
    "published",
    "published_on_time_pct",
    "av_covered_pct",
)
SUPERVISION_CELLS: list[CellColumn] = columns(
    "transfers_to_police",
    "persons_transferred",
    "blacklisted",
    "reconsiderations",
    "reconsiderations_overturned",
    "litigations",
    "litigations_lost",
    "certified_officers",
)
# Rows of reports made before the case-file review existed have no such figure.
CASEFILES_CELL: CellColumn = (
    table_heading(FIGURE["casefiles_reviewed"]),
    lambda row: str(row.get("casefiles_reviewed") or 0),
)
# The month table: those figures of the month series (reports.figures.MONTH_KEYS) that fit a page's
# width; its total row is the year's figures of the same keys.
MONTH_TABLE_KEYS: tuple[str, ...] = (
    "inspections",
    "violations_found",
    "cases_filed",
    "penalty_decisions",
    "fines_total_wan",
)
MONTH_CELLS: list[CellColumn] = columns(*MONTH_TABLE_KEYS)


def breakdown_tables(rows: Sequence[dict[str, Any]]) -> list[tuple[str, list[CellColumn]]]:
    """(title, columns) of the four tables by sub-organisation; the supervision table gains the case
    files reviewed when a file of the subtree was reviewed in the year (a column of zeros would
    only crowd the page: the review paragraph says that none was)."""
    reviewed = any(row.get("casefiles_reviewed") for row in rows)
    return [
        ("执法检查和立案情况", INSPECTION_CELLS),
        ("行政处罚情况", PENALTY_CELLS),
        ("落实“三项制度”情况", SYSTEMS_CELLS),
        ("执法监督和执法衔接情况", [*SUPERVISION_CELLS, CASEFILES_CELL] if reviewed else SUPERVISION_CELLS),
    ]


# --- every figure, as text -----------------------------------------------------------------------------------


def figure_text(key: str, value: Any) -> str:
    """A figure for display, by its kind: counts as they are, 万元 with two decimals, percentages and
    scores with one, a distribution by grade; the figure's own text when it is None."""
    figure = FIGURE[key]
    if value is None:
        return figure.absent
    if figure.kind == Kind.CHANGE:
        return yoy_cell(value)
    if figure.kind == Kind.RATIO:
        return pct(value)
    if figure.kind == Kind.MONEY:
        return wan(value)
    if figure.kind == Kind.SCORE:
        return f"{_dec(value):.1f}"
    if figure.kind == Kind.GRADES:
        counts = [(grade, files) for grade, files in grade_counts(value) if files]
        return "、".join(f"{grade}{files}{figure.unit}" for grade, files in counts) or figure.absent
    return str(value)
