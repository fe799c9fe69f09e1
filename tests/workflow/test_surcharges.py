"""Late-payment surcharge (Art. 72) accrued by the daily job: 3% a day, capped at the fine, once a day."""

from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time

from casefiles.models import Case
from core.errors import Conflict
from notifications.models import Notification
from tests.factories import World, at
from tests.workflow.test_reminders import served_case
from workflow.execution import surcharges_accrue
from workflow.tasks import accrue_surcharges

pytestmark = pytest.mark.django_db


def test_surcharge_accrues_daily_until_it_reaches_the_fine(world: World) -> None:
    w = world
    case = served_case(w)  # fine 8000 yuan, served 30 Sep 2026 → due 15 Oct (15 calendar days)
    assert case.fine_due_on == date(2026, 10, 15)
    assert surcharges_accrue(today=date(2026, 10, 15)) == 0, "nothing is owed on the due date itself"

    assert surcharges_accrue(today=date(2026, 10, 16)) == 1
    case.refresh_from_db()
    assert (case.surcharge, case.surcharge_as_of) == (Decimal("240.00"), date(2026, 10, 16))
    assert surcharges_accrue(today=date(2026, 10, 16)) == 0, "a second run the same day does nothing"
    case.refresh_from_db()
    assert case.surcharge == Decimal("240.00")

    # Skipped days (the job did not run over a holiday) are caught up: the figure depends on the date.
    assert surcharges_accrue(today=date(2026, 11, 17)) == 1  # 33 days → 99%
    case.refresh_from_db()
    assert case.surcharge == Decimal("7920.00")
    assert not Notification.objects.filter(kind="surcharge").exists()

    assert surcharges_accrue(today=date(2026, 11, 18)) == 1  # 34 days → capped at the fine
    case.refresh_from_db()
    assert case.surcharge == Decimal("8000.00")
    told = Notification.objects.filter(kind="surcharge")
    assert {n.user for n in told} == {w.officer1, w.officer2, w.agency_head}
    assert "请依法申请人民法院强制执行" in told.first().body

    assert surcharges_accrue(today=date(2026, 12, 20)) == 1
    case.refresh_from_db()
    assert case.surcharge == Decimal("8000.00"), "never more than the fine"
    assert told.count() == 3, "the cap is told once"


def test_paying_late_owes_the_accrued_surcharge_and_stops_the_clock(world: World) -> None:
    w = world
    case = served_case(w)
    w.publish(case, at(2026, 10, 9), "门户网站")
    w.fire(case, "start_execution", w.officer1, at(2026, 10, 9))
    surcharges_accrue(today=date(2026, 10, 20))  # 5 days late → 1200
    case.refresh_from_db()
    assert case.surcharge == Decimal("1200.00")
    with pytest.raises(Conflict) as refused:
        w.close_paid(case, at(2026, 10, 20), "8000")
    assert "应缴 9200.00 元（含加处罚款 1200.00 元），实缴 8000.00 元" in refused.value.reasons[0].message
    case = w.close_paid(case, at(2026, 10, 20), "9200")
    assert case.state == "closed"
    assert surcharges_accrue(today=date(2026, 10, 30)) == 0, "a closed case accrues nothing"
    case.refresh_from_db()
    assert case.surcharge == Decimal("1200.00")


def test_the_daily_task_accrues_only_unpaid_overdue_fines(world: World) -> None:
    w = world
    late = served_case(w)
    on_time = served_case(w)
    Case.objects.filter(pk=on_time.pk).update(fine_due_on=date(2026, 10, 25))
    with freeze_time("2026-10-20 00:20:00+08:00"):
        assert accrue_surcharges.delay().get() == 1  # eager without a broker
        assert accrue_surcharges.delay().get() == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.surcharge == Decimal("1200.00") and on_time.surcharge is None  # 5 days late
