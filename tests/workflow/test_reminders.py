"""Deadline reminders and escalation across a holiday, each sent once (SPEC §4 deadlines)."""

from datetime import date

import pytest
from freezegun import freeze_time
from rest_framework.test import APIClient

from notifications.models import Notification
from tests.factories import World, at, user
from tests.workflow.test_guards import to_pending_decision
from workflow.reminders import deadline_reminders_run
from workflow.tasks import send_deadline_reminders

pytestmark = pytest.mark.django_db


def served_case(w: World):
    case = to_pending_decision(w, fine="8000")
    w.fire(case, "decide", w.agency_head, at(2026, 9, 29), decision_kind="penalty", fine="8000")
    # Decided Tue 29 Sep 2026: publication is due 7 working days later, across the National Day
    # holiday (1–7 Oct) and counting the adjusted working Saturday 10 Oct → Wed 14 Oct.
    case = w.fire(case, "serve_decision", w.officer1, at(2026, 9, 30), served_on="2026-09-30", method="mail")
    assert (case.current_deadline, case.current_deadline_kind) == (date(2026, 10, 14), "publication")
    return case


def titles(u) -> list[str]:
    return list(Notification.objects.filter(user=u).order_by("pk").values_list("title", flat=True))


def test_reminders_before_the_deadline_count_working_days_and_are_sent_once(world: World) -> None:
    w = world
    case = served_case(w)
    # Fri 9 Oct: 10 (Sat, working), 12, 13, 14 → 4 working days left: nothing yet.
    assert deadline_reminders_run(today=date(2026, 10, 9)) == 0
    # Sat 10 Oct is an adjusted working day: 12, 13, 14 → 3 left → the 3-day reminder, to both handlers.
    assert deadline_reminders_run(today=date(2026, 10, 10)) == 2
    assert deadline_reminders_run(today=date(2026, 10, 10)) == 0, "a job run twice sends nothing twice"
    assert deadline_reminders_run(today=date(2026, 10, 12)) == 0, "still within the same lead time"
    assert titles(w.officer1) == [
        f"【期限提醒】{case.number}：公示处罚决定期限 2026-10-14（还剩 3 个工作日）"
    ]
    # Tue 13 Oct: 1 working day left → the 1-day reminder.
    assert deadline_reminders_run(today=date(2026, 10, 13)) == 2
    assert titles(w.head) == [] and titles(w.agency_head) == []


def test_overdue_case_escalates_to_the_agency_head_once(world: World) -> None:
    w = world
    second_head = user("agency_head2", w.district, "agency_head")
    case = served_case(w)
    assert deadline_reminders_run(today=date(2026, 10, 15)) == 4  # 2 handlers overdue + 2 agency heads
    assert deadline_reminders_run(today=date(2026, 10, 16)) == 0
    assert titles(second_head) == [f"【督办】{case.number}：公示处罚决定已超期"]
    assert Notification.objects.get(user=w.officer1).kind == "overdue"


def test_the_task_and_the_api(world: World) -> None:
    w = world
    served_case(w)
    with freeze_time("2026-10-13 08:00:00+08:00"):
        assert send_deadline_reminders.delay().get() == 2  # eager without a broker
    client = APIClient()
    client.force_authenticate(w.officer1)
    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 1 and "还剩 1 个工作日" in body["results"][0]["title"]
    nid = body["results"][0]["id"]
    assert client.post(f"/api/v1/notifications/{nid}/read/").status_code == 204
    assert client.get("/api/v1/notifications/").json()["results"][0]["read_at"] is not None
    client.force_authenticate(w.officer2)
    assert client.post(f"/api/v1/notifications/{nid}/read/").status_code == 204
    assert Notification.objects.filter(user=w.officer2, read_at__isnull=False).count() == 0
