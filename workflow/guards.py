"""The guards of SPEC §4, each a small function: (case, context) → Reason when unmet, else None.

The same functions answer "what may I do now" (listing) and "why was this refused" (firing),
so the reasons a person reads are the reasons the system acts on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects

from accounts.models import User
from accounts.policy import AvActivity, Policy
from casefiles.models import Case, CaseActivity, Party
from casefiles.penalties import Penalty
from casefiles.selectors import av_activities_covered
from core.errors import Reason
from workflow import deadlines
from workflow.context import StepContext

Guard = Callable[[Case, StepContext], Reason | None]

SUMMARY_FINE_LIMIT = {Party.Kind.INDIVIDUAL: 200, Party.Kind.ENTITY: 3000}  # 行政处罚法 Art. 51


def input_guard(func: Guard) -> Guard:
    """Mark a guard that judges the step's input; it stands aside while only listing."""

    def wrapper(case: Case, ctx: StepContext) -> Reason | None:
        return None if ctx.listing else func(case, ctx)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    wrapper.judges_input = True  # type: ignore[attr-defined]
    return wrapper


def judges_input(guard: Guard) -> bool:
    return getattr(guard, "judges_input", False)


# --- who and what the case is -------------------------------------------------------------------


def party_present(case: Case, ctx: StepContext) -> Reason | None:
    if case.party_id is None:
        return Reason("party_missing", "未填写当事人")
    return None


def violation_type_present(case: Case, ctx: StepContext) -> Reason | None:
    if case.violation_type_id is None:
        return Reason("violation_type_missing", "未选择违法行为类型（违法依据、处罚依据）")
    return None


def uncertified_officers(officers: list[User], on: date) -> list[User]:
    return [o for o in officers if not any(c.valid_from <= on <= c.valid_to for c in o.certificates.all())]


def officers_with_certificates(case: Case) -> list[User]:
    """The case's officers (by id) with their certificates, read once per case instance: kept in
    Django's prefetch cache, which setting the officers clears. The documents a step issues read
    the same cache (documents.context)."""
    if "officers" not in getattr(case, "_prefetched_objects_cache", {}):
        prefetch_related_objects(
            [case],
            Prefetch("officers", queryset=User.objects.prefetch_related("certificates").order_by("pk")),
        )
    return sorted(case.officers.all(), key=lambda o: o.pk)


def two_certified_officers(case: Case, ctx: StepContext) -> Reason | None:
    """行政处罚法 Art. 42: at least two officers, each with a valid 执法证 on the day they act."""
    officers = officers_with_certificates(case)
    lacking = uncertified_officers(officers, ctx.today)
    certified = len(officers) - len(lacking)
    if certified >= 2:
        return None
    parts = [f"承办人员须至少两名持有效执法证的人员，目前有效持证 {certified} 名"]
    if lacking:
        names = "、".join(str(o) for o in lacking)
        parts.append(f"{names} 在 {ctx.today:%Y-%m-%d} 无有效执法证")
    return Reason("officers_uncertified", "；".join(parts))


def general_procedure(case: Case, ctx: StepContext) -> Reason | None:
    if case.procedure != Case.Procedure.GENERAL:
        return Reason("wrong_procedure", "该操作仅适用于普通程序案件")
    return None


def summary_procedure(case: Case, ctx: StepContext) -> Reason | None:
    if case.procedure != Case.Procedure.SUMMARY:
        return Reason("wrong_procedure", "该操作仅适用于简易程序案件")
    return None


# --- evidence -------------------------------------------------------------------------------------


def av_gaps(case: Case, policy: Policy, kinds: tuple[str, ...] | None = None) -> list[CaseActivity]:
    """Listed activities carried out in this case that have no verified audio/video record."""
    listed = set(policy.av_activities) if kinds is None else set(kinds) & set(policy.av_activities)
    return [a for a, covered in av_activities_covered(case=case, kinds=listed) if not covered]


def _av_reason(gaps: list[CaseActivity]) -> Reason | None:
    if not gaps:
        return None
    listed = "、".join(
        f"{AvActivity.LABELS[a.kind]}（{deadlines.local_date(a.occurred_at):%Y-%m-%d}）" for a in gaps
    )
    return Reason("av_record_missing", f"以下执法活动缺少已校验的音像记录：{listed}")


def av_list_recorded(case: Case, ctx: StepContext) -> Reason | None:
    """SPEC §6: every listed activity carried out in the case has a verified AV record."""
    return _av_reason(av_gaps(case, ctx.policy))


def hearing_av_recorded(case: Case, ctx: StepContext) -> Reason | None:
    return _av_reason(av_gaps(case, ctx.policy, (AvActivity.HEARING,)))


def special_service_av_recorded(case: Case, ctx: StepContext) -> Reason | None:
    """留置送达 and 公告送达 must be recorded on audio/video."""
    return _av_reason(av_gaps(case, ctx.policy, (AvActivity.LEAVE_SERVICE, AvActivity.ANNOUNCEMENT_SERVICE)))


# --- penalty ----------------------------------------------------------------------------------------


def no_criminal_suspicion(case: Case, ctx: StepContext) -> Reason | None:
    """行政处罚法 Art. 27 and 《行政执法机关移送涉嫌犯罪案件的规定》: a case suspected of a crime
    goes to the public security organs; it may not be settled with an administrative penalty
    instead (以罚代刑)."""
    if case.criminal_suspicion:
        return Reason(
            "criminal_suspicion",
            "本案涉嫌犯罪，应当依法移送公安机关（行政处罚法第二十七条），不得以行政处罚代替刑事处罚",
        )
    return None


def proposed_penalty_set(case: Case, ctx: StepContext) -> Reason | None:
    if Penalty.from_json(case.proposed_penalty).is_empty:
        return Reason("proposed_penalty_missing", "未填写拟作出的行政处罚")
    return None


def hearing_right_applies(case: Case, policy: Policy) -> bool:
    """Art. 63 and SPEC §5: suspension, revocation, closure, or a large fine."""
    penalty = Penalty.from_json(case.noticed_penalty or case.proposed_penalty)
    if penalty.suspension or penalty.revocation or penalty.closure:
        return True
    individual = case.party_id is not None and case.party.kind == Party.Kind.INDIVIDUAL
    threshold = policy.hearing_fine_individual if individual else policy.hearing_fine_entity
    return penalty.fine >= threshold


def is_major(case: Case, policy: Policy) -> bool:
    """SPEC §5: 重大执法决定."""
    if case.complex:
        return True
    if hasattr(case, "hearing"):
        return True
    penalty = Penalty.from_json(case.decided_penalty or case.proposed_penalty)
    if penalty.suspension or penalty.revocation or penalty.closure:
        return True
    individual = case.party_id is not None and case.party.kind == Party.Kind.INDIVIDUAL
    threshold = policy.major_fine_individual if individual else policy.major_fine_entity
    return penalty.fine >= threshold


@input_guard
def not_heavier_than_notice(case: Case, ctx: StepContext) -> Reason | None:
    """Art. 45: no heavier penalty because the party stated a defence."""
    if case.noticed_penalty is None or case.decided_penalty is None:
        return None
    heavier = Penalty.from_json(case.decided_penalty).heavier_than(Penalty.from_json(case.noticed_penalty))
    if heavier:
        return Reason(
            "penalty_heavier_than_notice",
            "决定的处罚重于告知的处罚（行政处罚法第四十五条）：" + "；".join(heavier),
        )
    return None


@input_guard
def summary_limits(case: Case, ctx: StepContext) -> Reason | None:
    """Art. 51: summary procedure only for a warning or a fine ≤ 200 (individual) / ≤ 3000 (entity)."""
    penalty = Penalty.from_json(case.decided_penalty)
    if penalty.confiscation or penalty.suspension or penalty.revocation or penalty.closure:
        return Reason("summary_limit_exceeded", "简易程序只能给予警告或小额罚款（行政处罚法第五十一条）")
    if case.party_id is None:
        return Reason("party_missing", "未填写当事人")
    limit = SUMMARY_FINE_LIMIT[case.party.kind]
    if penalty.fine > limit:
        return Reason(
            "summary_limit_exceeded",
            f"简易程序对{case.party.get_kind_display()}的罚款不得超过 {limit} 元（行政处罚法第五十一条），"
            f"拟罚 {penalty.fine} 元",
        )
    return None


# --- notice and hearing -------------------------------------------------------------------------------


def notice_served(case: Case, ctx: StepContext) -> Reason | None:
    if case.notice_served_on is None:
        return Reason("notice_not_served", "行政处罚告知书尚未送达当事人")
    return None


def statement_window_closed(case: Case, ctx: StepContext) -> Reason | None:
    if case.notice_served_on is None or case.statement_waived:
        return None
    ends = deadlines.statement_window_end(served_on=case.notice_served_on, policy=ctx.policy)
    if ctx.today <= ends:
        return Reason("statement_window_open", f"陈述申辩期至 {ends:%Y-%m-%d} 届满，当事人未放弃陈述申辩")
    return None


def hearing_right(case: Case, ctx: StepContext) -> Reason | None:
    if not hearing_right_applies(case, ctx.policy):
        return Reason("no_hearing_right", "本案拟作出的处罚不属于听证范围（行政处罚法第六十三条）")
    return None


@input_guard
def hearing_requested_in_time(case: Case, ctx: StepContext) -> Reason | None:
    requested_on = ctx.scratch.get("requested_on")
    if case.notice_served_on is None or requested_on is None:
        return None
    last = deadlines.hearing_request_deadline(served_on=case.notice_served_on, policy=ctx.policy)
    if requested_on > last:
        return Reason(
            "hearing_request_late", f"听证申请应在告知后五个工作日内（{last:%Y-%m-%d} 前）提出（第六十四条）"
        )
    return None


def hearing_scheduled(case: Case, ctx: StepContext) -> Reason | None:
    hearing = getattr(case, "hearing", None)
    if hearing is None or hearing.notified_on is None or hearing.hearing_date is None:
        return Reason("hearing_not_notified", "尚未通知当事人听证时间、地点")
    earliest = deadlines.earliest_hearing_date(notified_on=hearing.notified_on, policy=ctx.policy)
    if hearing.hearing_date < earliest:
        return Reason(
            "hearing_notice_too_short",
            f"听证应在举行七个工作日前通知当事人（第六十四条）：{hearing.notified_on:%Y-%m-%d} 通知，"
            f"最早可于 {earliest:%Y-%m-%d} 举行，"
            f"而安排在 {hearing.hearing_date:%Y-%m-%d}",
        )
    return None


@input_guard
def hearing_report_written(case: Case, ctx: StepContext) -> Reason | None:
    hearing = getattr(case, "hearing", None)
    if hearing is None or not hearing.report.strip():
        return Reason("hearing_report_missing", "未填写听证报告")
    return None


# --- deliberation and decision ------------------------------------------------------------------------


@input_guard
def quorum_present(case: Case, ctx: StepContext) -> Reason | None:
    size = ctx.scratch.get("committee_size", 0)
    present = ctx.scratch.get("present", 0)
    if size == 0:
        return Reason("quorum_not_met", "本机构未设置案审委员会成员，无法进行集体讨论")
    if present <= size * ctx.policy.quorum_ratio:
        return Reason(
            "quorum_not_met",
            f"出席委员 {present} 人，委员会共 {size} 人，未超过 {ctx.policy.quorum_ratio:.0%}，不足法定人数",
        )
    return None


@input_guard
def votes_recorded(case: Case, ctx: StepContext) -> Reason | None:
    missing = ctx.scratch.get("members_without_vote", [])
    if missing:
        return Reason("votes_missing", "以下出席委员未记录表决意见：" + "、".join(str(m) for m in missing))
    return None


def decision_recorded(case: Case, ctx: StepContext) -> Reason | None:
    if not case.decision_kind or not case.decision_number or case.decided_at is None:
        return Reason("decision_missing", "尚未记录处罚决定及决定书文号")
    return None


def published_or_summary(case: Case, ctx: StepContext) -> Reason | None:
    if case.procedure == Case.Procedure.GENERAL:
        return Reason("publication_required", "普通程序案件须先公示决定，或记录不予公示的法定理由")
    return None


@input_guard
def fine_settled(case: Case, ctx: StepContext) -> Reason | None:
    fine = Penalty.from_json(case.decided_penalty).fine
    if fine and case.execution_outcome not in (
        Case.ExecutionOutcome.PAID,
        Case.ExecutionOutcome.WAIVED,
        Case.ExecutionOutcome.ENFORCEMENT,
    ):
        return Reason("fine_unsettled", f"罚款 {fine} 元尚未缴纳、减免或申请强制执行")
    if fine and case.execution_outcome == Case.ExecutionOutcome.PAID:
        surcharge, paid = Decimal(case.surcharge or 0), Decimal(case.paid_amount or 0)
        owed = fine + surcharge
        if paid < owed:
            return Reason(
                "fine_unsettled",
                f"应缴 {owed:.2f} 元（含加处罚款 {surcharge:.2f} 元），实缴 {paid:.2f} 元",
            )
    return None


def casefile_complete(case: Case, ctx: StepContext) -> Reason | None:
    """归档: every record and every document the path the case took requires (workflow.checklist)."""
    from workflow.checklist import missing_items

    missing = missing_items(case, ctx.policy)
    if missing:
        return Reason("casefile_incomplete", "案卷材料不齐全：" + "；".join(missing))
    return None


def documents_complete_for_closure(case: Case, ctx: StepContext) -> Reason | None:
    """结案: every document of the file up to execution is generated, uploaded (signed scan) or
    marked not applicable with a reason (documents.catalogue; the closure approval comes with it)."""
    from documents.selectors import missing_documents, missing_labels

    missing = missing_documents(case=case, policy=ctx.policy, up_to="close")
    if missing:
        return Reason(
            "documents_missing",
            "以下文书尚未生成、上传或标注不适用：" + "；".join(missing_labels(missing)),
        )
    return None


def extension_unused(case: Case, ctx: StepContext) -> Reason | None:
    if case.deadline_extended:
        return Reason("already_extended", "办案期限已延长过一次（行政处罚法第六十条）")
    return None
