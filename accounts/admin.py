from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.models import Certificate, Organisation, User, UserRole
from accounts.policy import POLICY_FIELDS
from accounts.services import organisation_save


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    fieldsets = (
        (None, {"fields": ("code", "name", "level", "parent", "case_number_prefix", "path")}),
        ("规则设置（留空则继承上级）", {"fields": POLICY_FIELDS}),
    )

    def get_form(self, request: HttpRequest, obj: Organisation | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and obj.path and "parent" in form.base_fields:
            # Offer only parents that keep the tree a tree; organisation_save refuses the rest, and a
            # refusal in save_model would be a server error instead of a form error.
            form.base_fields["parent"].queryset = Organisation.objects.exclude(path__startswith=obj.path)
        return form

    def save_model(self, request: HttpRequest, obj: Organisation, form: ModelForm, change: bool) -> None:
        # The service keeps the materialised path of the organisation and its subtree right.
        organisation_save(organisation=obj)


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 0


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("执法信息", {"fields": ("full_name", "organisation")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("执法信息", {"fields": ("full_name", "organisation")}),
    )
    list_display = ("username", "full_name", "organisation", "is_staff", "is_active")
    list_filter = ("organisation", "is_staff", "is_superuser", "is_active")
    list_select_related = ("organisation",)
    search_fields = ("username", "full_name", "email")
    inlines = (UserRoleInline, CertificateInline)


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role")
    list_filter = ("role",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ("user",)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "user", "valid_from", "valid_to", "issued_by")
    list_select_related = ("user",)
    search_fields = ("number", "user__username", "user__full_name")
    date_hierarchy = "valid_to"
    autocomplete_fields = ("user",)
