"""The rules of law a case is held to, each once: code, source, title and evaluation (law.registry).

A rule's evaluation says pass, warning or fail with the reason a person reads, every period and
amount formatted from the organisation's settings in force (ctx.policy, bounded by law.bounds). The
same evaluation blocks a step (workflow.guards.law_guard), fills a point of the legal pre-check
(workflow.precheck) and suggests a finding in case-file review (review.findings).

`ctx` gives `today`, `policy`, `scratch` (what the step being fired recorded) and `facts` (law.facts).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core.dates import local_date
from law import periods
from law.articles import chinese_number
from law.penalties import Penalty
from law.predicates import hearing_right_applies, quorum_met, uncertified_officers
from law.registry import RULES, Rule, Source, Verdict, failed, passed, rule, warning
from law.states import CaseState, DecisionKind, ExecutionOutcome, PartyKind, Procedure

CFL = "行政处罚法"

SUMMARY_FINE_LIMIT = {PartyKind.INDIVIDUAL: 200, PartyKind.ENTITY: 3000}  # 行政处罚法第五十一条
# Warn this many calendar days before the decision period (Art. 60) runs out.
DEADLINE_WARNING_DAYS = 10
# The states after the notice stage: the party has been told (or should have been).
AFTER_NOTICE = frozenset({CaseState.PRE_DECISION_CHECK, CaseState.DELIBERATION, CaseState.PENDING_DECISION})


def days(n: int) -> str:
    """五 for 5: the period as the law writes it."""
    return chinese_number(int(n))


def _decided_or_proposed(case: Any) -> Penalty:
    return Penalty.from_json(case.decided_penalty or case.proposed_penalty)


# --- 主体与人员 --------------------------------------------------------------------------------------------


@rule("authority_incompetent", "执法主体", Source(CFL, 17))
def competent_authority(case: Any, ctx: Any) -> Verdict:
    """The case is handled by the organisation's own officers (or its superior's, sent down)."""
    allowed = {case.organisation_id, *case.organisation.ancestor_ids()}
    outsiders = [o for o in case.officers.select_related("organisation") if o.organisation_id not in allowed]
    if outsiders:
        names = "、".join(f"{o}（{o.organisation or '无所属机构'}）" for o in outsiders)
        return failed(f"承办人员不属于{case.organisation.name}或其上级机关：{names}")
    return passed(f"由{case.organisation.name}以本机关名义立案办理，承办人员均属本机关")


@rule("officers_uncertified", "执法人员持证（当日）", Source(CFL, 42, 1))
def two_certified_officers(case: Any, ctx: Any) -> Verdict:
    """At least two officers, each with a 执法证 valid on the day they act."""
    officers = ctx.facts.officers(case)
    lacking = uncertified_officers(officers, ctx.today)
    certified = len(officers) - len(lacking)
    if certified >= 2:
        return passed(f"有效持证承办人员 {certified} 名")
    parts = [f"承办人员须至少两名持有效执法证的人员，目前有效持证 {certified} 名"]
    if lacking:
        names = "、".join(str(o) for o in lacking)
        parts.append(f"{names} 在 {ctx.today:%Y-%m-%d} 无有效执法证")
    return failed("；".join(parts))


@rule("officers_uncertified_when_acting", "执法人员资格（各执法环节）", Source(CFL, 42, 1))
def officers_certified_on_action_dates(case: Any, ctx: Any) -> Verdict:
    """At least two officers with a 执法证 valid on every day they acted, and today."""
    officers = list(case.officers.prefetch_related("certificates"))
    problems = []
    for day in [*ctx.facts.action_dates(case), ctx.today]:
        lacking = uncertified_officers(officers, day)
        if len(officers) - len(lacking) < 2:
            names = "、".join(str(o) for o in lacking) or "—"
            problems.append(f"{day:%Y-%m-%d} 有效持证 {len(officers) - len(lacking)} 名（无证：{names}）")
    if problems:
        return failed("执法时须两名以上持有效执法证的人员：" + "；".join(dict.fromkeys(problems)))
    return passed(f"{len(officers)} 名承办人员在立案、各项执法活动及审核之日均持有效执法证")


# --- 事实、证据与法律适用 -------------------------------------------------------------------------------------


@rule("facts_unestablished", "事实与证据", Source(CFL, 40))
def facts_and_evidence(case: Any, ctx: Any) -> Verdict:
    """违法事实不清、证据不足的，不得给予行政处罚."""
    if not case.facts.strip():
        return failed("未写明违法事实")
    verified = ctx.facts.verified_evidence_count(case)
    if verified == 0:
        return warning("已写明违法事实，但未上传任何已校验的证据材料")
    return passed(f"已写明违法事实，附已校验证据 {verified} 份")


@rule("legal_basis_missing", "法律适用", Source(CFL, 38, 1))
def legal_basis(case: Any, ctx: Any) -> Verdict:
    """没有依据的行政处罚无效: the violation's 违法依据 and 处罚依据 are stated."""
    if case.violation_type_id is None:
        return failed("未选择违法行为类型（违法依据、处罚依据）")
    vt = case.violation_type
    if not vt.legal_basis.strip() or not vt.penalty_basis.strip():
        return failed(f"违法行为“{vt.name}”未载明违法依据或处罚依据")
    return passed(f"违法依据：{vt.legal_basis}；处罚依据：{vt.penalty_basis}")


@rule("fine_outside_statutory_range", "处罚幅度（法定）", Source(CFL, 38, 1))
def fine_within_statutory_range(case: Any, ctx: Any) -> Verdict:
    """Above the 处罚依据's maximum the fine has no basis: fail. Below the minimum, or in the tier the
    law reserves for a party who ignored an order to rectify: warning (the file must show why)."""
    penalty = Penalty.from_json(case.proposed_penalty)
    if case.violation_type_id is None or not penalty.fine:
        return passed("不适用：未拟罚款或未选择违法行为")
    return Verdict(*ctx.facts.statutory_fine_check(case, penalty.fine))


@rule("fine_outside_benchmark", "自由裁量基准", Source(CFL, 34))
def fine_within_benchmark(case: Any, ctx: Any) -> Verdict:
    """The fine against the chosen severity's range in the benchmark in force on the filing date
    (a revised benchmark applies to cases filed after it). Outside it: a warning to be explained."""
    penalty = Penalty.from_json(case.proposed_penalty)
    if case.violation_type_id is None or not penalty.fine:
        return passed("不适用：未拟罚款或未选择违法行为")
    if not case.severity:
        return warning("未选择裁量阶次（轻微、一般、较重、严重），无法对照自由裁量基准")
    on = local_date(case.filed_at) if case.filed_at else ctx.today
    return Verdict(*ctx.facts.benchmark_fine_check(case, on, penalty.fine))


@rule("criminal_suspicion", "涉嫌犯罪移送", Source(CFL, 27, 1))
def no_criminal_suspicion(case: Any, ctx: Any) -> Verdict:
    """两法衔接 (and 《行政执法机关移送涉嫌犯罪案件的规定》): a case suspected of a crime goes to the
    public security organs; it may not be settled with an administrative penalty (以罚代刑)."""
    if case.criminal_suspicion:
        note = f"（{case.criminal_suspicion_note}）" if case.criminal_suspicion_note else ""
        return failed(
            f"本案涉嫌犯罪{note}，应当依法移送公安机关（行政处罚法第二十七条第一款），"
            "不得以行政处罚代替刑事处罚，不得以罚代刑"
        )
    return passed("未发现涉嫌犯罪、应当移送司法机关的情形")


@rule("summary_limit_exceeded", "简易程序适用范围", Source(CFL, 51), judges_input=True)
def summary_limits(case: Any, ctx: Any) -> Verdict:
    """当场处罚 only for a warning or a fine up to 200 yuan (individual) / 3,000 yuan (entity)."""
    penalty = Penalty.from_json(case.decided_penalty)
    if penalty.confiscation or penalty.suspension or penalty.revocation or penalty.closure:
        return failed("简易程序只能给予警告或小额罚款（行政处罚法第五十一条）")
    if case.party_id is None:
        return passed("不适用：未填写当事人")
    limit = SUMMARY_FINE_LIMIT[case.party.kind]
    if penalty.fine > limit:
        return failed(
            f"简易程序对{case.party.get_kind_display()}的罚款不得超过 {limit} 元（行政处罚法第五十一条），"
            f"拟罚 {penalty.fine} 元"
        )
    return passed(f"罚款 {penalty.fine} 元在简易程序限额 {limit} 元以内")


# --- 程序：记录、告知、听证 ----------------------------------------------------------------------------------


def _av_verdict(case: Any, ctx: Any, kinds: tuple[str, ...] | None = None) -> Verdict:
    gaps = ctx.facts.av_gaps(case, ctx.policy, kinds)
    if not gaps:
        return passed("音像记录清单内的执法活动均有已校验的音像记录")
    labels = ctx.facts.av_labels()
    listed = "、".join(f"{labels[a.kind]}（{local_date(a.occurred_at):%Y-%m-%d}）" for a in gaps)
    return failed(f"以下执法活动缺少已校验的音像记录：{listed}")


@rule("av_record_missing", "执法全过程记录", Source(CFL, 47))
def av_recorded(case: Any, ctx: Any, kinds: tuple[str, ...] | None = None) -> Verdict:
    """Every activity of the organisation's AV list carried out in the case has a verified recording
    (国办发〔2018〕118号 and the bureaus' 音像记录事项清单); `kinds` narrows the list to a step's own."""
    return _av_verdict(case, ctx, kinds)


@rule("notice_not_served", "告知书送达", Source(CFL, 44))
def notice_served(case: Any, ctx: Any) -> Verdict:
    """The party is told of the intended penalty, its facts, reasons and basis, and his rights, by a
    notice served on him, before the notice stage can end."""
    if case.notice_served_on is None:
        return failed("未送达行政处罚告知书，未告知拟处罚内容及陈述、申辩权利")
    return passed(f"告知书已于 {case.notice_served_on:%Y-%m-%d} 送达")


@rule("notice_not_given", "告知程序", Source(CFL, 44))
def notice_given(case: Any, ctx: Any) -> Verdict:
    """Before the decision: the notice served (notice_not_served) and the party's statement recorded."""
    if case.state not in AFTER_NOTICE:
        return passed("不适用：尚未到告知环节")
    served = notice_served(case, ctx)
    if served.failed:
        return served
    if not case.statement_waived and case.statement_on is None:
        return warning(f"告知书已于 {case.notice_served_on:%Y-%m-%d} 送达，未记录当事人陈述申辩情况")
    return passed(f"告知书已于 {case.notice_served_on:%Y-%m-%d} 送达，陈述申辩已记录")


@rule("statement_window_open", "陈述申辩期", Source(CFL, 45, 1))
def statement_window_closed(case: Any, ctx: Any) -> Verdict:
    """The notice stage does not end while the party may still state his case (the organisation's
    statement window, working days after service), unless he waived it."""
    if case.notice_served_on is None or case.statement_waived:
        return passed("不适用：告知书未送达或当事人已放弃陈述申辩")
    ends = periods.statement_window_end(served_on=case.notice_served_on, policy=ctx.policy)
    if ctx.today <= ends:
        return failed(
            f"陈述申辩期（告知书送达后{days(ctx.policy.statement_window_workdays)}个工作日）至 {ends:%Y-%m-%d} 届满，"
            "当事人未放弃陈述申辩"
        )
    return passed(f"陈述申辩期已于 {ends:%Y-%m-%d} 届满")


@rule("penalty_heavier_than_notice", "不得因陈述申辩加重处罚", Source(CFL, 45, 2), judges_input=True)
def not_heavier_than_notice(case: Any, ctx: Any) -> Verdict:
    """The penalty decided (or, before the decision, proposed) is not heavier than the one noticed."""
    if case.noticed_penalty is None:
        return passed("不适用：尚未告知拟处罚内容")
    heavier = _decided_or_proposed(case).heavier_than(Penalty.from_json(case.noticed_penalty))
    if heavier:
        return failed("拟作出的处罚重于告知的处罚（行政处罚法第四十五条第二款）：" + "；".join(heavier))
    return passed("拟作出的处罚不重于告知的处罚")


@rule("no_hearing_right", "听证范围", Source(CFL, 63, 1))
def hearing_right(case: Any, ctx: Any) -> Verdict:
    if not hearing_right_applies(case, ctx.policy):
        return failed("本案拟作出的处罚不属于听证范围（行政处罚法第六十三条第一款）")
    return passed("拟作出的处罚属于听证范围")


@rule("hearing_request_late", "听证申请期限", Source(CFL, 64, 1, 1), judges_input=True)
def hearing_requested_in_time(case: Any, ctx: Any) -> Verdict:
    requested_on = ctx.scratch.get("requested_on")
    if case.notice_served_on is None or requested_on is None:
        return passed("不适用：未申请听证")
    last = periods.hearing_request_deadline(served_on=case.notice_served_on, policy=ctx.policy)
    if requested_on > last:
        return failed(
            f"听证申请应在告知后{days(ctx.policy.hearing_request_workdays)}个工作日内（{last:%Y-%m-%d} 前）提出"
            "（行政处罚法第六十四条第一款第一项）"
        )
    return passed(f"于 {requested_on:%Y-%m-%d} 申请听证，在期限内")


@rule("hearing_window_open", "听证申请期", Source(CFL, 64, 1, 1))
def hearing_window_closed(case: Any, ctx: Any) -> Verdict:
    """Concluding the notice before the hearing-request window ends would deny the right."""
    if case.notice_served_on is None or case.statement_waived or not hearing_right_applies(case, ctx.policy):
        return passed("不适用")
    last = periods.hearing_request_deadline(served_on=case.notice_served_on, policy=ctx.policy)
    if ctx.today <= last:
        return failed(
            f"听证申请期（告知后{days(ctx.policy.hearing_request_workdays)}个工作日）至 {last:%Y-%m-%d} 届满，"
            "当事人未放弃听证权利"
        )
    return passed(f"听证申请期已于 {last:%Y-%m-%d} 届满")


@rule("hearing_notice_too_short", "听证通知期限", Source(CFL, 64, 1, 2))
def hearing_notice_in_time(case: Any, ctx: Any) -> Verdict:
    hearing = getattr(case, "hearing", None)
    if hearing is None or hearing.notified_on is None or hearing.hearing_date is None:
        return passed("不适用：尚未通知听证")
    earliest = periods.earliest_hearing_date(notified_on=hearing.notified_on, policy=ctx.policy)
    if hearing.hearing_date < earliest:
        return failed(
            f"听证应在举行{days(ctx.policy.hearing_notice_workdays)}个工作日前通知当事人"
            f"（行政处罚法第六十四条第一款第二项）：{hearing.notified_on:%Y-%m-%d} 通知，"
            f"最早可于 {earliest:%Y-%m-%d} 举行，而安排在 {hearing.hearing_date:%Y-%m-%d}"
        )
    return passed(f"{hearing.notified_on:%Y-%m-%d} 通知，{hearing.hearing_date:%Y-%m-%d} 举行")


@rule("hearing_report_missing", "听证报告", Source(CFL, 65), judges_input=True)
def hearing_report_written(case: Any, ctx: Any) -> Verdict:
    """The decision after a hearing rests on its record and report."""
    hearing = getattr(case, "hearing", None)
    if hearing is None or not hearing.report.strip():
        return failed("未填写听证报告")
    return passed("已填写听证报告")


@rule("hearing_right_denied", "听证权利", Source(CFL, 63, 1))
def hearing_offered(case: Any, ctx: Any) -> Verdict:
    """The hearing right told when due; a requested hearing held before the decision (Art. 63–64)."""
    if not hearing_right_applies(case, ctx.policy):
        return passed("不适用：拟作出的处罚不属于听证范围")
    if case.state not in AFTER_NOTICE:
        return passed("属于听证范围：告知时须告知听证权利")
    if case.notice_served_on is None:
        return failed("属于听证范围，但告知书未送达，未告知听证权利")
    hearing = getattr(case, "hearing", None)
    if hearing is not None and hearing.held_on is None:
        return failed(f"当事人已于 {hearing.requested_on:%Y-%m-%d} 申请听证，尚未举行")
    if hearing is not None:
        return passed(f"已于 {hearing.held_on:%Y-%m-%d} 举行听证")
    return passed("已告知听证权利，当事人未在期限内申请听证")


# --- 集体讨论、期限、决定之后 -----------------------------------------------------------------------------------


@rule("quorum_not_met", "集体讨论法定人数", Source(CFL, 57, 2), judges_input=True)
def quorum_present(case: Any, ctx: Any) -> Verdict:
    size = ctx.scratch.get("committee_size", 0)
    present = ctx.scratch.get("present", 0)
    if size == 0:
        return failed("本机构未设置案审委员会成员，无法进行集体讨论")
    if not quorum_met(present=present, committee_size=size, ratio=ctx.policy.quorum_ratio):
        return failed(
            f"出席委员 {present} 人，委员会共 {size} 人，未超过 {ctx.policy.quorum_ratio:.0%}，不足法定人数"
        )
    return passed(f"出席委员 {present} 人，委员会共 {size} 人")


@rule("votes_missing", "集体讨论表决意见", Source(CFL, 57, 2), judges_input=True)
def votes_recorded(case: Any, ctx: Any) -> Verdict:
    missing = ctx.scratch.get("members_without_vote", [])
    if missing:
        return failed("以下出席委员未记录表决意见：" + "、".join(str(m) for m in missing))
    return passed("出席委员均已记录表决意见")


@rule("decision_deadline_passed", "办案期限", Source(CFL, 60))
def deadline_met(case: Any, ctx: Any) -> Verdict:
    """A decision within the period from filing (the organisation's, at most 90 days), extended once."""
    due = case.decision_deadline
    if due is None:
        return passed("不适用：尚未立案")
    left = (due - ctx.today).days
    if left < 0:
        return failed(
            f"办案期限 {due:%Y-%m-%d} 已超过 {-left} 日" + ("（已延期）" if case.deadline_extended else "")
        )
    if left <= DEADLINE_WARNING_DAYS:
        hint = "" if case.deadline_extended else "，如需延期须经机关负责人批准"
        return warning(f"办案期限 {due:%Y-%m-%d}，仅剩 {left} 日{hint}")
    return passed(f"办案期限 {due:%Y-%m-%d}，尚余 {left} 日")


@rule("already_extended", "办案期限延长", Source(CFL, 60))
def extension_unused(case: Any, ctx: Any) -> Verdict:
    if case.deadline_extended:
        return failed("办案期限已延长过一次（行政处罚法第六十条）")
    return passed("办案期限未延长过")


@rule("publication_required", "行政处罚决定公开", Source(CFL, 48, 1))
def published_or_summary(case: Any, ctx: Any) -> Verdict:
    if case.procedure == Procedure.GENERAL:
        return failed("普通程序案件须先公示决定，或记录不予公示的法定理由")
    return passed("简易程序案件")


@rule("fine_unsettled", "罚款履行", Source(CFL, 66, 1), judges_input=True)
def fine_settled(case: Any, ctx: Any) -> Verdict:
    fine = Penalty.from_json(case.decided_penalty).fine
    if fine and case.execution_outcome not in (
        ExecutionOutcome.PAID,
        ExecutionOutcome.WAIVED,
        ExecutionOutcome.ENFORCEMENT,
    ):
        return failed(f"罚款 {fine} 元尚未缴纳、减免或申请强制执行")
    if fine and case.execution_outcome == ExecutionOutcome.PAID:
        surcharge, paid = Decimal(case.surcharge or 0), Decimal(case.paid_amount or 0)
        owed = fine + surcharge
        if paid < owed:
            return failed(f"应缴 {owed:.2f} 元（含加处罚款 {surcharge:.2f} 元），实缴 {paid:.2f} 元")
    return passed("罚款已履行或依法处理")


@rule("documents_missing", "文书材料（结案）", Source(CFL, 47))
def documents_complete_for_closure(case: Any, ctx: Any) -> Verdict:
    """结案: every document of the file up to execution is generated, uploaded (signed scan) or marked
    not applicable with a reason."""
    missing = ctx.facts.missing_documents(case, ctx.policy, "close")
    if missing:
        return failed("以下文书尚未生成、上传或标注不适用：" + "；".join(missing))
    return passed("结案所需文书齐全")


@rule("casefile_incomplete", "案卷归档", Source(CFL, 47))
def casefile_complete(case: Any, ctx: Any) -> Verdict:
    """归档: every record and document the path the case took requires."""
    missing = ctx.facts.missing_records(case, ctx.policy)
    if missing:
        return failed("案卷材料不齐全：" + "；".join(missing))
    return passed("案卷材料齐全")


@rule("documents_incomplete", "文书材料", Source(CFL, 47))
def documents_present(case: Any, ctx: Any) -> Verdict:
    """The documents the procedure so far must have produced; the catalogue's documents are a hard stop
    at closure and archiving, here the reviewer is told what the file still lacks."""
    missing = []
    if not case.number or case.filed_at is None:
        missing.append("立案审批表")
    if case.decision_kind != DecisionKind.NO_PENALTY and Penalty.from_json(case.proposed_penalty).is_empty:
        missing.append("处罚建议（拟作出的行政处罚）")
    if case.state in AFTER_NOTICE and case.notice_served_on is None:
        missing.append("行政处罚告知书送达回证")
    if missing:
        return failed("缺少：" + "、".join(missing))
    documents = ctx.facts.missing_documents(case, ctx.policy, "close")
    if documents:
        return warning("文书尚未生成、上传或标注不适用：" + "、".join(documents))
    return passed("本阶段应有的文书材料齐全")


def get(code: str) -> Rule:
    return RULES[code]


def all_rules() -> list[Rule]:
    return list(RULES.values())
