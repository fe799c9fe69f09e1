from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from casefiles.selectors import cases_visible_to, overdue_q


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cases = cases_visible_to(user=request.user).select_related("organisation", "party")
    queue = cases.exclude(state__in=["archived", "not_filed", "withdrawn", "transferred"]).order_by(
        "current_deadline", "-pk"
    )[:50]
    return render(
        request,
        "web/home.html",
        {
            "queue": queue,
            "today": today,
            "overdue": cases.filter(overdue_q(today)).count(),
            "total": cases.count(),
        },
    )
