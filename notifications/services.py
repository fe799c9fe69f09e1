from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification


@dataclass(frozen=True)
class Message:
    user: User
    kind: str
    key: str
    title: str
    body: str
    case_id: int | None = None


def notifications_send(*, messages: Iterable[Message], now: datetime | None = None) -> list[Notification]:
    """Store each message once (by user and key) and e-mail the new ones after commit.

    Returns only the notifications created now: a second run with the same keys creates none.
    """
    now = now or timezone.now()
    created: list[Notification] = []
    with transaction.atomic():
        for m in messages:
            notification, new = Notification.objects.get_or_create(
                user=m.user,
                key=m.key[:200],
                defaults={
                    "kind": m.kind,
                    "title": m.title[:200],
                    "body": m.body,
                    "case_id": m.case_id,
                    "created_at": now,
                },
            )
            if new:
                created.append(notification)
        ids = [n.pk for n in created if n.user.email]
        if ids and settings.EMAIL_NOTIFICATIONS:
            transaction.on_commit(lambda: _email([*ids]))
    return created


def _email(ids: list[int]) -> None:
    for notification in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related(
        "user"
    ):
        send_mail(notification.title, notification.body, None, [notification.user.email], fail_silently=False)
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def notification_mark_read(*, notification_id: int, user: User, now: datetime | None = None) -> None:
    Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )
