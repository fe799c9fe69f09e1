from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.docs import api_schema
from api.pagination import PagePagination, paginate
from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.services import notification_mark_read


class NotificationOut(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "case", "created_at", "read_at"]


class NotificationList(APIView):
    """The current user's notifications, newest first (unread first)."""

    pagination_class = PagePagination

    @api_schema(responses=NotificationOut(many=True), errors=(401,), paginated=True)
    def get(self, request: Request) -> Response:
        queryset = notifications_for(user=request.user)
        return paginate(self, request, queryset, NotificationOut)


class NotificationRead(APIView):
    @api_schema(request=None, responses={204: None}, errors=(401, 404))
    def post(self, request: Request, pk: int) -> Response:
        notification_mark_read(notification_id=pk, user=request.user)
        return Response(status=204)
