from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from api.inputs import validated
from core.errors import InvalidInput


class TokenView(APIView):
    """POST username + password → a token for `Authorization: Token …`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

        class Meta:
            ref_name = "TokenInput"

    @api_schema(
        request=Input,
        responses=inline_serializer("TokenOut", fields={"token": serializers.CharField()}),
        errors=(400,),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = validated(self.Input, request.data)
        user = authenticate(request, **data)
        if user is None or not user.is_active:
            raise InvalidInput("用户名或密码错误", errors={"non_field_errors": ["用户名或密码错误"]})
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
