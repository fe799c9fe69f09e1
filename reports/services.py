"""Annual reports generated in the background (issue 9): request a run, execute it once.

A run is a row (ReportRun); the Celery task carries only its id. Executing is idempotent: a done run
is left as it is, and a run whose worker died (still `running`, or `failed` on a database error) can
be executed again and ends with one result.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import user_can_see_organisation
from core.errors import Forbidden, InvalidInput, NotFound, Reason
from reports.models import MAX_YEAR, MIN_YEAR, ReportRun
from reports.selectors import annual_report

logger = logging.getLogger(__name__)

# SPEC §1: report_viewer (统计/法制科) reads the statistics of its subtree; the agency head answers for
# the annual report and signs it; the admin administers. A division head's work is the cases of his
# division, not the bureau's statistics (which include other divisions' and sub-organisations'
# litigation and review results): give him report_viewer as well if he needs them.
REPORT_ROLES: tuple[str, ...] = (Role.REPORT_VIEWER, Role.AGENCY_HEAD, Role.ADMIN)


def report_reader_check(*, user: User) -> None:
    """Forbidden unless the user may read annual statistics (a superuser always may)."""
    if user.is_superuser or any(user.has_role(role) for role in REPORT_ROLES):
        return
    labels = "、".join(Role(r).label for r in REPORT_ROLES)
    raise Forbidden(f"需要以下角色之一：{labels}", reasons=[Reason("role_required", f"需要“{labels}”角色")])


def report_year_check(*, year: int, now: datetime | None = None) -> None:
    """A report is about a past or the current year (in Beijing time)."""
    current = timezone.localdate(now) if now else timezone.localdate()
    if not MIN_YEAR <= year <= min(current.year, MAX_YEAR):
        raise InvalidInput(
            f"年度须在 {MIN_YEAR} 至 {current.year} 之间",
            errors={"year": [f"年度须在 {MIN_YEAR} 至 {current.year} 之间"]},
        )


@transaction.atomic
def report_run_request(
    *,
    actor: User,
    organisation: Organisation,
    year: int,
    format: str = ReportRun.Format.JSON,
    now: datetime | None = None,
) -> ReportRun:
    """Record a request for an annual report and queue its generation once the request commits."""
    report_reader_check(user=actor)
    if not user_can_see_organisation(user=actor, organisation_id=organisation.pk):
        raise NotFound("机构不存在")
    report_year_check(year=year, now=now)
    if format not in ReportRun.Format.values:
        raise InvalidInput(f"不支持的格式：{format}", errors={"format": [f"不支持的格式：{format}"]})
    run = ReportRun.objects.create(
        requested_by=actor,
        organisation=organisation,
        year=year,
        format=format,
        created_at=now or timezone.now(),
    )

    def enqueue() -> None:
        from reports.tasks import generate_annual_report

        generate_annual_report.delay(run.pk)

    # robust: a broker that is down must not turn a committed request into an error; the run stays
    # queued and the failure is logged.
    transaction.on_commit(enqueue, robust=True)
    return run


def report_run_execute(*, run_id: int, now: datetime | None = None) -> ReportRun:
    """Generate the report of one run. Safe to run twice, or concurrently: the second finds it done.

    The run is marked running in its own short transaction (so that a poller sees it), then
    computed and stored under the row lock: a second worker on the same run waits for the lock and
    then finds the run done. A worker killed mid-way leaves `running` and no result; executing
    again produces the one result. A database error marks the run failed and is raised again, so
    the task's bounded retries can run it again; any other error marks it failed for good.
    """
    with transaction.atomic():
        run = _lock(run_id)
        if run.status == ReportRun.Status.DONE:
            return run
        run.status = ReportRun.Status.RUNNING
        run.started_at = now or timezone.now()
        run.attempts += 1
        run.save(update_fields=["status", "started_at", "attempts"])
    try:
        with transaction.atomic():
            run = _lock(run_id)
            if run.status == ReportRun.Status.DONE:
                return run
            report = annual_report(organisation=run.organisation, year=run.year)
            run.status = ReportRun.Status.DONE
            run.result = report
            run.error = ""
            run.finished_at = now or timezone.now()
            run.save(update_fields=["status", "result", "error", "finished_at"])
            return run
    except Exception as exc:
        logger.exception("annual report run %s failed", run_id)
        _fail(run_id, f"生成失败：{type(exc).__name__}: {exc}"[:2000], now)
        if isinstance(exc, DatabaseError):
            raise
        return ReportRun.objects.get(pk=run_id)


def _lock(run_id: int) -> ReportRun:
    try:
        return ReportRun.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=run_id)
    except ReportRun.DoesNotExist:
        raise NotFound("报表任务不存在") from None


def _fail(run_id: int, error: str, now: datetime | None) -> None:
    with transaction.atomic():
        run = _lock(run_id)
        if run.status == ReportRun.Status.DONE:
            return
        run.status = ReportRun.Status.FAILED
        run.error = error
        run.finished_at = now or timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
