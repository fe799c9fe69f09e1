"""Report runs (reports.services, reports.tasks): requested, generated once on commit, safe to run twice."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import OperationalError

from accounts.roles import Role
from core.errors import Forbidden, InvalidInput, NotFound
from reports import services
from reports.models import ReportRun
from reports.services import report_run_execute, report_run_request
from reports.tasks import generate_annual_report
from tests.factories import World, at, user
from tests.reports.annual_world import YEAR
from tests.reports.test_selectors import add_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(world: World):  # type: ignore[no-untyped-def]
    return user("district_viewer", world.district, Role.REPORT_VIEWER, certified=False)


def test_a_request_is_generated_once_it_commits(
    world: World, viewer, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    add_cases(world, 4)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = report_run_request(actor=viewer, organisation=world.district, year=YEAR)
    assert run.status == ReportRun.Status.QUEUED and run.result is None
    assert len(callbacks) == 1, "the task is queued on commit, not before"
    callbacks[0]()  # the commit: Celery runs eagerly without a broker
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.attempts == 1
    assert run.result["cases_filed"] == 2 and run.result["summary_decisions"] == 2
    assert run.result["fines_total_wan"] == "0.04", "stored as JSON: money as a string with two decimals"
    assert run.result["organisation"]["id"] == world.district.pk
    assert len(run.result["breakdown"]) == 3 and len(run.result["months"]) == 12


def test_running_the_task_twice_gives_one_result(
    world: World, viewer, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    add_cases(world, 2)
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(actor=viewer, organisation=world.district, year=YEAR)
    run.refresh_from_db()
    first = (run.status, run.result, run.finished_at, run.attempts)
    add_cases(world, 2)  # the figures change; a second run of the same task must not recompute
    assert generate_annual_report.delay(run.pk).get() == ReportRun.Status.DONE
    assert generate_annual_report.apply(args=[run.pk]).get() == ReportRun.Status.DONE
    run.refresh_from_db()
    assert (run.status, run.result, run.finished_at, run.attempts) == first
    assert ReportRun.objects.count() == 1


def test_an_interrupted_run_is_run_again_and_ends_with_one_result(world: World, viewer) -> None:  # type: ignore[no-untyped-def]
    add_cases(world, 2)
    run = report_run_request(actor=viewer, organisation=world.district, year=YEAR)  # never committed here
    # A worker took it and died mid-way: marked running, no result.
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING, attempts=1, started_at=at(2026, 1, 5)
    )
    generate_annual_report.delay(run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.attempts == 2
    assert run.result["cases_filed"] == 1 and run.error == ""
    done_at = run.finished_at
    report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.finished_at == done_at and run.attempts == 2


def test_an_error_fails_the_run_and_a_later_run_succeeds(world: World, viewer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    run = report_run_request(actor=viewer, organisation=world.district, year=YEAR)

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise ValueError("统计口径配置错误")

    monkeypatch.setattr(services, "annual_report", broken)
    run = report_run_execute(run_id=run.pk)
    assert run.status == ReportRun.Status.FAILED
    assert "统计口径配置错误" in run.error and run.result is None
    monkeypatch.undo()
    run = report_run_execute(run_id=run.pk)
    assert run.status == ReportRun.Status.DONE and run.error == "" and run.attempts == 2


def test_a_database_error_is_raised_again_for_the_task_to_retry(world: World, viewer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    run = report_run_request(actor=viewer, organisation=world.district, year=YEAR)

    def lock_timeout(**kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("canceling statement due to lock timeout")

    monkeypatch.setattr(services, "annual_report", lock_timeout)
    with pytest.raises(OperationalError):
        report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and "lock timeout" in run.error
    assert generate_annual_report.max_retries == 3
    assert OperationalError in generate_annual_report.autoretry_for


def test_a_request_checks_role_scope_and_year(world: World, viewer) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        report_run_request(actor=world.officer1, organisation=world.district, year=YEAR)
    with pytest.raises(NotFound):
        report_run_request(actor=viewer, organisation=world.other_district, year=YEAR)
    with pytest.raises(NotFound):
        report_run_request(actor=viewer, organisation=world.city, year=YEAR)
    next_year = date.today().year + 1
    with pytest.raises(InvalidInput) as refused:
        report_run_request(actor=viewer, organisation=world.district, year=next_year)
    assert "year" in refused.value.errors
    with pytest.raises(InvalidInput):
        report_run_request(actor=viewer, organisation=world.district, year=YEAR, format="pdf")
    assert not ReportRun.objects.exists()
    run = report_run_request(actor=viewer, organisation=world.street, year=YEAR)
    assert run.organisation == world.street
