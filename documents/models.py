"""Documents of a case (执法文书), their Word templates per organisation, and the electronic case file.

Fields and invariants only: documents.services writes every row. A document row is written once;
only the cached renderings (the .docx and .pdf kept in object storage) are filled in later, once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from casefiles.models import Case, Evidence
from documents.catalogue import CHOICES, STAGES


class DocumentTemplate(models.Model):
    """One version of an organisation's Word template (docxtpl) for one document type.

    The newest version of the nearest organisation up the tree is used; with none, the default
    shipped in documents/defaults/. Versions are never changed: a correction is a new version, and
    every generated document names the version it was made from.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+"
    )
    doc_type = models.CharField("文书类型", max_length=32, choices=CHOICES)
    version = models.PositiveIntegerField("版本")
    content = models.BinaryField("模板文件（.docx）")
    sha256 = models.CharField("SHA-256", max_length=64)
    note = models.CharField("修改说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["organisation", "doc_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "doc_type", "version"], name="document_template_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_doc_type_display()} 第{self.version}版"


class CaseDocument(models.Model):
    """An entry of a case's document list: a document generated from the case data (with its 文号),
    a signed scan uploaded through the evidence store, or a required document marked not applicable
    with the reason."""

    class Source(models.TextChoices):
        GENERATED = "generated", "系统生成"
        UPLOADED = "uploaded", "上传扫描件"
        NOT_APPLICABLE = "not_applicable", "不适用"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField("文书类型", max_length=32, choices=CHOICES)
    # Which one of several of a kind: "check:12" (the opinion of legal check 12), "notice" /
    # "decision" (the receipt of that service), "deliberation:3"; blank when one is enough.
    key = models.CharField("对应事项", max_length=40, blank=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    # Where it sits in the file (documents.catalogue.STAGES): the type's stage, except that a
    # pre-decision legal opinion sits in the decision stage and the notice's receipt with the notice.
    stage = models.CharField("阶段", max_length=16, choices=[(s.code, s.label) for s in STAGES])
    title = models.CharField("标题", max_length=100)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("文书日期", null=True, blank=True)
    # Generated: the case data as it stood (the document is re-rendered from this, never from the
    # case as it is later), and the template version it was filled into (null = shipped default).
    context = models.JSONField("文书数据", default=dict, blank=True)
    template = models.ForeignKey(
        DocumentTemplate, verbose_name="模板版本", null=True, blank=True, on_delete=models.PROTECT
    )
    template_sha256 = models.CharField("模板 SHA-256", max_length=64, blank=True)
    # Uploaded: the scan, kept (hashed, locked, with its chain of custody) as evidence.
    evidence = models.OneToOneField(
        Evidence, verbose_name="扫描件", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("不适用理由", blank=True)
    # Renderings, stored once in object storage on first use.
    docx_key = models.CharField(max_length=300, blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf_key = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "案件文书"
        verbose_name_plural = "案件文书"
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "doc_type", "year", "seq"],
                condition=models.Q(seq__isnull=False),
                name="case_document_number_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="not_applicable") | ~models.Q(reason=""),
                name="case_document_na_has_reason",
                violation_error_message="标注不适用须写明理由",
            ),
        ]
        indexes = [models.Index(fields=["case", "doc_type"])]

    def __str__(self) -> str:
        return f"{self.title} {self.number}".strip()


class CaseFile(models.Model):
    """电子卷宗: the case file assembled at archive, one PDF in object storage, immutable, with its hash.

    `toc` is the table of contents as printed (title, 文号, date, first and last page); `missing` what
    the checklist found missing when it was assembled (a file archived before the catalogue existed).
    """

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="casefile")
    object_key = models.CharField("存储键", max_length=300, unique=True)
    backend = models.CharField("存储", max_length=10)
    version_id = models.CharField("对象版本", max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size_bytes = models.BigIntegerField("大小（字节）")
    pages = models.PositiveIntegerField("页数")
    toc = models.JSONField("卷内目录", default=list)
    missing = models.JSONField("归档时缺少的材料", default=list, blank=True)
    retention = models.CharField("保管期限", max_length=20)
    retention_until = models.DateField("保管至")
    assembled_at = models.DateTimeField("组卷时间")
    assembly_seconds = models.FloatField("组卷耗时（秒）", default=0)

    class Meta:
        verbose_name = "电子卷宗"
        verbose_name_plural = "电子卷宗"

    def __str__(self) -> str:
        return f"{self.case} 电子卷宗"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # An invariant, not business logic: the archived file is written once.
        if not self._state.adding:
            raise PermissionError("电子卷宗归档后不可更改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("电子卷宗归档后不可删除")
