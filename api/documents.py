"""Documents of a case and its electronic case file (issue 7): the list with download links, generating
a field record, uploading a signed scan, marking a document not applicable, the checklist, the
document files, and the archived file as one PDF."""

from __future__ import annotations

from urllib.parse import quote

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.cases import visible_case
from api.docs import api_schema
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.serializers import UserRef
from core.errors import InvalidInput, NotFound
from documents import selectors, services
from documents.catalogue import CHOICES, STAGES
from documents.models import CaseDocument

DOCX, PDF = services.DOCX, services.PDF
BINARY = OpenApiTypes.BINARY


def _file_response(file: services.DocumentFile) -> StreamingHttpResponse:
    response = StreamingHttpResponse(file.chunks, content_type=file.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.filename)}"
    if file.size is not None:
        response["Content-Length"] = str(file.size)
    return response


LinksOut = inline_serializer(
    "DocumentLinks",
    fields={
        "docx": serializers.CharField(allow_null=True),
        "pdf": serializers.CharField(allow_null=True),
        "file": serializers.CharField(allow_null=True),
    },
)


class CaseDocumentOut(serializers.ModelSerializer):
    doc_type_label = serializers.CharField(source="get_doc_type_display")
    source_label = serializers.CharField(source="get_source_display")
    stage = serializers.CharField(
        help_text="在案卷中的阶段（立案、调查、审查、告知、听证、决定、送达、执行、结案）"
    )
    stage_label = serializers.CharField(source="get_stage_display")
    created_by = UserRef(allow_null=True)
    sha256 = serializers.SerializerMethodField(help_text="扫描件或已生成 Word 文件的 SHA-256")
    links = serializers.SerializerMethodField(
        help_text="下载地址：docx / pdf（系统生成），file（上传的扫描件）"
    )

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "doc_type",
            "doc_type_label",
            "key",
            "source",
            "source_label",
            "stage",
            "stage_label",
            "title",
            "number",
            "issued_on",
            "reason",
            "created_by",
            "created_at",
            "sha256",
            "links",
        ]

    def get_sha256(self, document: CaseDocument) -> str:
        if document.evidence_id:
            return document.evidence.sha256
        return document.docx_sha256

    @staticmethod
    def _link(document: CaseDocument, fmt: str) -> str:
        return f"/api/v1/cases/{document.case_id}/documents/{document.pk}/file/?output={fmt}"

    @extend_schema_field(LinksOut)
    def get_links(self, document: CaseDocument) -> dict[str, str | None]:
        generated = document.source == CaseDocument.Source.GENERATED
        uploaded = document.source == CaseDocument.Source.UPLOADED
        return {
            "docx": self._link(document, "docx") if generated else None,
            "pdf": self._link(document, "pdf") if generated else None,
            "file": self._link(document, "file") if uploaded else None,
        }


CreatedOut = inline_serializer(
    "CaseDocumentsCreated",
    fields={
        "documents": CaseDocumentOut(many=True, help_text="生成、上传或标注的文书（补充生成时可能多件）")
    },
)


class ActionIn(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[("generate", "生成"), ("not_applicable", "标注不适用")],
        help_text="generate：生成文书（现场检查记录、询问笔录、责令限期整改指令书，或本案缺少的应由办案环节生成的文书）；"
        "not_applicable：将本案缺少的文书标注为不适用（须写明理由）",
    )
    doc_type = serializers.ChoiceField(choices=CHOICES)
    key = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    data = serializers.DictField(
        child=serializers.CharField(max_length=50000, allow_blank=True),
        required=False,
        default=dict,
        help_text="生成现场检查记录、询问笔录、责令限期整改指令书时填写的内容，如 content、place、items、deadline",
    )

    class Meta:
        ref_name = "DocumentActionInput"


class UploadIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("upload", "上传签字扫描件")])
    doc_type = serializers.ChoiceField(choices=CHOICES)
    key = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    file = serializers.FileField(help_text="PDF、JPEG 或 PNG")

    class Meta:
        ref_name = "DocumentUploadInput"


class CaseDocuments(APIView):
    """The case's documents in the order of the file, with download links; POST generates a document,
    uploads a signed scan (multipart), or marks a missing document not applicable."""

    parser_classes = [JSONParser, MultiPartParser]
    pagination_class = PagePagination

    @api_schema(responses=CaseDocumentOut(many=True), errors=(401, 404), paginated=True)
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        return paginate(self, request, selectors.documents_of(case=case), CaseDocumentOut)

    @api_schema(
        request={"application/json": ActionIn, "multipart/form-data": UploadIn},
        responses={201: CreatedOut},
        errors=(400, 401, 403, 404, 409, 413),
    )
    def post(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        if (request.content_type or "").startswith("multipart/"):
            values = validated(UploadIn, request.data)
            file = values["file"]
            document = services.document_upload(
                case_id=case.pk,
                actor=request.user,
                doc_type=values["doc_type"],
                key=values["key"],
                number=values["number"],
                issued_on=values["issued_on"],
                stream=file.open("rb"),
                length=file.size,
                filename=file.name or "",
                client_address=request.META.get("REMOTE_ADDR", ""),
            )
            documents = [document]
        else:
            values = validated(ActionIn, request.data)
            if values["action"] == "generate":
                documents = services.document_generate(
                    case_id=case.pk, actor=request.user, doc_type=values["doc_type"], data=values["data"]
                )
            else:
                documents = [
                    services.document_mark_not_applicable(
                        case_id=case.pk,
                        actor=request.user,
                        doc_type=values["doc_type"],
                        key=values["key"],
                        reason=values["reason"],
                    )
                ]
        return Response({"documents": CaseDocumentOut(documents, many=True).data}, status=201)


class DocumentRequirementOut(serializers.Serializer):
    doc_type = serializers.CharField()
    key = serializers.CharField()
    stage = serializers.CharField(help_text="阶段：" + "、".join(f"{s.code}={s.label}" for s in STAGES))
    label = serializers.CharField()
    required_by = serializers.CharField(help_text="缺少时拒绝的办案环节：close（结案）或 archive（归档）")


class CasefileFindingOut(serializers.Serializer):
    code = serializers.CharField(
        help_text=f"稳定的代码：{selectors.MISSING}、{selectors.OUT_OF_ORDER}、{selectors.NOT_APPLICABLE}"
    )
    severity = serializers.CharField(help_text="fail、warning 或 info")
    doc_type = serializers.CharField()
    stage = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    document_id = serializers.IntegerField(allow_null=True)


class DocumentChecklistOut(serializers.Serializer):
    complete = serializers.BooleanField()
    required = DocumentRequirementOut(many=True)
    missing = DocumentRequirementOut(many=True)
    findings = CasefileFindingOut(many=True)


class CaseDocumentChecklist(APIView):
    """The checklist for the path the case took: what its file requires, what is missing, and the
    automatic findings case-file review reads."""

    @api_schema(responses=DocumentChecklistOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        required = selectors.required_documents(case=case)
        missing = selectors.missing_documents(case=case)
        findings = selectors.casefile_findings(case)
        return Response(
            DocumentChecklistOut(
                {
                    "complete": not missing,
                    "required": [r.__dict__ for r in required],
                    "missing": [r.__dict__ for r in missing],
                    "findings": [f.as_dict() for f in findings],
                }
            ).data
        )


FILE_TYPES = {
    (200, DOCX): OpenApiResponse(BINARY, description="系统生成的文书（Word）"),
    (200, PDF): OpenApiResponse(BINARY, description="系统生成的文书（PDF），或上传的 PDF 扫描件"),
    (200, "image/jpeg"): OpenApiResponse(BINARY, description="上传的 JPEG 扫描件"),
    (200, "image/png"): OpenApiResponse(BINARY, description="上传的 PNG 扫描件"),
}


class CaseDocumentFile(APIView):
    """One document's file: a generated one as Word or PDF, an uploaded scan as uploaded."""

    @api_schema(
        responses=FILE_TYPES,
        errors=(400, 401, 404, 409),
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["docx", "pdf", "file"],
                description="docx（默认）、pdf，扫描件为 file",
            )
        ],
    )
    def get(self, request: Request, pk: int, doc: int) -> StreamingHttpResponse:
        case = visible_case(request.user, pk)
        document = CaseDocument.objects.select_related("evidence").filter(pk=doc, case=case).first()
        if document is None:
            raise NotFound("文书不存在")
        # Not "format": DRF reads that one to choose a renderer.
        fmt = request.query_params.get("output", "docx")
        if fmt not in ("docx", "pdf", "file"):
            raise InvalidInput("output 应为 docx、pdf 或 file", errors={"output": ["应为 docx、pdf 或 file"]})
        return _file_response(services.document_file(document=document, fmt=fmt))


class CaseFilePdf(APIView):
    """The electronic case file (电子卷宗) of an archived case: one PDF, as stored at archive."""

    @api_schema(
        responses={(200, PDF): OpenApiResponse(BINARY, description="电子卷宗（PDF）")},
        errors=(401, 404, 409),
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        case = visible_case(request.user, pk)
        response = _file_response(services.casefile_file(case=case))
        casefile = selectors.casefile_of(case=case)
        if casefile is not None:
            response["X-Content-SHA256"] = casefile.sha256
        return response


class CatalogueEntryOut(serializers.Serializer):
    code = serializers.CharField(help_text="文书类型代码（稳定）")
    name = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    procedure = serializers.CharField()
    origin = serializers.CharField(help_text="issued：由办案环节生成；on_request：由执法人员按需生成")
    numbered = serializers.BooleanField()
    issued_by = serializers.ListField(child=serializers.CharField())
    required_by = serializers.CharField()


class DocumentCatalogue(APIView):
    """The document type catalogue: each type's stage in the statutory order, the transition that issues
    it and the one that requires it."""

    @api_schema(responses=CatalogueEntryOut(many=True), errors=(401,))
    def get(self, request: Request) -> Response:
        return Response(CatalogueEntryOut(selectors.catalogue_for_api(), many=True).data)
