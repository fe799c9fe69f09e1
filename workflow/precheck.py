"""Automated legal pre-check (法制审核辅助, SPEC §7): rules a reviewer sees before deciding.

Each rule has a stable code, a Chinese title, and returns pass / warning / fail with the reason.
The legal-check issue extends this set (discretion benchmarks, documents, deadlines).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from casefiles.models import Case
from casefiles.penalties import Penalty
from workflow import guards
from workflow.context import StepContext

PASS, WARNING, FAIL = "pass", "warning", "fail"


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    result: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


Rule = Callable[[Case, StepContext], Finding]
RULES: list[Rule] = []


def rule(func: Rule) -> Rule:
    RULES.append(func)
    return func


def _from_guard(code: str, title: str, reason: guards.Reason | None, ok: str) -> Finding:
    return Finding(code, title, FAIL, reason.message) if reason else Finding(code, title, PASS, ok)


@rule
def competent_authority(case: Case, ctx: StepContext) -> Finding:
    return Finding("authority", "执法主体", PASS, f"{case.organisation.name}依法具有行政处罚权")


@rule
def officers_certified(case: Case, ctx: StepContext) -> Finding:
    return _from_guard(
        "officers", "执法人员资格", guards.two_certified_officers(case, ctx), "两名以上承办人员持有效执法证"
    )


@rule
def legal_basis(case: Case, ctx: StepContext) -> Finding:
    reason = guards.violation_type_present(case, ctx)
    if reason:
        return Finding("legal_basis", "法律适用", FAIL, reason.message)
    vt = case.violation_type
    return Finding(
        "legal_basis", "法律适用", PASS, f"违法依据：{vt.legal_basis}；处罚依据：{vt.penalty_basis}"
    )


@rule
def fine_within_statutory_range(case: Case, ctx: StepContext) -> Finding:
    title = "处罚幅度"
    penalty = Penalty.from_json(case.proposed_penalty)
    vt = case.violation_type
    if vt is None or not penalty.fine:
        return Finding("fine_range", title, PASS, "无罚款或未适用法定罚款幅度")
    if vt.fine_max is not None and penalty.fine > vt.fine_max:
        return Finding("fine_range", title, FAIL, f"拟罚款 {penalty.fine} 元超过法定上限 {vt.fine_max} 元")
    if vt.fine_min is not None and penalty.fine < vt.fine_min:
        return Finding(
            "fine_range",
            title,
            WARNING,
            f"拟罚款 {penalty.fine} 元低于法定下限 {vt.fine_min} 元，须有减轻处罚的依据",
        )
    return Finding("fine_range", title, PASS, f"拟罚款 {penalty.fine} 元在法定幅度内")


@rule
def av_records(case: Case, ctx: StepContext) -> Finding:
    return _from_guard(
        "av_records", "全过程记录", guards.av_list_recorded(case, ctx), "清单内执法活动均有已校验的音像记录"
    )


@rule
def hearing_offered(case: Case, ctx: StepContext) -> Finding:
    title = "听证权利"
    if case.state != "pre_decision_check" or not guards.hearing_right_applies(case, ctx.policy):
        return Finding("hearing", title, PASS, "不涉及听证或尚未到告知环节")
    if case.notice_served_on is None:
        return Finding("hearing", title, FAIL, "属于听证范围，但告知书未送达，未告知听证权利")
    return Finding("hearing", title, PASS, "已告知听证权利")


def run_precheck(case: Case, ctx: StepContext) -> list[Finding]:
    return [check(case, ctx) for check in RULES]
