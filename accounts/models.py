from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from accounts.policy import POLICY_FIELDS, AvActivity
from accounts.roles import Role


class Organisation(models.Model):
    """A node of the bureau tree: city bureau → district bureaus → street offices (SPEC §2)."""

    class Level(models.TextChoices):
        CITY = "city", "市局"
        DISTRICT = "district", "区/县局"
        STREET = "street", "街道"

    code = models.CharField("机构代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of ids ("/1/4/9/"), kept by organisation_create/organisation_move so a
    # subtree is one indexed prefix query however deep the tree.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    case_number_prefix = models.CharField(
        "案号前缀", max_length=20, help_text="如“罗应急罚”，案号形如 罗应急罚〔2019〕31号"
    )

    # Settings inherited downward; empty = inherit from the parent (see accounts.policy).
    major_fine_entity = models.DecimalField(
        "重大案件罚款标准（单位，元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    major_fine_individual = models.DecimalField(
        "重大案件罚款标准（个人，元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    hearing_fine_entity = models.DecimalField(
        "听证罚款标准（单位，元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    hearing_fine_individual = models.DecimalField(
        "听证罚款标准（个人，元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    check_every_case = models.BooleanField("所有案件均须法制审核", null=True, blank=True)
    two_level_review = models.BooleanField("两级法制审核", null=True, blank=True)
    statement_window_workdays = models.PositiveSmallIntegerField(
        "陈述申辩期（工作日）", null=True, blank=True
    )
    decision_days = models.PositiveSmallIntegerField("办案期限（日）", null=True, blank=True)
    decision_extension_days = models.PositiveSmallIntegerField("延期天数（日）", null=True, blank=True)
    service_workdays = models.PositiveSmallIntegerField("决定送达期限（工作日）", null=True, blank=True)
    publication_workdays = models.PositiveSmallIntegerField("公示期限（工作日）", null=True, blank=True)
    hearing_request_workdays = models.PositiveSmallIntegerField(
        "听证申请期限（工作日）", null=True, blank=True
    )
    hearing_notice_workdays = models.PositiveSmallIntegerField(
        "听证提前通知（工作日）", null=True, blank=True
    )
    payment_days = models.PositiveSmallIntegerField("罚款缴纳期限（日）", null=True, blank=True)
    quorum_ratio = models.DecimalField(
        "集体讨论法定人数比例",
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="出席须超过该比例，默认 0.50",
    )
    av_activities = models.JSONField(
        "音像记录清单", null=True, blank=True, help_text="活动代码列表；空 = 继承"
    )

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def explicit_settings(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in POLICY_FIELDS}

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def clean(self) -> None:
        if self.av_activities is not None:
            unknown = set(self.av_activities) - set(AvActivity.LABELS)
            if not isinstance(self.av_activities, list) or unknown:
                raise ValidationError({"av_activities": f"未知的活动代码：{sorted(map(str, unknown))}"})
        if self.quorum_ratio is not None and not (0 <= self.quorum_ratio < 1):
            raise ValidationError({"quorum_ratio": "比例须在 0 与 1 之间"})


class User(AbstractUser):
    """A person. Belongs to one organisation and may hold several roles (SPEC §1)."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        # Cached per instance: permission checks ask this many times per request.
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = (
                frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            )
            self._role_codes = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_codes


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]
        indexes = [models.Index(fields=["role", "user"])]

    def __str__(self) -> str:
        return self.get_role_display()


class Certificate(models.Model):
    """An enforcement certificate (执法证). An officer acts lawfully only on days it is valid."""

    user = models.ForeignKey(
        User, verbose_name="持证人", on_delete=models.CASCADE, related_name="certificates"
    )
    number = models.CharField("证件编号", max_length=40, unique=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期至")
    issued_by = models.CharField("发证机关", max_length=100, blank=True)

    class Meta:
        verbose_name = "执法证"
        verbose_name_plural = "执法证"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="certificate_period_valid"
            )
        ]
        indexes = [models.Index(fields=["user", "valid_from", "valid_to"])]

    def __str__(self) -> str:
        return self.number
