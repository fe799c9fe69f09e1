"""The case states of SPEC §4: the stages of the procedure the 行政处罚法 lays down. The codes are stable: API, database and tests use them as written."""

from django.db import models


class CaseState(models.TextChoices):
    DRAFT = "draft", "待立案"
    FILING_REVIEW = "filing_review", "立案审批"
    INVESTIGATING = "investigating", "调查取证"
    INITIAL_REVIEW = "initial_review", "初审"
    PRE_NOTICE_CHECK = "pre_notice_check", "告知前法制审核"
    NOTICE = "notice", "告知"
    HEARING = "hearing", "听证"
    PRE_DECISION_CHECK = "pre_decision_check", "决定前法制审核"
    DELIBERATION = "deliberation", "集体讨论"
    PENDING_DECISION = "pending_decision", "待决定"
    DECIDED = "decided", "已决定"
    ONSITE_DECIDED = "onsite_decided", "当场决定"
    SERVED = "served", "已送达"
    PUBLISHED = "published", "已公示"
    EXECUTING = "executing", "执行"
    CLOSED = "closed", "结案"
    ARCHIVED = "archived", "归档"
    NOT_FILED = "not_filed", "不予立案"
    WITHDRAWN = "withdrawn", "撤销立案"
    TRANSFERRED = "transferred", "移送"


TERMINAL_STATES = frozenset(
    {CaseState.ARCHIVED, CaseState.NOT_FILED, CaseState.WITHDRAWN, CaseState.TRANSFERRED}
)

# States in which the 90-day decision clock (Art. 60) runs.
BEFORE_DECISION = frozenset(
    {
        CaseState.FILING_REVIEW,
        CaseState.INVESTIGATING,
        CaseState.INITIAL_REVIEW,
        CaseState.PRE_NOTICE_CHECK,
        CaseState.NOTICE,
        CaseState.HEARING,
        CaseState.PRE_DECISION_CHECK,
        CaseState.DELIBERATION,
        CaseState.PENDING_DECISION,
    }
)

# States after a decision exists: reconsideration, litigation and blacklist records attach here.
AFTER_DECISION = frozenset(
    {
        CaseState.DECIDED,
        CaseState.ONSITE_DECIDED,
        CaseState.SERVED,
        CaseState.PUBLISHED,
        CaseState.EXECUTING,
        CaseState.CLOSED,
        CaseState.ARCHIVED,
    }
)


# --- the kinds the law distinguishes (the case and party models take their choices from here) -----


class PartyKind(models.TextChoices):
    """公民 or 法人、其他组织: the law sets different limits for each (e.g. Art. 51, Art. 63)."""

    ENTITY = "entity", "单位"
    INDIVIDUAL = "individual", "个人"


class Procedure(models.TextChoices):
    """简易程序 (Art. 51–53) or 普通程序 (Art. 54–65)."""

    GENERAL = "general", "普通程序"
    SUMMARY = "summary", "简易程序"


class DecisionKind(models.TextChoices):
    """What the investigation ends in (Art. 57)."""

    PENALTY = "penalty", "给予行政处罚"
    NO_PENALTY = "no_penalty", "不予行政处罚"
    TRANSFER = "transfer", "移送其他机关"


class ExecutionOutcome(models.TextChoices):
    """How a decision was carried out (Art. 66–73)."""

    PAID = "paid", "已缴纳"
    WAIVED = "waived", "依法减免"
    ENFORCEMENT = "enforcement", "申请法院强制执行"
    NOTHING_TO_PAY = "nothing_to_pay", "无罚没款项"
