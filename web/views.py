from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from casefiles.selectors import cases_visible_to, overdue_q
from notifications.selectors import notifications_for
from notifications.services import notification_mark_read, notifications_mark_all_read


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
            "notifications": notifications_for(user=request.user).filter(read_at__isnull=True)[:10],
        },
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page: particulars, what this user may do now (and why not), the pre-check, the legal
    checks with their opinions, the hearing, the deliberations, evidence and the history."""
    from casefiles.models import Evidence
    from casefiles.selectors import av_coverage
    from workflow.models import Hearing
    from workflow.precheck import RESULT_LABELS
    from workflow.selectors import case_history, deliberations_of, legal_checks_of
    from workflow.services import case_available_transitions, case_precheck

    case = (
        cases_visible_to(user=request.user)
        .select_related("organisation", "party", "violation_type")
        .prefetch_related("officers")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404("案件不存在")
    from workflow.models import LegalCheck

    conclusions = dict(LegalCheck.Conclusion.choices)
    checks = list(legal_checks_of(case=case))
    for check in checks:
        check.point_rows = [
            {**p, "conclusion_label": conclusions.get(p["conclusion"], p["conclusion"])} for p in check.points
        ]
    findings = [
        {**f.as_dict(), "label": RESULT_LABELS[f.result]}
        for f in case_precheck(case_id=case.pk, actor=request.user)
    ]
    return render(
        request,
        "web/case.html",
        {
            "case": case,
            "today": timezone.localdate(),
            "transitions": case_available_transitions(case=case, actor=request.user),
            "findings": findings,
            "checks": checks,
            "hearing": Hearing.objects.filter(case=case).select_related("hearing_officer").first(),
            "deliberations": deliberations_of(case=case),
            "evidence": Evidence.objects.filter(case=case).select_related("activity").order_by("pk"),
            "coverage": av_coverage(case=case),
            "history": case_history(case=case),
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "web/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification_mark_read(notification_id=pk, user=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "notifications"
    return redirect(target)


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("notifications")


RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def evidence_file(request: HttpRequest, token: str) -> HttpResponse:
    """Serve a local-store evidence file named by a short-lived signed token, with HTTP Range
    so a video can be sought. (The S3 store hands out presigned URLs to the store itself.)"""
    from casefiles.storage import StorageError, get_store

    try:
        claim = signing.loads(token, salt="evidence-file", max_age=settings.EVIDENCE_URL_TTL_SECONDS)
    except signing.SignatureExpired:
        return HttpResponse("链接已过期，请重新打开", status=410, content_type="text/plain; charset=utf-8")
    except signing.BadSignature:
        raise Http404("链接无效") from None
    store = get_store()
    try:
        size = store.size(claim["key"])
    except (StorageError, OSError):
        raise Http404("文件不存在") from None
    start, end, status = 0, size - 1, 200
    match = RANGE_RE.match(request.headers.get("Range", ""))
    if match and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    length = end - start + 1
    response = StreamingHttpResponse(store.read(claim["key"], offset=start, length=length), status=status)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    disposition = "attachment" if claim.get("download") else "inline"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(claim.get('filename') or 'evidence')}"
    )
    return response
