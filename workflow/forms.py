"""The input each step takes. Plain Django forms: the service validates with them and the web
pages render them, so the field errors a person sees are the ones the service raises."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from casefiles.models import Case, LegalCheck, Meeting, Transfer, Vote
from law.penalties import Penalty
from workflow.precheck import RULE_TITLES

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class StepForm(forms.Form):
    opinion = forms.CharField(label="意见", required=False, widget=forms.Textarea, max_length=5000)
    # Fields that date something that has already happened (a service, a statement, a hearing held):
    # a date after `today`, the day the step is recorded on, is refused. Without `today` (a form
    # only rendered) they are not judged.
    past_dates: tuple[str, ...] = ()

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict:
        data = super().clean()
        for name in self.past_dates if self.today is not None else ():
            if data.get(name) is not None and data[name] > self.today:
                self.add_error(name, f"{self.fields[name].label}不能晚于记录当日（{self.today:%Y-%m-%d}）")
        return data


class OpinionRequiredForm(StepForm):
    opinion = forms.CharField(
        label="意见（必填）",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "必须填写书面意见"},
    )

    def clean_opinion(self) -> str:
        opinion = self.cleaned_data["opinion"].strip()
        if not opinion:
            raise ValidationError("必须填写书面意见", code="opinion_required")
        return opinion


POINTS_HELP = '[{"code": "审核要点代码", "conclusion": "conforms|nonconforming|attention|not_applicable", "comment": "…"}]'


def clean_points(raw: object) -> list[dict[str, str]]:
    """The reviewer's conclusion on each review point (法制审核要点) of the pre-check."""
    if raw in (None, "", []):
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ValidationError("审核要点应为列表，每项含 code、conclusion、comment", code="invalid")
    points: list[dict[str, str]] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, 1):
        code, conclusion = str(item.get("code", "")), str(item.get("conclusion", ""))
        comment = str(item.get("comment", "") or "").strip()
        if code not in RULE_TITLES:
            raise ValidationError(f"第 {n} 项：没有代码为“{code}”的审核要点", code="unknown_point")
        if code in seen:
            raise ValidationError(f"第 {n} 项：审核要点“{RULE_TITLES[code]}”重复", code="duplicate_point")
        if conclusion not in LegalCheck.Conclusion.values:
            raise ValidationError(
                f"第 {n} 项：结论应为 {'、'.join(LegalCheck.Conclusion.values)} 之一",
                code="invalid_conclusion",
            )
        if conclusion == LegalCheck.Conclusion.NONCONFORMING and not comment:
            raise ValidationError(f"第 {n} 项：认定“不符合”须写明意见", code="comment_required")
        if len(comment) > 2000:
            raise ValidationError(f"第 {n} 项：意见不超过 2000 字", code="too_long")
        seen.add(code)
        points.append({"code": code, "conclusion": conclusion, "comment": comment})
    return points


class LegalCheckApproveForm(OpinionRequiredForm):
    override_reason = forms.CharField(
        label="对自动预审“不通过”项的处理理由", required=False, widget=forms.Textarea, max_length=5000
    )
    points = forms.JSONField(label="逐项审核意见", required=False, help_text=POINTS_HELP)

    def clean_points(self) -> list[dict[str, str]]:
        return clean_points(self.cleaned_data.get("points"))


class LegalCheckReturnForm(OpinionRequiredForm):
    points = forms.JSONField(label="逐项审核意见", required=False, help_text=POINTS_HELP)
    items_to_fix = forms.JSONField(
        label="需补正的事项", required=False, help_text='["补充询问笔录", "…"]；不填则取认定“不符合”的要点'
    )

    def clean_points(self) -> list[dict[str, str]]:
        return clean_points(self.cleaned_data.get("points"))

    def clean_items_to_fix(self) -> list[str]:
        raw = self.cleaned_data.get("items_to_fix")
        if raw in (None, "", []):
            return []
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            raise ValidationError("需补正的事项应为非空文字的列表", code="invalid")
        if len(raw) > 50 or any(len(x) > 500 for x in raw):
            raise ValidationError("需补正的事项至多 50 项，每项不超过 500 字", code="too_long")
        return [x.strip() for x in raw]


class PenaltyForm(StepForm):
    warning = forms.BooleanField(label="警告", required=False)
    fine = forms.DecimalField(label="罚款（元）", required=False, **MONEY)
    confiscation = forms.DecimalField(label="没收违法所得（元）", required=False, **MONEY)
    suspension = forms.BooleanField(label="责令停产停业", required=False)
    revocation = forms.BooleanField(label="吊销许可证", required=False)
    closure = forms.BooleanField(label="责令关闭", required=False)

    def penalty(self) -> Penalty:
        data = self.cleaned_data
        return Penalty(
            warning=bool(data.get("warning")),
            fine=data.get("fine") or Decimal("0"),
            confiscation=data.get("confiscation") or Decimal("0"),
            suspension=bool(data.get("suspension")),
            revocation=bool(data.get("revocation")),
            closure=bool(data.get("closure")),
        )


class DecideForm(PenaltyForm):
    decision_kind = forms.ChoiceField(label="决定类型", choices=Case.DecisionKind.choices)
    decision_number = forms.CharField(
        label="决定书文号", required=False, max_length=60, help_text="留空则使用案号"
    )

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        penalty = self.penalty()
        if data.get("decision_kind") == Case.DecisionKind.PENALTY and penalty.is_empty:
            raise ValidationError("给予行政处罚的决定须写明处罚种类和幅度", code="penalty_missing")
        if data.get("decision_kind") != Case.DecisionKind.PENALTY and not penalty.is_empty:
            raise ValidationError("不予处罚或移送的决定不能同时写明处罚", code="penalty_not_expected")
        return data


class OnsiteDecisionForm(PenaltyForm):
    decision_number = forms.CharField(label="当场处罚决定书编号", required=False, max_length=60)

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and self.penalty().is_empty:
            raise ValidationError("当场处罚决定须写明警告或罚款", code="penalty_missing")
        return data


class ConcludeForm(DecideForm):
    """The deliberation's conclusion: either in a meeting already recorded (`meeting`, which may
    have several cases on its agenda) or, for a meeting on this case alone, with its particulars."""

    meeting = forms.ModelChoiceField(
        label="会议",
        queryset=Meeting.objects.all(),
        required=False,
        help_text="已登记的案审会（可审议多个案件）",
    )
    held_at = forms.DateTimeField(label="会议时间", required=False)
    chair = forms.ModelChoiceField(label="主持人", queryset=User.objects.all(), required=False)
    attendees = forms.ModelMultipleChoiceField(label="出席委员", queryset=User.objects.all(), required=False)
    votes = forms.JSONField(
        label="表决", help_text='{"委员用户ID": {"choice": "agree|disagree|abstain", "opinion": "…"}}'
    )
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea, max_length=20000, required=False)
    conclusion = forms.CharField(label="讨论结论", widget=forms.Textarea, max_length=5000)

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or data.get("meeting") is not None:
            return data
        missing = {
            name: ["未选择已登记的会议时必填"]
            for name in ("held_at", "attendees", "minutes")
            if not data.get(name)
        }
        for name, messages in missing.items():
            self.add_error(name, messages[0])
        return data

    def clean_votes(self) -> dict[int, tuple[str, str]]:
        raw = self.cleaned_data["votes"]
        if not isinstance(raw, dict):
            raise ValidationError("表决应为“委员ID → 表决意见”的对象", code="invalid")
        votes: dict[int, tuple[str, str]] = {}
        for key, value in raw.items():
            choice, opinion = (
                (value, "") if isinstance(value, str) else (value.get("choice"), value.get("opinion", ""))
            )
            if choice not in Vote.Choice.values:
                raise ValidationError(
                    f"委员 {key} 的表决“{choice}”无效，应为 agree、disagree 或 abstain", code="invalid"
                )
            try:
                votes[int(key)] = (choice, str(opinion))
            except (TypeError, ValueError):
                raise ValidationError(f"委员ID“{key}”无效", code="invalid") from None
        return votes


class TransferForm(OpinionRequiredForm):
    authority_kind = forms.ChoiceField(label="接收机关类型", choices=Transfer.Authority.choices)
    authority_name = forms.CharField(label="接收机关", max_length=200)
    persons = forms.IntegerField(label="移送人数", min_value=0, initial=0)


class ServeNoticeForm(StepForm):
    past_dates = ("served_on",)
    served_on = forms.DateField(label="送达日期")
    method = forms.ChoiceField(label="送达方式", choices=Case.ServiceMethod.choices)


class RecordStatementForm(StepForm):
    past_dates = ("statement_on",)
    statement_on = forms.DateField(label="陈述申辩日期")
    waived = forms.BooleanField(label="当事人放弃陈述申辩", required=False)
    statement = forms.CharField(label="陈述申辩意见", required=False, widget=forms.Textarea, max_length=20000)

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("waived") and not (data.get("statement") or "").strip():
            raise ValidationError("请记录当事人的陈述申辩意见，或勾选放弃陈述申辩", code="statement_missing")
        return data


class RequestHearingForm(StepForm):
    past_dates = ("requested_on",)
    requested_on = forms.DateField(label="申请日期")


class ScheduleHearingForm(StepForm):
    past_dates = ("notified_on",)
    notified_on = forms.DateField(label="听证通知日期")
    hearing_date = forms.DateField(label="听证日期")
    place = forms.CharField(label="地点", max_length=200)
    hearing_officer = forms.ModelChoiceField(label="听证主持人", queryset=User.objects.all())


class HoldHearingForm(StepForm):
    past_dates = ("held_on",)
    held_on = forms.DateField(label="举行日期")
    record = forms.CharField(label="听证笔录", required=False, widget=forms.Textarea, max_length=50000)
    report = forms.CharField(label="听证报告", required=False, widget=forms.Textarea, max_length=20000)


class ServeDecisionForm(StepForm):
    past_dates = ("served_on",)
    served_on = forms.DateField(label="送达日期")
    method = forms.ChoiceField(label="送达方式", choices=Case.ServiceMethod.choices)


class PublishForm(StepForm):
    past_dates = ("published_on",)
    published_on = forms.DateField(label="公示日期")
    channel = forms.CharField(label="公示渠道", max_length=200)


class CloseForm(StepForm):
    past_dates = ("paid_on",)
    outcome = forms.ChoiceField(label="执行结果", choices=Case.ExecutionOutcome.choices)
    paid_on = forms.DateField(label="缴纳日期", required=False)
    paid_amount = forms.DecimalField(label="实缴金额（元）", required=False, **MONEY)

    def clean(self) -> dict:
        data = super().clean()
        paid = not self.errors and data.get("outcome") == Case.ExecutionOutcome.PAID
        if paid and (not data.get("paid_on") or data.get("paid_amount") is None):
            raise ValidationError("已缴纳的，须填写缴纳日期和实缴金额", code="payment_missing")
        return data
