"""The law table as data: every rule of law the product holds a case to (review.law_table)."""

from __future__ import annotations

from dataclasses import asdict

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from review.law_table import law_table


class LawRuleOut(serializers.Serializer):
    code = serializers.CharField(help_text="规则代码：拒绝办案环节时 409 响应 errors 中的 code")
    title = serializers.CharField(help_text="规则名称")
    article = serializers.CharField(help_text="法律依据（法律、条、款、项）")
    judges_input = serializers.BooleanField(help_text="是否审查该环节录入的内容")
    blocks = serializers.ListField(child=serializers.CharField(), help_text="该规则阻止的办案环节")
    precheck_point = serializers.CharField(help_text="对应的法制审核自动预审要点（空：无）")
    review_items = serializers.ListField(child=serializers.CharField(), help_text="案卷评查中提示的扣分条目")


class LawRuleList(APIView):
    """法律规则表: each rule with its article and where the system applies it."""

    @api_schema(responses=LawRuleOut(many=True), errors=(401,))
    def get(self, request: Request) -> Response:
        rows = [asdict(r) for r in law_table(with_tests=False)]
        return Response(LawRuleOut(rows, many=True).data)
