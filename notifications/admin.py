from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username", "user__full_name")
    readonly_fields = ("user", "case", "kind", "key", "title", "body", "created_at", "read_at", "emailed_at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
