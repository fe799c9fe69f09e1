"""The documents of a case on its page (documents app, issue 7): the file in statutory order with each
document's download, what the checklist still lacks, field records made on request, signed scans,
marking a document not applicable, and the electronic case file of an archived case."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from casefiles.models import Case
from core.errors import DomainError, NotFound
from documents import services as documents
from documents.catalogue import BY_CODE, STAGE_LABELS
from documents.models import CaseDocument
from documents.selectors import casefile_of, documents_of, missing_documents, required_documents
from web.errors import show_on_form, status_of
from web.forms import DateInput, DateTimeInput, DocumentUploadForm, NotApplicableForm
from web.selectors import case_for_page

# The field records an officer makes on request (现场检查记录, 询问笔录, 责令限期整改指令书).
FIELD_RECORDS = tuple(documents.INPUTS)


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    case = case_for_page(user=request.user, pk=pk)
    if case is None:
        raise Http404("案件不存在")
    return case


def record_form(doc_type: str, data: Any = None) -> forms.Form:
    form = documents.INPUTS[doc_type](data=data, prefix=doc_type, label_suffix="")
    for f in form.fields.values():
        if isinstance(f, forms.DateTimeField):
            f.widget = DateTimeInput()
        elif isinstance(f, forms.DateField):
            f.widget = DateInput()
        elif f.max_length and f.max_length > 1000:
            f.widget = forms.Textarea(attrs={"rows": 4})
    return form


def _requirement_choices(case: Case) -> list[tuple[str, str]]:
    return [
        (f"{r.doc_type}|{r.key}", f"{r.label}（{STAGE_LABELS[r.stage]}）")
        for r in required_documents(case=case)
    ] or [(f"{code}|", BY_CODE[code].name) for code in FIELD_RECORDS]


def documents_context(case: Case, user: User, **overrides: Any) -> dict[str, Any]:
    """What the documents section of the case page shows (shared with the document views' errors)."""
    missing = missing_documents(case=case)
    context = {
        "documents": documents_of(case=case),
        "missing_documents": [
            {
                "value": f"{r.doc_type}|{r.key}",
                "label": r.label,
                "stage": STAGE_LABELS[r.stage],
                "required_by": "结案" if r.required_by == "close" else "归档",
                "on_request": r.doc_type in FIELD_RECORDS,
            }
            for r in missing
        ],
        "casefile": casefile_of(case=case),
        "record_forms": [(code, BY_CODE[code].name, record_form(code)) for code in FIELD_RECORDS],
        "upload_form": DocumentUploadForm(requirements=_requirement_choices(case)),
        "na_form": NotApplicableForm(),
    }
    context.update(overrides)
    return context


def _refused(
    request: HttpRequest, case: Case, exc: DomainError | ValidationError, **forms_: Any
) -> HttpResponse:
    """Back to the case page with the refusal shown on the form that was sent."""
    from web.case_views import render_case_page

    return render_case_page(request, case, status=status_of(exc), documents=forms_)


def _back(case: Case) -> HttpResponse:
    return redirect(reverse("case-detail", args=[case.pk]) + "#documents")


@login_required
@require_POST
def document_generate(request: HttpRequest, pk: int, doc_type: str) -> HttpResponse:
    case = _case_or_404(request, pk)
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
    case = _case_or_404(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES, requirements=_requirement_choices(case))
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
    case = _case_or_404(request, pk)
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
    case = _case_or_404(request, pk)
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
    case = _case_or_404(request, pk)
    try:
        file = documents.casefile_file(case=case)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _back(case)
    return _stream(file, inline=True)
