"""The case file a reviewer scores, next to the standard (issue 8 item 4)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from api.evidence import EvidenceOut
from api.legal import FindingOut, LegalCheckOut
from api.review.common import sheet_or_404
from api.review.standards import StandardOut
from api.serializers import CaseEventOut, CaseOut
from casefiles.models import LegalCheck
from review.selectors import sheet_casefile


class PrecheckRecordOut(serializers.Serializer):
    legal_check = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=LegalCheck.Stage.choices)
    concluded_at = serializers.DateTimeField()
    findings = FindingOut(many=True)


class DocumentOut(serializers.Serializer):
    source = serializers.CharField(
        help_text="generated 系统生成；uploaded 上传的签章扫描件；not_applicable 标注不适用；evidence 证据中的书证扫描件"
    )
    doc_type = serializers.CharField(help_text="文书类型代码（文书目录）")
    stage = serializers.CharField(help_text="办案阶段")
    title = serializers.CharField()
    number = serializers.CharField(help_text="文号")
    issued_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField(help_text="不适用理由")
    sha256 = serializers.CharField()
    reference = serializers.CharField(help_text="document:<文书ID> 或 evidence:<证据ID>")


class CasefileOut(serializers.Serializer):
    sheet = serializers.IntegerField()
    case = CaseOut()
    history = CaseEventOut(many=True)
    history_total = serializers.IntegerField()
    evidence = EvidenceOut(many=True)
    documents = DocumentOut(many=True)
    legal_checks = LegalCheckOut(many=True)
    precheck = PrecheckRecordOut(many=True, help_text="各次法制审核时记录的自动预审结果")
    checklist_missing = serializers.ListField(
        child=serializers.CharField(), help_text="按办案路径应有而缺少的材料"
    )
    standard = StandardOut()


class SheetCasefile(APIView):
    @api_schema(
        responses=CasefileOut,
        errors=(401, 404),
        description="评查时对照评查标准查看的案卷：案件信息、办案履历（前 500 条）、证据与音像记录、文书、"
        "法制审核意见及当时的自动预审结果、缺少的材料，以及评查标准。分配到该案卷的评查人员即使不属于"
        "办案机构也可查看。",
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(CasefileOut(sheet_casefile(sheet=sheet_or_404(request, pk))).data)
