from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import FSMField, FSMModelMixin

from accounts.models import Organisation
from accounts.policy import AvActivity
from casefiles.validators import validate_credit_code, validate_id_number
from core.audit import AuditEvent
from law.articles import article_text
from law.states import CaseState, DecisionKind, ExecutionOutcome, PartyKind, Procedure

MONEY = {"max_digits": 14, "decimal_places": 2}


class Party(models.Model):
    """当事人: an entity (with its unified social credit code) or an individual (with ID number)."""

    Kind = PartyKind

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称/姓名", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, blank=True, validators=[validate_credit_code], db_index=True
    )
    id_number = models.CharField("身份证号码", max_length=18, blank=True, validators=[validate_id_number])
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="entity") & ~models.Q(credit_code=""))
                | (models.Q(kind="individual") & ~models.Q(id_number="")),
                name="party_identified",
                violation_error_message="单位须填写统一社会信用代码，个人须填写身份证号码",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Law(models.Model):
    """法律法规: the statute (or rule) that article references of the violation catalogue point into."""

    name = models.CharField(
        "名称", max_length=100, unique=True, help_text="全称，不含书名号，如：中华人民共和国安全生产法"
    )
    revision = models.CharField("版本", max_length=100, blank=True, help_text="如：2021年6月10日第三次修正")
    effective_on = models.DateField("施行日期", null=True, blank=True)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"《{self.name}》"


def _range_constraints(
    prefix: str, label: str, *, both_or_neither: bool = False
) -> list[models.BaseConstraint]:
    """min ≥ 0 and min ≤ max for a pair of money fields `<prefix>fine_min` / `<prefix>fine_max`."""
    low, high = f"{prefix}fine_min", f"{prefix}fine_max"
    constraints: list[models.BaseConstraint] = [
        models.CheckConstraint(
            condition=models.Q(**{f"{low}__isnull": True}) | models.Q(**{f"{low}__gte": 0}),
            name=f"%(class)s_{prefix}fine_min_not_negative",
            violation_error_message=f"{label}下限不能为负数",
        ),
        models.CheckConstraint(
            condition=models.Q(**{f"{low}__isnull": True})
            | models.Q(**{f"{high}__isnull": True})
            | models.Q(**{f"{low}__lte": models.F(high)}),
            name=f"%(class)s_{prefix}fine_min_le_max",
            violation_error_message=f"{label}下限不能高于上限",
        ),
    ]
    if both_or_neither:
        constraints.append(
            models.CheckConstraint(
                condition=models.Q(**{f"{low}__isnull": True, f"{high}__isnull": True})
                | models.Q(**{f"{low}__isnull": False, f"{high}__isnull": False}),
                name=f"%(class)s_{prefix}fine_both_or_neither",
                violation_error_message=f"{label}的下限和上限应同时填写或同时不填",
            )
        )
    return constraints


class ViolationType(models.Model):
    """违法行为目录的一项: what was violated, under which articles, and what the law allows as penalty.

    `legal_basis` / `penalty_basis` are the display form; when the entry has structured article
    references (ViolationArticle) the catalogue services derive the text from them.
    The statutory range is the law's: the bureau's discretion benchmark narrows it per severity.
    """

    class Subject(models.TextChoices):
        ENTITY = "entity", "单位"
        INDIVIDUAL = "individual", "个人"
        ANY = "any", "单位或个人"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("违法行为", max_length=200)
    domain = models.CharField("执法领域", max_length=50, default="安全生产", db_index=True)
    subject = models.CharField("处罚对象", max_length=10, choices=Subject.choices, default=Subject.ENTITY)
    # Display text. Blank in a form only when the structured references below will fill it in.
    legal_basis = models.CharField(
        "违法依据", max_length=300, blank=True, help_text="有条款引用时根据引用自动生成"
    )
    penalty_basis = models.CharField(
        "处罚依据", max_length=300, blank=True, help_text="有条款引用时根据引用自动生成"
    )
    statutory_penalty = models.TextField("法定处罚", blank=True, help_text="处罚依据条文中罚则的原文")
    fine_min = models.DecimalField("法定罚款下限（元）", **MONEY, null=True, blank=True)
    fine_max = models.DecimalField("法定罚款上限（元）", **MONEY, null=True, blank=True)
    overdue_fine_min = models.DecimalField("逾期未改正罚款下限（元）", **MONEY, null=True, blank=True)
    overdue_fine_max = models.DecimalField("逾期未改正罚款上限（元）", **MONEY, null=True, blank=True)
    person_fine_min = models.DecimalField("责任人员罚款下限（元）", **MONEY, null=True, blank=True)
    person_fine_max = models.DecimalField("责任人员罚款上限（元）", **MONEY, null=True, blank=True)
    allows_warning = models.BooleanField("可处警告", default=False)
    allows_suspension = models.BooleanField("可责令停产停业（整顿）", default=False)
    allows_revocation = models.BooleanField("可吊销许可证照", default=False)
    allows_closure = models.BooleanField("可责令关闭", default=False)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "违法行为类型"
        verbose_name_plural = "违法行为类型"
        ordering = ["code"]
        constraints = [
            *_range_constraints("", "法定罚款"),
            *_range_constraints("overdue_", "逾期未改正罚款", both_or_neither=True),
            *_range_constraints("person_", "责任人员罚款", both_or_neither=True),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ViolationArticle(models.Model):
    """One structured article reference of a catalogue entry, e.g. 《安全生产法》第九十七条第三项."""

    class Role(models.TextChoices):
        LEGAL = "legal", "违法依据"
        PENALTY = "penalty", "处罚依据"

    violation_type = models.ForeignKey(
        ViolationType, verbose_name="违法行为", on_delete=models.CASCADE, related_name="articles"
    )
    role = models.CharField("类别", max_length=10, choices=Role.choices)
    position = models.PositiveSmallIntegerField("顺序", default=1)
    law = models.ForeignKey(Law, verbose_name="法律法规", on_delete=models.PROTECT, related_name="+")
    article = models.PositiveSmallIntegerField("条")
    paragraph = models.PositiveSmallIntegerField("款", null=True, blank=True)
    item = models.PositiveSmallIntegerField("项", null=True, blank=True)

    class Meta:
        verbose_name = "条款引用"
        verbose_name_plural = "条款引用"
        ordering = ["violation_type", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["violation_type", "role", "position"],
                name="violationarticle_position_unique",
                violation_error_message="同一类别下条款顺序不能重复",
            ),
            models.CheckConstraint(
                condition=models.Q(article__gte=1)
                & (models.Q(paragraph__isnull=True) | models.Q(paragraph__gte=1))
                & (models.Q(item__isnull=True) | models.Q(item__gte=1)),
                name="violationarticle_numbers_positive",
                violation_error_message="条、款、项的序号应从 1 开始",
            ),
        ]

    def __str__(self) -> str:
        return article_text(self.law.name, self.article, self.paragraph, self.item)


class DiscretionBenchmark(models.Model):
    """自由裁量基准的一个版本: in force for one violation type from `effective_from` to `effective_to`.

    Versions of one violation type never overlap in time (an exclusion constraint on PostgreSQL,
    casefiles.catalogue.services everywhere); a case is measured against the version in force on its
    filing date, so a revision never changes how earlier cases are judged.
    """

    violation_type = models.ForeignKey(
        ViolationType, verbose_name="违法行为", on_delete=models.CASCADE, related_name="benchmarks"
    )
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField(
        "失效日期", null=True, blank=True, help_text="最后一天仍有效；空表示现行有效"
    )
    document_title = models.CharField(
        "基准文件", max_length=200, help_text="如：某某应急管理局行政处罚自由裁量基准"
    )
    document_number = models.CharField("文号", max_length=100, blank=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "自由裁量基准"
        verbose_name_plural = "自由裁量基准"
        ordering = ["violation_type", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["violation_type", "effective_from"],
                name="benchmark_version_unique",
                violation_error_message="该违法行为在同一生效日期已有裁量基准版本",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="benchmark_period_ordered",
                violation_error_message="失效日期不能早于生效日期",
            ),
        ]

    def __str__(self) -> str:
        until = f"至{self.effective_to}" if self.effective_to else "起"
        return f"{self.violation_type.code} 裁量基准（{self.effective_from}{until}）"


# Severity codes of a benchmark level, lightest first (the stable codes of BenchmarkLevel.Severity).
SEVERITY_ORDER = ("minor", "general", "serious", "severe")


class BenchmarkLevel(models.Model):
    """裁量阶次: one severity of a benchmark version, its conditions (情形) and its fine range."""

    class Severity(models.TextChoices):
        MINOR = "minor", "轻微"
        GENERAL = "general", "一般"
        SERIOUS = "serious", "较重"
        SEVERE = "severe", "严重"

    benchmark = models.ForeignKey(
        DiscretionBenchmark, verbose_name="裁量基准", on_delete=models.CASCADE, related_name="levels"
    )
    severity = models.CharField("裁量阶次", max_length=10, choices=Severity.choices)
    conditions = models.TextField("适用情形")
    measures = models.TextField(
        "裁量标准", blank=True, help_text="如：责令限期改正，处1万元以上3万元以下罚款"
    )
    fine_min = models.DecimalField("罚款下限（元）", **MONEY, null=True, blank=True)
    fine_max = models.DecimalField("罚款上限（元）", **MONEY, null=True, blank=True)
    allows_no_penalty = models.BooleanField(
        "可不予处罚",
        default=False,
        help_text="首违不罚、轻微不罚（行政处罚法第三十三条第一款），仅限轻微阶次",
    )

    class Meta:
        verbose_name = "裁量阶次"
        verbose_name_plural = "裁量阶次"
        # 轻微 → 一般 → 较重 → 严重, the order the benchmark documents use.
        ordering = [
            "benchmark",
            models.Case(
                *(models.When(severity=code, then=rank) for rank, code in enumerate(SEVERITY_ORDER)),
                output_field=models.IntegerField(),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["benchmark", "severity"],
                name="benchmarklevel_severity_unique",
                violation_error_message="同一基准版本中每个裁量阶次只能有一条",
            ),
            *_range_constraints("", "阶次罚款", both_or_neither=True),
            models.CheckConstraint(
                condition=models.Q(allows_no_penalty=False) | models.Q(severity="minor"),
                name="benchmarklevel_no_penalty_only_minor",
                violation_error_message="只有轻微阶次可以规定不予处罚",
            ),
        ]

    def __str__(self) -> str:
        return self.get_severity_display()


class Inspection(models.Model):
    """执法检查: one visit to one enterprise. Counted in §9 as 执法检查企业家次."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+"
    )
    inspected_on = models.DateField("检查日期")
    party = models.ForeignKey(
        Party, verbose_name="被检查单位", on_delete=models.PROTECT, related_name="inspections"
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="检查人员", related_name="inspections"
    )
    violations_found = models.PositiveIntegerField("发现违法行为条数", default=0)
    rectification_order = models.BooleanField("责令限期整改", default=False)
    documents_issued = models.PositiveIntegerField("制发文书数", default=0)
    notes = models.TextField("检查情况", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = "执法检查"
        verbose_name_plural = "执法检查"
        indexes = [
            # The annual figures count inspections of a subtree and year from the index alone
            # (reports.selectors): organisation and date are the keys, the counted columns ride along.
            models.Index(
                fields=["organisation", "inspected_on"],
                include=["violations_found", "rectification_order"],
                name="inspection_org_day_stats",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.party}"


class Case(FSMModelMixin, models.Model):
    """案件. Fields only: every change goes through workflow.services, the state through its FSM.

    Dates and amounts that the statistics of §9 count are kept as columns here (filled by the
    transition that produces them) so that the annual figures are plain indexed aggregates.
    """

    Procedure = Procedure

    class Origin(models.TextChoices):
        INSPECTION = "inspection", "检查发现"
        COMPLAINT = "complaint", "投诉举报"
        REFERRAL = "referral", "移送"
        ACCIDENT = "accident", "事故调查"

    DecisionKind = DecisionKind

    class ServiceMethod(models.TextChoices):
        DIRECT = "direct", "直接送达"
        MAIL = "mail", "邮寄送达"
        LEAVE = "leave", "留置送达"
        ANNOUNCEMENT = "announcement", "公告送达"
        ELECTRONIC = "electronic", "电子送达"
        ENTRUSTED = "entrusted", "委托送达"

    ExecutionOutcome = ExecutionOutcome

    organisation = models.ForeignKey(
        Organisation, verbose_name="办案机构", on_delete=models.PROTECT, related_name="cases"
    )
    procedure = models.CharField("程序", max_length=10, choices=Procedure.choices, default=Procedure.GENERAL)
    origin = models.CharField("案件来源", max_length=12, choices=Origin.choices)
    inspection = models.ForeignKey(
        Inspection,
        verbose_name="来源检查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    party = models.ForeignKey(
        Party, verbose_name="当事人", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    violation_type = models.ForeignKey(
        ViolationType,
        verbose_name="违法行为",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    title = models.CharField("案由", max_length=200)
    facts = models.TextField("违法事实", blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="承办人员", related_name="handled_cases"
    )
    complex = models.BooleanField("疑难复杂", default=False)
    # 裁量阶次 the handlers chose for this case under the discretion benchmark in force at filing.
    severity = models.CharField(
        "裁量阶次", max_length=10, choices=BenchmarkLevel.Severity.choices, blank=True
    )
    # 涉嫌犯罪: the case must go to the judicial organs (Art. 27), never be closed by a fine (以罚代刑).
    criminal_suspicion = models.BooleanField("涉嫌犯罪", default=False)
    criminal_suspicion_note = models.TextField("涉嫌犯罪情况", blank=True)
    is_major = models.BooleanField("重大案件", default=False, db_index=True)
    state = FSMField("状态", default=CaseState.DRAFT, choices=CaseState.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")

    # Case number, given when the filing is approved (general) or on the spot (summary).
    year = models.PositiveSmallIntegerField("立案年度", null=True, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    number = models.CharField("案号", max_length=60, blank=True)
    filed_at = models.DateTimeField("立案时间", null=True, blank=True)

    proposed_penalty = models.JSONField("拟处罚", default=dict, blank=True)
    noticed_penalty = models.JSONField("告知的处罚", null=True, blank=True)
    notice_served_on = models.DateField("告知书送达日期", null=True, blank=True)
    statement_on = models.DateField("陈述申辩日期", null=True, blank=True)
    statement_waived = models.BooleanField("放弃陈述申辩", default=False)
    statement = models.TextField("陈述申辩意见", blank=True)

    decision_kind = models.CharField("决定类型", max_length=12, choices=DecisionKind.choices, blank=True)
    decided_penalty = models.JSONField("决定的处罚", null=True, blank=True)
    decided_fine = models.DecimalField("决定罚款（元）", **MONEY, null=True, blank=True)
    decision_number = models.CharField("决定书文号", max_length=60, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decided_major = models.BooleanField("决定时为重大案件", default=False)
    # Whether an approving 告知前 / 决定前 legal check is on record (SPEC §7, §9 "passed both checks"),
    # set in the transaction of the check that approves (workflow.steps._legal_check, the one place a
    # legal check is recorded). Checks are append-only and a later return does not withdraw an
    # earlier approval, so each flag only ever turns on. The annual double-check figure reads them
    # from the decisions index rather than probing the legal checks of every major decision.
    pre_notice_approved = models.BooleanField(
        "告知前法制审核已通过", default=False, db_default=False, editable=False
    )
    pre_decision_approved = models.BooleanField(
        "决定前法制审核已通过", default=False, db_default=False, editable=False
    )
    decision_served_on = models.DateField("决定书送达日期", null=True, blank=True)
    decision_service_method = models.CharField(
        "送达方式", max_length=14, choices=ServiceMethod.choices, blank=True
    )
    service_late = models.BooleanField("送达超期", default=False)
    published_on = models.DateField("公示日期", null=True, blank=True)
    publication_channel = models.CharField("公示渠道", max_length=200, blank=True)
    publication_late = models.BooleanField("公示超期", default=False)
    publication_skip_reason = models.TextField("不予公示理由", blank=True)
    fine_due_on = models.DateField("罚款缴纳期限", null=True, blank=True)
    execution_outcome = models.CharField(
        "执行结果", max_length=14, choices=ExecutionOutcome.choices, blank=True
    )
    paid_on = models.DateField("缴纳日期", null=True, blank=True)
    paid_amount = models.DecimalField("缴纳金额（元）", **MONEY, null=True, blank=True)
    surcharge = models.DecimalField("加处罚款（元）", **MONEY, null=True, blank=True)
    # The day `surcharge` was last accrued to (Art. 72, daily job): accrual is a function of this date.
    surcharge_as_of = models.DateField("加处罚款计算至", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    decision_deadline = models.DateField("办案期限", null=True, blank=True)
    deadline_extended = models.BooleanField("已延期", default=False)
    # The deadline of the clock running in the current state, so "overdue" is an indexed query.
    current_deadline = models.DateField("当前期限", null=True, blank=True)
    current_deadline_kind = models.CharField("当前期限类型", max_length=20, blank=True)

    # Optimistic version = number of history rows; head = hash of the last one (tamper evidence).
    version = models.PositiveIntegerField("版本", default=0)
    history_head = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"],
                condition=~models.Q(number=""),
                name="case_number_unique_per_org_year",
                violation_error_message="同一机构同一年度的案号不能重复",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "seq"],
                condition=models.Q(seq__isnull=False),
                name="case_seq_unique_per_org_year",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["state", "current_deadline"]),
            # Filings and decisions of a subtree and period, with the columns the annual figures count
            # included so that they are read from the index alone (reports.selectors); the id makes the
            # smaller one the cheapest source of "which organisation is this case's" for the joins of
            # the figures by sub-organisation (every case has an entry, NULL dates too).
            models.Index(
                fields=["organisation", "filed_at"],
                include=["procedure", "origin", "id"],
                name="case_org_filed_stats",
            ),
            models.Index(
                fields=["organisation", "decided_at"],
                include=[
                    "procedure",
                    "decision_kind",
                    "decided_fine",
                    "is_major",
                    "decided_major",
                    "published_on",
                    "publication_late",
                    "pre_notice_approved",
                    "pre_decision_approved",
                    "id",
                ],
                name="case_org_decided_stats",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.title}（未立案 #{self.pk}）"


class CaseActivity(models.Model):
    """An enforcement activity carried out in a case. Those on the AV list need a recording (§6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("活动", max_length=24, choices=AvActivity.CHOICES)
    occurred_at = models.DateTimeField("时间")
    place = models.CharField("地点", max_length=200, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Whether a verified audio or video record of this activity is on file (SPEC §6), set in the
    # transaction of the upload that verifies it (casefiles.evidence._finish). A record never leaves
    # the recorded statuses (verified → expired stays recorded; evidence is never deleted or linked
    # to another activity), so the flag only ever turns on. The annual AV-coverage figure counts it
    # from the index below rather than joining a year's activities with every recording there is.
    av_recorded = models.BooleanField("有音像记录", default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = "执法活动"
        verbose_name_plural = "执法活动"
        indexes = [
            models.Index(fields=["case", "kind"]),
            # The AV-list activities of a year and whether each is recorded (reports.selectors, 全过程记录).
            models.Index(
                fields=["occurred_at"],
                include=["case", "kind", "av_recorded"],
                name="activity_occurred_stats",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class Evidence(models.Model):
    """证据 / 音像记录: the record of one file in the evidence store.

    `pending` until its bytes are in the store and their SHA-256 is verified; then `verified`
    and immutable (casefiles.evidence refuses changes; the store locks the object).
    """

    class Category(models.TextChoices):
        CASE_EVIDENCE = "case_evidence", "案件证据"
        ROUTINE_RECORD = "routine_record", "日常执法记录"

    class Kind(models.TextChoices):
        VIDEO = "video", "视频"
        AUDIO = "audio", "音频"
        PHOTO = "photo", "照片"
        DOCUMENT = "document", "书证/扫描件"

    class Status(models.TextChoices):
        PENDING = "pending", "上传中"
        VERIFIED = "verified", "已校验"
        FAILED = "failed", "失败"
        # Past its retention period and not on hold: the bytes were destroyed, the record is kept.
        EXPIRED = "expired", "到期已销毁"

    AV_KINDS = (Kind.VIDEO, Kind.AUDIO)
    # A recording that was verified and later destroyed at the end of its retention period still
    # proves the activity was recorded (coverage of past years, closed cases).
    RECORDED_STATUSES = (Status.VERIFIED, Status.EXPIRED)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence")
    activity = models.ForeignKey(
        CaseActivity,
        verbose_name="对应执法活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    title = models.CharField("名称", max_length=200)
    device = models.CharField("设备", max_length=100, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    captured_at = models.DateTimeField("拍摄/采集时间", null=True, blank=True)
    duration_seconds = models.PositiveIntegerField("时长（秒）", null=True, blank=True)
    size_bytes = models.BigIntegerField("大小（字节）", null=True, blank=True)
    content_type = models.CharField("类型", max_length=100, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    declared_sha256 = models.CharField("上传方声明的 SHA-256", max_length=64, blank=True)
    object_key = models.CharField("存储键", max_length=300, unique=True, null=True, blank=True, default=None)
    version_id = models.CharField("对象版本", max_length=200, blank=True)
    backend = models.CharField("存储", max_length=10, blank=True)
    original_filename = models.CharField("原文件名", max_length=255, blank=True)
    category = models.CharField(
        "类别", max_length=20, choices=Category.choices, default=Category.CASE_EVIDENCE
    )
    retention_until = models.DateField("保存期限至", null=True, blank=True)
    # 证据保全: while set, the record outlives its retention period (see evidence_hold_place).
    hold_reason = models.CharField("保全原因", max_length=300, blank=True)
    expired_at = models.DateTimeField("销毁时间", null=True, blank=True)
    failure_reason = models.TextField("失败原因", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField("校验时间", null=True, blank=True)
    # Chain of custody head (see CustodyEvent).
    custody_seq = models.PositiveIntegerField(default=0)
    custody_head = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "证据"
        verbose_name_plural = "证据"
        indexes = [
            models.Index(fields=["case", "status"]),
            models.Index(fields=["activity", "status"]),
            models.Index(fields=["status", "retention_until"]),
            # The activities that have a recording (reports.selectors, 全过程记录): exactly the rows
            # of AV_KINDS in RECORDED_STATUSES, so the annual figures' semi-join reads this index alone.
            # Kept equal to those two tuples by tests/reports/test_indexes.py.
            models.Index(
                fields=["activity"],
                condition=models.Q(kind__in=["video", "audio"], status__in=["verified", "expired"]),
                name="evidence_av_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Transfer(models.Model):
    """移送: to public security (两法衔接) or another agency."""

    class Authority(models.TextChoices):
        POLICE = "police", "公安机关"
        OTHER = "other", "其他行政机关"

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="transfer")
    authority_kind = models.CharField("接收机关类型", max_length=10, choices=Authority.choices)
    authority_name = models.CharField("接收机关", max_length=200)
    persons = models.PositiveIntegerField("移送人数", default=0)
    reason = models.TextField("移送理由")
    transferred_at = models.DateTimeField("移送时间")

    class Meta:
        verbose_name = "案件移送"
        verbose_name_plural = "案件移送"
        indexes = [models.Index(fields=["transferred_at"], name="transfer_transferred_at")]

    def __str__(self) -> str:
        return f"{self.case} → {self.authority_name}"


class Reconsideration(models.Model):
    """行政复议 against a decision."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "审理中"
        UPHELD = "upheld", "维持"
        OVERTURNED = "overturned", "撤销"
        CHANGED = "changed", "变更"
        CONFIRMED_ILLEGAL = "confirmed_illegal", "确认违法"
        WITHDRAWN = "withdrawn", "申请人撤回"

    AGAINST_BUREAU = (Outcome.OVERTURNED, Outcome.CHANGED, Outcome.CONFIRMED_ILLEGAL)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reconsiderations")
    filed_on = models.DateField("申请日期")
    authority = models.CharField("复议机关", max_length=200)
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField("复议决定日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "行政复议"
        verbose_name_plural = "行政复议"
        indexes = [models.Index(fields=["filed_on"], name="reconsideration_filed_on")]

    def __str__(self) -> str:
        return f"{self.case} 复议 {self.filed_on}"


class Litigation(models.Model):
    """行政诉讼 against a decision."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "审理中"
        WON = "won", "胜诉"
        LOST = "lost", "败诉"
        WITHDRAWN = "withdrawn", "原告撤诉"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="litigations")
    filed_on = models.DateField("起诉日期")
    court = models.CharField("法院", max_length=200)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField("判决日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "行政诉讼"
        verbose_name_plural = "行政诉讼"
        indexes = [models.Index(fields=["filed_on"], name="litigation_filed_on")]

    def __str__(self) -> str:
        return f"{self.case} 诉讼 {self.filed_on}"


class BlacklistEntry(models.Model):
    """安全生产失信惩戒 (黑名单) listing of a party, by reason of a decided case."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="blacklist_entries")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="blacklist_entries")
    listed_on = models.DateField("列入日期")
    reason = models.TextField("列入理由")
    removed_on = models.DateField("移出日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "黑名单"
        verbose_name_plural = "黑名单"
        constraints = [models.UniqueConstraint(fields=["party", "case"], name="blacklist_once_per_case")]
        indexes = [models.Index(fields=["listed_on"], name="blacklist_listed_on")]

    def __str__(self) -> str:
        return f"{self.party} {self.listed_on}"


class NumberSequence(models.Model):
    """Gap-free numbering per organisation, year and kind (案号, 文号). Row-locked when drawn."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=40)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "kind"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}/{self.kind}: {self.last}"


class UploadSession(models.Model):
    """A resumable upload: the store's multipart upload behind one pending evidence record."""

    evidence = models.OneToOneField(Evidence, on_delete=models.CASCADE, related_name="upload_session")
    upload_id = models.CharField(max_length=300)
    part_size = models.PositiveIntegerField()
    declared_size = models.BigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "断点续传会话"
        verbose_name_plural = "断点续传会话"

    def __str__(self) -> str:
        return f"{self.evidence_id}: {self.upload_id[:12]}"

    @property
    def parts_total(self) -> int:
        return max(1, -(-self.declared_size // self.part_size))


class CustodyEvent(AuditEvent):
    """证据保管链: every access to and change of an evidence record, append-only and hash-chained
    (core.audit: seq, actor, at, data and the hashes; on PostgreSQL a trigger refuses UPDATE and DELETE)."""

    class Action(models.TextChoices):
        UPLOAD_STARTED = "upload_started", "开始上传"
        UPLOADED = "uploaded", "已上传"
        VERIFIED = "verified", "已校验"
        UPLOAD_FAILED = "upload_failed", "上传失败"
        VIEWED = "viewed", "查看"
        DOWNLOADED = "downloaded", "下载"
        SHARED = "shared", "分享"
        RETENTION_CHANGED = "retention_changed", "保存期限变更"
        INTEGRITY_CHECKED = "integrity_checked", "完整性复核"
        INTEGRITY_FAILED = "integrity_failed", "完整性复核不符"
        CLEANED_UP = "cleaned_up", "清理未完成的上传"
        HOLD_PLACED = "hold_placed", "证据保全"
        HOLD_RELEASED = "hold_released", "解除保全"
        EXPIRED = "expired", "到期销毁"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="custody_events")
    action = models.CharField(max_length=20, choices=Action.choices)
    client_address = models.CharField(max_length=100, blank=True)

    chain_owner = "evidence"
    append_only_label = "保管记录"

    class Meta:
        verbose_name = "证据保管记录"
        verbose_name_plural = "证据保管记录"
        constraints = [models.UniqueConstraint(fields=["evidence", "seq"], name="custody_seq_unique")]

    def __str__(self) -> str:
        return f"{self.evidence_id}#{self.seq} {self.action}"

    def own_content(self) -> dict[str, object]:
        return {"action": self.action, "client_address": self.client_address}


# --- the records the procedure keeps beside the case (history, legal checks, hearing, meetings) ---
# They were models of the workflow app; they live with the case so that the steps, documents and
# evidence above them read them without importing the workflow.


class CaseEvent(AuditEvent):
    """One row of a case's append-only history: every transition and every recorded change.

    `hash` = SHA-256(prev_hash + content) (core.audit); the case row keeps the head and the count,
    so an edited, inserted or deleted row is found by `manage.py verify_history`. On PostgreSQL a
    trigger also refuses UPDATE and DELETE.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField("操作", max_length=40)
    from_state = models.CharField("原状态", max_length=30)
    to_state = models.CharField("新状态", max_length=30)
    opinion = models.TextField("意见", blank=True)

    chain_owner = "case"
    append_only_label = "履历"

    class Meta:
        db_table = "workflow_caseevent"  # the table keeps the name it had in the workflow app
        verbose_name = "办案履历"
        verbose_name_plural = "办案履历"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        indexes = [models.Index(fields=["transition", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.transition}"

    def own_content(self) -> dict[str, object]:
        return {
            "transition": self.transition,
            "from": self.from_state,
            "to": self.to_state,
            "opinion": self.opinion,
        }


class LegalCheck(models.Model):
    """法制审核: one concluded legal check (pre-notice or pre-decision), with the pre-check findings."""

    class Stage(models.TextChoices):
        PRE_NOTICE = "pre_notice", "告知前法制审核"
        PRE_DECISION = "pre_decision", "决定前法制审核"

    class Outcome(models.TextChoices):
        APPROVED = "approved", "同意"
        RETURNED = "returned", "退回"

    class Conclusion(models.TextChoices):
        CONFORMS = "conforms", "符合"
        ATTENTION = "attention", "需注意"
        NONCONFORMING = "nonconforming", "不符合"
        NOT_APPLICABLE = "not_applicable", "不适用"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="legal_checks")
    stage = models.CharField("环节", max_length=14, choices=Stage.choices)
    level = models.PositiveSmallIntegerField(
        "审核层级", default=1, help_text="1 = 本级，2 = 上级（两级法制审核）"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="审核机构", on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField("结论", max_length=10, choices=Outcome.choices)
    opinion = models.TextField("审核意见")
    findings = models.JSONField("自动预审结果", default=list)
    override_reason = models.TextField("对不通过项的处理理由", blank=True)
    # 法制审核意见书: per review point the automatic finding, the reviewer's conclusion and comment.
    points = models.JSONField("逐项审核意见", default=list, blank=True)
    items_to_fix = models.JSONField("需补正的事项", default=list, blank=True)
    concluded_at = models.DateTimeField("审核时间")

    class Meta:
        db_table = "workflow_legalcheck"  # the table keeps the name it had in the workflow app
        verbose_name = "法制审核"
        verbose_name_plural = "法制审核"
        indexes = [
            # Checks concluded in a year, and a case's approvals per stage (the double check), read by
            # the annual figures from the index alone (reports.selectors).
            models.Index(
                fields=["concluded_at"], include=["case", "outcome"], name="legalcheck_concluded_stats"
            ),
            models.Index(fields=["case", "stage"], include=["outcome"], name="legalcheck_case_stage_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_stage_display()} {self.get_outcome_display()}"


class Hearing(models.Model):
    """听证 (行政处罚法 Art. 63–65)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hearing")
    requested_on = models.DateField("申请日期")
    notified_on = models.DateField("通知日期", null=True, blank=True)
    hearing_date = models.DateField("听证日期", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    hearing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="听证主持人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activity = models.OneToOneField(
        CaseActivity, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("举行日期", null=True, blank=True)
    record = models.TextField("听证笔录", blank=True)
    report = models.TextField("听证报告", blank=True)

    class Meta:
        db_table = "workflow_hearing"  # the table keeps the name it had in the workflow app
        verbose_name = "听证"
        verbose_name_plural = "听证"
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.case} 听证"


class Meeting(models.Model):
    """案审委员会会议: one sitting may deliberate several cases."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="机构", on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField("会议时间")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="主持人", on_delete=models.PROTECT, related_name="+"
    )
    minutes = models.TextField("会议纪要")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="出席委员", related_name="meetings_attended"
    )
    invited = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="通知参会委员", related_name="meetings_invited", blank=True
    )
    cases = models.ManyToManyField(Case, verbose_name="议题案件", related_name="meetings", blank=True)
    committee_size = models.PositiveSmallIntegerField("委员总数")

    class Meta:
        db_table = "workflow_meeting"  # the table keeps the name it had in the workflow app
        verbose_name = "集体讨论会议"
        verbose_name_plural = "集体讨论会议"

    def __str__(self) -> str:
        return f"{self.organisation} {self.held_at:%Y-%m-%d}"


class Deliberation(models.Model):
    """集体讨论 of one case in a meeting: each member's vote and the chair's conclusion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="deliberations")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliberations")
    conclusion = models.TextField("讨论结论")
    concluded_at = models.DateTimeField("结论时间")

    class Meta:
        db_table = "workflow_deliberation"  # the table keeps the name it had in the workflow app
        verbose_name = "集体讨论"
        verbose_name_plural = "集体讨论"
        indexes = [
            models.Index(fields=["concluded_at"], include=["case"], name="deliberation_concluded_stats")
        ]

    def __str__(self) -> str:
        return f"{self.case} 集体讨论"


class Vote(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", "同意"
        DISAGREE = "disagree", "不同意"
        ABSTAIN = "abstain", "弃权"

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField("表决", max_length=10, choices=Choice.choices)
    opinion = models.TextField("意见", blank=True)

    class Meta:
        db_table = "workflow_vote"  # the table keeps the name it had in the workflow app
        verbose_name = "表决"
        verbose_name_plural = "表决"
        constraints = [models.UniqueConstraint(fields=["deliberation", "member"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.choice}"
