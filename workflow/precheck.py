"""Automated legal pre-check (法制审核辅助, SPEC §7): the review points of the 法制审核 checklist,
evaluated before a human legal check and stored with it.

Each rule is a small function registered with a stable code and a Chinese title. It returns
pass / warning / fail and the evidence of why. A rule that does not apply at this point of the
procedure passes and says so ("不适用…"), so the reviewer sees every point every time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from accounts.models import User
from casefiles.models import Case, Evidence
from casefiles.penalties import Penalty
from workflow import guards
from workflow.context import StepContext

PASS, WARNING, FAIL = "pass", "warning", "fail"
RESULT_LABELS = {PASS: "通过", WARNING: "提示", FAIL: "不通过"}
RESULT_CHOICES = list(RESULT_LABELS.items())
# Warn this many calendar days before the 90-day decision limit runs out.
DEADLINE_WARNING_DAYS = 10


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    result: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


Check = Callable[[Case, StepContext], tuple[str, str]]
RULES: list[tuple[str, str, Check]] = []
RULE_TITLES: dict[str, str] = {}


def rule(code: str, title: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        assert code not in RULE_TITLES, f"duplicate pre-check rule {code}"
        RULES.append((code, title, check))
        RULE_TITLES[code] = title
        return check

    return register


def _after_notice(case: Case) -> bool:
    return case.state in ("pre_decision_check", "deliberation", "pending_decision")


# --- 主体 / 人员 -------------------------------------------------------------------------------------


@rule("authority", "执法主体")
def competent_authority(case: Case, ctx: StepContext) -> tuple[str, str]:
    """The case is handled by the organisation's own officers (or its superior's, sent down)."""
    allowed = {case.organisation_id, *case.organisation.ancestor_ids()}
    outsiders = [o for o in case.officers.select_related("organisation") if o.organisation_id not in allowed]
    if outsiders:
        names = "、".join(f"{o}（{o.organisation or '无所属机构'}）" for o in outsiders)
        return FAIL, f"承办人员不属于{case.organisation.name}或其上级机关：{names}"
    return PASS, f"由{case.organisation.name}以本机关名义立案办理，承办人员均属本机关"


def _action_dates(case: Case) -> list[date]:
    from workflow.deadlines import local_date

    moments = [case.filed_at, *case.activities.values_list("occurred_at", flat=True)]
    return sorted({local_date(m) for m in moments if m is not None})


@rule("officers", "执法人员资格")
def officers_certified(case: Case, ctx: StepContext) -> tuple[str, str]:
    """Art. 42: at least two officers with a 执法证 valid on every day they acted, and today."""
    officers: list[User] = list(case.officers.prefetch_related("certificates"))
    problems = []
    for day in [*_action_dates(case), ctx.today]:
        lacking = guards.uncertified_officers(officers, day)
        if len(officers) - len(lacking) < 2:
            names = "、".join(str(o) for o in lacking) or "—"
            problems.append(f"{day:%Y-%m-%d} 有效持证 {len(officers) - len(lacking)} 名（无证：{names}）")
    if problems:
        return FAIL, "执法时须两名以上持有效执法证的人员：" + "；".join(dict.fromkeys(problems))
    return PASS, f"{len(officers)} 名承办人员在立案、各项执法活动及审核之日均持有效执法证"


# --- 事实 / 证据 / 法律适用 ---------------------------------------------------------------------------


@rule("facts_evidence", "事实与证据")
def facts_and_evidence(case: Case, ctx: StepContext) -> tuple[str, str]:
    verified = case.evidence.filter(status=Evidence.Status.VERIFIED).count()
    if not case.facts.strip():
        return FAIL, "未写明违法事实"
    if verified == 0:
        return WARNING, "已写明违法事实，但未上传任何已校验的证据材料"
    return PASS, f"已写明违法事实，附已校验证据 {verified} 份"


@rule("legal_basis", "法律适用")
def legal_basis(case: Case, ctx: StepContext) -> tuple[str, str]:
    reason = guards.violation_type_present(case, ctx)
    if reason:
        return FAIL, reason.message
    vt = case.violation_type
    if not vt.legal_basis.strip() or not vt.penalty_basis.strip():
        return FAIL, f"违法行为“{vt.name}”未载明违法依据或处罚依据"
    return PASS, f"违法依据：{vt.legal_basis}；处罚依据：{vt.penalty_basis}"


def _penalty(case: Case) -> Penalty:
    return Penalty.from_json(case.proposed_penalty)


@rule("fine_range", "处罚幅度（法定）")
def fine_within_statutory_range(case: Case, ctx: StepContext) -> tuple[str, str]:
    """Above the statutory maximum: fail. Below the minimum, or in the tier the law reserves for a
    party who ignored an order to rectify: warning (the file must show why)."""
    from casefiles.catalogue.selectors import statutory_fine_check

    penalty, vt = _penalty(case), case.violation_type
    if vt is None or not penalty.fine:
        return PASS, "不适用：未拟罚款或未选择违法行为"
    check = statutory_fine_check(violation_type=vt, fine=penalty.fine)
    return check.result, check.message


@rule("benchmark", "自由裁量基准")
def fine_within_benchmark(case: Case, ctx: StepContext) -> tuple[str, str]:
    """The fine against the chosen severity's range in the benchmark in force on the filing date
    (a revised benchmark applies to cases filed after it). Outside it: a warning to be explained."""
    from casefiles.catalogue.selectors import benchmark_fine_check
    from workflow.deadlines import local_date

    penalty, vt = _penalty(case), case.violation_type
    if vt is None or not penalty.fine:
        return PASS, "不适用：未拟罚款或未选择违法行为"
    on = local_date(case.filed_at) if case.filed_at else ctx.today
    if not case.severity:
        return WARNING, "未选择裁量阶次（轻微、一般、较重、严重），无法对照自由裁量基准"
    check = benchmark_fine_check(violation_type=vt, on=on, severity=case.severity, fine=penalty.fine)
    return check.result, check.message


@rule("transfer", "涉嫌犯罪移送")
def criminal_cases_transferred(case: Case, ctx: StepContext) -> tuple[str, str]:
    """两法衔接: a case suspected of a crime is transferred, not settled with a fine (以罚代刑)."""
    if case.criminal_suspicion:
        return FAIL, f"本案涉嫌犯罪（{case.criminal_suspicion_note}），应移送公安机关，不得以罚代刑"
    return PASS, "未发现涉嫌犯罪、应当移送司法机关的情形"


# --- 程序 -----------------------------------------------------------------------------------------


@rule("av_records", "全过程记录")
def av_records(case: Case, ctx: StepContext) -> tuple[str, str]:
    reason = guards.av_list_recorded(case, ctx)
    if reason:
        return FAIL, reason.message
    return PASS, "音像记录清单内的执法活动均有已校验的音像记录"


@rule("notice", "告知程序")
def notice_served(case: Case, ctx: StepContext) -> tuple[str, str]:
    """Art. 44: the party is told of the intended penalty, the facts, reasons and his rights."""
    if not _after_notice(case):
        return PASS, "不适用：尚未到告知环节"
    if case.notice_served_on is None:
        return FAIL, "未送达行政处罚告知书，未告知拟处罚内容及陈述、申辩权利"
    if not case.statement_waived and case.statement_on is None:
        return WARNING, f"告知书已于 {case.notice_served_on:%Y-%m-%d} 送达，未记录当事人陈述申辩情况"
    return PASS, f"告知书已于 {case.notice_served_on:%Y-%m-%d} 送达，陈述申辩已记录"


@rule("hearing", "听证权利")
def hearing_offered(case: Case, ctx: StepContext) -> tuple[str, str]:
    """Art. 63–64: the hearing right told when due; a requested hearing held before the decision."""
    if not guards.hearing_right_applies(case, ctx.policy):
        return PASS, "不适用：拟作出的处罚不属于听证范围"
    if not _after_notice(case):
        return PASS, "属于听证范围：告知时须告知听证权利"
    if case.notice_served_on is None:
        return FAIL, "属于听证范围，但告知书未送达，未告知听证权利"
    hearing = getattr(case, "hearing", None)
    if hearing is not None and hearing.held_on is None:
        return FAIL, f"当事人已于 {hearing.requested_on:%Y-%m-%d} 申请听证，尚未举行"
    if hearing is not None:
        return PASS, f"已于 {hearing.held_on:%Y-%m-%d} 举行听证"
    return PASS, "已告知听证权利，当事人未在期限内申请听证"


@rule("deadline", "办案期限")
def deadline_met(case: Case, ctx: StepContext) -> tuple[str, str]:
    """Art. 60: a decision within 90 days of filing (extendable once)."""
    due = case.decision_deadline
    if due is None:
        return PASS, "不适用：尚未立案"
    left = (due - ctx.today).days
    if left < 0:
        return FAIL, f"办案期限 {due:%Y-%m-%d} 已超过 {-left} 日" + (
            "（已延期）" if case.deadline_extended else ""
        )
    if left <= DEADLINE_WARNING_DAYS:
        hint = "" if case.deadline_extended else "，如需延期须经机关负责人批准"
        return WARNING, f"办案期限 {due:%Y-%m-%d}，仅剩 {left} 日{hint}"
    return PASS, f"办案期限 {due:%Y-%m-%d}，尚余 {left} 日"


@rule("not_heavier", "不得加重处罚")
def not_heavier_than_notice(case: Case, ctx: StepContext) -> tuple[str, str]:
    """Art. 45: the party's statement must not lead to a heavier penalty than the one noticed."""
    if not _after_notice(case) or case.noticed_penalty is None:
        return PASS, "不适用：尚未告知拟处罚内容"
    heavier = _penalty(case).heavier_than(Penalty.from_json(case.noticed_penalty))
    if heavier:
        return FAIL, "拟作出的处罚重于告知的处罚：" + "；".join(heavier)
    return PASS, "拟作出的处罚不重于告知的处罚"


@rule("documents", "文书材料")
def documents_present(case: Case, ctx: StepContext) -> tuple[str, str]:
    """The documents the procedure so far must have produced: the catalogue's checklist for the path
    the case took (documents.selectors), and what the notice stage must show."""
    from documents.selectors import missing_documents, missing_labels

    missing = []
    if not case.number or case.filed_at is None:
        missing.append("立案审批表")
    if case.decision_kind != Case.DecisionKind.NO_PENALTY and _penalty(case).is_empty:
        missing.append("处罚建议（拟作出的行政处罚）")
    if _after_notice(case) and case.notice_served_on is None:
        missing.append("行政处罚告知书送达回证")
    if missing:
        return FAIL, "缺少：" + "、".join(missing)
    # The catalogue's documents are a hard stop at closure and archiving; here the reviewer is told
    # what the file still lacks, without having to justify approving over it.
    documents = missing_labels(missing_documents(case=case, policy=ctx.policy, up_to="close"))
    if documents:
        return WARNING, "文书尚未生成、上传或标注不适用：" + "、".join(documents)
    return PASS, "本阶段应有的文书材料齐全"


def run_precheck(case: Case, ctx: StepContext) -> list[Finding]:
    return [Finding(code, title, *check(case, ctx)) for code, title, check in RULES]
