"""First slice of the REST API (SPEC §10): token, the case list, what may be fired now.
The API issue extends these conventions to every resource."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from casefiles.models import Case
from casefiles.selectors import cases_visible_to
from core.errors import NotFound
from workflow.services import case_available_transitions


class TokenView(ObtainAuthToken):
    pass


class CaseListView(ListAPIView):
    class Output(serializers.ModelSerializer):
        state_label = serializers.CharField(source="get_state_display")

        class Meta:
            model = Case
            fields = [
                "id",
                "number",
                "title",
                "organisation",
                "procedure",
                "state",
                "state_label",
                "is_major",
                "current_deadline",
                "version",
            ]

    serializer_class = Output

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return cases_visible_to(user=self.request.user).order_by("-created_at", "-pk")


class CaseTransitionsView(APIView):
    def get(self, request: Request, pk: int) -> Response:
        case = cases_visible_to(user=request.user).filter(pk=pk).first()
        if case is None:
            raise NotFound("案件不存在")
        options = case_available_transitions(case=case, actor=request.user)
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
                for o in options
            ]
        )
