"""The §9 figures (reports.selectors), checked figure by figure against a year built through the
workflow services (tests/reports/annual_world.py), and the number of queries they take."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from casefiles.models import Case, LegalCheck, Transfer
from law.states import CaseState as S
from reports.models import AnnualBaseline
from reports.selectors import (
    FIGURE_KEYS,
    MONTH_KEYS,
    annual_breakdown,
    annual_figures,
    annual_months,
    annual_report,
    change_percent,
    percent,
    yuan_to_wan,
)
from tests.factories import World, at, individual, org
from tests.reports.annual_world import (
    CITY,
    CITY_OWN,
    DISTRICT,
    DISTRICT_OWN,
    OTHER_DISTRICT,
    PRIOR_COMPUTED,
    PRIOR_NONE,
    STREET,
    YEAR,
    AnnualWorld,
)
from workflow import services

pytestmark = pytest.mark.django_db

MISSING = object()


@pytest.fixture
def annual(db: None) -> AnnualWorld:
    return AnnualWorld()


def differences(actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every figure that differs, by name, so one failing run shows them all."""
    problems = [
        f"{key}: expected {expected[key]!r}, got {actual.get(key, MISSING)!r}"
        for key in expected
        if actual.get(key, MISSING) != expected[key]
    ]
    problems += [f"{key}: unexpected figure" for key in actual if key not in expected]
    return problems


def figures_only(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k in FIGURE_KEYS}


# --- the number helpers -----------------------------------------------------------------------------------


def test_money_and_percentages_round_half_up() -> None:
    assert yuan_to_wan(Decimal("145250")) == Decimal("14.53")  # 14.525: half up, not to even
    assert yuan_to_wan(Decimal("140250")) == Decimal("14.03")
    assert yuan_to_wan(Decimal("49.99")) == Decimal("0.00")
    assert yuan_to_wan(Decimal("50.00")) == Decimal("0.01")
    assert yuan_to_wan(None) == Decimal("0.00")
    assert str(yuan_to_wan(Decimal("12345678"))) == "1234.57"
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")  # 12.5 exactly
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3, half up
    assert percent(0, 0) is None
    assert change_percent(6, 2) == Decimal("200.0")
    assert change_percent(1, 6) == Decimal("-83.3")
    assert change_percent(Decimal("14.53"), Decimal("3.00")) == Decimal("384.3")
    assert change_percent(5, 0) is None
    assert change_percent(0, 0) is None


# --- the fixture is what it claims ------------------------------------------------------------------------


def test_the_fixture_holds_its_boundary_cases(annual: AnnualWorld) -> None:
    a = annual
    c4 = Case.objects.get(pk=a.c4.pk)
    assert c4.filed_at.astimezone(UTC).replace(tzinfo=None) == datetime(2025, 12, 31, 15, 30)
    assert c4.state == S.INVESTIGATING and c4.year == 2025
    c9 = Case.objects.get(pk=a.c9.pk)
    assert c9.filed_at.astimezone(UTC).replace(tzinfo=None) == datetime(2025, 12, 31, 16, 10)
    assert c9.year == 2026, "filed at 00:10 on 1 January, Beijing time"
    c2 = Case.objects.get(pk=a.c2.pk)
    assert c2.decided_fine == Decimal("50000.00") and c2.is_major and c2.hearing.held_on.year == 2025
    checks = LegalCheck.objects.filter(case=a.c1)
    assert checks.count() == 5
    assert checks.filter(outcome=LegalCheck.Outcome.RETURNED).count() == 2
    assert Case.objects.get(pk=a.c5.pk).procedure == Case.Procedure.SUMMARY
    assert Case.objects.get(pk=a.c5.pk).state == S.SERVED
    assert Transfer.objects.get(case=a.c6).persons == 3
    assert a.street.parent == a.district and a.district.parent == a.city
    assert Case.objects.get(pk=a.c2.pk).publication_late and not Case.objects.get(pk=a.c1.pk).publication_late


# --- every figure, organisation by organisation -------------------------------------------------------------


def test_every_figure_of_each_organisation(annual: AnnualWorld) -> None:
    a = annual
    problems: list[str] = []
    for organisation, expected, prior in (
        (a.city, CITY, PRIOR_COMPUTED),
        (a.district, DISTRICT, PRIOR_COMPUTED),
        (a.street, STREET, PRIOR_NONE),
        (a.other, OTHER_DISTRICT, PRIOR_NONE),
    ):
        figures = annual_figures(organisation=organisation, year=YEAR)
        assert tuple(k for k in figures if k != "prior_year") == FIGURE_KEYS
        problems += [f"{organisation.code}: {p}" for p in differences(figures_only(figures), expected)]
        problems += [f"{organisation.code} prior: {p}" for p in differences(figures["prior_year"], prior)]
    assert not problems, "\n".join(problems)


def test_figures_of_the_years_around(annual: AnnualWorld) -> None:
    """What 2025 left out is counted in 2024 and 2026: the year boundaries are Beijing midnight."""
    next_year = annual_figures(organisation=annual.district, year=2026)
    assert {k: next_year[k] for k in NEXT_YEAR} == NEXT_YEAR
    prior_year = annual_figures(organisation=annual.district, year=2024)
    assert {k: prior_year[k] for k in PRIOR_YEAR} == PRIOR_YEAR


NEXT_YEAR = {
    "inspections": 1,  # 1 Jan 2026
    "violations_found": 9,
    "cases_filed": 1,  # c9, 00:10 on 1 Jan; c4 at 23:30 on 31 Dec is not here
    "cases_filed_yoy_pct": Decimal("-83.3"),  # (1 − 6) / 6
    "penalty_decisions": 0,
    "fines_total_wan": Decimal("0.00"),
    "fines_yoy_pct": Decimal("-100.0"),
    "avg_fine_wan": None,
    "av_required": 1,  # c4's on-site inspection at 00:30 on 1 Jan
    "av_covered_pct": Decimal("0.0"),
    "reconsiderations": 1,
    "litigations": 1,
    "blacklisted": 1,
}
PRIOR_YEAR = {
    "inspections": 1,
    "violations_found": 7,
    "cases_filed": 2,  # p1, c8 (20 Dec 2024)
    "cases_filed_yoy_pct": None,  # nothing in 2023
    "penalty_decisions": 1,  # p1; c8 was decided in 2025
    "fines_total_wan": Decimal("3.00"),
    "fines_yoy_pct": None,
    "legal_check_cases": 0,
}


# --- year on year against a baseline -----------------------------------------------------------------------------


def test_year_on_year_uses_the_baseline_of_the_prior_year_when_there_is_one(annual: AnnualWorld) -> None:
    a = annual
    AnnualBaseline.objects.create(
        organisation=a.street, year=2024, cases_filed=4, fines_total_wan=Decimal("2.00"), source="2024年报告"
    )
    AnnualBaseline.objects.create(organisation=a.city, year=2024, cases_filed=5)  # no fines figure
    AnnualBaseline.objects.create(organisation=a.district, year=2023, cases_filed=1)  # another year

    street = annual_figures(organisation=a.street, year=YEAR)
    assert street["cases_filed_yoy_pct"] == Decimal("-75.0")  # (1 − 4) / 4
    assert street["fines_yoy_pct"] == Decimal("-75.0")  # (0.50 − 2.00) / 2.00
    assert street["prior_year"] == {
        "year": 2024,
        "cases_filed": 4,
        "cases_filed_source": "baseline",
        "fines_total_wan": Decimal("2.00"),
        "fines_total_wan_source": "baseline",
    }
    city = annual_figures(organisation=a.city, year=YEAR)
    assert city["cases_filed_yoy_pct"] == Decimal("40.0")  # (7 − 5) / 5, from the baseline
    assert city["fines_yoy_pct"] == Decimal("384.3"), "no baseline fines: the computed 3.00 万元"
    assert city["prior_year"]["cases_filed_source"] == "baseline"
    assert city["prior_year"]["fines_total_wan_source"] == "computed"
    district = annual_figures(organisation=a.district, year=YEAR)
    assert district["cases_filed_yoy_pct"] == Decimal("200.0"), "a baseline of 2023 is not for 2025"
    assert district["prior_year"] == PRIOR_COMPUTED


# --- breakdown by sub-organisation ------------------------------------------------------------------------------


def test_breakdown_of_the_city_adds_up_to_its_total(annual: AnnualWorld) -> None:
    a = annual
    rows = annual_breakdown(organisation=a.city, year=YEAR)
    assert [(r["organisation"]["code"], r["scope"]) for r in rows] == [
        (a.district.code, "subtree"),
        (a.other.code, "subtree"),
        (a.city.code, "own"),
        (a.city.code, "total"),
    ]
    problems: list[str] = []
    for row, expected in zip(rows, (DISTRICT, OTHER_DISTRICT, CITY_OWN, CITY), strict=True):
        label = f"{row['organisation']['code']}/{row['scope']}"
        problems += [f"{label}: {p}" for p in differences(figures_only(row), expected)]
    assert not problems, "\n".join(problems)
    assert rows[-1] == {
        "organisation": rows[-1]["organisation"],
        "scope": "total",
        **annual_figures(organisation=a.city, year=YEAR),
    }
    assert_rows_add_up(rows)


def test_breakdown_of_the_district_rolls_the_street_up(annual: AnnualWorld) -> None:
    a = annual
    AnnualBaseline.objects.create(
        organisation=a.street, year=2024, cases_filed=4, fines_total_wan=Decimal("2.00")
    )
    rows = annual_breakdown(organisation=a.district, year=YEAR)
    assert [(r["organisation"]["code"], r["scope"]) for r in rows] == [
        (a.street.code, "subtree"),
        (a.district.code, "own"),
        (a.district.code, "total"),
    ]
    street, own, total = rows
    with_baseline = {**STREET, "cases_filed_yoy_pct": Decimal("-75.0"), "fines_yoy_pct": Decimal("-75.0")}
    problems = differences(figures_only(street), with_baseline)
    problems += differences(figures_only(own), DISTRICT_OWN)
    problems += differences(figures_only(total), DISTRICT)
    assert not problems, "\n".join(problems)
    assert street["prior_year"]["cases_filed_source"] == "baseline"
    assert own["prior_year"] == PRIOR_COMPUTED, "the own row has no baseline: computed"
    assert_rows_add_up(rows)


def test_breakdown_of_a_street_has_its_own_row_and_the_total(annual: AnnualWorld) -> None:
    rows = annual_breakdown(organisation=annual.street, year=YEAR)
    assert [r["scope"] for r in rows] == ["own", "total"]
    assert not differences(figures_only(rows[0]), STREET)
    assert not differences(figures_only(rows[1]), STREET)


def assert_rows_add_up(rows: list[dict[str, Any]]) -> None:
    """Counts and sums of the rows are the total's; blacklisted counts distinct parties."""
    *parts, total = rows
    for key in FIGURE_KEYS:
        if isinstance(total[key], int) and key != "blacklisted":
            assert sum(r[key] for r in parts) == total[key], key
    assert sum(r["blacklisted"] for r in parts) >= total["blacklisted"]
    assert abs(sum(r["fines_total_wan"] for r in parts) - total["fines_total_wan"]) <= Decimal("0.01") * len(
        parts
    )


# --- by month -----------------------------------------------------------------------------------------------------


def test_months_of_the_district(annual: AnnualWorld) -> None:
    months = annual_months(organisation=annual.district, year=YEAR)
    assert [m["month"] for m in months] == list(range(1, 13))
    assert all(set(m) == {"month", *MONTH_KEYS} for m in months)
    nonzero = {
        m["month"]: {k: v for k, v in m.items() if k != "month" and v not in (0, None, Decimal("0.00"))}
        for m in months
    }
    assert nonzero == {
        1: {
            "inspections": 1,
            "violations_found": 3,
            "rectification_orders": 1,
            "penalty_decisions": 1,  # c8, 6 Jan
            "fines_total_wan": Decimal("1.01"),  # 10,050 yuan = 1.005 万元, half up
            "avg_fine_wan": Decimal("1.01"),
        },
        2: {"cases_filed": 1},  # c6 (accident: not preventive)
        3: {"cases_filed": 1, "preventive_cases": 1},  # c1
        4: {
            "penalty_decisions": 1,
            "fines_total_wan": Decimal("8.00"),
            "avg_fine_wan": Decimal("8.00"),
            "fines_ge_50k": 1,
            "major_decisions": 1,
        },
        5: {"cases_filed": 1, "preventive_cases": 1},  # c2
        6: {
            "inspections": 1,
            "violations_found": 2,
            "penalty_decisions": 1,
            "fines_total_wan": Decimal("5.00"),
            "avg_fine_wan": Decimal("5.00"),
            "fines_ge_50k": 1,
            "major_decisions": 1,
        },
        7: {  # the street's c3: filed and decided
            "cases_filed": 1,
            "penalty_decisions": 1,
            "fines_total_wan": Decimal("0.50"),
            "avg_fine_wan": Decimal("0.50"),
        },
        8: {
            "summary_decisions": 1,
            "penalty_decisions": 1,
            "fines_total_wan": Decimal("0.02"),
            "avg_fine_wan": Decimal("0.02"),
        },
        9: {"cases_filed": 1, "preventive_cases": 1},  # c10; its no-penalty decision is not counted
        10: {},
        11: {},
        12: {  # the street's inspection on 31 Dec, and c4 filed at 23:30 on 31 Dec
            "inspections": 1,
            "violations_found": 1,
            "rectification_orders": 1,
            "cases_filed": 1,
            "preventive_cases": 1,
        },
    }
    for key in MONTH_KEYS:
        if isinstance(DISTRICT[key], int):
            assert sum(m[key] for m in months) == DISTRICT[key], key


def test_annual_report_puts_figures_breakdown_and_months_together(annual: AnnualWorld) -> None:
    report = annual_report(organisation=annual.district, year=YEAR)
    assert report["organisation"] == {
        "id": annual.district.pk,
        "code": annual.district.code,
        "name": annual.district.name,
        "level": "district",
    }
    assert report["year"] == YEAR
    assert not differences(figures_only(report), DISTRICT)
    assert len(report["breakdown"]) == 3 and len(report["months"]) == 12
    plain = annual_report(organisation=annual.district, year=YEAR, breakdown=False, months=False)
    assert "breakdown" not in plain and "months" not in plain
    assert figures_only(plain) == figures_only(report)


# --- queries: a handful, whatever the number of cases -------------------------------------------------------------


def add_cases(w: World, n: int, *, organisation: Organisation | None = None) -> None:
    """n cases through the services: half filed general cases, half summary decisions of 200 yuan."""
    for i in range(n):
        if i % 2:
            case = w.case(organisation=organisation, now=at(2025, 3, 3, 9))
            w.fire(case, "submit_filing", w.officer1, at(2025, 3, 3, 10))
            w.fire(case, "approve_filing", w.head, at(2025, 3, 4))
        else:
            case = w.case(
                organisation=organisation,
                party=individual(f"当事人{i}"),
                procedure=Case.Procedure.SUMMARY,
                now=at(2025, 3, 5, 9),
            )
            w.fire(case, "record_onsite_decision", w.officer1, at(2025, 3, 5, 9, 30), fine="200")


def count_queries(func: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        result = func()
    return len(queries.captured_queries), result


QUERY_BOUND = 17


def test_annual_figures_take_the_same_few_queries_for_2_and_for_20_cases(world: World) -> None:
    w = world
    add_cases(w, 2, organisation=w.street)
    few, figures = count_queries(lambda: annual_figures(organisation=w.city, year=YEAR))
    assert (figures["cases_filed"], figures["summary_decisions"]) == (1, 1)
    add_cases(w, 18)
    many, figures = count_queries(lambda: annual_figures(organisation=w.city, year=YEAR))
    assert (figures["cases_filed"], figures["summary_decisions"]) == (10, 10)
    assert figures["fines_total_wan"] == Decimal("0.20")
    assert few == many <= QUERY_BOUND


def test_breakdown_and_months_take_the_same_queries_however_many_children(world: World) -> None:
    w = world
    add_cases(w, 2)
    breakdown_two, _ = count_queries(lambda: annual_breakdown(organisation=w.city, year=YEAR))
    months_before, _ = count_queries(lambda: annual_months(organisation=w.city, year=YEAR))
    for i in range(3):
        org(f"新区{i}", Organisation.Level.DISTRICT, w.city)
    add_cases(w, 10, organisation=w.street)
    breakdown_five, rows = count_queries(lambda: annual_breakdown(organisation=w.city, year=YEAR))
    months_after, months = count_queries(lambda: annual_months(organisation=w.city, year=YEAR))
    assert len(rows) == 5 + 2
    assert breakdown_two == breakdown_five <= QUERY_BOUND + 2
    assert months_before == months_after <= 6
    assert sum(m["cases_filed"] for m in months) == 6


def test_a_case_handled_as_major_counts_as_major_though_its_fine_fell_below_the_threshold(
    world: World,
) -> None:
    """Proposed 60,000 yuan (major: double legal check, deliberation), decided 40,000 after the party's
    statement. It is a major decision (it went the major route), but not a 5万元以上 case."""
    from tests.reports.annual_world import deliberate, file_case, legal_checked_notice

    w = world
    case = w.case(now=at(2025, 3, 3, 9))
    file_case(w, case, at(2025, 3, 3, 10), at(2025, 3, 3, 15))
    w.propose(case, at(2025, 3, 4), fine=Decimal("60000"))
    legal_checked_notice(
        w, case, at(2025, 3, 5), at(2025, 3, 6), at(2025, 3, 7), at(2025, 3, 10), at(2025, 3, 11)
    )
    w.fire(case, "approve", w.legal, at(2025, 3, 12), opinion="同意提交集体讨论")
    case = deliberate(w, case, at(2025, 3, 14), "40000")
    assert case.is_major and not case.decided_major, "precondition: major route, decided below 50,000"

    figures = annual_figures(organisation=w.city, year=YEAR)
    assert figures["major_decisions"] == 1
    assert figures["major_double_checked"] == 1
    assert figures["fines_ge_50k"] == 0
    assert figures["fines_total_wan"] == Decimal("4.00")
    assert (figures["legal_check_cases"], figures["legal_check_returns"], figures["deliberations"]) == (
        1,
        0,
        1,
    )


def test_a_case_made_major_by_its_hearing_was_not_double_checked(db: None) -> None:
    """Where the hearing threshold is below the major one, a 40,000-yuan case is not major at initial
    review (no pre-notice check) and becomes major when the party asks for a hearing (SPEC §5): a
    major decision, deliberated, checked before decision only — not 双重审核."""
    from tests.reports.annual_world import deliberate, file_case

    w = World(hearing_fine_entity=Decimal("30000"))
    case = w.case(now=at(2025, 3, 3, 9))
    file_case(w, case, at(2025, 3, 3, 10), at(2025, 3, 3, 15))
    w.propose(case, at(2025, 3, 4), fine=Decimal("40000"))
    w.fire(case, "submit_review", w.officer1, at(2025, 3, 5))
    assert w.fire(case, "approve", w.head, at(2025, 3, 6)).state == S.NOTICE
    w.fire(case, "serve_notice", w.officer1, at(2025, 3, 7), served_on="2025-03-07", method="direct")
    w.fire(case, "request_hearing", w.officer1, at(2025, 3, 10), requested_on="2025-03-10")
    w.schedule_hearing(case, at(2025, 3, 11), "2025-03-25")
    w.hold_hearing(
        case, at(2025, 3, 25), at(2025, 3, 25, 16), recording=b"hearing", report="听证报告", record="听证笔录"
    )
    assert w.fire(case, "approve", w.legal, at(2025, 3, 26), opinion="同意").state == S.DELIBERATION
    case = deliberate(w, case, at(2025, 3, 28), "40000")
    assert case.decided_major

    figures = annual_figures(organisation=w.city, year=YEAR)
    assert (figures["major_decisions"], figures["major_double_checked"]) == (1, 0)
    assert (figures["hearings"], figures["deliberations"], figures["legal_check_cases"]) == (1, 1, 1)
    assert figures["fines_ge_50k"] == 0


def test_a_root_counts_the_same_whether_or_not_another_tree_exists(annual: AnnualWorld) -> None:
    """The city is the only root: its figures skip the join that would place each legal check,
    activity, transfer… in its subtree (every case is in it). With a second tree beside it holding
    such records, the join is back and that tree's records stay out of the city's figures."""
    from accounts.roles import Role
    from reports.selectors import load_scope
    from tests.factories import entity, user
    from tests.reports.annual_world import record_activity

    a = annual
    assert load_scope(organisation=a.city).everything
    assert not load_scope(organisation=a.district).everything
    alone = annual_figures(organisation=a.city, year=YEAR)

    other = org("邻市", Organisation.Level.CITY)
    officer, second = user("lin_officer1", other, Role.OFFICER), user("lin_officer2", other, Role.OFFICER)
    head = user("lin_head", other, Role.DIVISION_HEAD)
    case = services.case_create(
        actor=officer,
        organisation=other,
        title="事故调查发现未落实安全生产责任制",
        origin=Case.Origin.ACCIDENT,
        party=entity(),
        violation_type=a.w.vt,
        officers=[officer, second],
        now=at(2025, 2, 10, 9),
    )
    services.case_transition(
        case_id=case.pk, transition="submit_filing", actor=officer, now=at(2025, 2, 10, 10)
    )
    services.case_transition(case_id=case.pk, transition="approve_filing", actor=head, now=at(2025, 2, 11))
    record_activity(a.w, case, "inquiry", at(2025, 2, 12), actor=officer)
    services.case_transition(
        case_id=case.pk,
        transition="transfer",
        actor=officer,
        now=at(2025, 2, 20),
        data={
            "authority_kind": "police",
            "authority_name": "邻市公安局",
            "persons": 2,
            "opinion": "涉嫌犯罪",
        },
    )

    assert not load_scope(organisation=a.city).everything and not load_scope(organisation=other).everything
    assert annual_figures(organisation=a.city, year=YEAR) == alone
    neighbour = annual_figures(organisation=other, year=YEAR)
    assert (neighbour["cases_filed"], neighbour["av_required"], neighbour["transfers_to_police"]) == (1, 1, 1)
    assert (neighbour["persons_transferred"], neighbour["certified_officers"]) == (2, 3)


def test_the_breakdown_total_uses_the_organisations_own_baseline(annual: AnnualWorld) -> None:
    """The total row is added up from the rows; its year-on-year still compares with the baseline
    entered for the organisation itself, exactly as annual_figures does."""
    a = annual
    AnnualBaseline.objects.create(organisation=a.district, year=2024, cases_filed=3)
    *_, total = annual_breakdown(organisation=a.district, year=YEAR)
    assert total["prior_year"]["cases_filed_source"] == "baseline"
    assert total["cases_filed_yoy_pct"] == Decimal("100.0")  # (6 − 3) / 3
    assert {k: v for k, v in total.items() if k not in ("organisation", "scope")} == annual_figures(
        organisation=a.district, year=YEAR
    )
