"""How the pages show a service's refusal: field errors next to their fields, everything else (a role
missing, a guard unmet, a stale page) as a message above the form with the reasons, and the HTTP
status the API would give (400/403/404/409/413) so a refusal is never a 200 or a 500."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.errors import DomainError, InvalidInput


def show_on_form(form: forms.Form, error: DomainError | ValidationError, *, prefix: str = "") -> None:
    """Put the service's field errors on the form (a field the form lacks: above it)."""
    if isinstance(error, ValidationError):
        errors: dict[str, Any] = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
    else:
        errors = error.errors if isinstance(error, InvalidInput) and error.errors else {}
        if not errors:
            return
    if not hasattr(form, "cleaned_data"):
        form.is_valid()
    for name, messages in errors.items():
        field = f"{prefix}{name}"
        target = field if field in form.fields else None
        shown = form.errors.get(field if target else "__all__", [])
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            if str(message) not in shown:
                if target is None and name not in ("__all__", "non_field_errors"):
                    form.add_error(None, f"{message}")
                else:
                    form.add_error(target, str(message))


def status_of(error: DomainError | ValidationError) -> int:
    return 400 if isinstance(error, ValidationError) else error.status
