"""The day a moment falls on in the agency's time zone (settings.TIME_ZONE, Asia/Shanghai)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()
