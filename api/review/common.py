"""What the review API's modules share: coded fields, pagination, the reference to a standard, and
finding the campaign or score sheet a request names among those the user may see (else 404)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from core.errors import NotFound
from review.models import Campaign, ScoreSheet, ScoringStandard
from review.selectors import campaign_visible, sheet_visible

POINTS = {"max_digits": 5, "decimal_places": 2}


def coded(values: list[str], *, choice: bool = False) -> type[serializers.Field]:
    """A field holding one of these codes, documented as a pattern: drf-spectacular names an enum
    after the field, and "kind"/"status" already name other choice sets in the API."""
    pattern = "^(" + "|".join(re.escape(v) for v in values) + ")$"
    base = serializers.ChoiceField if choice else serializers.CharField

    @extend_schema_field({"type": "string", "pattern": pattern})
    class Coded(base):  # type: ignore[valid-type, misc]
        def __init__(self, **kwargs: Any) -> None:
            if choice:
                kwargs.setdefault("choices", values)
            super().__init__(**kwargs)

    return Coded


CampaignKindField = coded(Campaign.Kind.values)
CampaignStatusField = coded(Campaign.Status.values)
SheetStatusField = coded(ScoreSheet.Status.values)


class StandardRef(serializers.ModelSerializer):
    class Meta:
        model = ScoringStandard
        fields = ["id", "code", "version", "name"]


def campaign_or_404(request: Request, pk: int) -> Campaign:
    campaign = campaign_visible(user=request.user, campaign_id=pk)
    if campaign is None:
        raise NotFound("评查活动不存在")
    return campaign


def sheet_or_404(request: Request, pk: int) -> ScoreSheet:
    sheet = sheet_visible(user=request.user, sheet_id=pk)
    if sheet is None:
        raise NotFound("评查表不存在")
    return sheet
