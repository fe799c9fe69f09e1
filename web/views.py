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

from accounts.roles import Role
from casefiles.storage import StorageError, get_store
from notifications.selectors import notifications_for
from notifications.services import notification_mark_read, notifications_mark_all_read
from review.law_table import law_table
from web.selectors import home_counts, meetings_for
from workflow.selectors import tasks_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: the cases waiting for me (overdue first, then by deadline), my unread notifications,
    the figures of my subtree, and what my roles start from here."""
    today = timezone.localdate()
    user = request.user
    queue = Paginator(tasks_for(user=user, today=today), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/home.html",
        {
            "queue": queue,
            "today": today,
            "counts": home_counts(user=user, today=today),
            "roles": [label for code, label in Role.choices if user.has_role(code)],
            "is_officer": user.has_role(Role.OFFICER),
            "is_agency_head": user.has_role(Role.AGENCY_HEAD),
            "meetings": meetings_for(user=user)[:5]
            if user.has_role(Role.COMMITTEE_MEMBER) or user.has_role(Role.AGENCY_HEAD)
            else [],
            "notifications": notifications_for(user=user)
            .filter(read_at__isnull=True)
            .select_related("case")[:10],
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(user=request.user).select_related("case"), 30).get_page(
        request.GET.get("page")
    )
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


@login_required
def law_rules(request: HttpRequest) -> HttpResponse:
    """法律规则表: every rule of law the system holds a case to, its article, the steps it blocks,
    the pre-check point and the case-file review items it feeds (review.law_table)."""
    return render(request, "web/law_table.html", {"rows": law_table(with_tests=False)})
