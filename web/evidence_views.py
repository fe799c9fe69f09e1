"""Evidence pages: the upload page and the short-lived access link.

A large recording is sent by the page's script (static/js/upload.js) in chunks through the resumable
upload API (/api/v1/cases/{id}/evidence/uploads/ …) with the session cookie and the CSRF token, so it
shows a progress bar and resumes after a dropped connection. Without the script the form posts the
file here and it is streamed into the store by the same service (casefiles.evidence).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from casefiles import evidence as services
from casefiles.models import CaseActivity
from core.errors import DomainError, NotFound
from web.errors import case_or_404, form_page
from web.forms import EvidenceMetaForm


@login_required
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    activities = CaseActivity.objects.filter(case=case).order_by("occurred_at", "pk")
    initial = {"captured_at": timezone.localtime().replace(second=0, microsecond=0)}
    if request.GET.get("activity", "").isdigit():
        initial["activity"] = request.GET["activity"]
        initial["kind"] = "video"
    form = EvidenceMetaForm(
        request.POST or None, request.FILES or None, activities=activities, initial=initial
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        upload = data["file"]
        try:
            evidence = services.evidence_upload(
                case_id=case.pk,
                actor=request.user,
                stream=upload,
                length=upload.size,
                meta=services.EvidenceMeta(
                    title=data["title"],
                    kind=data["kind"],
                    category=data["category"],
                    activity_id=int(data["activity"]) if data["activity"] else None,
                    captured_at=data["captured_at"],
                    device=data["device"],
                    duration_seconds=data["duration_seconds"],
                    filename=upload.name,
                    content_type=upload.content_type or "application/octet-stream",
                ),
                client_address=request.META.get("REMOTE_ADDR", ""),
            )
        except NotFound:
            raise Http404("案件不存在") from None
        messages.success(request, f"证据已上传并校验：{evidence.title}（SHA-256 {evidence.sha256[:16]}…）")
        return redirect(reverse("case-detail", args=[case.pk]) + "#evidence")

    return form_page(
        request,
        form,
        save,
        "web/evidence_upload.html",
        {
            "case": case,
            "part_size": settings.EVIDENCE_PART_SIZE,
            "max_bytes": settings.EVIDENCE_MAX_UPLOAD_BYTES,
        },
        refusals=(DomainError,),
    )


@login_required
@require_POST
def evidence_access(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Download (or open) a verified record through a short-lived link; logged in its chain of custody.
    The page's player asks the API for the same link and plays it in place."""
    case = case_or_404(request, pk)
    try:
        evidence = services.evidence_visible(evidence_id=evidence_id, actor=request.user)
        if evidence.case_id != case.pk:
            raise NotFound("证据不存在")
        access = services.evidence_access_url(
            evidence_id=evidence.pk,
            actor=request.user,
            download=request.POST.get("download") == "1",
            client_address=request.META.get("REMOTE_ADDR", ""),
        )
    except NotFound:
        raise Http404("证据不存在") from None
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect(reverse("case-detail", args=[case.pk]) + "#evidence")
    return redirect(access["url"])
