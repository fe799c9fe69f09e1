"""The case page and its documents section: what a case looks like to the person working on it.
The case views and the document views both answer with it (a refused document form is shown on it)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from casefiles.models import Case, Evidence, Hearing, LegalCheck
from casefiles.selectors import av_coverage
from documents import services as documents
from documents.catalogue import BY_CODE, STAGE_LABELS
from documents.selectors import casefile_of, documents_of, missing_documents, required_documents
from law.findings import RESULT_LABELS
from law.penalties import Penalty
from law.predicates import certificate_valid
from web.diagram import case_diagram
from web.forms import DateInput, DateTimeInput, DocumentUploadForm, NotApplicableForm
from web.selectors import timeline
from workflow import services as workflow
from workflow.selectors import deliberations_of, legal_checks_of
from workflow.services import EDITABLE_STATES

# The field records an officer makes on request (现场检查记录, 询问笔录, 责令限期整改指令书).
FIELD_RECORDS = tuple(documents.INPUTS)


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


def requirement_choices(case: Case) -> list[tuple[str, str]]:
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
        "upload_form": DocumentUploadForm(requirements=requirement_choices(case)),
        "na_form": NotApplicableForm(),
    }
    context.update(overrides)
    return context


def render_case_page(
    request: HttpRequest, case: Case, *, status: int = 200, documents: dict[str, Any] | None = None
) -> HttpResponse:
    """The case page; a document form the service refused is passed in `documents` to be shown
    with its errors (web.document_views)."""
    today = timezone.localdate()
    conclusions = dict(LegalCheck.Conclusion.choices)
    checks = list(legal_checks_of(case=case))
    for check in checks:
        check.point_rows = [
            {**p, "conclusion_label": conclusions.get(p["conclusion"], p["conclusion"])} for p in check.points
        ]
    findings = [
        {**f.as_dict(), "label": RESULT_LABELS[f.result]}
        for f in workflow.case_precheck(case_id=case.pk, actor=request.user)
    ]
    officers = [
        {
            "user": o,
            "certificates": [c for c in o.certificates.all() if certificate_valid(c, today)],
        }
        for o in case.officers.all()
    ]
    activities = list(case.activities.order_by("occurred_at", "pk"))
    return render(
        request,
        "web/case.html",
        {
            "case": case,
            "today": today,
            "diagram": case_diagram(case),
            "transitions": workflow.case_available_transitions(case=case, actor=request.user),
            "editable": case.state in EDITABLE_STATES,
            "officers": officers,
            "penalties": {
                "proposed": Penalty.from_json(case.proposed_penalty),
                "noticed": Penalty.from_json(case.noticed_penalty) if case.noticed_penalty else None,
                "decided": Penalty.from_json(case.decided_penalty) if case.decided_penalty else None,
            },
            "findings": findings,
            "checks": checks,
            "hearing": Hearing.objects.filter(case=case).select_related("hearing_officer").first(),
            "deliberations": deliberations_of(case=case),
            "evidence": Evidence.objects.filter(case=case)
            .select_related("activity", "officer")
            .order_by("pk"),
            "coverage": av_coverage(case=case),
            "activities": activities,
            "history": timeline(case=case),
            **documents_context(case, request.user, **(documents or {})),
        },
        status=status,
    )
