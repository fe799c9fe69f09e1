"""Output shapes shared by several endpoints. Inputs live beside their views."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from accounts.models import Organisation, User
from casefiles.models import Case, CaseEvent, Inspection, Party, ViolationType
from casefiles.selectors import av_coverage


class OrganisationRef(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "level"]


class UserRef(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class PartyOut(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = [
            "id",
            "kind",
            "name",
            "credit_code",
            "id_number",
            "legal_representative",
            "address",
            "phone",
        ]


class PartyIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Party.Kind.choices)
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    legal_representative = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class ViolationTypeOut(serializers.ModelSerializer):
    class Meta:
        model = ViolationType
        fields = ["id", "code", "name", "legal_basis", "penalty_basis", "fine_min", "fine_max"]


class PenaltyIO(serializers.Serializer):
    warning = serializers.BooleanField(required=False, default=False)
    fine = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, default="0")
    confiscation = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, default="0"
    )
    suspension = serializers.BooleanField(required=False, default=False)
    revocation = serializers.BooleanField(required=False, default=False)
    closure = serializers.BooleanField(required=False, default=False)


class InspectionOut(serializers.ModelSerializer):
    organisation = OrganisationRef()
    party = PartyOut()
    officers = UserRef(many=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "organisation",
            "inspected_on",
            "party",
            "officers",
            "violations_found",
            "rectification_order",
            "documents_issued",
            "notes",
            "created_at",
        ]


@extend_schema_field(OpenApiTypes.BOOL)
class OverdueField(serializers.Field):
    """Whether the clock of the case's current state has run out (as `casefiles.selectors.overdue_q`)."""

    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, case: Case) -> bool:
        return bool(case.current_deadline and case.current_deadline < timezone.localdate())


class CaseOut(serializers.ModelSerializer):
    organisation = OrganisationRef()
    party = PartyOut(allow_null=True)
    violation_type = ViolationTypeOut(allow_null=True)
    officers = UserRef(many=True)
    state_label = serializers.CharField(source="get_state_display")
    proposed_penalty = PenaltyIO()
    noticed_penalty = PenaltyIO(allow_null=True)
    decided_penalty = PenaltyIO(allow_null=True)
    overdue = OverdueField()
    av_coverage = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "year",
            "title",
            "facts",
            "organisation",
            "procedure",
            "origin",
            "inspection",
            "party",
            "violation_type",
            "officers",
            "complex",
            "severity",
            "criminal_suspicion",
            "criminal_suspicion_note",
            "is_major",
            "state",
            "state_label",
            "proposed_penalty",
            "noticed_penalty",
            "notice_served_on",
            "statement_waived",
            "decision_kind",
            "decided_penalty",
            "decided_fine",
            "decision_number",
            "decided_at",
            "decision_served_on",
            "decision_service_method",
            "service_late",
            "published_on",
            "publication_late",
            "fine_due_on",
            "execution_outcome",
            "paid_on",
            "paid_amount",
            "surcharge",
            "filed_at",
            "closed_at",
            "archived_at",
            "decision_deadline",
            "deadline_extended",
            "current_deadline",
            "current_deadline_kind",
            "overdue",
            "version",
            "created_at",
            "av_coverage",
        ]

    @extend_schema_field(
        inline_serializer(
            "AvCoverage",
            fields={
                "activity": serializers.IntegerField(),
                "kind": serializers.CharField(),
                "label": serializers.CharField(),
                "occurred_at": serializers.DateTimeField(),
                "covered": serializers.BooleanField(),
            },
            many=True,
        )
    )
    def get_av_coverage(self, case: Case) -> list[dict]:
        return av_coverage(case=case)


class CaseListOut(serializers.ModelSerializer):
    organisation = OrganisationRef()
    party_name = serializers.CharField(source="party.name", default="", read_only=True)
    state_label = serializers.CharField(source="get_state_display")
    overdue = OverdueField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "organisation",
            "party_name",
            "procedure",
            "state",
            "state_label",
            "is_major",
            "current_deadline",
            "current_deadline_kind",
            "overdue",
            "version",
        ]


class CaseEventOut(serializers.ModelSerializer):
    actor = UserRef(allow_null=True)

    class Meta:
        model = CaseEvent
        fields = [
            "seq",
            "transition",
            "from_state",
            "to_state",
            "actor",
            "actor_name",
            "at",
            "opinion",
            "data",
            "prev_hash",
            "hash",
        ]
