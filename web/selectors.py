"""Reads the pages need that no app offers in this shape. Pure reads only, scoped to what the user may
see (casefiles.selectors.cases_visible_to); writes always go through the apps' services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.policy import AvActivity
from accounts.roles import Role
from accounts.selectors import visible_organisations
from casefiles.models import Case, CaseEvent, Evidence, Inspection, Meeting
from casefiles.selectors import cases_visible_to, overdue_q
from documents.catalogue import BY_CODE
from law.states import TERMINAL_STATES, CaseState
from workflow.steps import BY_KEY

STATE_LABELS = dict(CaseState.choices)

# History rows that record something beside the case (not a step of the table).
RECORD_LABELS = {
    "create": "登记案件",
    "update_details": "修改案情",
    "record_activity": "登记执法活动",
    "add_evidence": "上传证据",
    "meeting_recorded": "列入案审会议议题",
    "document_generate": "生成文书",
    "document_upload": "上传文书扫描件",
    "document_not_applicable": "标注文书不适用",
    "casefile_assembled": "生成电子卷宗",
    "record_reconsideration": "登记行政复议",
    "decide_reconsideration": "登记复议结果",
    "record_litigation": "登记行政诉讼",
    "decide_litigation": "登记诉讼结果",
    "blacklist": "列入黑名单",
}

DATA_LABELS = {
    "served_on": "送达日期",
    "method": "送达方式",
    "published_on": "公示日期",
    "channel": "公示渠道",
    "requested_on": "申请日期",
    "notified_on": "通知日期",
    "hearing_date": "听证日期",
    "place": "地点",
    "held_on": "举行日期",
    "held_at": "会议时间",
    "statement_on": "陈述申辩日期",
    "decision_kind": "决定类型",
    "decision_number": "决定书文号",
    "fine": "罚款（元）",
    "warning": "警告",
    "outcome": "执行结果",
    "paid_on": "缴纳日期",
    "paid_amount": "实缴金额",
    "authority_name": "接收机关",
    "persons": "移送人数",
    "conclusion": "讨论结论",
    "kind": "类型",
    "number": "文号",
    "doc_type": "文书",
    "reason": "理由",
    "title": "案由",
    "override_reason": "处理理由",
}


def case_search(*, user: User, filters: dict[str, Any], today: date) -> QuerySet[Case]:
    """The case list: visible cases, filtered as the list page's form says, newest first (by id: the
    primary key index serves the order, whatever the filters)."""
    cases = cases_visible_to(user=user).select_related("organisation", "party")
    if filters.get("q"):
        q = filters["q"].strip()
        cases = cases.filter(Q(number__icontains=q) | Q(party__name__icontains=q) | Q(title__icontains=q))
    if filters.get("state"):
        cases = cases.filter(state__in=filters["state"])
    if filters.get("organisation") is not None:
        cases = cases.filter(organisation__path__startswith=filters["organisation"].path)
    if filters.get("year"):
        cases = cases.filter(year=filters["year"])
    if filters.get("procedure"):
        cases = cases.filter(procedure=filters["procedure"])
    if filters.get("major") is not None:
        cases = cases.filter(is_major=bool(filters["major"]))
    if filters.get("overdue") is not None:
        cases = cases.filter(overdue_q(today)) if filters["overdue"] else cases.exclude(overdue_q(today))
    return cases.order_by("-pk")


def case_for_page(*, user: User, pk: int) -> Case | None:
    return (
        cases_visible_to(user=user)
        .select_related("organisation", "party", "violation_type", "inspection", "created_by")
        .prefetch_related("officers__certificates")
        .filter(pk=pk)
        .first()
    )


def inspections_visible_to(*, user: User) -> QuerySet[Inspection]:
    """Inspections of the user's subtree (the same scope the API lists)."""
    inspections = Inspection.objects.select_related("organisation", "party").prefetch_related("officers")
    if not user.is_superuser:
        inspections = inspections.filter(organisation__in=visible_organisations(user=user))
    return inspections.annotate(case_count=Count("cases")).order_by("-inspected_on", "-pk")


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    actor: str
    label: str
    moved: bool
    from_label: str
    to_label: str
    opinion: str
    details: list[tuple[str, str]]
    is_return: bool


def _detail_value(key: str, value: Any) -> str:
    if key == "method":
        return dict(Case.ServiceMethod.choices).get(value, str(value))
    if key == "decision_kind":
        return dict(Case.DecisionKind.choices).get(value, str(value))
    if key == "outcome":
        return dict(Case.ExecutionOutcome.choices).get(value, str(value))
    if key == "kind":
        return AvActivity.LABELS.get(value) or dict(Evidence.Kind.choices).get(value, str(value))
    if key == "doc_type":
        return BY_CODE[value].name if value in BY_CODE else str(value)
    if value is True:
        return "是"
    return str(value)


def timeline(*, case: Case) -> list[TimelineRow]:
    rows = []
    for e in CaseEvent.objects.filter(case=case).order_by("seq"):
        step = BY_KEY.get((e.transition, e.from_state))
        label = step.label if step else RECORD_LABELS.get(e.transition, e.transition)
        details = [
            (DATA_LABELS[k], _detail_value(k, v))
            for k, v in (e.data or {}).items()
            if k in DATA_LABELS and v not in (None, "", [], {})
        ]
        rows.append(
            TimelineRow(
                at=timezone.localtime(e.at),
                actor=e.actor_name,
                label=label,
                moved=e.from_state != e.to_state,
                from_label=STATE_LABELS.get(e.from_state, e.from_state),
                to_label=STATE_LABELS.get(e.to_state, e.to_state),
                opinion=e.opinion,
                details=details,
                is_return=e.transition == "return",
            )
        )
    return rows


def home_counts(*, user: User, today: date) -> dict[str, Any]:
    """The figures on the home page, each one aggregate query over the user's subtree."""
    visible = cases_visible_to(user=user)
    totals = visible.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(state__in=TERMINAL_STATES)),
        overdue=Count("pk", filter=overdue_q(today) & ~Q(state__in=TERMINAL_STATES)),
        filed_this_year=Count("pk", filter=Q(filed_at__year=today.year)),
    )
    # A separate query: joining the officers into the one above would count each case once per officer.
    totals["mine"] = visible.filter(officers=user).exclude(state__in=TERMINAL_STATES).count()
    by_state = {
        row["state"]: row["n"]
        for row in visible.exclude(state__in=TERMINAL_STATES).values("state").annotate(n=Count("pk"))
    }
    states = [(code, label, by_state[code]) for code, label in CaseState.choices if by_state.get(code)]
    return {**totals, "by_state": states}


def meetings_for(*, user: User) -> QuerySet[Meeting]:
    """案审会议 a committee member was invited to or an agency head may record: the latest first."""
    meetings = Meeting.objects.select_related("organisation", "chair").prefetch_related("cases")
    if user.is_superuser:
        return meetings.order_by("-held_at")
    scope = Q(organisation__in=visible_organisations(user=user))
    if not (user.has_role(Role.AGENCY_HEAD) or user.has_role(Role.LEGAL_REVIEWER)):
        scope &= Q(invited=user) | Q(attendees=user)
    return meetings.filter(scope).distinct().order_by("-held_at")


def now_local() -> datetime:
    return timezone.localtime()
