"""执法检查: the list of inspections of the user's subtree and recording one; a case is opened from an
inspection on the case form (web.case_views.case_create, ?inspection=id)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.roles import Role
from accounts.selectors import visible_organisations
from casefiles.services import inspection_record
from web.errors import form_page
from web.forms import InspectionForm
from web.selectors import inspections_visible_to


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(inspections_visible_to(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "web/inspection_list.html", {"page": page})


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    organisations = visible_organisations(user=request.user)
    form = InspectionForm(
        request.POST or None,
        organisations=organisations,
        initial={"organisation": request.user.organisation_id, "officers": [request.user.pk]},
    )
    # casefiles.services.inspection_record takes the role as checked by its caller (the API
    # checks it the same way); the organisation and officers are limited to the subtree by the form.
    if request.method == "POST" and not request.user.has_role(Role.OFFICER):
        form.is_valid()
        form.add_error(None, "只有执法人员可以登记执法检查")
        return render(request, "web/inspection_form.html", {"form": form}, status=403)

    def save(data: dict[str, Any]) -> HttpResponse:
        # A new party is created by the service in its transaction, with the inspection.
        inspection = inspection_record(
            actor=request.user,
            organisation=data["organisation"],
            inspected_on=data["inspected_on"],
            party=form.party_ref(),
            officers=data["officers"],
            violations_found=data["violations_found"],
            rectification_order=data["rectification_order"],
            documents_issued=data["documents_issued"],
            notes=data["notes"],
        )
        messages.success(request, f"已登记执法检查：{inspection}")
        return redirect("inspections")

    return form_page(request, form, save, "web/inspection_form.html", refusals=(ValidationError,))
