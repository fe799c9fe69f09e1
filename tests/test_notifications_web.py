"""Notifications in the web pages: the header count, the home page, the list, marking read."""

import pytest
from django.test import Client

from notifications.models import Notification
from notifications.services import Message, notifications_send
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_notifications_are_shown_counted_and_marked_read_in_the_pages(world: World) -> None:
    w = world
    notifications_send(
        messages=[
            Message(w.officer1, "overdue", "k1", "【已超期】案件甲：公示处罚决定期限已过", "请尽快办理。"),
            Message(w.officer1, "reminder", "k2", "【期限提醒】案件乙：还剩 1 个工作日", "请按期办理。"),
            Message(w.officer2, "reminder", "k3", "别人的通知", ""),
        ]
    )
    browser = Client()
    browser.force_login(w.officer1)
    home = browser.get("/").content.decode()
    assert "【已超期】案件甲" in home and "【期限提醒】案件乙" in home and "别人的通知" not in home
    assert 'title="未读通知">2</span>' in home

    listing = browser.get("/notifications/").content.decode()
    assert listing.count('class="unread"') == 2 and "别人的通知" not in listing
    first = Notification.objects.get(key="k1")
    response = browser.post(f"/notifications/{first.pk}/read/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/notifications/", "no open redirect"
    assert 'title="未读通知">1</span>' in browser.get("/notifications/").content.decode()

    other = Notification.objects.get(key="k3")
    browser.post(f"/notifications/{other.pk}/read/")
    assert Notification.objects.get(key="k3").read_at is None, "nobody marks another's notification"

    browser.post("/notifications/read-all/")
    assert "未读通知" not in browser.get("/notifications/").content.decode()
    assert browser.get("/notifications/read-all/").status_code == 405
