"""What the statistics dashboard shows (reports.views.dashboard): the annual figures of one
organisation's subtree and year, in words, in tables by sub-organisation and month, and as chart data
for ECharts — the same figures and the same sentences as the Word report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from accounts.models import Organisation, User
from accounts.selectors import visible_organisations
from reports.charts import grade_counts
from reports.models import MIN_YEAR, ReportRun
from reports.narrative import (
    FIGURE_LABELS,
    MONTH_CELLS,
    Section,
    breakdown_tables,
    casefile_review_sentence,
    figure_text,
    introduction,
    row_name,
    statistics_sections,
)
from reports.selectors import annual_report
from reports.services import report_is_large

# How many past years the year picker offers (a bureau compares with the last few reports).
YEAR_CHOICES = 10


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    unit: str
    note: str = ""


@dataclass(frozen=True)
class TableView:
    title: str
    headers: list[str]
    rows: list[tuple[str, list[str], bool]]  # name, cells, is the total


def picker_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations the user may pick: its subtree (SPEC §1), tree order."""
    return visible_organisations(user=user).order_by("path")


def default_organisation(*, user: User) -> Organisation | None:
    """The user's own organisation, or for a superuser without one the first top-level bureau."""
    if user.organisation_id is not None:
        return user.organisation
    return picker_organisations(user=user).filter(parent__isnull=True).first()


def year_choices(*, today: date, selected: int) -> list[int]:
    years = list(range(today.year, max(MIN_YEAR, today.year - YEAR_CHOICES + 1) - 1, -1))
    return years if selected in years else sorted({*years, selected}, reverse=True)


def _number(value: Any) -> float:
    return float(Decimal(str(value or 0)))


def _cards(r: dict[str, Any]) -> list[Card]:
    reviewed = r.get("casefiles_reviewed")
    return [
        Card("执法检查企业", figure_text("inspections", r["inspections"]), "家次"),
        Card("查处违法行为", figure_text("violations_found", r["violations_found"]), "条"),
        Card(
            "立案",
            str(r["cases_filed"]),
            "件",
            f"同比 {figure_text('cases_filed_yoy_pct', r['cases_filed_yoy_pct'])}",
        ),
        Card("处罚决定", str(r["penalty_decisions"]), "件", f"简易程序 {r['summary_decisions']} 件"),
        Card(
            "罚款金额",
            figure_text("fines_total_wan", r["fines_total_wan"]),
            "万元",
            f"同比 {figure_text('fines_yoy_pct', r['fines_yoy_pct'])}",
        ),
        Card("法制审核案件", str(r["legal_check_cases"]), "件", f"退回 {r['legal_check_returns']} 次"),
        Card("重大案件双重审核", str(r["major_double_checked"]), "件", f"重大案件 {r['major_decisions']} 件"),
        Card(
            "按时公示率",
            figure_text("published_on_time_pct", r["published_on_time_pct"]),
            "",
            f"已公示 {r['published']} 件",
        ),
        Card(
            "音像记录覆盖率",
            figure_text("av_covered_pct", r["av_covered_pct"]),
            "",
            f"清单内活动 {r['av_required']} 次",
        ),
        Card("评查案卷", figure_text("casefiles_reviewed", reviewed), "宗" if reviewed is not None else ""),
        Card("持证执法人员", str(r["certified_officers"]), "人"),
    ]


def _breakdown(rows: list[dict[str, Any]]) -> list[TableView]:
    return [
        TableView(
            title=title,
            headers=["机构", *(header for header, _ in columns)],
            rows=[
                (row_name(row), [cell(row) for _, cell in columns], row["scope"] == "total") for row in rows
            ],
        )
        for title, columns in breakdown_tables(rows)
    ]


def _months(report: dict[str, Any]) -> TableView:
    total = {"month": "合计", **{k: report[k] for k in ("inspections", "violations_found", "cases_filed")}}
    total |= {k: report[k] for k in ("penalty_decisions", "fines_total_wan")}
    rows = [(f"{m['month']}月", [cell(m) for _, cell in MONTH_CELLS], False) for m in report["months"]]
    rows.append(("合计", [cell(total) for _, cell in MONTH_CELLS], True))
    return TableView("各月执法情况", ["月份", *(header for header, _ in MONTH_CELLS)], rows)


def _chart_data(report: dict[str, Any]) -> dict[str, Any]:
    """Numbers for the charts only (floats are fine there; every figure shown as text is exact)."""
    parts = [r for r in report["breakdown"] if r["scope"] != "total"]
    return {
        "months": {
            "labels": [f"{m['month']}月" for m in report["months"]],
            "cases": [m["cases_filed"] for m in report["months"]],
            "fines": [_number(m["fines_total_wan"]) for m in report["months"]],
        },
        "organisations": {
            "labels": [row_name(r) for r in parts],
            "cases": [r["cases_filed"] for r in parts],
            "fines": [_number(r["fines_total_wan"]) for r in parts],
        }
        if any(r["scope"] == "subtree" for r in parts)
        else None,
        "grades": [
            {"name": grade, "value": files}
            for grade, files in grade_counts(report.get("casefiles_by_grade") or {})
        ]
        if report.get("casefiles_reviewed")
        else [],
    }


@dataclass(frozen=True)
class Dashboard:
    report: dict[str, Any]
    introduction: str
    sections: list[Section]
    cards: list[Card]
    figures: list[tuple[str, str, str]]
    tables: list[TableView]
    months: TableView
    charts: dict[str, Any]
    casefile_sentence: str
    large: bool
    runs: list[ReportRun]


def annual_dashboard(*, user: User, organisation: Organisation, year: int, today: date) -> Dashboard:
    """Everything the dashboard page shows for one organisation's subtree and year. The caller has
    checked the role and that the organisation is in the user's subtree."""
    report = annual_report(organisation=organisation, year=year)
    figures = [
        (label, figure_text(key, report.get(key)), "" if key.endswith("_pct") else unit)
        for key, label, unit in FIGURE_LABELS
    ]
    runs = list(
        ReportRun.objects.defer("document", "result")
        .filter(requested_by=user, organisation=organisation, year=year, format=ReportRun.Format.DOCX)
        .order_by("-created_at")[:5]
    )
    return Dashboard(
        report=report,
        introduction=introduction(report, today=today),
        sections=statistics_sections(report, today=today),
        cards=_cards(report),
        figures=figures,
        tables=_breakdown(report["breakdown"])
        if any(r["scope"] == "subtree" for r in report["breakdown"])
        else [],
        months=_months(report),
        charts=_chart_data(report),
        casefile_sentence=casefile_review_sentence(report),
        large=report_is_large(organisation=organisation, year=year),
        runs=runs,
    )
