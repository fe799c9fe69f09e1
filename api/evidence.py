"""Evidence endpoints (SPEC §6, §10). Uploads stream the request body straight into the store:
the body is never parsed, buffered whole, or spooled to a temporary file."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.cases import visible_case
from api.docs import api_schema
from api.fields import IdField
from api.inputs import validated
from api.pagination import PagePagination, paginate
from api.serializers import UserRef
from casefiles import evidence as services
from casefiles.models import CustodyEvent, Evidence
from core.errors import InvalidInput, NotFound


class StreamParser(BaseParser):
    """Accepts any media type for the raw-body upload views. It is never asked to parse: the views
    read `request.stream` themselves, chunk by chunk."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        return {}


def client_address(request: Request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def content_length(request: Request) -> int:
    raw = request.META.get("CONTENT_LENGTH") or ""
    if not raw.isdigit():
        raise InvalidInput("须提供 Content-Length（文件字节数）", errors={"file": ["缺少 Content-Length"]})
    return int(raw)


def case_evidence(request: Request, case_id: int, evidence_id: int) -> Evidence:
    evidence = services.evidence_visible(evidence_id=evidence_id, actor=request.user)
    if evidence.case_id != case_id:
        raise NotFound("证据不存在")
    return evidence


class EvidenceOut(serializers.ModelSerializer):
    officer = UserRef(allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "case",
            "activity",
            "kind",
            "category",
            "status",
            "title",
            "device",
            "officer",
            "captured_at",
            "duration_seconds",
            "size_bytes",
            "content_type",
            "sha256",
            "original_filename",
            "retention_until",
            "failure_reason",
            "created_at",
            "verified_at",
        ]


class MetaIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    category = serializers.ChoiceField(
        choices=Evidence.Category.choices, default=Evidence.Category.CASE_EVIDENCE
    )
    activity = IdField(required=False, allow_null=True)
    captured_at = serializers.DateTimeField(required=False, allow_null=True)
    device = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    duration_seconds = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10**7)
    filename = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    content_type = serializers.CharField(max_length=100, required=False, default="application/octet-stream")

    def meta(self) -> services.EvidenceMeta:
        data = self.validated_data
        return services.EvidenceMeta(
            title=data["title"],
            kind=data["kind"],
            category=data["category"],
            activity_id=data.get("activity"),
            captured_at=data.get("captured_at"),
            device=data["device"],
            duration_seconds=data.get("duration_seconds"),
            filename=data["filename"],
            content_type=data["content_type"],
        )


UPLOAD_PARAMETERS = [
    OpenApiParameter("title", str, required=True, description="证据名称"),
    OpenApiParameter("kind", str, required=True, enum=Evidence.Kind.values),
    OpenApiParameter("category", str, enum=Evidence.Category.values),
    OpenApiParameter("activity", int, description="对应的执法活动ID（音像记录清单）"),
    OpenApiParameter("captured_at", OpenApiTypes.DATETIME),
    OpenApiParameter("device", str),
    OpenApiParameter("duration_seconds", int),
    OpenApiParameter("filename", str),
    OpenApiParameter(
        "X-Content-SHA256", str, OpenApiParameter.HEADER, description="文件的 SHA-256；不符则 400，文件不保存"
    ),
]


class EvidenceListUpload(APIView):
    parser_classes = [StreamParser]
    pagination_class = PagePagination

    @api_schema(responses=EvidenceOut(many=True), errors=(401, 404), paginated=True)
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        return paginate(self, request, Evidence.objects.filter(case=case).order_by("pk"), EvidenceOut)

    @extend_schema(
        parameters=UPLOAD_PARAMETERS,
        request={"application/octet-stream": OpenApiTypes.BINARY},
        description="请求体即文件内容（流式写入对象存储，边传边算 SHA-256）；元数据放在查询参数中。",
    )
    @api_schema(responses={201: EvidenceOut}, errors=(400, 401, 403, 404, 409, 413))
    def post(self, request: Request, pk: int) -> Response:
        params = MetaIn(data={**request.query_params.dict(), "content_type": request.content_type or ""})
        params.is_valid(raise_exception=True)
        evidence = services.evidence_upload(
            case_id=pk,
            actor=request.user,
            stream=request.stream,
            length=content_length(request),
            meta=params.meta(),
            declared_sha256=request.META.get("HTTP_X_CONTENT_SHA256", "").strip().lower(),
            client_address=client_address(request),
        )
        return Response(EvidenceOut(evidence).data, status=201)


UploadStatusOut = inline_serializer(
    "UploadStatus",
    fields={
        "evidence": serializers.IntegerField(),
        "part_size": serializers.IntegerField(),
        "parts_total": serializers.IntegerField(),
        "received": serializers.ListField(child=serializers.IntegerField()),
        "missing": serializers.ListField(child=serializers.IntegerField()),
        "expires_at": serializers.DateTimeField(),
    },
)


class UploadStart(APIView):
    class Input(MetaIn):
        size = serializers.IntegerField(min_value=1, max_value=2**62)
        sha256 = serializers.RegexField(r"^[0-9a-f]{64}$")

        class Meta:
            ref_name = "ResumableUploadInput"

    @api_schema(request=Input, responses={201: UploadStatusOut}, errors=(400, 401, 403, 404, 409, 413))
    def post(self, request: Request, pk: int) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.evidence_upload_start(
            case_id=pk,
            actor=request.user,
            size=data.validated_data["size"],
            sha256=data.validated_data["sha256"],
            meta=data.meta(),
            client_address=client_address(request),
        )
        status = services.evidence_upload_status(evidence_id=session.evidence_id, actor=request.user)
        return Response(status, status=201)


class UploadStatus(APIView):
    @api_schema(responses=UploadStatusOut, errors=(401, 403, 404, 409))
    def get(self, request: Request, pk: int, eid: int) -> Response:
        case_evidence(request, pk, eid)
        return Response(services.evidence_upload_status(evidence_id=eid, actor=request.user))

    @api_schema(responses={204: None}, errors=(401, 403, 404, 409))
    def delete(self, request: Request, pk: int, eid: int) -> Response:
        case_evidence(request, pk, eid)
        services.evidence_upload_abort(
            evidence_id=eid, actor=request.user, client_address=client_address(request)
        )
        return Response(status=204)


class UploadPart(APIView):
    parser_classes = [StreamParser]

    @extend_schema(request={"application/octet-stream": OpenApiTypes.BINARY})
    @api_schema(
        responses=inline_serializer(
            "UploadedPart", fields={"part": serializers.IntegerField(), "size": serializers.IntegerField()}
        ),
        errors=(400, 401, 403, 404, 409),
    )
    def put(self, request: Request, pk: int, eid: int, number: int) -> Response:
        case_evidence(request, pk, eid)
        part = services.evidence_upload_part(
            evidence_id=eid,
            actor=request.user,
            number=number,
            stream=request.stream,
            length=content_length(request),
        )
        return Response(part)


class UploadComplete(APIView):
    @api_schema(request=None, responses=EvidenceOut, errors=(400, 401, 403, 404, 409))
    def post(self, request: Request, pk: int, eid: int) -> Response:
        case_evidence(request, pk, eid)
        evidence = services.evidence_upload_complete(
            evidence_id=eid, actor=request.user, client_address=client_address(request)
        )
        return Response(EvidenceOut(evidence).data)


class EvidenceDetail(APIView):
    @api_schema(responses=EvidenceOut, errors=(401, 404))
    def get(self, request: Request, pk: int, eid: int) -> Response:
        return Response(EvidenceOut(case_evidence(request, pk, eid)).data)


class EvidenceAccess(APIView):
    class Input(serializers.Serializer):
        download = serializers.BooleanField(default=False)

        class Meta:
            ref_name = "EvidenceAccessInput"

    @api_schema(
        request=Input,
        responses=inline_serializer(
            "EvidenceAccessOut",
            fields={"url": serializers.CharField(), "expires_at": serializers.DateTimeField()},
        ),
        errors=(400, 401, 404, 409),
        description="生成短时有效的播放/下载地址（支持 HTTP Range 拖动播放），并记入证据保管链。",
    )
    def post(self, request: Request, pk: int, eid: int) -> Response:
        case_evidence(request, pk, eid)
        data = validated(self.Input, request.data)
        access = services.evidence_access_url(
            evidence_id=eid,
            actor=request.user,
            download=data["download"],
            client_address=client_address(request),
        )
        access["url"] = request.build_absolute_uri(access["url"])
        return Response(access)


class CustodyOut(serializers.ModelSerializer):
    class Meta:
        model = CustodyEvent
        fields = ["seq", "action", "actor_name", "at", "client_address", "data", "prev_hash", "hash"]


class EvidenceCustody(APIView):
    pagination_class = PagePagination

    @api_schema(responses=CustodyOut(many=True), errors=(401, 404), paginated=True)
    def get(self, request: Request, pk: int, eid: int) -> Response:
        evidence = case_evidence(request, pk, eid)
        return paginate(self, request, evidence.custody_events.order_by("seq"), CustodyOut)
