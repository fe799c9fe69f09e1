"""案卷评查 pages (issue 10 item 4) on the review app's services and selectors (issue 8): campaign set-up,
drawing the sample and assigning reviewers (双随机), the score sheet beside the case file, second review,
rectification, and the results. Who may do what is the review services' decision; a refusal is shown
on the page with the API's status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import organisation_policy, visible_organisations
from casefiles.models import Case, Evidence
from core.errors import DomainError, InvalidInput
from documents.models import CaseDocument
from documents.selectors import casefile_of
from documents.services import casefile_file, document_file
from law.states import CaseState
from review import services
from review.models import Campaign, Rectification, ScoreSheet, ScoringStandard
from review.selectors import (
    campaign_results,
    campaign_visible,
    campaigns_visible_to,
    casefile_documents,
    may_manage,
    rectifications_visible_to,
    samples_of,
    sheet_visible,
    standard_detail,
)
from review.selectors import sheet_detail as sheet_read_model  # this module's sheet_detail is the page
from web.errors import form_page, found_or_404, show_on_form
from web.forms import DateInput, UserMultipleChoice, WebForm
from workflow.checklist import missing_items
from workflow.selectors import legal_checks_of

# --- forms ------------------------------------------------------------------------------------------------------


class CampaignForm(WebForm):
    name = forms.CharField(label="名称", max_length=200)
    kind = forms.ChoiceField(label="评查方式", choices=Campaign.Kind.choices)
    organiser = forms.ModelChoiceField(label="组织机构", queryset=Organisation.objects.none())
    period_start = forms.DateField(label="案卷结案起始日", widget=DateInput)
    period_end = forms.DateField(label="案卷结案截止日", widget=DateInput)
    standard = forms.ModelChoiceField(label="评查标准", queryset=ScoringStandard.objects.none())
    procedure = forms.ChoiceField(
        label="程序", required=False, choices=[("", "普通程序和简易程序"), *Case.Procedure.choices]
    )
    sample_percent = forms.DecimalField(
        label="抽取比例（%）", max_digits=5, decimal_places=2, initial=Decimal("5")
    )
    sample_min = forms.IntegerField(label="每个机构至少抽取（件）", min_value=0, max_value=1000, initial=3)
    second_review_on_fail = forms.BooleanField(
        label="不合格案卷须第二名评查人员复核", required=False, initial=True
    )
    organisations = forms.ModelMultipleChoiceField(
        label="被评查机构", queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reviewers = UserMultipleChoice(
        label="评查人员", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisations.order_by("path")
        self.fields["organisations"].queryset = organisations.order_by("path")
        self.fields["standard"].queryset = ScoringStandard.objects.filter(active=True).order_by(
            "code", "-version"
        )
        self.fields["reviewers"].queryset = (
            User.objects.filter(
                organisation__in=organisations, role_assignments__role=Role.CASEFILE_REVIEWER, is_active=True
            )
            .distinct()
            .order_by("organisation__path", "username")
        )


class DeductionForm(WebForm):
    item = forms.ChoiceField(label="扣分项")
    occurrences = forms.IntegerField(label="处数", min_value=1, max_value=99, initial=1)
    points_each = forms.DecimalField(
        label="每处扣分（固定扣分可不填）", required=False, max_digits=6, decimal_places=2
    )
    reason = forms.CharField(label="扣分理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class VetoForm(WebForm):
    veto = forms.ChoiceField(label="否决项")
    reason = forms.CharField(label="理由", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class OpinionForm(WebForm):
    opinion = forms.CharField(
        label="评查意见", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


EVENT_LABELS = {
    "assigned": "分配评查人员",
    "deduction_added": "扣分",
    "deduction_removed": "删除扣分",
    "veto_added": "记录否决项",
    "veto_removed": "删除否决项",
    "suggestion_confirmed": "确认扣分建议",
    "suggestion_dismissed": "排除扣分建议",
    "submitted": "提交评查表",
    "second_review_confirmed": "复核同意",
    "second_review_returned": "复核退回",
    "rectification_issued": "下发整改",
}


# --- campaigns ----------------------------------------------------------------------------------------------------


def _managed_organisations(user: User) -> Any:
    """Organisations whose campaigns this user may set up (the service checks it again)."""
    if user.is_superuser or user.has_role(Role.ADMIN) or user.has_role(Role.AGENCY_HEAD):
        return visible_organisations(user=user)
    return Organisation.objects.none()


@login_required
def review_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    campaigns = Paginator(
        campaigns_visible_to(user=user)
        .select_related("organiser", "standard")
        .order_by("-created_at", "-pk"),
        20,
    ).get_page(request.GET.get("page"))
    mine = (
        ScoreSheet.objects.filter(reviewer=user, status=ScoreSheet.Status.DRAFT)
        | ScoreSheet.objects.filter(second_reviewer=user, status=ScoreSheet.Status.SECOND_REVIEW)
    ).select_related("campaign", "case__organisation", "case__party")
    rectifications = (
        rectifications_visible_to(user=user)
        .filter(status=Rectification.Status.OPEN)
        .select_related("case", "organisation")
        .order_by("due_on", "pk")[:20]
    )
    return render(
        request,
        "web/review/home.html",
        {
            "campaigns": campaigns,
            "mine": mine.order_by("created_at", "pk"),
            "rectifications": rectifications,
            "may_set_up": _managed_organisations(user).exists(),
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    organisations = _managed_organisations(request.user)
    today = timezone.localdate()
    form = CampaignForm(
        request.POST or None,
        organisations=organisations,
        initial={
            "organiser": request.user.organisation_id,
            "organisations": [request.user.organisation_id] if request.user.organisation_id else [],
            "period_start": today.replace(month=1, day=1),
            "period_end": today,
            "standard": ScoringStandard.objects.filter(active=True).order_by("code", "-version").first(),
            "name": f"{today.year}年度行政处罚案卷评查",
        },
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        campaign = services.campaign_create(
            actor=request.user,
            organiser=data["organiser"],
            settings=services.CampaignSettings(
                name=data["name"],
                kind=data["kind"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                standard=data["standard"],
                organisations=list(data["organisations"]),
                reviewers=list(data["reviewers"]),
                sample_percent=data["sample_percent"],
                sample_min=data["sample_min"],
                procedure=data["procedure"],
                second_review_on_fail=data["second_review_on_fail"],
            ),
        )
        messages.success(request, f"已设立评查活动：{campaign.name}")
        return redirect("review-campaign", campaign.pk)

    return form_page(request, form, save, "web/review/campaign_form.html", refusals=(DomainError,))


def _campaign_or_404(request: HttpRequest, pk: int) -> Campaign:
    return found_or_404(campaign_visible(user=request.user, campaign_id=pk), "评查活动不存在")


def _campaign_page(
    request: HttpRequest, campaign: Campaign, *, refusal: DomainError | None = None
) -> HttpResponse:
    has_sheets = campaign.status in (Campaign.Status.REVIEWING, Campaign.Status.FINISHED)
    # What may be done next is the campaign's state machine's answer (allowed, or why not).
    options = services.campaign_available_transitions(campaign=campaign, actor=request.user)
    return render(
        request,
        "web/review/campaign.html",
        {
            "campaign": campaign,
            "actions": [o for o in options if o.permitted],
            "organisations": campaign.organisations.order_by("path"),
            "reviewers": campaign.reviewers.select_related("organisation").order_by("username"),
            "samples": samples_of(campaign=campaign),
            "results": campaign_results(campaign=campaign) if has_sheets else None,
            "may_manage": may_manage(user=request.user, organiser=campaign.organiser),
            "refusal": refusal,
        },
        status=refusal.status if refusal else 200,
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_page(request, _campaign_or_404(request, pk))


CAMPAIGN_ACTIONS = {
    "sample": (
        "已抽取案卷",
        lambda request, campaign: services.campaign_draw_sample(
            campaign_id=campaign.pk, actor=request.user, seed=(request.POST.get("seed") or "").strip() or None
        ),
    ),
    "assign": (
        "已随机分配评查人员",
        lambda request, campaign: services.campaign_assign(campaign_id=campaign.pk, actor=request.user),
    ),
    "finish": (
        "评查活动已结束",
        lambda request, campaign: services.campaign_finish(campaign_id=campaign.pk, actor=request.user),
    ),
}


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    if action not in CAMPAIGN_ACTIONS:
        raise Http404("没有这个操作")
    done, run = CAMPAIGN_ACTIONS[action]
    try:
        run(request, campaign)
    except DomainError as exc:
        return _campaign_page(request, _campaign_or_404(request, pk), refusal=exc)
    messages.success(request, done)
    return redirect("review-campaign", campaign.pk)


# --- score sheets ----------------------------------------------------------------------------------------------


def _sheet_or_404(request: HttpRequest, pk: int) -> ScoreSheet:
    return found_or_404(sheet_visible(user=request.user, sheet_id=pk), "评查表不存在")


def _sheet_page(
    request: HttpRequest,
    sheet: ScoreSheet,
    *,
    status: int = 200,
    refusal: DomainError | None = None,
    **forms_: Any,
) -> HttpResponse:
    sheet = sheet_read_model(sheet=sheet)
    standard = standard_detail(standard_id=sheet.campaign.standard_id)
    assert standard is not None
    items = [
        (i.code, f"{i.code} {i.text}（每处 {i.deduction_min}–{i.deduction_max} 分）")
        for c in standard.categories.all()
        for i in c.items.all()
    ]
    vetoes = [(v.code, f"{v.code} {v.text}") for v in standard.vetoes.all()]
    deduction_form = forms_.get("deduction_form") or DeductionForm()
    deduction_form.fields["item"].choices = items
    veto_form = forms_.get("veto_form") or VetoForm()
    veto_form.fields["veto"].choices = vetoes
    case = (
        Case.objects.select_related("organisation", "party", "violation_type")
        .prefetch_related("officers")
        .get(pk=sheet.case_id)
    )
    return render(
        request,
        "web/review/sheet.html",
        {
            "sheet": sheet,
            "case": case,
            "standard": standard,
            "score": sheet.current,
            "deductions": sheet.deduction_rows,
            "veto_findings": sheet.veto_rows,
            # Those still to decide first (the status codes sort so: confirmed, dismissed, pending).
            "suggestions": sorted(sheet.suggestion_rows, key=lambda s: (s.status, s.pk)),
            "events": [(e, EVENT_LABELS.get(e.action, e.action)) for e in sheet.event_rows],
            "editable": sheet.status == ScoreSheet.Status.DRAFT and sheet.reviewer_id == request.user.pk,
            "second_reviewing": sheet.status == ScoreSheet.Status.SECOND_REVIEW
            and sheet.second_reviewer_id == request.user.pk,
            "may_manage": may_manage(user=request.user, organiser=sheet.campaign.organiser),
            "deduction_form": deduction_form,
            "veto_form": veto_form,
            "opinion_form": forms_.get("opinion_form") or OpinionForm(initial={"opinion": sheet.opinion}),
            "refusal": refusal,
            "documents": casefile_documents(case=case),
            "casefile": casefile_of(case=case),
            "evidence": Evidence.objects.filter(case=case).order_by("created_at", "pk"),
            "checks": legal_checks_of(case=case),
            "missing": missing_items(case, organisation_policy(organisation=case.organisation)),
            "archived": case.state == CaseState.ARCHIVED,
            "rectifications": sheet.rectification_rows,
        },
        status=status,
    )


@login_required
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _sheet_page(request, _sheet_or_404(request, pk))


def _decimal(raw: str | None) -> Decimal | None:
    try:
        return Decimal(raw) if raw not in (None, "") else None
    except ArithmeticError:
        raise InvalidInput("请输入数字", errors={"points_each": ["请输入数字"]}) from None


def _posted_code_form(
    form_class: type[forms.Form], post: Any, field: str, forms_: dict[str, Any], key: str
) -> dict[str, Any]:
    """A deduction or veto form as posted, kept in `forms_` to be shown again if refused. Its code field
    offers just the posted code: the service checks the code against the sheet's standard."""
    form = form_class(post)
    form.fields[field].choices = [(post.get(field, ""), post.get(field, ""))]
    forms_[key] = form
    if not form.is_valid():
        raise InvalidInput("输入有误", errors={})
    return form.cleaned_data


@login_required
@require_POST
def sheet_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One change to a score sheet: one review service each."""
    sheet = _sheet_or_404(request, pk)
    post = request.POST
    user = request.user
    forms_: dict[str, Any] = {}
    try:
        if action == "deduct":
            data = _posted_code_form(DeductionForm, post, "item", forms_, "deduction_form")
            services.sheet_deduction_add(
                sheet_id=sheet.pk,
                actor=user,
                item_code=data["item"],
                reason=data["reason"],
                occurrences=data["occurrences"],
                points_each=data["points_each"],
            )
            done = "已记录扣分"
        elif action == "veto":
            data = _posted_code_form(VetoForm, post, "veto", forms_, "veto_form")
            services.sheet_veto_add(
                sheet_id=sheet.pk, actor=user, veto_code=data["veto"], reason=data["reason"]
            )
            done = "已记录否决项"
        elif action == "undeduct":
            services.sheet_deduction_remove(
                sheet_id=sheet.pk, deduction_id=int(post.get("id") or 0), actor=user
            )
            done = "已删除扣分"
        elif action == "unveto":
            services.sheet_veto_remove(sheet_id=sheet.pk, finding_id=int(post.get("id") or 0), actor=user)
            done = "已删除否决项"
        elif action == "confirm":
            services.suggestion_confirm(
                sheet_id=sheet.pk,
                suggestion_id=int(post.get("id") or 0),
                actor=user,
                points_each=_decimal(post.get("points_each")),
                reason=post.get("reason") or None,
            )
            done = "已确认扣分建议"
        elif action == "dismiss":
            services.suggestion_dismiss(
                sheet_id=sheet.pk,
                suggestion_id=int(post.get("id") or 0),
                actor=user,
                note=post.get("note", ""),
            )
            done = "已排除扣分建议"
        elif action == "submit":
            form = OpinionForm(post)
            forms_["opinion_form"] = form
            form.is_valid()
            sheet = services.sheet_submit(
                sheet_id=sheet.pk, actor=user, opinion=form.cleaned_data.get("opinion", "")
            )
            done = f"评查表已提交：{sheet.score} 分，{sheet.get_grade_display()}"
        elif action == "second":
            services.sheet_second_review(
                sheet_id=sheet.pk, actor=user, agree=post.get("agree") == "1", opinion=post.get("opinion", "")
            )
            done = "已完成复核"
        elif action == "rectify":
            services.rectification_issue(sheet_id=sheet.pk, actor=user, due_on=None)
            done = "已下发整改事项"
        else:
            raise Http404("没有这个操作")
    except (DomainError, ValueError) as exc:
        error = exc if isinstance(exc, DomainError) else InvalidInput("输入有误：编号无效")
        for form in forms_.values():
            if isinstance(error, InvalidInput) and not error.errors and error.detail == "输入有误":
                continue  # the form's own errors are on it already
            show_on_form(form, error)
        shown_on_form = isinstance(error, InvalidInput) and bool(forms_)
        return _sheet_page(
            request,
            _sheet_or_404(request, pk),
            status=error.status,
            refusal=None if shown_on_form else error,
            **forms_,
        )
    messages.success(request, done)
    return redirect(reverse("review-sheet", args=[sheet.pk]) + ("#standard" if action != "submit" else ""))


# --- the case file, for the sheet's reviewers (the sheet is their permission) -------------------------------


def _stream(file: Any, *, inline: bool) -> StreamingHttpResponse:
    response = StreamingHttpResponse(file.chunks, content_type=file.content_type)
    if file.size is not None:
        response["Content-Length"] = str(file.size)
    response["Content-Disposition"] = (
        f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(file.filename)}"
    )
    return response


@login_required
@xframe_options_sameorigin
def sheet_casefile(request: HttpRequest, pk: int) -> HttpResponse:
    """The electronic case file (PDF) shown beside the score sheet: framed by this site only."""
    sheet = _sheet_or_404(request, pk)
    try:
        file = casefile_file(case=Case.objects.get(pk=sheet.case_id))
    except DomainError as exc:
        return HttpResponse(exc.detail, status=exc.status, content_type="text/plain; charset=utf-8")
    response = _stream(file, inline=True)
    response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


@login_required
def sheet_document(request: HttpRequest, pk: int, document_id: int, fmt: str) -> HttpResponse:
    sheet = _sheet_or_404(request, pk)
    document = (
        CaseDocument.objects.filter(case_id=sheet.case_id, pk=document_id).select_related("evidence").first()
    )
    if document is None or fmt not in ("docx", "pdf", "scan"):
        raise Http404("文书不存在")
    try:
        file = document_file(document=document, fmt=fmt)
    except DomainError as exc:
        return HttpResponse(exc.detail, status=exc.status, content_type="text/plain; charset=utf-8")
    return _stream(file, inline=fmt != "docx")


@login_required
@require_POST
def rectification_complete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.rectification_complete(
            rectification_id=pk, actor=request.user, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "已报告整改完成")
    return redirect("review-home")
