from __future__ import annotations

from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation, User
from accounts.selectors import organisation_subtree, visible_organisations
from api.docs import api_schema
from api.fields import IdField
from api.idempotency import idempotent
from api.inputs import validated
from api.inspections import officer_record, party_ref, resolve_users
from api.pagination import HistoryPagination, PagePagination, paginate
from api.serializers import CaseEventOut, CaseListOut, CaseOut, PartyIn, PenaltyIO, ViolationTypeOut
from casefiles.models import BenchmarkLevel, Case, Inspection, ViolationType
from casefiles.selectors import cases_visible_to, overdue_q
from core.errors import InvalidInput, NotFound
from law.penalties import Penalty
from law.states import CaseState
from workflow import services
from workflow.selectors import case_history
from workflow.steps import CODES


def visible_case(user: User, pk: int) -> Case:
    case = (
        cases_visible_to(user=user)
        .select_related("organisation", "party", "violation_type")
        .prefetch_related("officers")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound("案件不存在")
    return case


class CaseFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=CaseState.choices)
    organisation = filters.NumberFilter(method="in_subtree", label="机构（含下级）")
    year = filters.NumberFilter(field_name="year")
    procedure = filters.ChoiceFilter(choices=Case.Procedure.choices)
    major = filters.BooleanFilter(field_name="is_major")
    overdue = filters.BooleanFilter(method="filter_overdue")
    q = filters.CharFilter(method="search", label="案号或当事人")

    class Meta:
        model = Case
        fields = ["state", "organisation", "year", "procedure", "major", "overdue", "q"]

    def in_subtree(self, queryset, name, value):  # type: ignore[no-untyped-def]
        organisation = Organisation.objects.filter(pk=value).first()
        if organisation is None:
            return queryset.none()
        return queryset.filter(organisation__in=organisation_subtree(organisation=organisation))

    def filter_overdue(self, queryset, name, value):  # type: ignore[no-untyped-def]
        q = overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)

    def search(self, queryset, name, value):  # type: ignore[no-untyped-def]
        value = value.strip()[:100]
        if not value:
            return queryset
        from django.db.models import Q

        return queryset.filter(
            Q(number__icontains=value) | Q(party__name__icontains=value) | Q(title__icontains=value)
        )


class CaseListCreate(APIView):
    pagination_class = PagePagination  # also tells the OpenAPI document the list is paginated

    class Input(serializers.Serializer):
        organisation = IdField()
        title = serializers.CharField(max_length=200)
        origin = serializers.ChoiceField(choices=Case.Origin.choices)
        procedure = serializers.ChoiceField(choices=Case.Procedure.choices, default=Case.Procedure.GENERAL)
        party_id = IdField(required=False)
        party = PartyIn(required=False)
        violation_type = IdField(required=False, allow_null=True)
        inspection = IdField(required=False, allow_null=True)
        facts = serializers.CharField(required=False, allow_blank=True, default="", max_length=50000)
        officers = serializers.ListField(child=IdField(), max_length=20, default=list)

        class Meta:
            ref_name = "CaseCreateInput"

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int, description="页码，从 1 开始"),
            OpenApiParameter("page_size", int, description="每页条数，最多 200"),
            OpenApiParameter(
                "state", OpenApiTypes.STR, many=True, enum=CaseState.values, description="状态，可重复"
            ),
            OpenApiParameter("organisation", int, description="机构ID（含其下级机构）"),
            OpenApiParameter("year", int, description="立案年度"),
            OpenApiParameter("procedure", OpenApiTypes.STR, enum=Case.Procedure.values),
            OpenApiParameter("major", bool, description="是否重大案件"),
            OpenApiParameter("overdue", bool, description="是否已超期"),
            OpenApiParameter("q", OpenApiTypes.STR, description="案号、当事人或案由中的文字"),
        ]
    )
    @api_schema(responses=CaseListOut(many=True), errors=(400, 401), paginated=True)
    def get(self, request: Request) -> Response:
        queryset = cases_visible_to(user=request.user).select_related("organisation", "party").order_by("-pk")
        filtered = CaseFilter(request.query_params, queryset=queryset, request=request)
        if not filtered.is_valid():
            raise InvalidInput("筛选条件有误", errors={k: list(v) for k, v in filtered.errors.items()})
        return paginate(self, request, filtered.qs, CaseListOut)

    @api_schema(request=Input, responses={201: CaseOut}, errors=(400, 401, 403, 404), idempotent=True)
    @idempotent
    def post(self, request: Request) -> Response:
        record = officer_record(request, self.Input)
        values = record.values
        violation_type = _violation_type(values.pop("violation_type", None))
        inspection = _inspection(values.pop("inspection", None), record.scope)
        party_id, party = values.pop("party_id", None), values.pop("party", None)
        # The service creates a new party with the case, in its own transaction.
        case = services.case_create(
            actor=request.user,
            organisation=record.organisation,
            party=party_ref(party_id=party_id, party=party) if (party_id or party) else None,
            violation_type=violation_type,
            inspection=inspection,
            officers=record.officers,
            **values,
        )
        return Response(CaseOut(visible_case(request.user, case.pk)).data, status=201)


def _violation_type(pk: int | None) -> ViolationType | None:
    if pk is None:
        return None
    found = ViolationType.objects.filter(pk=pk, active=True).first()
    if found is None:
        raise InvalidInput("违法行为类型不存在", errors={"violation_type": ["不存在"]})
    return found


def _inspection(pk: int | None, scope) -> Inspection | None:  # type: ignore[no-untyped-def]
    if pk is None:
        return None
    found = Inspection.objects.filter(pk=pk, organisation__in=scope).first()
    if found is None:
        raise InvalidInput("执法检查记录不存在", errors={"inspection": ["不存在"]})
    return found


class CaseDetail(APIView):
    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        facts = serializers.CharField(max_length=50000, required=False, allow_blank=True)
        party_id = IdField(required=False)
        party = PartyIn(required=False)
        violation_type = IdField(required=False)
        complex = serializers.BooleanField(required=False)
        severity = serializers.ChoiceField(
            choices=[("", "未选择"), *BenchmarkLevel.Severity.choices], required=False, help_text="裁量阶次"
        )
        proposed_penalty = PenaltyIO(required=False)
        officers = serializers.ListField(child=IdField(), max_length=20, required=False)
        criminal_suspicion = serializers.BooleanField(required=False, help_text="涉嫌犯罪，应移送公安机关")
        criminal_suspicion_note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        expected_version = serializers.IntegerField(
            required=False, min_value=0, max_value=2**31 - 1, help_text="防止覆盖他人的修改"
        )

        class Meta:
            ref_name = "CaseUpdateInput"

    @api_schema(responses=CaseOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        return Response(CaseOut(visible_case(request.user, pk)).data)

    @api_schema(request=Input, responses=CaseOut, errors=(400, 401, 403, 404, 409))
    def patch(self, request: Request, pk: int) -> Response:
        visible_case(request.user, pk)
        values = validated(self.Input, request.data, partial=True)
        expected = values.pop("expected_version", None)
        changes: dict = {}
        for name in (
            "title",
            "facts",
            "complex",
            "severity",
            "criminal_suspicion",
            "criminal_suspicion_note",
        ):
            if name in values:
                changes[name] = values[name]
        if "violation_type" in values:
            changes["violation_type"] = _violation_type(values["violation_type"])
        if "proposed_penalty" in values:
            changes["proposed_penalty"] = Penalty(**values["proposed_penalty"])
        if "officers" in values:
            changes["officers"] = resolve_users(values["officers"], visible_organisations(user=request.user))
        if "party_id" in values or "party" in values:
            changes["party"] = party_ref(party_id=values.get("party_id"), party=values.get("party"))
        if not changes:
            raise InvalidInput("没有要修改的内容", errors={"non_field_errors": ["请至少提供一个字段"]})
        services.case_update_details(
            case_id=pk, actor=request.user, changes=changes, expected_version=expected
        )
        return Response(CaseOut(visible_case(request.user, pk)).data)


TransitionOptionOut = inline_serializer(
    "TransitionOption",
    fields={
        "name": serializers.CharField(),
        "label": serializers.CharField(),
        "role": serializers.CharField(),
        "targets": serializers.ListField(child=serializers.CharField()),
        "allowed": serializers.BooleanField(),
        "unmet": serializers.ListField(child=serializers.DictField(child=serializers.CharField())),
        "inputs": serializers.ListField(child=serializers.CharField()),
    },
    many=True,
)


class CaseTransitions(APIView):
    @api_schema(responses=TransitionOptionOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        return Response(
            [
                {
                    "name": o.code,
                    "label": o.label,
                    "role": o.role,
                    "targets": list(o.targets),
                    "allowed": o.allowed,
                    "unmet": [r.as_dict() for r in o.unmet],
                    "inputs": o.inputs,
                }
                for o in services.case_available_transitions(case=case, actor=request.user)
            ]
        )


class FireTransition(APIView):
    class Input(serializers.Serializer):
        opinion = serializers.CharField(required=False, allow_blank=True, max_length=5000, help_text="意见")
        expected_version = serializers.IntegerField(
            required=False, min_value=0, max_value=2**31 - 1, help_text="防止重复或过期的操作"
        )

        class Meta:
            ref_name = "TransitionInput"

    @extend_schema(
        parameters=[OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(CODES))],
        description="执行一个流程操作。除 opinion 外，各操作所需字段见 GET …/transitions/ 的 inputs（如 served_on、fine）。",
    )
    @api_schema(request=Input, responses=CaseOut, errors=(400, 401, 403, 404, 409, 422), idempotent=True)
    @idempotent
    def post(self, request: Request, pk: int, name: str) -> Response:
        visible_case(request.user, pk)
        if not isinstance(request.data, dict):
            raise InvalidInput("请求体应为 JSON 对象", errors={"non_field_errors": ["请求体应为 JSON 对象"]})
        if name not in CODES:
            raise NotFound(f"没有名为“{name}”的流程操作")
        head = validated(self.Input, request.data)
        data = {k: v for k, v in request.data.items() if k != "expected_version"}
        services.case_transition(
            case_id=pk,
            transition=name,
            actor=request.user,
            data=data,
            expected_version=head.get("expected_version"),
        )
        return Response(CaseOut(visible_case(request.user, pk)).data)


class CaseHistory(APIView):
    pagination_class = HistoryPagination  # also tells the OpenAPI document the list is paginated

    @api_schema(responses=CaseEventOut(many=True), errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        return paginate(self, request, case_history(case=case), CaseEventOut)


class ViolationTypeList(APIView):
    pagination_class = PagePagination  # also tells the OpenAPI document the list is paginated

    @api_schema(responses=ViolationTypeOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        return paginate(
            self, request, ViolationType.objects.filter(active=True).order_by("code"), ViolationTypeOut
        )
