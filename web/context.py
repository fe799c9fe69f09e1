from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from accounts.roles import Role
from notifications.selectors import unread_count

# Pages the header links to for these roles: the statistics dashboard of the reports app (issue 9)
# and the case-file review pages: (context name, URL names to try, roles that see the link).
OPTIONAL_PAGES = (
    ("reports_url", ("reports:dashboard",), (Role.REPORT_VIEWER, Role.AGENCY_HEAD, Role.ADMIN)),
    (
        "review_url",
        ("review-home",),
        (Role.CASEFILE_REVIEWER, Role.LEGAL_REVIEWER, Role.AGENCY_HEAD, Role.ADMIN),
    ),
    ("law_url", ("law-table",), (Role.LEGAL_REVIEWER, Role.CASEFILE_REVIEWER, Role.AGENCY_HEAD, Role.ADMIN)),
)


def _first_url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the page header shows on every page: the number of unread notifications, and the links
    this user's roles lead to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict[str, Any] = {
        "unread_notifications": unread_count(user=user),
        "nav_officer": user.has_role(Role.OFFICER),
        "nav_meetings": user.is_superuser
        or any(user.has_role(r) for r in (Role.AGENCY_HEAD, Role.COMMITTEE_MEMBER, Role.LEGAL_REVIEWER)),
        "nav_admin": user.is_staff,
    }
    for key, names, roles in OPTIONAL_PAGES:
        if user.is_superuser or any(user.has_role(r) for r in roles):
            context[key] = _first_url(names)
    return context
