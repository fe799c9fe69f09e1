from __future__ import annotations

from datetime import UTC

from django.conf import settings
from django.db import models

from accounts.models import Organisation
from casefiles.models import Case, CaseActivity


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("履历为只追加记录，不能修改")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("履历为只追加记录，不能删除")


class CaseEvent(models.Model):
    """One row of a case's append-only history: every transition and every recorded change.

    `hash` = SHA-256(prev_hash + content); the case row keeps the head and the count, so an
    edited, inserted or deleted row is found by `manage.py verify_history`. On PostgreSQL a
    trigger also refuses UPDATE and DELETE.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    transition = models.CharField("操作", max_length=40)
    from_state = models.CharField("原状态", max_length=30)
    to_state = models.CharField("新状态", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=100, blank=True)
    at = models.DateTimeField("时间")
    opinion = models.TextField("意见", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "办案履历"
        verbose_name_plural = "办案履历"
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        indexes = [models.Index(fields=["transition", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.transition}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # An invariant, not business logic: a history row is written once.
        if not self._state.adding:
            raise PermissionError("履历为只追加记录，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("履历为只追加记录，不能删除")

    def content(self) -> dict[str, object]:
        return {
            "case": self.case_id,
            "seq": self.seq,
            "transition": self.transition,
            "from": self.from_state,
            "to": self.to_state,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "opinion": self.opinion,
            "data": self.data,
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
        verbose_name = "表决"
        verbose_name_plural = "表决"
        constraints = [models.UniqueConstraint(fields=["deliberation", "member"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.choice}"


# The state machine: a proxy of Case carrying the django-fsm transitions built from the table.
from workflow.machine import CaseFlow  # noqa: E402, F401
