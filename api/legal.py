"""The legal check in the API (SPEC §7, issue 6): the pre-check findings, the concluded checks with
their opinions (and the opinion as a Word document), the hearing, and the deliberations."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import visible_organisations
from api.cases import visible_case
from api.docs import api_schema
from api.fields import IdField
from api.idempotency import idempotent
from api.inputs import validated
from api.permissions import require_role, visible_organisation
from api.serializers import OrganisationRef, UserRef
from casefiles.models import Deliberation, Hearing, LegalCheck, Meeting, Vote
from core.errors import InvalidInput, NotFound
from documents.services import legal_opinion_docx
from law.findings import RESULT_CHOICES
from workflow import services
from workflow.selectors import deliberations_of, legal_check_visible, legal_checks_of, meeting_quorum_present


class FindingOut(serializers.Serializer):
    code = serializers.CharField(help_text="审核要点代码（稳定）")
    title = serializers.CharField()
    result = serializers.ChoiceField(choices=RESULT_CHOICES)
    detail = serializers.CharField()


class PrecheckOut(serializers.Serializer):
    passed = serializers.IntegerField()
    warnings = serializers.IntegerField()
    failed = serializers.IntegerField()
    findings = FindingOut(many=True)


class CasePrecheck(APIView):
    """The automated legal pre-check (§7) of the case as it stands now."""

    @api_schema(responses=PrecheckOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        visible_case(request.user, pk)
        findings = services.case_precheck(case_id=pk, actor=request.user)
        return Response(
            {
                "passed": sum(f.result == "pass" for f in findings),
                "warnings": sum(f.result == "warning" for f in findings),
                "failed": sum(f.result == "fail" for f in findings),
                "findings": [f.as_dict() for f in findings],
            }
        )


class PointOut(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    finding = serializers.ChoiceField(choices=RESULT_CHOICES, help_text="自动预审结果")
    finding_detail = serializers.CharField()
    conclusion = serializers.ChoiceField(choices=LegalCheck.Conclusion.choices, help_text="审核结论")
    comment = serializers.CharField()
    by_reviewer = serializers.BooleanField(help_text="审核人是否逐项填写（否则取自动预审）")


class LegalCheckOut(serializers.ModelSerializer):
    organisation = OrganisationRef()
    reviewer = UserRef()
    points = PointOut(many=True)
    items_to_fix = serializers.ListField(child=serializers.CharField())
    opinion_docx = serializers.SerializerMethodField(help_text="法制审核意见书（Word）")

    class Meta:
        model = LegalCheck
        fields = [
            "id",
            "stage",
            "level",
            "organisation",
            "reviewer",
            "outcome",
            "opinion",
            "points",
            "items_to_fix",
            "override_reason",
            "concluded_at",
            "opinion_docx",
        ]

    def get_opinion_docx(self, check: LegalCheck) -> str:
        return f"/api/v1/legal-checks/{check.pk}/opinion.docx"


class CaseLegalChecks(APIView):
    """Every concluded legal check of the case, oldest first, with its opinion per review point."""

    @api_schema(responses=LegalCheckOut(many=True), errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        return Response(LegalCheckOut(legal_checks_of(case=case), many=True).data)


class LegalOpinionDocx(APIView):
    @api_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiResponse(
                OpenApiTypes.BINARY, description="法制审核意见书（.docx）"
            )
        },
        errors=(401, 404),
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        check = legal_check_visible(check_id=pk, user=request.user)
        if check is None:
            raise NotFound("法制审核记录不存在")
        response = HttpResponse(
            legal_opinion_docx(check=check),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        name = f"法制审核意见书-{check.case.number or check.case_id}-{check.pk}.docx"
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


class HearingOut(serializers.ModelSerializer):
    hearing_officer = UserRef(allow_null=True)

    class Meta:
        model = Hearing
        fields = [
            "requested_on",
            "notified_on",
            "hearing_date",
            "place",
            "hearing_officer",
            "activity",
            "held_on",
            "record",
            "report",
        ]


class CaseHearing(APIView):
    """The hearing (听证) of the case: request, notice, officer, record and report."""

    @api_schema(responses=HearingOut, errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        hearing = Hearing.objects.filter(case=case).select_related("hearing_officer").first()
        if hearing is None:
            raise NotFound("本案未申请听证")
        return Response(HearingOut(hearing).data)


class VoteOut(serializers.ModelSerializer):
    member = UserRef()

    class Meta:
        model = Vote
        fields = ["member", "choice", "opinion"]


class MeetingOut(serializers.ModelSerializer):
    chair = UserRef()
    attendees = UserRef(many=True)
    invited = UserRef(many=True)
    quorum_present = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "held_at",
            "chair",
            "minutes",
            "committee_size",
            "invited",
            "attendees",
            "quorum_present",
        ]

    def get_quorum_present(self, meeting: Meeting) -> bool:
        return meeting_quorum_present(meeting=meeting)


class DeliberationOut(serializers.ModelSerializer):
    meeting = MeetingOut()
    votes = VoteOut(many=True)

    class Meta:
        model = Deliberation
        fields = ["id", "meeting", "votes", "conclusion", "concluded_at"]


class CaseDeliberations(APIView):
    """The collective deliberations (集体讨论) of the case, with the sitting, attendance and votes."""

    @api_schema(responses=DeliberationOut(many=True), errors=(401, 404))
    def get(self, request: Request, pk: int) -> Response:
        case = visible_case(request.user, pk)
        return Response(DeliberationOut(deliberations_of(case=case), many=True).data)


def _members(ids: list[int], scope, field: str) -> list[User]:  # type: ignore[no-untyped-def]
    users = list(User.objects.filter(pk__in=ids, organisation__in=scope))
    missing = sorted(set(ids) - {u.pk for u in users})
    if missing:
        raise InvalidInput("人员不存在或不在本机构范围内", errors={field: [f"无效的用户ID：{missing}"]})
    return users


class MeetingCreate(APIView):
    """Record a sitting of the case review committee (案审会) with the cases on its agenda."""

    class Input(serializers.Serializer):
        organisation = IdField()
        held_at = serializers.DateTimeField()
        chair = IdField(required=False)
        minutes = serializers.CharField(max_length=20000)
        invited = serializers.ListField(child=IdField(), max_length=100, required=False)
        attendees = serializers.ListField(child=IdField(), min_length=1, max_length=100)
        cases = serializers.ListField(child=IdField(), min_length=1, max_length=50)

        class Meta:
            ref_name = "MeetingInput"

    @api_schema(request=Input, responses={201: MeetingOut}, errors=(400, 401, 403, 404), idempotent=True)
    @idempotent
    def post(self, request: Request) -> Response:
        require_role(request.user, Role.AGENCY_HEAD)
        values = validated(self.Input, request.data)
        organisation = visible_organisation(request.user, values["organisation"])
        scope = visible_organisations(user=request.user)
        chair = _members([values["chair"]], scope, "chair")[0] if "chair" in values else None
        meeting = services.meeting_record(
            actor=request.user,
            organisation=organisation,
            held_at=values["held_at"],
            minutes=values["minutes"],
            attendees=_members(values["attendees"], scope, "attendees"),
            invited=_members(values.get("invited", []), scope, "invited"),
            case_ids=values["cases"],
            chair=chair,
        )
        return Response(MeetingOut(meeting).data, status=201)
