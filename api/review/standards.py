"""Scoring standards (评查标准): every signed-in user reads them; an admin adds a version."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from api.docs import api_schema
from api.idempotency import idempotent
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.permissions import require_role
from api.review.common import POINTS
from core.errors import NotFound
from review.models import ScoringStandard, StandardCategory, StandardItem, VetoItem
from review.selectors import standard_detail, standards_list
from review.standards import standard_create, standard_spec_from_data


class StandardListOut(serializers.ModelSerializer):
    categories_count = serializers.IntegerField()
    vetoes_count = serializers.IntegerField()

    class Meta:
        model = ScoringStandard
        fields = [
            "id",
            "code",
            "version",
            "name",
            "active",
            "excellent_min",
            "good_min",
            "pass_min",
            "categories_count",
            "vetoes_count",
            "created_at",
        ]


class ItemOut(serializers.ModelSerializer):
    fixed = serializers.BooleanField(help_text="每处扣分固定（下限 = 上限）")
    finding_codes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = StandardItem
        fields = ["id", "code", "text", "deduction_min", "deduction_max", "fixed", "finding_codes"]


class CategoryOut(serializers.ModelSerializer):
    items = ItemOut(many=True)
    cap = serializers.DecimalField(**POINTS, source="effective_cap", help_text="本项目最多扣分")

    class Meta:
        model = StandardCategory
        fields = ["id", "code", "name", "points", "cap", "items"]


class VetoOut(serializers.ModelSerializer):
    finding_codes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = VetoItem
        fields = ["id", "code", "text", "finding_codes"]


class StandardOut(serializers.ModelSerializer):
    categories = CategoryOut(many=True)
    vetoes = VetoOut(many=True)

    class Meta:
        model = ScoringStandard
        fields = [
            "id",
            "code",
            "version",
            "name",
            "description",
            "active",
            "excellent_min",
            "good_min",
            "pass_min",
            "categories",
            "vetoes",
            "created_at",
        ]


class ItemIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=1000)
    min = serializers.DecimalField(**POINTS, help_text="每处扣分下限")
    max = serializers.DecimalField(**POINTS, required=False, help_text="每处扣分上限；省略则为固定扣分")
    finding_codes = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False, default=list
    )


class CategoryIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    points = serializers.DecimalField(**POINTS)
    cap = serializers.DecimalField(
        **POINTS, required=False, allow_null=True, help_text="扣分上限，默认为分值"
    )
    items = serializers.ListField(child=ItemIn(), min_length=1, max_length=100)


class VetoIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    text = serializers.CharField(max_length=1000)
    finding_codes = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False, default=list
    )


class StandardIn(serializers.Serializer):
    code = serializers.CharField(max_length=40, help_text="同一标准各版本相同")
    version = serializers.IntegerField(
        min_value=1, max_value=9999, required=False, help_text="省略则为下一版"
    )
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    excellent_min = serializers.DecimalField(**POINTS, required=False, default=Decimal("90"))
    good_min = serializers.DecimalField(**POINTS, required=False, default=Decimal("80"))
    pass_min = serializers.DecimalField(**POINTS, required=False, default=Decimal("60"))
    categories = serializers.ListField(child=CategoryIn(), min_length=1, max_length=30)
    vetoes = serializers.ListField(child=VetoIn(), max_length=50, required=False, default=list)


class StandardListCreate(APIView):
    pagination_class = PagePagination

    @api_schema(responses=StandardListOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        return paginate(self, request, standards_list(), StandardListOut)

    @api_schema(
        request=StandardIn,
        responses={201: StandardOut},
        errors=(400, 401, 403, 409),
        idempotent=True,
        description="新增评查标准的一个版本（格式同 review/data/penalty_standard.json）。已有版本不可修改。",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, Role.ADMIN)
        data = validated(StandardIn, request.data)
        spec = standard_spec_from_data(dict(data))
        standard = standard_create(spec=spec, actor=request.user)
        return Response(StandardOut(standard_detail(standard_id=standard.pk)).data, status=201)


class StandardDetail(APIView):
    @api_schema(responses=StandardOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        standard = standard_detail(standard_id=pk)
        if standard is None:
            raise NotFound("评查标准不存在")
        return Response(StandardOut(standard).data)
