from __future__ import annotations

from django.db.models import F, QuerySet

from accounts.models import User
from notifications.models import Notification


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first."""
    return (
        Notification.objects.filter(user=user)
        .select_related("case")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")
    )


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
