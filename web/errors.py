"""How the pages show a service's refusal: field errors next to their fields, everything else (a role
missing, a guard unmet, a stale page) as a message above the form, and the HTTP status the API would
give (400/403/404/409/413) so a refusal is never a 200 or a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from casefiles.models import Case
from casefiles.services import PartyInvalid
from core.errors import DomainError, InvalidInput
from web.selectors import case_for_page

T = TypeVar("T")


def found_or_404(found: T | None, message: str) -> T:
    """What the request names, where this user may see it; else the 404 page saying what is missing."""
    if found is None:
        raise Http404(message)
    return found


def case_or_404(request: HttpRequest, pk: int) -> Case:
    return found_or_404(case_for_page(user=request.user, pk=pk), "案件不存在")


def _errors_of(error: DomainError | ValidationError) -> dict[str, list[str]]:
    if isinstance(error, ValidationError):
        raw: dict[str, Any] = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        return {k: [str(m) for m in v] for k, v in raw.items()}
    if not isinstance(error, InvalidInput):
        return {"__all__": [error.detail]}
    errors = {
        k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in error.errors.items()
    }
    # A service that refuses its input says why in its detail; the field errors may be terser ("必填").
    # The summary the service makes of the form's own errors ("输入有误：…") adds nothing.
    shown = {m for messages in errors.values() for m in messages}
    if not error.detail.startswith("输入有误") and error.detail not in shown:
        errors.setdefault("__all__", []).insert(0, error.detail)
    return errors


def show_on_form(form: forms.Form, error: DomainError | ValidationError, *, prefix: str = "") -> None:
    """Put the service's errors on the form: a field's next to it, the rest above the form."""
    if not hasattr(form, "cleaned_data"):
        form.is_valid()
    for name, messages in _errors_of(error).items():
        field = f"{prefix}{name}"
        target = field if field in form.fields else None
        shown = form.errors.get(field if target else "__all__", [])
        for message in messages:
            if message not in shown:
                form.add_error(target, message)


def status_of(error: DomainError | ValidationError) -> int:
    return 400 if isinstance(error, ValidationError) else error.status


def refused(form: forms.Form, error: DomainError | ValidationError) -> int:
    """Show a service's refusal on the form and give the status to answer with. A new party's own
    errors are keyed by its fields, which the form prefixes."""
    show_on_form(form, error, prefix="party_" if isinstance(error, PartyInvalid) else "")
    return status_of(error)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], HttpResponse],
    template: str,
    context: dict[str, Any] | None = None,
    *,
    refusals: tuple[type[DomainError | ValidationError], ...] = (DomainError, ValidationError),
) -> HttpResponse:
    """A page of one form. On a valid POST `save` calls the one service with the cleaned data and
    answers (a redirect); a refusal is shown on the form with the status the API would give, and an
    invalid form is a 400."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                return save(form.cleaned_data)
            except refusals as exc:
                status = refused(form, exc)
        else:
            status = 400
    return render(request, template, {**(context or {}), "form": form}, status=status)
