from django.conf import settings
from django.db import models


class Notification(models.Model):
    """A message to one user, stored and shown in the work queue; e-mailed when mail is configured.

    `key` makes sending idempotent: a job that runs twice finds the key taken and sends nothing.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "期限提醒"
        OVERDUE = "overdue", "已超期"
        ESCALATION = "escalation", "超期督办"
        SURCHARGE = "surcharge", "加处罚款"
        INTEGRITY = "integrity", "证据完整性"
        REVIEW = "review", "案卷评查"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(
        "casefiles.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    key = models.CharField(max_length=200)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user_key")]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title
