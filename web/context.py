from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from notifications.selectors import unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the page header shows on every page: the number of unread notifications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
