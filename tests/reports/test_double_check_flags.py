"""The case's legal-check flags (casefiles.Case.pre_notice_approved / pre_decision_approved) that the
双重审核 figure counts: the approving check sets its stage's flag in the same transaction, a return
does not set it nor withdraw an earlier approval, and the flags agree with the checks on record —
for cases built through the services and for cases that were checked before the flags existed
(the migration's backfill)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from casefiles.models import Case, LegalCheck
from law.states import CaseState as S
from reports.selectors import annual_figures
from tests.factories import World, at
from tests.reports.annual_world import CITY, YEAR, AnnualWorld, serve_notice_waived
from tests.workflow.test_legal_check import to_pre_notice_check

pytestmark = pytest.mark.django_db

FLAGS = {
    LegalCheck.Stage.PRE_NOTICE: "pre_notice_approved",
    LegalCheck.Stage.PRE_DECISION: "pre_decision_approved",
}


def flags_on_record() -> dict[int, tuple[bool, bool]]:
    return {
        pk: (notice, decision) for pk, notice, decision in Case.objects.values_list("pk", *FLAGS.values())
    }


def flags_from_checks() -> dict[int, tuple[bool, bool]]:
    approved = set(
        LegalCheck.objects.filter(outcome=LegalCheck.Outcome.APPROVED).values_list("case_id", "stage")
    )
    return {
        pk: ((pk, LegalCheck.Stage.PRE_NOTICE) in approved, (pk, LegalCheck.Stage.PRE_DECISION) in approved)
        for pk in Case.objects.values_list("pk", flat=True)
    }


def stored(case: Case) -> tuple[bool, bool]:
    case.refresh_from_db()
    return case.pre_notice_approved, case.pre_decision_approved


def test_the_approving_check_sets_its_flag_and_a_return_sets_none(world: World) -> None:
    w = world
    case = to_pre_notice_check(w)
    case = w.fire(case, "return", w.legal, at(2026, 3, 9), opinion="证据不足，退回补充调查")
    assert case.state == S.INVESTIGATING and stored(case) == (False, False)

    w.fire(case, "submit_review", w.officer1, at(2026, 3, 10))
    w.fire(case, "approve", w.head, at(2026, 3, 10))
    case = w.fire(case, "approve", w.legal, at(2026, 3, 11), opinion="同意告知")
    assert case.state == S.NOTICE and stored(case) == (True, False)

    serve_notice_waived(w, case, at(2026, 3, 12))
    case = w.fire(case, "conclude_notice", w.officer1, at(2026, 3, 13))
    assert case.state == S.PRE_DECISION_CHECK
    case = w.fire(case, "return", w.legal, at(2026, 3, 14), opinion="裁量理由不充分")
    assert stored(case) == (True, False), "a later return leaves the earlier approval on record"


def test_the_flags_agree_with_the_checks_of_the_annual_fixture() -> None:
    annual = AnnualWorld()
    on_record = flags_on_record()
    assert on_record == flags_from_checks()
    # The two major cases, one of them returned at both checks before it passed them.
    assert list(on_record.values()).count((True, True)) == 2
    assert list(on_record.values()).count((False, False)) == len(on_record) - 2
    assert (
        annual_figures(organisation=annual.city, year=YEAR)["major_double_checked"]
        == CITY["major_double_checked"]
    )


def test_the_migration_marks_the_cases_checked_before_the_flags_existed() -> None:
    annual = AnnualWorld()
    expected = flags_on_record()
    Case.objects.update(pre_notice_approved=False, pre_decision_approved=False)
    assert annual_figures(organisation=annual.city, year=YEAR)["major_double_checked"] == 0

    migration = importlib.import_module("casefiles.migrations.0009_case_legal_check_flags")
    # The models as the migration saw them (its legal checks were still the workflow app's).
    state = MigrationLoader(connection).project_state(("casefiles", "0009_case_legal_check_flags"))
    migration.mark_approved(state.apps, None)

    assert flags_on_record() == expected
    assert (
        annual_figures(organisation=annual.city, year=YEAR)["major_double_checked"]
        == CITY["major_double_checked"]
    )
