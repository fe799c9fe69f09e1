"""The party (当事人) a page's form describes, created through casefiles.services.party_create."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from casefiles.models import Party
from casefiles.services import party_create
from web.forms import PartyFields


def party_from_form(form: PartyFields, reuse: Party | None) -> Party:
    """The party the form describes: the one it was prefilled from when its identity is unchanged,
    else a new one (an entity already known by its credit code is reused by party_create)."""
    values = form.party_values()
    if reuse is not None and all(
        getattr(reuse, key) == values[key] for key in ("kind", "name", "credit_code", "id_number")
    ):
        return reuse
    try:
        return party_create(**values)
    except ValidationError as exc:
        # The party's fields are prefixed on the form: party_name, party_credit_code…
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise ValidationError({k if k == "__all__" else f"party_{k}": v for k, v in errors.items()}) from exc
