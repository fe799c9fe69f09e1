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
from reports import charts
from reports.charts import grade_counts
from reports.figures import FIGURE, FIGURES
from reports.models import MIN_YEAR, ReportRun
from reports.narrative import (
    MONTH_CELLS,
    MONTH_TABLE_KEYS,
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
class FigureView:
    """One line of the full list of figures: the registry's label, the value as text, the unit."""

    label: str
    value: str
    unit: str
    definition: str


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


def _value(r: dict[str, Any], key: str) -> tuple[str, str]:
    """A figure's value as text and the unit to write after it (none after a missing value)."""
    value = r.get(key)
    return figure_text(key, value), FIGURE[key].shown_unit if value is not None else ""


def _card(r: dict[str, Any], key: str, note: str = "") -> Card:
    """A card: a figure, and optionally a companion figure beneath it, each with its registry label —
    the companion's without the card's own label it begins with (立案数 → 立案数同比 reads 同比)."""
    figure = FIGURE[key]
    text = ""
    if note:
        value, unit = _value(r, note)
        text = " ".join(part for part in (FIGURE[note].label.removeprefix(figure.label), value, unit) if part)
    return Card(figure.label, *_value(r, key), text)


def _cards(r: dict[str, Any]) -> list[Card]:
    return [
        _card(r, "inspections"),
        _card(r, "violations_found"),
        _card(r, "cases_filed", "cases_filed_yoy_pct"),
        _card(r, "penalty_decisions", "summary_decisions"),
        _card(r, "fines_total_wan", "fines_yoy_pct"),
        _card(r, "legal_check_cases", "legal_check_returns"),
        _card(r, "major_double_checked", "major_decisions"),
        _card(r, "published_on_time_pct", "published"),
        _card(r, "av_covered_pct", "av_required"),
        _card(r, "casefiles_reviewed"),
        _card(r, "certified_officers"),
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
    total = {"month": "合计", **{k: report[k] for k in MONTH_TABLE_KEYS}}
    rows = [(f"{m['month']}月", [cell(m) for _, cell in MONTH_CELLS], False) for m in report["months"]]
    rows.append(("合计", [cell(total) for _, cell in MONTH_CELLS], True))
    return TableView("各月执法情况", ["月份", *(header for header, _ in MONTH_CELLS)], rows)


def _chart_data(report: dict[str, Any]) -> dict[str, Any]:
    """Numbers for the charts only (floats are fine there; every figure shown as text is exact)."""
    parts = [r for r in report["breakdown"] if r["scope"] != "total"]
    return {
        # The names and units the charts show, from the registry (reports.figures).
        "series": {
            "cases": {"name": charts.CASES.heading, "unit": charts.CASES.unit},
            "fines": {"name": charts.FINES.heading, "unit": charts.FINES.unit},
            "grades": {"name": charts.GRADES.label, "unit": charts.GRADES.unit},
        },
        "titles": {
            "months": charts.MONTHS_TITLE,
            "organisations": charts.ORGANISATIONS_TITLE,
            "grades": charts.GRADES_TITLE,
        },
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
    figures: list[FigureView]
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
    figures = [FigureView(f.label, *_value(report, f.key), f"{f.definition}。") for f in FIGURES]
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
