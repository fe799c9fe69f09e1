"""案审委员会会议: recording one sitting of the committee with several cases on its agenda
(workflow.services.meeting_record); each case is then concluded on its own step page (集体讨论决定),
choosing the sitting, with its own votes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import visible_organisations
from casefiles.selectors import cases_visible_to
from law.states import CaseState
from web.errors import form_page
from web.forms import MeetingForm
from web.selectors import meetings_for
from workflow.services import meeting_record


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        meetings_for(user=request.user).prefetch_related("attendees", "deliberations"), 20
    ).get_page(request.GET.get("page"))
    waiting = (
        cases_visible_to(user=request.user)
        .filter(state=CaseState.DELIBERATION)
        .select_related("organisation", "party")
        .order_by("current_deadline", "pk")[:50]
    )
    return render(request, "web/meeting_list.html", {"page": page, "waiting": waiting})


def _organisation(request: HttpRequest, organisations: object) -> Organisation | None:
    raw = request.POST.get("organisation") or request.GET.get("organisation") or request.user.organisation_id
    return visible_organisations(user=request.user).filter(pk=raw).first() if str(raw).isdigit() else None


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    organisations = visible_organisations(user=request.user)
    organisation = _organisation(request, organisations) or organisations.order_by("path").first()
    committee = (
        User.objects.filter(
            organisation=organisation, role_assignments__role=Role.COMMITTEE_MEMBER, is_active=True
        )
        .distinct()
        .order_by("username")
    )
    chairs = (
        User.objects.filter(
            organisation=organisation, role_assignments__role=Role.AGENCY_HEAD, is_active=True
        )
        .distinct()
        .order_by("username")
    )
    cases = (
        cases_visible_to(user=request.user)
        .filter(organisation=organisation, state=CaseState.DELIBERATION)
        .select_related("party")
        .order_by("pk")
    )
    form = MeetingForm(
        request.POST or None,
        organisations=organisations,
        committee=committee,
        chairs=chairs,
        cases=cases,
        initial={
            "organisation": organisation.pk if organisation else None,
            "invited": list(committee),
            "cases": [c.pk for c in cases if str(c.pk) in request.GET.getlist("case")],
        },
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        meeting = meeting_record(
            actor=request.user,
            organisation=data["organisation"],
            held_at=data["held_at"],
            minutes=data["minutes"],
            attendees=data["attendees"],
            invited=data["invited"],
            case_ids=[c.pk for c in data["cases"]],
            chair=data["chair"],
        )
        messages.success(
            request,
            f"已登记案审会议（{meeting.cases.count()} 个议题）。请在各案件的“集体讨论决定”中选择本次会议，逐案记录表决。",
        )
        return redirect("meetings")

    return form_page(request, form, save, "web/meeting_form.html", {"organisation": organisation})
