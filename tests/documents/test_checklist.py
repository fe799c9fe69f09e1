"""The completeness checklist for the path the case actually took: closure refused with the list of
missing documents and allowed when complete; archiving likewise; the findings case-file review reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.policy import AvActivity
from casefiles.models import Case
from core.errors import Conflict, Forbidden, InvalidInput
from documents.catalogue import CATALOGUE
from documents.models import CaseDocument
from documents.selectors import casefile_findings, missing_documents, required_documents
from documents.services import document_generate, document_mark_not_applicable
from law.states import CaseState as S
from tests.documents.conftest import inspected_case
from tests.factories import World, at, inquiry_record
from tests.workflow.test_case_paths import record_av
from workflow import services

pytestmark = pytest.mark.django_db


def to_executing(w: World, case: Case, *, fine: str = "5000") -> Case:
    """A minor case (no legal check, no hearing) through to execution."""
    w.fire(case, "submit_filing", w.officer1, at(2026, 5, 6))
    w.fire(case, "approve_filing", w.head, at(2026, 5, 7))
    record_av(w, case, AvActivity.INQUIRY, at(2026, 5, 7, 15))
    w.propose(case, at(2026, 5, 8), fine=Decimal(fine))
    w.fire(case, "submit_review", w.officer1, at(2026, 5, 11))
    w.fire(case, "approve", w.head, at(2026, 5, 12))
    w.fire(case, "serve_notice", w.officer1, at(2026, 5, 12), served_on="2026-05-12", method="direct")
    w.fire(case, "record_statement", w.officer1, at(2026, 5, 13), statement_on="2026-05-13", waived=True)
    w.fire(case, "conclude_notice", w.officer1, at(2026, 5, 13))
    w.fire(case, "decide", w.agency_head, at(2026, 5, 14), decision_kind="penalty", fine=fine)
    w.serve_decision(case, at(2026, 5, 15))
    w.fire(case, "skip_publication", w.officer1, at(2026, 5, 18), opinion="涉及个人隐私，依法不予公开")
    return Case.objects.get(pk=case.pk)


def close(w: World, case: Case) -> Case:
    return w.close_paid(case, at(2026, 5, 20), "5000")


def test_closure_refused_with_the_missing_documents_then_allowed(world: World) -> None:
    w = world
    case = to_executing(w, inspected_case(w, when=at(2026, 5, 6, 9)))
    with pytest.raises(Conflict) as refused:
        close(w, case)
    reason = refused.value.reasons[0]
    assert reason.code == "documents_missing"
    assert reason.message == (
        "以下文书尚未生成、上传或标注不适用：现场检查记录（调查）；询问笔录（调查）；责令限期整改指令书（调查）"
    )
    assert Case.objects.get(pk=case.pk).state == S.EXECUTING, "the refused closing changed nothing"
    # The same reason is shown when listing what may be done.
    options = {
        o.code: o
        for o in services.case_available_transitions(case=case, actor=w.officer1, now=at(2026, 5, 20))
    }
    assert [r.code for r in options["close"].unmet] == ["documents_missing"]

    # The officer writes up the inspection and the inquiry, and the rectification order turns out to
    # have been served on paper at the inspection: he marks it not applicable with the reason.
    document_generate(case_id=case.pk, actor=w.officer1, doc_type="inspection_record", now=at(2026, 5, 19))
    inquiry_record(w, case, at(2026, 5, 19))
    with pytest.raises(InvalidInput):
        document_mark_not_applicable(
            case_id=case.pk, actor=w.officer1, doc_type="rectification_order", reason=" "
        )
    document_mark_not_applicable(
        case_id=case.pk,
        actor=w.officer1,
        doc_type="rectification_order",
        reason="责令限期整改指令书已于检查当日以纸质文书送达，原件存于检查档案",
        now=at(2026, 5, 19),
    )
    case = close(w, case)
    assert case.state == S.CLOSED
    assert CaseDocument.objects.filter(
        case=case, doc_type="closure_approval", number="区应急结〔2026〕1号"
    ).exists()
    assert w.fire(case, "archive", w.head, at(2026, 5, 21)).state == S.ARCHIVED

    findings = casefile_findings(Case.objects.get(pk=case.pk))
    assert [(f.code, f.doc_type) for f in findings] == [("document_not_applicable", "rectification_order")]
    assert "纸质文书送达" in findings[0].detail


def test_archive_refused_without_the_closure_approval(world: World) -> None:
    w = world
    case = close(w, _complete(w))
    CaseDocument.objects.filter(case=case, doc_type="closure_approval").delete()
    with pytest.raises(Conflict) as refused:
        w.fire(case, "archive", w.head, at(2026, 5, 21))
    assert refused.value.reasons[0].code == "casefile_incomplete"
    assert "结案审批表（结案）" in refused.value.reasons[0].message


def _complete(w: World) -> Case:
    case = to_executing(w, w.case(now=at(2026, 5, 6)))
    inquiry_record(w, case, at(2026, 5, 19))
    return case


def test_the_path_decides_what_is_required(world: World) -> None:
    w = world
    minor = _complete(w)
    assert [r.doc_type for r in required_documents(case=minor)] == [
        "filing_approval",
        "inquiry_record",
        "investigation_report",
        "penalty_notice",
        "service_receipt",
        "penalty_decision",
        "service_receipt",
    ], "no hearing, no legal opinion, no deliberation for a minor case that took none"
    assert missing_documents(case=minor) == []
    summary = w.case(procedure=Case.Procedure.SUMMARY, now=at(2026, 6, 1))
    summary = w.fire(summary, "record_onsite_decision", w.officer1, at(2026, 6, 1, 9), fine="100")
    assert [r.doc_type for r in required_documents(case=summary)] == ["onsite_decision"]


def test_major_case_requires_opinions_hearing_and_deliberation(major_case: Case) -> None:
    required = [r.doc_type for r in required_documents(case=major_case)]
    assert required.count("legal_opinion") == 3, "the returned and both approving checks"
    for code in ("hearing_notice", "hearing_record", "deliberation_record", "closure_approval"):
        assert code in required
    assert {d.code for d in CATALOGUE if d.procedure == "general"} == set(required)
    assert casefile_findings(major_case) == []


def test_wrong_order_is_found(major_case: Case) -> None:
    # A decision dated before its notice, as a misdated paper file would show.
    decision = CaseDocument.objects.get(case=major_case, doc_type="penalty_decision")
    notice = CaseDocument.objects.get(case=major_case, doc_type="penalty_notice")
    CaseDocument.objects.filter(pk=decision.pk).update(issued_on=notice.issued_on.replace(day=1))
    findings = casefile_findings(major_case)
    codes = [(f.code, f.doc_type) for f in findings]
    assert ("document_out_of_order", "penalty_decision") in codes
    detail = next(f.detail for f in findings if f.doc_type == "penalty_decision")
    assert "区应急罚〔2026〕1号" in detail and "早于" in detail


def test_missing_is_a_finding_for_review(world: World) -> None:
    w = world
    case = to_executing(w, w.case(now=at(2026, 5, 6)))
    findings = casefile_findings(case)
    assert [(f.code, f.severity, f.doc_type, f.stage) for f in findings] == [
        ("document_missing", "fail", "inquiry_record", "investigation")
    ]


def test_only_handlers_make_documents_and_nothing_after_archive(world: World) -> None:
    w = world
    case = _complete(w)
    with pytest.raises(Forbidden):
        document_generate(
            case_id=case.pk, actor=w.hearing_officer, doc_type="inquiry_record", data={"content": "问答"}
        )
    with pytest.raises(Conflict) as not_due:
        document_generate(case_id=case.pk, actor=w.officer1, doc_type="penalty_decision")
    assert not_due.value.reasons[0].code == "not_due"
    with pytest.raises(Conflict):
        document_mark_not_applicable(
            case_id=case.pk, actor=w.officer1, doc_type="hearing_record", reason="无听证"
        )
    case = close(w, case)
    w.fire(case, "archive", w.head, at(2026, 5, 21))
    with pytest.raises(Conflict) as archived:
        document_generate(
            case_id=case.pk, actor=w.officer1, doc_type="inquiry_record", data={"content": "问答"}
        )
    assert archived.value.reasons[0].code == "case_archived"
