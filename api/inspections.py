from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import visible_organisations
from api.docs import api_schema
from api.fields import IdField
from api.idempotency import idempotent
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.permissions import require_role, visible_organisation
from api.serializers import InspectionOut, PartyIn
from casefiles.models import Inspection
from casefiles.services import PartyRef, inspection_record
from core.errors import InvalidInput, NotFound


def inspections_visible_to(user: User):  # type: ignore[no-untyped-def]
    qs = Inspection.objects.select_related("organisation", "party").prefetch_related("officers")
    if not user.is_superuser:
        qs = qs.filter(organisation__in=visible_organisations(user=user))
    return qs.order_by("-inspected_on", "-pk")


def party_ref(*, party_id: int | None, party: dict | None) -> PartyRef:
    """The party an input names: party_id wins over the fields of a new party, as it always has."""
    return PartyRef(id=party_id, fields=None if party_id is not None else party)


def resolve_users(ids: list[int], organisation_scope) -> list[User]:  # type: ignore[no-untyped-def]
    users = list(User.objects.filter(pk__in=ids, organisation__in=organisation_scope))
    missing = sorted(set(ids) - {u.pk for u in users})
    if missing:
        raise InvalidInput(
            "执法人员不存在或不在本机构范围内", errors={"officers": [f"无效的用户ID：{missing}"]}
        )
    return users


@dataclass(frozen=True)
class OfficerRecord:
    """The input of a record officers make (an inspection, a case), checked in the order the API
    always has: the role (403), the input (400), its organisation (404 outside the user's subtree) and
    its officers (400 outside it). `values` holds the rest of the input."""

    values: dict[str, Any]
    scope: QuerySet[Organisation]
    organisation: Organisation
    officers: list[User]


def officer_record(request: Request, serializer: type[serializers.Serializer]) -> OfficerRecord:
    require_role(request.user, Role.OFFICER)
    values = validated(serializer, request.data)
    scope = visible_organisations(user=request.user)
    organisation = visible_organisation(request.user, values.pop("organisation"))
    officers = resolve_users(values.pop("officers"), scope)
    return OfficerRecord(values=values, scope=scope, organisation=organisation, officers=officers)


class InspectionListCreate(APIView):
    pagination_class = PagePagination  # also tells the OpenAPI document the list is paginated

    class Input(serializers.Serializer):
        organisation = IdField()
        inspected_on = serializers.DateField()
        party_id = IdField(required=False)
        party = PartyIn(required=False)
        officers = serializers.ListField(child=IdField(), min_length=1, max_length=20)
        violations_found = serializers.IntegerField(min_value=0, max_value=100000, default=0)
        rectification_order = serializers.BooleanField(default=False)
        documents_issued = serializers.IntegerField(min_value=0, max_value=100000, default=0)
        notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)

        class Meta:
            ref_name = "InspectionCreateInput"

    @api_schema(responses=InspectionOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        return paginate(self, request, inspections_visible_to(request.user), InspectionOut)

    @api_schema(request=Input, responses={201: InspectionOut}, errors=(400, 401, 403, 404), idempotent=True)
    @idempotent
    def post(self, request: Request) -> Response:
        record = officer_record(request, self.Input)
        values = record.values
        party = party_ref(party_id=values.pop("party_id", None), party=values.pop("party", None))
        inspection = inspection_record(
            actor=request.user,
            organisation=record.organisation,
            party=party,
            officers=record.officers,
            **values,
        )
        return Response(
            InspectionOut(inspections_visible_to(request.user).get(pk=inspection.pk)).data, status=201
        )


class InspectionDetail(APIView):
    @api_schema(responses=InspectionOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        inspection = inspections_visible_to(request.user).filter(pk=pk).first()
        if inspection is None:
            raise NotFound("执法检查记录不存在")
        return Response(InspectionOut(inspection).data)
