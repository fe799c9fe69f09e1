from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.queue import enqueue_on_commit
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
            enqueue_on_commit("notifications.tasks.deliver_emails", [*ids])
    return created


def notifications_email_deliver(*, notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed; returns how many were sent.

    One row at a time under its lock, marked in the same transaction as the send, so two workers
    (or a redelivered task) never mail one notification twice. A crash between the mail server's
    acceptance and the commit can still send one twice: SMTP offers no transaction to join.
    """
    sent = 0
    for notification_id in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(pk=notification_id, emailed_at__isnull=True)
                .first()
            )
            if notification is None or not notification.user.email:
                continue
            send_mail(
                notification.title, notification.body, None, [notification.user.email], fail_silently=False
            )
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
        sent += 1
    return sent


def notification_mark_read(*, notification_id: int, user: User, now: datetime | None = None) -> None:
    Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=now or timezone.now()
    )


def notifications_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())
