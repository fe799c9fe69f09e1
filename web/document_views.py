"""The documents of a case on its page (documents app, issue 7): the file in statutory order with each
document's download, what the checklist still lacks, field records made on request, signed scans,
marking a document not applicable, and the electronic case file of an archived case."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from casefiles.models import Case
from core.errors import DomainError, NotFound
from documents import services as documents
from documents.catalogue import BY_CODE
from documents.models import CaseDocument
from web.case_page import FIELD_RECORDS, record_form, render_case_page, requirement_choices
from web.errors import case_or_404, show_on_form, status_of
from web.forms import DocumentUploadForm, NotApplicableForm


def _refused(
    request: HttpRequest, case: Case, exc: DomainError | ValidationError, **forms_: Any
) -> HttpResponse:
    """Back to the case page with the refusal shown on the form that was sent."""
    return render_case_page(request, case, status=status_of(exc), documents=forms_)


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("case-detail", args=[case.pk]) + "#documents")


@login_required
@require_POST
def document_generate(request: HttpRequest, pk: int, doc_type: str) -> HttpResponse:
    case = case_or_404(request, pk)
    if doc_type not in BY_CODE:
        raise Http404("没有这种文书")
    form = record_form(doc_type, request.POST) if doc_type in FIELD_RECORDS else None
    data = {name: request.POST.get(f"{doc_type}-{name}", "") for name in (form.fields if form else ())}
    try:
        made = documents.document_generate(case_id=case.pk, actor=request.user, doc_type=doc_type, data=data)
    except NotFound:
        raise Http404("案件不存在") from None
    except DomainError as exc:
        if form is None:
            messages.error(request, exc.detail)
            return _back(case)
        show_on_form(form, exc)
        forms_ = [
            (code, BY_CODE[code].name, form if code == doc_type else record_form(code))
            for code in FIELD_RECORDS
        ]
        return _refused(request, case, exc, record_forms=forms_, open_record=doc_type)
    messages.success(
        request, "已生成：" + "、".join(f"{d.title}{d.number and '（' + d.number + '）'}" for d in made)
    )
    return _back(case)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES, requirements=requirement_choices(case))
    if not form.is_valid():
        return _refused(request, case, ValidationError("输入有误"), upload_form=form, open_upload=True)
    doc_type, _, key = form.cleaned_data["requirement"].partition("|")
    upload = form.cleaned_data["file"]
    try:
        documents.document_upload(
            case_id=case.pk,
            actor=request.user,
            doc_type=doc_type,
            stream=upload,
            length=upload.size,
            filename=upload.name,
            key=key,
            number=form.cleaned_data["number"],
            issued_on=form.cleaned_data["issued_on"],
            client_address=request.META.get("REMOTE_ADDR", ""),
        )
    except NotFound:
        raise Http404("案件不存在") from None
    except DomainError as exc:
        show_on_form(form, exc)
        return _refused(request, case, exc, upload_form=form, open_upload=True)
    messages.success(request, f"已上传{BY_CODE[doc_type].name}的签字扫描件")
    return _back(case)


@login_required
@require_POST
def document_not_applicable(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    form = NotApplicableForm(request.POST)
    if form.is_valid():
        doc_type, _, key = form.cleaned_data["requirement"].partition("|")
        try:
            document = documents.document_mark_not_applicable(
                case_id=case.pk,
                actor=request.user,
                doc_type=doc_type,
                key=key,
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            raise Http404("案件不存在") from None
        except DomainError as exc:
            show_on_form(form, exc)
            return _refused(request, case, exc, na_form=form)
        messages.success(request, f"已标注不适用：{document.title}")
        return _back(case)
    return _refused(request, case, ValidationError("输入有误"), na_form=form)


def _stream(file: documents.DocumentFile, *, inline: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(file.chunks, content_type=file.content_type)
    if file.size is not None:
        response["Content-Length"] = str(file.size)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(file.filename)}"
    return response


@login_required
def document_download(request: HttpRequest, pk: int, document_id: int, fmt: str) -> HttpResponse:
    case = case_or_404(request, pk)
    document = CaseDocument.objects.filter(case=case, pk=document_id).select_related("evidence").first()
    if document is None or fmt not in ("docx", "pdf", "scan"):
        raise Http404("文书不存在")
    try:
        file = documents.document_file(document=document, fmt=fmt)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _back(case)
    return _stream(file, inline=fmt != "docx")


@login_required
def casefile_download(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_or_404(request, pk)
    try:
        file = documents.casefile_file(case=case)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _back(case)
    return _stream(file, inline=True)
