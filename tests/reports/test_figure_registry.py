"""One registry of the §9 figures (reports.figures): the selectors, the API and its OpenAPI document,
the dashboard and the Word report all name the same figures, in the same order, with the same label."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from reports.figures import FIGURE_KEYS, FIGURES, MONTH_KEYS, Kind
from reports.narrative import MONTH_TABLE_KEYS
from reports.selectors import annual_breakdown, annual_figures, annual_months
from reports.word import annual_report_docx
from tests.reports.annual_world import YEAR, AnnualWorld
from tests.reports.test_api import get
from tests.reports.test_dashboard import page, visible_text
from tests.reports.test_word import GENERATED, whole_text

pytestmark = pytest.mark.django_db

RECONSIDERATION = "复议被撤销、变更或确认违法"
NOT_FIGURES = ("organisation", "scope", "year", "prior_year", "breakdown", "months")


@pytest.fixture
def annual(db: None) -> AnnualWorld:
    return AnnualWorld()


def figure_keys(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(key for key in row if key not in NOT_FIGURES)


# --- the registry itself ------------------------------------------------------------------------------------


def test_no_two_figures_share_a_key_or_a_label() -> None:
    keys = [f.key for f in FIGURES]
    labels = [f.label for f in FIGURES]
    assert len(set(keys)) == len(keys), keys
    assert len(set(labels)) == len(labels), labels
    assert all(f.label and f.unit and f.definition for f in FIGURES)
    assert set(MONTH_TABLE_KEYS) <= set(MONTH_KEYS), "the month table shows figures of the month series"
    assert [f.label for f in FIGURES if f.key == "reconsiderations_overturned"] == [RECONSIDERATION]
    # What may be None says so, and only that: the API types follow from it.
    assert {f.key for f in FIGURES if f.kind in (Kind.RATIO, Kind.CHANGE)} <= {
        f.key for f in FIGURES if f.nullable
    }


# --- the selectors ------------------------------------------------------------------------------------------


def test_the_selectors_produce_every_registry_figure_in_registry_order(annual: AnnualWorld) -> None:
    figures = annual_figures(organisation=annual.city, year=YEAR)
    assert figure_keys(figures) == FIGURE_KEYS
    rows = annual_breakdown(organisation=annual.city, year=YEAR)
    assert all(figure_keys(row) == FIGURE_KEYS for row in rows)
    months = annual_months(organisation=annual.city, year=YEAR)
    assert all(tuple(m) == ("month", *MONTH_KEYS) for m in months)


# --- the API and its OpenAPI document -----------------------------------------------------------------------


def test_the_api_returns_the_registry_keys_in_registry_order(annual: AnnualWorld) -> None:
    body = get(annual.city_viewer, organisation=annual.city.pk, year=YEAR, breakdown="true", months="true")
    assert body.status_code == 200, body.content
    body = body.json()
    assert figure_keys(body) == FIGURE_KEYS
    assert all(figure_keys(row) == FIGURE_KEYS for row in body["breakdown"])
    assert all(tuple(m) == ("month", *MONTH_KEYS) for m in body["months"])


def test_the_openapi_document_lists_the_registry_figures_with_their_labels() -> None:
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for name in ("AnnualReportOut", "BreakdownRowOut"):
        properties = schemas[name]["properties"]
        assert figure_keys(properties) == FIGURE_KEYS, name
        for figure in FIGURES:
            assert properties[figure.key]["description"].startswith(figure.label), (name, figure.key)
    months = schemas["MonthRowOut"]["properties"]
    assert tuple(months) == ("month", *MONTH_KEYS)
    assert all(months[f.key]["description"].startswith(f.label) for f in FIGURES if f.monthly)


# --- what people read ---------------------------------------------------------------------------------------


def test_the_dashboard_shows_each_figure_with_its_registry_label(annual: AnnualWorld) -> None:
    response = page(annual.city_viewer, organisation=annual.city.pk, year=YEAR)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    missing = [f.label for f in FIGURES if f.label not in text]
    assert not missing, f"labels not on the dashboard: {missing}"
    assert f"{RECONSIDERATION} 1 件" in text, "the figure list: the registry label, the value, the unit"
    assert "复议被撤销或变更" not in text


def test_the_word_report_shows_each_figure_with_its_registry_label(annual: AnnualWorld) -> None:
    text = whole_text(annual_report_docx(organisation=annual.city, year=YEAR, now=GENERATED))
    missing = [f.label for f in FIGURES if f.label not in text]
    assert not missing, f"labels not in the Word report: {missing}"
    # The definitions, and the table by sub-organisation, under the same label.
    assert f"{RECONSIDERATION}（件）：" in text
    assert f"{RECONSIDERATION}\n（件）" in text
    assert "复议被撤销或变更" not in text
