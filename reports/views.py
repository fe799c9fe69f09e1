"""The statistics dashboard (统计分析) for report viewers, agency heads and admins (SPEC §1, §9).

Thin views: the role check and the subtree check are the services' and selectors' (the same as the
API's); a wrong role is 403, an organisation outside the user's subtree 404, as in the API.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organisation
from core.errors import Forbidden, InvalidInput, NotFound
from reports.dashboard import annual_dashboard, default_organisation, picker_organisations, year_choices
from reports.models import ReportRun
from reports.selectors import REPORT_TZ
from reports.services import report_reader_check, report_run_request, report_year_check


def _reader(request: HttpRequest) -> None:
    try:
        report_reader_check(user=request.user)
    except Forbidden as exc:
        raise PermissionDenied(exc.detail) from None


def _organisation(request: HttpRequest, raw: str | None) -> Organisation:
    """The organisation asked for (default: the user's own), 404 outside the user's subtree."""
    if raw in (None, ""):
        organisation = default_organisation(user=request.user)
    elif raw.isdigit() and len(raw) <= 18:
        organisation = picker_organisations(user=request.user).filter(pk=int(raw)).first()
    else:
        organisation = None
    if organisation is None:
        raise Http404("机构不存在")
    return organisation


def _year(raw: str | None) -> int:
    today = timezone.localdate(timezone=REPORT_TZ)
    if raw in (None, ""):
        return today.year
    if not raw.isdigit() or len(raw) > 4:
        raise BadRequest("年度须为四位数字")
    try:
        report_year_check(year=int(raw))
    except InvalidInput as exc:
        raise BadRequest(exc.detail) from None
    return int(raw)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _reader(request)
    organisation = _organisation(request, request.GET.get("organisation"))
    year = _year(request.GET.get("year"))
    today = timezone.localdate(timezone=REPORT_TZ)
    data = annual_dashboard(user=request.user, organisation=organisation, year=year, today=today)
    query = urlencode({"organisation": organisation.pk, "year": year})
    return render(
        request,
        "reports/dashboard.html",
        {
            "organisation": organisation,
            "year": year,
            "organisations": picker_organisations(user=request.user),
            "years": year_choices(today=today, selected=year),
            "data": data,
            "docx_url": f"{reverse('api-reports-annual-docx')}?{query}",
            "pending": any(
                run.status in (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING) for run in data.runs
            ),
        },
    )


@login_required
@require_POST
def docx_run_request(request: HttpRequest) -> HttpResponse:
    """Generate a large Word report in the background, then show the dashboard with its progress."""
    _reader(request)
    organisation = _organisation(request, request.POST.get("organisation"))
    year = _year(request.POST.get("year"))
    try:
        report_run_request(
            actor=request.user, organisation=organisation, year=year, format=ReportRun.Format.DOCX
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.detail) from None
    except NotFound:
        raise Http404("机构不存在") from None
    target = reverse("reports:dashboard")
    return redirect(f"{target}?{urlencode({'organisation': organisation.pk, 'year': year})}#word")
