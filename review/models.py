"""Case-file review (案卷评查, SPEC §8): scoring standards, campaigns, samples, score sheets, rectification.

Fields and invariants only. Every write goes through review.services; the statistics are in
review.selectors. A standard version is immutable once stored (a change is a new version), so a
campaign is always scored against exactly the rules it was set up with.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from casefiles.models import Case
from core.audit import AuditEvent
from core.engine import StateField, StatefulModel

POINTS = {"max_digits": 5, "decimal_places": 2}


class Grade(models.TextChoices):
    """The four grades of SPEC §8. Codes are stable; the thresholds live on each standard version."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class ScoringStandard(models.Model):
    """评查标准: one version of a scoring standard (categories, items, veto items, grade thresholds)."""

    code = models.CharField("标准代码", max_length=40, help_text="同一标准的各版本代码相同，如 penalty")
    version = models.PositiveIntegerField("版本")
    name = models.CharField("名称", max_length=200)
    description = models.TextField("说明与依据", blank=True)
    excellent_min = models.DecimalField("优秀（不低于）", **POINTS, default=Decimal("90"))
    good_min = models.DecimalField("良好（不低于）", **POINTS, default=Decimal("80"))
    pass_min = models.DecimalField("合格（不低于）", **POINTS, default=Decimal("60"))
    active = models.BooleanField("可用于新的评查活动", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "评查标准"
        verbose_name_plural = "评查标准"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="review_standard_version_unique",
                violation_error_message="该标准已有此版本",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_min__gt=0)
                & models.Q(pass_min__lt=models.F("good_min"))
                & models.Q(good_min__lt=models.F("excellent_min"))
                & models.Q(excellent_min__lte=100),
                name="review_standard_grades_ordered",
                violation_error_message="等次分数线须满足 0 < 合格 < 良好 < 优秀 ≤ 100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class StandardCategory(models.Model):
    """评查项目 (主体, 事实证据 …): its points, and how much may be deducted in it at most."""

    standard = models.ForeignKey(
        ScoringStandard, verbose_name="评查标准", on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField("代码", max_length=20)
    name = models.CharField("名称", max_length=100)
    points = models.DecimalField("分值", **POINTS)
    # Empty = the category's points: a category never goes below zero, whatever is deducted in it.
    cap = models.DecimalField("扣分上限", **POINTS, null=True, blank=True, help_text="空表示以分值为上限")
    position = models.PositiveSmallIntegerField("顺序")

    class Meta:
        verbose_name = "评查项目"
        verbose_name_plural = "评查项目"
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="review_category_code_unique"),
            models.CheckConstraint(
                condition=models.Q(points__gt=0) & models.Q(points__lte=100), name="review_category_points"
            ),
            models.CheckConstraint(
                condition=models.Q(cap__isnull=True)
                | (models.Q(cap__gt=0) & models.Q(cap__lte=models.F("points"))),
                name="review_category_cap_within_points",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.points}分）"

    @property
    def effective_cap(self) -> Decimal:
        return self.cap if self.cap is not None else self.points


class StandardItem(models.Model):
    """评查内容: one deduction rule, e.g. "决定书未在法定期限内送达，每处扣1–2分"."""

    category = models.ForeignKey(
        StandardCategory, verbose_name="评查项目", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("代码", max_length=20)
    text = models.TextField("扣分情形")
    deduction_min = models.DecimalField("每处扣分（下限）", **POINTS)
    deduction_max = models.DecimalField("每处扣分（上限）", **POINTS, help_text="与下限相同即为固定扣分")
    # Stable codes of automatic findings (review.findings) that suggest this item on a score sheet.
    finding_codes = models.JSONField("对应的自动发现代码", default=list, blank=True)
    position = models.PositiveSmallIntegerField("顺序")

    class Meta:
        verbose_name = "扣分项"
        verbose_name_plural = "扣分项"
        ordering = ["category", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deduction_min__gt=0)
                & models.Q(deduction_min__lte=models.F("deduction_max")),
                name="review_item_deduction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def fixed(self) -> bool:
        return self.deduction_min == self.deduction_max


class VetoItem(models.Model):
    """否决项: a defect that makes the file 不合格 whatever its points."""

    standard = models.ForeignKey(
        ScoringStandard, verbose_name="评查标准", on_delete=models.CASCADE, related_name="vetoes"
    )
    code = models.CharField("代码", max_length=20)
    text = models.TextField("否决情形")
    finding_codes = models.JSONField("对应的自动发现代码", default=list, blank=True)
    position = models.PositiveSmallIntegerField("顺序")

    class Meta:
        verbose_name = "否决项"
        verbose_name_plural = "否决项"
        ordering = ["standard", "position"]
        constraints = [models.UniqueConstraint(fields=["standard", "code"], name="review_veto_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class Campaign(StatefulModel):
    """评查活动: who reviews which organisations' files closed in which period, against which standard.

    Its status changes only through review.services.CAMPAIGN_FLOW (core.engine)."""

    class Kind(models.TextChoices):
        SELF = "self", "自查"
        CROSS = "cross", "交叉评查"
        SPOT_CHECK = "spot_check", "抽查"

    class Status(models.TextChoices):
        DRAFT = "draft", "筹备中"
        SAMPLED = "sampled", "已抽取案卷"
        REVIEWING = "reviewing", "评查中"
        FINISHED = "finished", "已完成"

    name = models.CharField("名称", max_length=200)
    kind = models.CharField("方式", max_length=12, choices=Kind.choices)
    organiser = models.ForeignKey(
        Organisation, verbose_name="组织机构", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("案卷结案起始日")
    period_end = models.DateField("案卷结案截止日")
    standard = models.ForeignKey(
        ScoringStandard, verbose_name="评查标准", on_delete=models.PROTECT, related_name="campaigns"
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name="被评查机构", related_name="review_campaigns"
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="评查人员", related_name="review_campaigns", blank=True
    )
    procedure = models.CharField(
        "程序", max_length=10, choices=Case.Procedure.choices, blank=True, help_text="空表示两种程序都抽取"
    )
    sample_percent = models.DecimalField(
        "抽取比例（%）", max_digits=5, decimal_places=2, help_text="每个被评查机构按该比例抽取，向上取整"
    )
    sample_min = models.PositiveSmallIntegerField("每个机构至少抽取（件）", default=3)
    second_review_on_fail = models.BooleanField("不合格案卷须第二名评查人员复核", default=True)
    status = StateField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    # 双随机: the files and the reviewers are both drawn from this seed, so anyone can redraw them.
    seed = models.CharField("随机种子", max_length=64, blank=True)
    sampled_at = models.DateTimeField("抽取时间", null=True, blank=True)
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField("分配时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The head and count of the campaign's event chain (CampaignEvent).
    event_seq = models.PositiveIntegerField(default=0)
    event_head = models.CharField(max_length=64, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "评查活动"
        verbose_name_plural = "评查活动"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="review_campaign_period_ordered",
                violation_error_message="截止日不能早于起始日",
            ),
            models.CheckConstraint(
                condition=models.Q(sample_percent__gt=0) & models.Q(sample_percent__lte=100),
                name="review_campaign_percent_range",
                violation_error_message="抽取比例须大于 0 且不超过 100",
            ),
        ]
        indexes = [models.Index(fields=["organiser", "status"])]

    def __str__(self) -> str:
        return self.name


class SampledFile(models.Model):
    """One case file drawn into a campaign, with the stratum it was drawn from (for the audit)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="samples")
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name="被评查机构", on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.CharField("程序", max_length=10, choices=Case.Procedure.choices)
    stratum_population = models.PositiveIntegerField("该层案卷总数")
    stratum_drawn = models.PositiveIntegerField("该层抽取数")
    position = models.PositiveIntegerField("抽取顺序")

    class Meta:
        verbose_name = "抽取案卷"
        verbose_name_plural = "抽取案卷"
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "case"], name="review_sample_case_once"),
            models.UniqueConstraint(fields=["campaign", "position"], name="review_sample_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.position} {self.case_id}"


class ScoreSheet(StatefulModel):
    """评查表: one reviewer's scoring of one sampled file. Locked once submitted.

    Its status changes only through review.services.SHEET_FLOW (core.engine); everything that
    happens to it is a SheetEvent in its hash chain (whose head and count are kept here)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "评查中"
        SECOND_REVIEW = "second_review", "待复核"
        COMPLETED = "completed", "已完成"

    campaign = models.ForeignKey(
        Campaign, verbose_name="评查活动", on_delete=models.PROTECT, related_name="sheets"
    )
    sample = models.OneToOneField(SampledFile, on_delete=models.PROTECT, related_name="sheet")
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="评查人员", on_delete=models.PROTECT, related_name="+"
    )
    second_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = StateField("状态", max_length=14, choices=Status.choices, default=Status.DRAFT)
    opinion = models.TextField("评查意见", blank=True)
    # Written when submitted (and kept when completed): the statistics read these columns.
    score = models.DecimalField("得分", **POINTS, null=True, blank=True)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices, blank=True)
    vetoed = models.BooleanField("存在否决项", default=False)
    second_opinion = models.TextField("复核意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField("分配时间")
    # The head and count of the sheet's event chain (SheetEvent).
    event_seq = models.PositiveIntegerField(default=0)
    event_head = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "评查表"
        verbose_name_plural = "评查表"
        ordering = ["campaign", "sample__position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "case"], name="review_sheet_case_once"),
            models.CheckConstraint(
                condition=~models.Q(second_reviewer=models.F("reviewer")),
                name="review_second_reviewer_differs",
                violation_error_message="复核人员不能是评查人员本人",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (
                    models.Q(score__isnull=False) & ~models.Q(grade="") & models.Q(submitted_at__isnull=False)
                ),
                name="review_sheet_submitted_has_score",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_at__isnull=False),
                name="review_sheet_completed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "completed_at"]),
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["reviewer", "status"]),
            models.Index(fields=["second_reviewer", "status"]),
        ]

    def __str__(self) -> str:
        return f"评查表 {self.pk}（案件 {self.case_id}）"


class Suggestion(models.Model):
    """A deduction or veto the system already knows of (review.findings), for the reviewer to decide."""

    class Status(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DISMISSED = "dismissed", "已排除"

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="suggestions")
    source = models.CharField("来源", max_length=30)
    code = models.CharField("发现代码", max_length=60)
    message = models.TextField("发现内容")
    occurrences = models.PositiveSmallIntegerField("处数", default=1)
    item = models.ForeignKey(
        StandardItem,
        verbose_name="建议扣分项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    veto = models.ForeignKey(
        VetoItem, verbose_name="建议否决项", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.TextField("处理说明", blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "自动发现的扣分建议"
        verbose_name_plural = "自动发现的扣分建议"
        ordering = ["sheet", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=True) | models.Q(veto__isnull=True),
                name="review_suggestion_item_or_veto",
            )
        ]
        indexes = [models.Index(fields=["sheet", "status"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.message[:40]}"


class Deduction(models.Model):
    """扣分: an item of the standard found in the file, how often, how much each time, and why."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="deductions")
    item = models.ForeignKey(StandardItem, verbose_name="扣分项", on_delete=models.PROTECT, related_name="+")
    occurrences = models.PositiveSmallIntegerField("处数", default=1)
    points_each = models.DecimalField("每处扣分", **POINTS)
    # occurrences × points_each (review.services writes it), stored so the category sums and the
    # statistics are plain SUMs. Not a CHECK: SQLite compares decimals as floats (3 × 0.35 ≠ 1.05).
    points = models.DecimalField("扣分", max_digits=7, decimal_places=2)
    reason = models.TextField("扣分理由")
    suggestion = models.OneToOneField(
        Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="deduction"
    )
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "扣分"
        verbose_name_plural = "扣分"
        ordering = ["sheet", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occurrences__gte=1) & models.Q(points_each__gt=0),
                name="review_deduction_positive",
            ),
        ]
        indexes = [models.Index(fields=["item", "sheet"])]

    def __str__(self) -> str:
        return f"{self.item.code} −{self.points}"


class VetoFinding(models.Model):
    """否决: a veto item found in the file, with the reason."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="veto_findings")
    veto = models.ForeignKey(VetoItem, verbose_name="否决项", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("理由")
    suggestion = models.OneToOneField(
        Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="veto_finding"
    )
    created_at = models.DateTimeField("记录时间")

    class Meta:
        verbose_name = "否决情形"
        verbose_name_plural = "否决情形"
        ordering = ["sheet", "pk"]
        constraints = [models.UniqueConstraint(fields=["sheet", "veto"], name="review_veto_once_per_sheet")]

    def __str__(self) -> str:
        return f"{self.veto.code}"


class SheetEvent(AuditEvent):
    """What happened to a score sheet, in order: assigned, submitted, confirmed, returned …
    Append-only and hash-chained (core.audit); written by review.services under the sheet's lock."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=30)
    note = models.TextField("说明", blank=True)

    chain_owner = "sheet"
    append_only_label = "评查表记录"

    class Meta:
        verbose_name = "评查表记录"
        verbose_name_plural = "评查表记录"
        ordering = ["sheet", "seq"]
        constraints = [models.UniqueConstraint(fields=["sheet", "seq"], name="review_sheet_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.sheet_id}#{self.seq} {self.action}"

    def own_content(self) -> dict[str, object]:
        return {"action": self.action, "note": self.note}


class CampaignEvent(AuditEvent):
    """What happened to a campaign, in order: sampled, assigned, finished. Append-only and
    hash-chained (core.audit); written by review.services.CAMPAIGN_FLOW under the campaign's lock."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=30)
    note = models.TextField("说明", blank=True)

    chain_owner = "campaign"
    append_only_label = "评查活动记录"

    class Meta:
        verbose_name = "评查活动记录"
        verbose_name_plural = "评查活动记录"
        ordering = ["campaign", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "seq"], name="review_campaign_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.seq} {self.action}"

    def own_content(self) -> dict[str, object]:
        return {"action": self.action, "note": self.note}


class Rectification(models.Model):
    """整改事项: a defect found in review, sent to the organisation that handled the file, until done."""

    class Status(models.TextChoices):
        OPEN = "open", "整改中"
        DONE = "done", "已整改"

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name="评查表", on_delete=models.PROTECT, related_name="rectifications"
    )
    case = models.ForeignKey(Case, verbose_name="案件", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, verbose_name="整改机构", on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField("整改内容")
    due_on = models.DateField("整改期限", null=True, blank=True)
    status = models.CharField("状态", max_length=6, choices=Status.choices, default=Status.OPEN)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下发人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("下发时间")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="整改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    done_note = models.TextField("整改情况", blank=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["issued_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(done_at__isnull=False),
                name="review_rectification_done_dated",
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["sheet", "status"])]

    def __str__(self) -> str:
        return self.description[:50]
