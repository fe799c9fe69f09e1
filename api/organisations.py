from __future__ import annotations

from dataclasses import asdict

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from accounts.roles import Role
from accounts.selectors import organisation_policy, visible_organisations
from accounts.services import organisation_create
from api.docs import api_schema
from api.fields import IdField
from api.idempotency import idempotent
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.permissions import require_role, visible_organisation
from core.errors import InvalidInput, NotFound


class OrganisationOut(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "level", "parent", "case_number_prefix"]


class OrganisationDetailOut(OrganisationOut):
    policy = serializers.SerializerMethodField()

    class Meta(OrganisationOut.Meta):
        fields = [*OrganisationOut.Meta.fields, "policy"]

    def get_policy(self, organisation: Organisation) -> dict:
        policy = asdict(organisation_policy(organisation=organisation))
        return {
            k: (list(v) if isinstance(v, tuple) else str(v) if not isinstance(v, bool | int) else v)
            for k, v in policy.items()
        }


def period_field(help_text: str) -> serializers.IntegerField:
    """A period an organisation may set (accounts.policy): empty inherits the parent's; the service
    holds it to the law's bound (law.bounds)."""
    return serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, help_text=help_text
    )


class OrganisationListCreate(APIView):
    pagination_class = PagePagination  # also tells the OpenAPI document the list is paginated

    class Input(serializers.Serializer):
        code = serializers.CharField(max_length=32)
        name = serializers.CharField(max_length=100)
        level = serializers.ChoiceField(choices=Organisation.Level.choices)
        parent = IdField(required=False, allow_null=True)
        case_number_prefix = serializers.CharField(max_length=20)
        check_every_case = serializers.BooleanField(required=False, allow_null=True, default=None)
        two_level_review = serializers.BooleanField(required=False, allow_null=True, default=None)
        # Periods (accounts.policy): empty inherits the parent's; the law's bounds apply (law.bounds).
        statement_window_workdays = period_field("陈述申辩期（工作日）")
        decision_days = period_field("办案期限（日），不超过九十日")
        service_workdays = period_field("决定送达期限（工作日），不超过七日")
        hearing_request_workdays = period_field("听证申请期限（工作日），不少于五日")
        hearing_notice_workdays = period_field("听证提前通知（工作日），不少于七日")
        payment_days = period_field("罚款缴纳期限（日），不少于十五日")

        class Meta:
            ref_name = "OrganisationCreateInput"

    @api_schema(responses=OrganisationOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        return paginate(
            self, request, visible_organisations(user=request.user).order_by("path"), OrganisationOut
        )

    @api_schema(request=Input, responses={201: OrganisationOut}, errors=(400, 401, 403, 404), idempotent=True)
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        values = validated(self.Input, request.data)
        parent_id = values.pop("parent", None)
        parent = None
        if parent_id is not None:
            parent = visible_organisation(request.user, parent_id)
        elif not request.user.is_superuser:
            raise InvalidInput(
                "须指定上级机构（只有超级管理员可以新建顶级机构）", errors={"parent": ["必填"]}
            )
        if Organisation.objects.filter(code=values["code"]).exists():
            raise InvalidInput("机构代码已存在", errors={"code": ["机构代码已存在"]})
        organisation = organisation_create(parent=parent, **values)
        return Response(OrganisationOut(organisation).data, status=201)


class OrganisationDetail(APIView):
    @api_schema(responses=OrganisationDetailOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        organisation = visible_organisations(user=request.user).filter(pk=pk).first()
        if organisation is None:
            raise NotFound("机构不存在")
        return Response(OrganisationDetailOut(organisation).data)
