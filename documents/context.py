"""The data each document type is filled with, taken from the case as it stands when the document is
made (and kept with the document: it is re-rendered from this, never from the case as it is later).

Every value is text (or a list of text / of rows of text): templates do no arithmetic. FIELDS lists
the names a template may use per type; an uploaded template is checked against them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.policy import AvActivity, Policy
from casefiles.models import Case, Evidence, LegalCheck, Party
from casefiles.selectors import officers_with_certificates as case_officers
from documents.catalogue import BY_CODE
from documents.selectors import latest_document
from law.findings import RESULT_LABELS
from law.penalties import Penalty
from law.predicates import certificate_valid

Context = dict[str, Any]

# Art. 63–64 (hearing), Art. 69 (payment 15 days), 行政复议法 Art. 20 (60 days), 行政诉讼法 Art. 46 (6 months).
RIGHTS = (
    "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼，"
    "但本决定不停止执行，法律另有规定的除外。"
)


# --- formatting -----------------------------------------------------------------------------------------


def cn_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{cn_date(local)}{local.hour}时{local.minute:02d}分"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SECTIONS = ("", "万", "亿", "万亿")


def _group_words(n: int) -> str:
    words, zero = "", False
    for power, unit in ((3, "仟"), (2, "佰"), (1, "拾"), (0, "")):
        digit = n // 10**power % 10
        if digit == 0:
            zero = zero or bool(words)
            continue
        words += ("零" if zero else "") + _DIGITS[digit] + unit
        zero = False
    return words


def money_capitals(amount: Decimal) -> str:
    """人民币大写 as on a decision: 60000 → 人民币陆万元整; 10500.5 → 人民币壹万零伍佰元伍角."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    yuan, cents = divmod(int(amount * 100), 100)
    groups = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    words, pending_zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words += "零"
        words += _group_words(group) + _SECTIONS[index]
        pending_zero = False
    jiao, fen = divmod(cents, 10)
    tail = (_DIGITS[jiao] + "角" if jiao else "") + (
        ("零" if words and not jiao else "") + _DIGITS[fen] + "分" if fen else ""
    )
    if not words and not tail:
        return "人民币零元整"
    return "人民币" + (words + "元" if words else "") + (tail or "整")


def money_figures(amount: Decimal) -> str:
    return f"¥{Decimal(amount):,.2f}"


def penalty_text(penalty: Penalty) -> str:
    """A penalty in the words of a decision: 警告，并处罚款人民币陆万元整（¥60,000.00）."""
    parts = []
    if penalty.warning:
        parts.append("警告")
    if penalty.fine:
        parts.append(f"罚款{money_capitals(penalty.fine)}（{money_figures(penalty.fine)}）")
    if penalty.confiscation:
        parts.append(
            f"没收违法所得{money_capitals(penalty.confiscation)}（{money_figures(penalty.confiscation)}）"
        )
    for kind in ("suspension", "revocation", "closure"):
        if getattr(penalty, kind):
            parts.append(Penalty.LABELS[kind])
    if not parts:
        return "不予行政处罚"
    return parts[0] + ("，并处" + "，".join(parts[1:]) if len(parts) > 1 else "")


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()] or [""]


def sentence(text: str) -> str:
    text = (text or "").strip()
    return text if not text or text[-1] in "。！？；" else text + "。"


def _names(users: Iterable[Any]) -> str:
    return "、".join(str(u) for u in users)


# --- the case ------------------------------------------------------------------------------------------


@dataclass
class Source:
    """What a document is made from besides the case: the moment, who makes it, the step's input and
    the record it is about (a legal check, a deliberation, a service…)."""

    case: Case
    policy: Policy
    issued_on: date
    number: str
    title: str
    actor: Any = None
    data: dict[str, Any] = field(default_factory=dict)
    record: Any = None


def officers_with_certificates(case: Case, on: date) -> str:
    parts = []
    # Shared with the guards of the step issuing the document (one read per case instance).
    for officer in case_officers(case):
        valid = [c.number for c in officer.certificates.all() if certificate_valid(c, on)]
        parts.append(f"{officer}（执法证号：{valid[0]}）" if valid else f"{officer}（执法证无效）")
    return "、".join(parts)


def common(src: Source) -> Context:
    case = src.case
    party = case.party
    entity = party is None or party.kind == Party.Kind.ENTITY
    vt = case.violation_type
    return {
        "organisation": case.organisation.name,
        "title": src.title,
        "number": src.number,
        "date": cn_date(src.issued_on),
        "case_number": case.number or "（未立案）",
        "cause": case.title,
        "party_name": party.name if party else "",
        "party_kind": party.get_kind_display() if party else "",
        "party_you": "单位" if entity else "",
        "party_id_label": "统一社会信用代码" if entity else "身份证号码",
        "party_id": (party.credit_code if entity else party.id_number) if party else "",
        "party_representative_label": "法定代表人（负责人）" if entity else "性别/年龄",
        "party_representative": (party.legal_representative if entity else "") if party else "",
        "party_address": party.address if party else "",
        "party_phone": party.phone if party else "",
        "violation": vt.name if vt else "",
        "legal_basis": vt.legal_basis if vt else "",
        "penalty_basis": vt.penalty_basis if vt else "",
        "facts": sentence(case.facts),
        "facts_lines": lines(case.facts),
        "officers": _names(case_officers(case)),
        "officers_with_certificates": officers_with_certificates(case, src.issued_on),
        "filed_date": cn_date(case.filed_at),
    }


COMMON_FIELDS = (
    "organisation",
    "title",
    "number",
    "date",
    "case_number",
    "cause",
    "party_name",
    "party_kind",
    "party_you",
    "party_id_label",
    "party_id",
    "party_representative_label",
    "party_representative",
    "party_address",
    "party_phone",
    "violation",
    "legal_basis",
    "penalty_basis",
    "facts",
    "facts_lines",
    "officers",
    "officers_with_certificates",
    "filed_date",
)


# --- per type ------------------------------------------------------------------------------------------


def filing_approval(src: Source) -> Context:
    case = src.case
    return {
        "origin": case.get_origin_display(),
        "approval_opinion": (src.data.get("opinion") or "").strip() or "同意立案。",
        "approver": str(src.actor or ""),
        "approved_date": cn_date(src.issued_on),
    }


def inspection_record(src: Source) -> Context:
    case, data = src.case, src.data
    inspection = case.inspection
    activity = case.activities.filter(kind=AvActivity.ONSITE_INSPECTION).order_by("-occurred_at").first()
    when = data.get("inspected_at") or (activity.occurred_at if activity else None)
    if when is None and inspection is not None:
        when = inspection.inspected_on
    place = (
        data.get("place")
        or (activity.place if activity else "")
        or (case.party.address if case.party else "")
    )
    content = data.get("content") or (inspection.notes if inspection else "") or case.facts
    violations = inspection.violations_found if inspection else 0
    ordered = bool(inspection and inspection.rectification_order)
    inspectors = list(inspection.officers.all()) if inspection else case_officers(case)
    return {
        "inspected_at": cn_datetime(when) if isinstance(when, datetime) else cn_date(when),
        "place": place,
        "inspectors": _names(inspectors),
        "content_lines": lines(content),
        "violations_found": str(violations),
        "rectification": "已下达责令限期整改指令书。" if ordered else "未下达责令限期整改指令书。",
    }


def inquiry_record(src: Source) -> Context:
    case, data = src.case, src.data
    activity = case.activities.filter(kind=AvActivity.INQUIRY).order_by("-occurred_at").first()
    when = data.get("inquired_at") or (activity.occurred_at if activity else None)
    officers = case_officers(case)
    party = case.party
    default_person = (party.legal_representative or party.name) if party else ""
    return {
        "inquired_at": cn_datetime(when) if isinstance(when, datetime) else cn_date(when or src.issued_on),
        "place": data.get("place") or (activity.place if activity else "") or case.organisation.name,
        "interviewers": _names(officers),
        "recorder": str(officers[-1]) if officers else "",
        "interviewee": data.get("interviewee") or default_person,
        "relation": data.get("relation") or "当事人",
        "content_lines": lines(data.get("content", "")),
    }


def rectification_order(src: Source) -> Context:
    case, data = src.case, src.data
    items = data.get("items") or []
    if isinstance(items, str):
        items = lines(items)
    if not items:
        items = [sentence(case.facts)]
    return {"items": [str(i) for i in items], "deadline": cn_date(data.get("deadline"))}


def _evidence_lines(case: Case) -> list[str]:
    rows = case.evidence.filter(status__in=Evidence.RECORDED_STATUSES).order_by("pk")
    found = [
        f"{n}. {e.title}（{e.get_kind_display()}，SHA-256：{e.sha256[:16]}…）" for n, e in enumerate(rows, 1)
    ]
    return found or ["（无已校验的证据材料）"]


def investigation_report(src: Source) -> Context:
    case = src.case
    activities = [
        f"{cn_datetime(a.occurred_at)}，{a.get_kind_display()}" + (f"（{a.place}）" if a.place else "")
        for a in case.activities.order_by("occurred_at")
    ]
    return {
        "activity_lines": [f"{cn_date(case.filed_at)}，经批准立案。", *activities],
        "evidence_lines": _evidence_lines(case),
        "severity": case.get_severity_display() if case.severity else "未选择",
        "proposed_penalty": penalty_text(Penalty.from_json(case.proposed_penalty)),
    }


def legal_opinion(src: Source) -> Context:
    check = src.record
    conclusions = dict(LegalCheck.Conclusion.choices)
    return {
        "check_stage": check.get_stage_display(),
        "check_level": str(check.level),
        "handling_organisation": src.case.organisation.name,
        "reviewing_organisation": check.organisation.name,
        "reviewer": str(check.reviewer),
        "points": [
            {
                "title": p["title"],
                "finding": RESULT_LABELS.get(p["finding"], p["finding"]),
                "conclusion": conclusions.get(p["conclusion"], p["conclusion"]),
                "comment": p["comment"],
            }
            for p in check.points
        ],
        "outcome": check.get_outcome_display(),
        "opinion": check.opinion,
        "items_to_fix": [str(i) for i in check.items_to_fix],
        "override_reason": check.override_reason,
    }


def penalty_notice(src: Source) -> Context:
    case = src.case
    return {
        "proposed_penalty": penalty_text(Penalty.from_json(case.noticed_penalty or case.proposed_penalty)),
        "statement_days": str(src.policy.statement_window_workdays),
    }


def hearing_notice(src: Source) -> Context:
    case = src.case
    return {
        "proposed_penalty": penalty_text(Penalty.from_json(case.noticed_penalty or case.proposed_penalty)),
        "hearing_days": str(src.policy.hearing_request_workdays),
    }


def hearing_record(src: Source) -> Context:
    hearing = src.case.hearing
    return {
        "requested_date": cn_date(hearing.requested_on),
        "notified_date": cn_date(hearing.notified_on),
        "hearing_date": cn_date(hearing.held_on or hearing.hearing_date),
        "place": hearing.place,
        "hearing_officer": str(hearing.hearing_officer or ""),
        "record_lines": lines(hearing.record),
        "report_lines": lines(hearing.report),
    }


def deliberation_record(src: Source) -> Context:
    deliberation = src.record
    meeting = deliberation.meeting
    attendees = list(meeting.attendees.order_by("pk"))
    return {
        "held_at": cn_datetime(meeting.held_at),
        "chair": str(meeting.chair),
        "attendees": _names(attendees),
        "committee_size": str(meeting.committee_size),
        "present": str(len(attendees)),
        "minutes_lines": lines(meeting.minutes),
        "votes": [
            {"member": str(v.member), "choice": v.get_choice_display(), "opinion": v.opinion}
            for v in deliberation.votes.select_related("member").order_by("member_id")
        ],
        "conclusion": deliberation.conclusion,
    }


def _decision_lines(src: Source, penalty: Penalty) -> list[str]:
    case = src.case
    you = "你单位" if case.party is None or case.party.kind == Party.Kind.ENTITY else "你"
    out = [f"经查，{you}{sentence(case.facts)}"]
    evidence = [e.title for e in case.evidence.filter(status__in=Evidence.RECORDED_STATUSES).order_by("pk")]
    if evidence:
        out.append(f"以上事实有{'、'.join(evidence[:6])}等证据为证。")
    notice = latest_document(case=case, doc_type="penalty_notice")
    if case.notice_served_on:
        number = f"（{notice.number}）" if notice and notice.number else ""
        hearing_right = "、要求听证" if latest_document(case=case, doc_type="hearing_notice") else ""
        out.append(
            f"本机关于{cn_date(case.notice_served_on)}向{you}送达了《行政处罚告知书》{number}，告知了拟作出行政处罚"
            f"的事实、理由、依据及{you}依法享有的陈述、申辩{hearing_right}的权利。"
        )
    hearing = getattr(case, "hearing", None)
    if hearing is not None and hearing.held_on:
        out.append(
            f"{you}于{cn_date(hearing.requested_on)}提出听证申请，本机关于{cn_date(hearing.held_on)}依法举行了听证。"
        )
    if case.statement_waived:
        out.append(f"{you}在规定期限内书面放弃陈述、申辩的权利。")
    elif case.statement.strip():
        out.append(f"{you}提出陈述、申辩意见：{sentence(case.statement)}本机关已予复核。")
    collectively = "经本机关集体讨论，" if case.deliberations.exists() else ""
    if case.decision_kind == Case.DecisionKind.NO_PENALTY:
        out.append(
            f"{you}的上述行为违反了{case.violation_type.legal_basis if case.violation_type else ''}的规定，"
            f"鉴于违法行为轻微并及时改正，没有造成危害后果，{collectively}依据《中华人民共和国行政处罚法》"
            "第三十三条第一款的规定，决定不予行政处罚。"
        )
    else:
        vt = case.violation_type
        out.append(
            f"{you}的上述行为违反了{vt.legal_basis if vt else ''}的规定，依据{vt.penalty_basis if vt else ''}的规定，"
            f"{collectively}本机关决定对{you}作出如下行政处罚：{penalty_text(penalty)}。"
        )
        if penalty.fine or penalty.confiscation:
            out.append(
                f"罚没款限于收到本决定书之日起{src.policy.payment_days}日内缴至指定银行或者通过电子支付系统缴纳。"
                "到期不缴纳罚款的，本机关可以依据《中华人民共和国行政处罚法》第七十二条第一款第一项的规定，"
                "每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额。"
            )
    out.append(RIGHTS)
    return out


def penalty_decision(src: Source) -> Context:
    case = src.case
    penalty = Penalty.from_json(case.decided_penalty)
    return {
        "decision_kind": case.get_decision_kind_display(),
        "decided_penalty": penalty_text(penalty),
        "decision_lines": _decision_lines(src, penalty),
    }


def service_receipt(src: Source) -> Context:
    case, data = src.case, src.data
    served = latest_document(case=case, doc_type=data.get("served_type", ""))
    name = served.title if served else BY_CODE[data.get("served_type", "penalty_decision")].name
    number = served.number if served and served.number else ""
    method = data.get("method", "")
    remarks = ""
    if method == Case.ServiceMethod.LEAVE:
        remarks = "受送达人拒绝签收，已邀请见证人到场并采用留置送达，全过程音像记录。"
    elif method == Case.ServiceMethod.ANNOUNCEMENT:
        remarks = "受送达人下落不明，已依法公告送达，全过程音像记录。"
    return {
        "served_document": f"《{name}》{number}",
        "served_date": cn_date(data.get("served_on") or src.issued_on),
        "place": (case.party.address if case.party else "") or case.organisation.name,
        "method": dict(Case.ServiceMethod.choices).get(method, method),
        "remarks": remarks,
    }


def closure_approval(src: Source) -> Context:
    case = src.case
    penalty = Penalty.from_json(case.decided_penalty)
    if case.execution_outcome == Case.ExecutionOutcome.PAID:
        surcharge = Decimal(case.surcharge or 0)
        extra = f"（含加处罚款{money_figures(surcharge)}）" if surcharge else ""
        execution = (
            f"当事人已于{cn_date(case.paid_on)}缴纳{money_figures(Decimal(case.paid_amount or 0))}{extra}。"
        )
    else:
        execution = case.get_execution_outcome_display() + "。"
    return {
        "decision_number": case.decision_number,
        "decided_penalty": penalty_text(penalty)
        if case.decision_kind == Case.DecisionKind.PENALTY
        else case.get_decision_kind_display(),
        "decided_date": cn_date(case.decided_at),
        "served_date": cn_date(case.decision_served_on),
        "execution": execution,
        "approval_opinion": "",
        "approver": "",
        "approved_date": "",
    }


def onsite_decision(src: Source) -> Context:
    case = src.case
    penalty = Penalty.from_json(case.decided_penalty)
    activity = case.activities.order_by("-occurred_at").first()
    payment = (
        f"罚款限于收到本决定书之日起{src.policy.payment_days}日内缴至指定银行或者通过电子支付系统缴纳；"
        "依法当场收缴的，由执法人员出具专用票据。到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。"
        if penalty.fine
        else "本决定为警告，自送达之日起生效。"
    )
    return {
        "decided_penalty": penalty_text(penalty),
        "payment": payment,
        "place": (activity.place if activity and activity.place else "")
        or (case.party.address if case.party else ""),
    }


BUILDERS: dict[str, Callable[[Source], Context]] = {
    "filing_approval": filing_approval,
    "inspection_record": inspection_record,
    "inquiry_record": inquiry_record,
    "rectification_order": rectification_order,
    "investigation_report": investigation_report,
    "legal_opinion": legal_opinion,
    "penalty_notice": penalty_notice,
    "hearing_notice": hearing_notice,
    "hearing_record": hearing_record,
    "deliberation_record": deliberation_record,
    "penalty_decision": penalty_decision,
    "service_receipt": service_receipt,
    "closure_approval": closure_approval,
    "onsite_decision": onsite_decision,
}
assert set(BUILDERS) == set(BY_CODE)

# Per type: the names a template may use, and those that are lists (of text, or of rows with fields).
TYPE_FIELDS: dict[str, dict[str, Any]] = {
    "filing_approval": {"origin": "", "approval_opinion": "", "approver": "", "approved_date": ""},
    "inspection_record": {
        "inspected_at": "",
        "place": "",
        "inspectors": "",
        "content_lines": [""],
        "violations_found": "",
        "rectification": "",
    },
    "inquiry_record": {
        "inquired_at": "",
        "place": "",
        "interviewers": "",
        "recorder": "",
        "interviewee": "",
        "relation": "",
        "content_lines": [""],
    },
    "rectification_order": {"items": [""], "deadline": ""},
    "investigation_report": {
        "activity_lines": [""],
        "evidence_lines": [""],
        "severity": "",
        "proposed_penalty": "",
    },
    "legal_opinion": {
        "check_stage": "",
        "check_level": "",
        "handling_organisation": "",
        "reviewing_organisation": "",
        "reviewer": "",
        "points": [{"title": "", "finding": "", "conclusion": "", "comment": ""}],
        "outcome": "",
        "opinion": "",
        "items_to_fix": [""],
        "override_reason": "",
    },
    "penalty_notice": {"proposed_penalty": "", "statement_days": ""},
    "hearing_notice": {"proposed_penalty": "", "hearing_days": ""},
    "hearing_record": {
        "requested_date": "",
        "notified_date": "",
        "hearing_date": "",
        "place": "",
        "hearing_officer": "",
        "record_lines": [""],
        "report_lines": [""],
    },
    "deliberation_record": {
        "held_at": "",
        "chair": "",
        "attendees": "",
        "committee_size": "",
        "present": "",
        "minutes_lines": [""],
        "votes": [{"member": "", "choice": "", "opinion": ""}],
        "conclusion": "",
    },
    "penalty_decision": {"decision_kind": "", "decided_penalty": "", "decision_lines": [""]},
    "service_receipt": {"served_document": "", "served_date": "", "place": "", "method": "", "remarks": ""},
    "closure_approval": {
        "decision_number": "",
        "decided_penalty": "",
        "decided_date": "",
        "served_date": "",
        "execution": "",
        "approval_opinion": "",
        "approver": "",
        "approved_date": "",
    },
    "onsite_decision": {"decided_penalty": "", "payment": "", "place": ""},
}
assert set(TYPE_FIELDS) == set(BY_CODE)


def fields_of(doc_type: str) -> list[str]:
    return [*COMMON_FIELDS, *TYPE_FIELDS[doc_type]]


def sample_context(doc_type: str) -> Context:
    """Every field a template of this type may use, filled with a visible placeholder: what an uploaded
    template is test-rendered with (an unknown name in it is refused)."""
    sample: Context = {}
    for name in COMMON_FIELDS:
        sample[name] = [f"〔{name}〕"] if name.endswith("_lines") else f"〔{name}〕"
    for name, shape in TYPE_FIELDS[doc_type].items():
        if isinstance(shape, list) and shape and isinstance(shape[0], dict):
            sample[name] = [{k: f"〔{name}.{k}〕" for k in shape[0]}]
        elif isinstance(shape, list):
            sample[name] = [f"〔{name}〕"]
        else:
            sample[name] = f"〔{name}〕"
    return sample


def build_context(doc_type: str, src: Source) -> Context:
    context = {**common(src), **BUILDERS[doc_type](src)}
    missing = set(fields_of(doc_type)) - set(context)
    assert not missing, f"{doc_type}: context lacks {sorted(missing)}"
    return context
