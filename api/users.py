from __future__ import annotations

from datetime import date

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import visible_organisations
from accounts.services import user_create
from api.docs import api_schema
from api.fields import IdField
from api.idempotency import idempotent
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.permissions import require_role, visible_organisation
from core.errors import InvalidInput, NotFound
from law.predicates import officer_certified


class CertificateIO(serializers.Serializer):
    number = serializers.CharField(max_length=40)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    issued_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class UserOut(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    certificates = CertificateIO(many=True)
    certified_today = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "organisation",
            "roles",
            "certificates",
            "certified_today",
            "is_active",
        ]

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.role_codes)

    def get_certified_today(self, user: User) -> bool:
        return officer_certified(user, date.today())


def users_visible_to(user: User):  # type: ignore[no-untyped-def]
    qs = User.objects.prefetch_related("certificates", "role_assignments").order_by("pk")
    if user.is_superuser:
        return qs
    return qs.filter(organisation__in=visible_organisations(user=user))


class UserListCreate(APIView):
    pagination_class = PagePagination  # also tells the OpenAPI document the list is paginated

    class Input(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]{1,150}$", max_length=150)
        password = serializers.CharField(min_length=8, max_length=128, trim_whitespace=False)
        full_name = serializers.CharField(max_length=50)
        organisation = IdField()
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), max_length=8)
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        certificates = CertificateIO(many=True, required=False, default=list)

        class Meta:
            ref_name = "UserCreateInput"

    @api_schema(responses=UserOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        return paginate(self, request, users_visible_to(request.user), UserOut)

    @api_schema(request=Input, responses={201: UserOut}, errors=(400, 401, 403, 404), idempotent=True)
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        values = validated(self.Input, request.data)
        organisation = visible_organisation(request.user, values.pop("organisation"))
        if User.objects.filter(username=values["username"]).exists():
            raise InvalidInput("用户名已存在", errors={"username": ["用户名已存在"]})
        user = user_create(organisation=organisation, **values)
        return Response(UserOut(users_visible_to(request.user).get(pk=user.pk)).data, status=201)


class UserDetail(APIView):
    @api_schema(responses=UserOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        user = users_visible_to(request.user).filter(pk=pk).first()
        if user is None:
            raise NotFound("用户不存在")
        return Response(UserOut(user).data)


class Me(APIView):
    @api_schema(responses=UserOut, errors=(401,))
    def get(self, request: Request) -> Response:
        return Response(UserOut(request.user).data)
