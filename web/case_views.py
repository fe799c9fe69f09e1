"""Case pages: the list, the case page, opening a case, editing its particulars, recording an activity,
and every workflow step. Each write calls one service; its refusal is shown on the page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import visible_organisations
from casefiles.models import Case
from core.errors import DomainError, InvalidInput, NotFound
from law.penalties import Penalty
from web import steps as web_steps
from web.case_page import render_case_page
from web.errors import case_or_404, form_page, show_on_form
from web.forms import ActivityForm, CaseCreateForm, CaseDetailsForm, CaseFilterForm
from web.selectors import case_search, inspections_visible_to
from workflow import services as workflow

PAGE_SIZE = 30


def _case_url(case: Case, anchor: str = "") -> str:
    return reverse("case-detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    organisations = visible_organisations(user=request.user)
    form = CaseFilterForm(request.GET or None, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = case_search(user=request.user, filters=filters, today=timezone.localdate())
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/case_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": timezone.localdate()},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page: where it stands, what this user may do now (and why not), its particulars,
    penalty, legal checks, hearing, deliberations, documents, evidence with the player, history."""
    return render_case_page(request, case_or_404(request, pk))


# --- opening a case, editing it, recording an activity ------------------------------------------------------


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    """立案登记: a new case, from an inspection (its party, officers and organisation) or fresh."""
    organisations = visible_organisations(user=request.user)
    inspection = None
    inspection_id = request.GET.get("inspection") or request.POST.get("inspection")
    if inspection_id:
        inspection = (
            inspections_visible_to(user=request.user).filter(pk=inspection_id).first()
            if str(inspection_id).isdigit()
            else None
        )
        if inspection is None:
            raise Http404("执法检查记录不存在")
    initial: dict[str, Any] = {"organisation": request.user.organisation_id, "officers": [request.user.pk]}
    if inspection is not None:
        initial.update(CaseCreateForm.initial_from(inspection.party))
        initial.update(
            organisation=inspection.organisation_id,
            origin=Case.Origin.INSPECTION,
            officers=[o.pk for o in inspection.officers.all()],
            facts=inspection.notes,
        )
    form = CaseCreateForm(request.POST or None, initial=initial, organisations=organisations)

    def save(data: dict[str, Any]) -> HttpResponse:
        # A new party is created with the case by the service, in its transaction.
        case = workflow.case_create(
            actor=request.user,
            organisation=data["organisation"],
            title=data["title"],
            origin=data["origin"],
            procedure=data["procedure"],
            party=form.party_ref(inspection.party if inspection else None),
            violation_type=data["violation_type"],
            inspection=inspection,
            facts=data["facts"],
            officers=data["officers"],
        )
        messages.success(request, f"已登记案件：{case.title}")
        return redirect(_case_url(case))

    return form_page(request, form, save, "web/case_form.html", {"inspection": inspection})


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改案情 (drafting or investigating, by a handler): facts, party, violation type, the proposed
    penalty, the handlers, criminal suspicion."""
    case = case_or_404(request, pk)
    organisations = visible_organisations(user=request.user)
    form = CaseDetailsForm(request.POST or None, case=case, organisations=organisations)

    def save(data: dict[str, Any]) -> HttpResponse:
        changes = form.changes()
        if form.party_changed():
            changes["party"] = form.party_ref()
        if changes:
            workflow.case_update_details(
                case_id=case.pk,
                actor=request.user,
                changes=changes,
                expected_version=data["expected_version"],
            )
        messages.success(request, "案情已保存" if changes else "没有修改")
        return redirect(_case_url(case))

    return form_page(request, form, save, "web/case_edit.html", {"case": case})


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    """登记执法活动 (those on the AV list then need a verified recording)."""
    case = case_or_404(request, pk)
    form = ActivityForm(request.POST or None, initial={"occurred_at": timezone.localtime().replace(second=0)})

    def save(data: dict[str, Any]) -> HttpResponse:
        activity = workflow.activity_record(
            case_id=case.pk,
            actor=request.user,
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            place=data["place"],
            note=data["note"],
        )
        messages.success(request, f"已登记执法活动：{activity.get_kind_display()}")
        return redirect(_case_url(case, "evidence"))

    return form_page(request, form, save, "web/activity_form.html", {"case": case})


# --- the steps ----------------------------------------------------------------------------------------------


@login_required
def case_step(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One step of the workflow: its form (the step's own), the reasons it is blocked, and firing it
    through workflow.services.case_transition — the only way a case changes."""
    case = case_or_404(request, pk)
    step = web_steps.step_of(case, code)
    if step is None:
        return render(
            request,
            "web/step_unavailable.html",
            {"case": case, "code": code},
            status=409 if request.method == "POST" else 404,
        )
    option = next(
        (o for o in workflow.case_available_transitions(case=case, actor=request.user) if o.code == code),
        None,
    )
    needs_findings = "points" in step.form.base_fields
    findings = workflow.case_precheck(case_id=case.pk, actor=request.user) if needs_findings else []
    page = web_steps.StepPage()
    status = 200
    if request.method == "POST":
        data = web_steps.data_from_post(step, request.POST, findings)
        version = request.POST.get("expected_version", "")
        try:
            workflow.case_transition(
                case_id=case.pk,
                transition=code,
                actor=request.user,
                data=data,
                expected_version=int(version) if version.isdigit() else None,
            )
        except NotFound:
            raise Http404("案件不存在") from None
        except DomainError as exc:
            form = web_steps.build_form(step, case, data)
            if isinstance(exc, InvalidInput):
                show_on_form(form, exc)
            else:  # a role, a guard or a stale page: above the form, with its reasons
                form.is_valid()
                page.refusal = exc
            status = exc.status
        else:
            messages.success(request, f"已办理：{step.label}")
            return redirect(_case_url(case, "actions"))
        post = request.POST
        page.items_to_fix = post.get("items_to_fix_text", "")
    else:
        form = web_steps.build_form(step, case)
        post = None
    if needs_findings:
        page.points = web_steps.findings_rows(findings, post)
    if "votes" in step.form.base_fields:
        page.votes = web_steps.vote_rows(case, post)
    return render(request, "web/step.html", step_context(case, step, option, form, page), status=status)


def step_context(case: Case, step: Any, option: Any, form: Any, page: web_steps.StepPage) -> dict[str, Any]:
    """What templates/web/step.html shows: the step's form split into the fieldsets it is drawn in."""
    decision = "decision_kind" in form.fields
    return {
        "case": case,
        "step": step,
        "option": option,
        "form": form,
        "page": page,
        "generic_fields": [
            form[name]
            for name in form.fields
            if name not in web_steps.STRUCTURED
            and name not in web_steps.SITTING
            and not (decision and name in web_steps.PENALTY)
            and name not in ("decision_kind", "decision_number", "conclusion")
        ],
        "penalty_fields": [form[n] for n in web_steps.PENALTY if decision and n in form.fields],
        "decision_fields": [form[n] for n in ("decision_kind", "decision_number") if n in form.fields],
        "sitting_fields": [form[n] for n in web_steps.SITTING if n in form.fields],
        "conclusion_field": form["conclusion"] if "conclusion" in form.fields else None,
        "conclusions": web_steps.CONCLUSION_CHOICES,
        "vote_choices": web_steps.VOTE_CHOICES,
        "noticed": Penalty.from_json(case.noticed_penalty) if case.noticed_penalty else None,
        "proposed": Penalty.from_json(case.proposed_penalty),
    }
