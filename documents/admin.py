"""Admin for documents: template versions are added by uploading a Word file (checked by filling it with
every field of its type) and never changed; case documents and case files are view-only records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.errors import DomainError
from documents.catalogue import CHOICES
from documents.models import CaseDocument, CaseFile, DocumentTemplate
from documents.render import default_template
from documents.services import DOCX, template_version_create


class TemplateUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label="模板文件（.docx）",
        help_text="可先下载本类型的默认模板（文书模板列表页地址后加 default/类型代码/），在 Word 中修改后上传；"
        "模板中的字段须为该类型的字段",
    )

    class Meta:
        model = DocumentTemplate
        fields = ["organisation", "doc_type", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None and data.get("organisation") and data.get("doc_type"):
            content = upload.read()
            try:
                self.instance = template_version_create(
                    organisation=data["organisation"],
                    doc_type=data["doc_type"],
                    content=content,
                    actor=self.request_user,
                    note=data.get("note", ""),
                )
            except DomainError as exc:
                raise forms.ValidationError(exc.detail) from exc
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ("organisation", "doc_type", "version", "note", "uploaded_by", "created_at", "download")
    list_filter = ("doc_type",)
    search_fields = ("organisation__name", "note")
    readonly_fields = (
        "organisation",
        "doc_type",
        "version",
        "sha256",
        "note",
        "uploaded_by",
        "created_at",
        "download",
    )
    exclude = ("content",)

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = TemplateUploadForm
            kwargs["fields"] = ["organisation", "doc_type", "note"]
            form = super().get_form(request, obj, change=change, **kwargs)
            form.request_user = request.user
            return form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return self.readonly_fields if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The version was created by template_version_create when the form was cleaned.
        return None

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.display(description="下载")
    def download(self, obj: DocumentTemplate) -> str:
        if obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">下载 .docx</a>', reverse("admin:documents_template_download", args=[obj.pk])
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="documents_template_download",
            ),
            path(
                "default/<str:doc_type>/",
                self.admin_site.admin_view(self.default_view),
                name="documents_template_default",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = DocumentTemplate.objects.get(pk=pk)
        return self._docx(bytes(template.content), f"{template.doc_type}-v{template.version}.docx")

    def default_view(self, request: HttpRequest, doc_type: str) -> HttpResponse:
        if doc_type not in dict(CHOICES):
            return HttpResponse(status=404)
        return self._docx(default_template(doc_type), f"{doc_type}-default.docx")

    @staticmethod
    def _docx(data: bytes, name: str) -> HttpResponse:
        response = HttpResponse(data, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(CaseDocument)
class CaseDocumentAdmin(ReadOnly):
    list_display = ("case", "title", "number", "source", "stage", "issued_on", "created_at")
    list_filter = ("doc_type", "source", "stage")
    search_fields = ("case__number", "number", "title")
    list_select_related = ("case",)
    raw_id_fields = ("case", "evidence", "template")


@admin.register(CaseFile)
class CaseFileAdmin(ReadOnly):
    list_display = ("case", "pages", "sha256", "retention", "retention_until", "assembled_at")
    search_fields = ("case__number", "sha256")
    list_select_related = ("case",)
    raw_id_fields = ("case",)
