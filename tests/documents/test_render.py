"""Each document type renders for the demo case, its fields in the output (read back with python-docx;
the PDF with pdftotext), in the official layout: organisation, title, 文号, body, seal and date."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal

import pytest
from docx import Document

from casefiles.models import Case
from documents.catalogue import BY_CODE, CATALOGUE
from documents.context import fields_of, money_capitals, sample_context
from documents.models import CaseDocument
from documents.services import document_docx, documents_pdf
from tests.factories import World, at, individual

pytestmark = pytest.mark.django_db

# Per type: the fields whose values must appear in the document (besides organisation, title, date).
SHOWN = {
    "filing_approval": [
        "number",
        "origin",
        "cause",
        "party_name",
        "party_id",
        "legal_basis",
        "approval_opinion",
        "approver",
    ],
    "inspection_record": [
        "number",
        "inspected_at",
        "party_name",
        "inspectors",
        "content_lines",
        "violations_found",
    ],
    "inquiry_record": ["case_number", "inquired_at", "place", "interviewee", "interviewers", "content_lines"],
    "rectification_order": ["number", "party_name", "items", "deadline", "legal_basis"],
    "investigation_report": [
        "case_number",
        "party_name",
        "facts_lines",
        "evidence_lines",
        "proposed_penalty",
    ],
    "legal_opinion": ["case_number", "party_name", "check_stage", "reviewer", "outcome", "opinion", "points"],
    "penalty_notice": [
        "number",
        "party_name",
        "legal_basis",
        "penalty_basis",
        "proposed_penalty",
        "statement_days",
    ],
    "hearing_notice": ["number", "party_name", "proposed_penalty", "hearing_days"],
    "hearing_record": [
        "case_number",
        "hearing_date",
        "place",
        "hearing_officer",
        "record_lines",
        "report_lines",
    ],
    "deliberation_record": ["held_at", "chair", "attendees", "minutes_lines", "votes", "conclusion"],
    "penalty_decision": ["number", "party_name", "party_id", "party_address", "decision_lines"],
    "service_receipt": ["served_document", "party_name", "served_date", "method"],
    "closure_approval": ["number", "case_number", "decision_number", "decided_penalty", "execution"],
    "onsite_decision": ["number", "party_name", "decided_penalty", "legal_basis", "payment"],
}


# Records (笔录、记录、报告) are signed by those present; everything the organisation issues is sealed.
RECORDS = {"inquiry_record", "investigation_report", "hearing_record", "deliberation_record"}


def text_of(docx: bytes) -> str:
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def values(context: dict, name: str) -> list[str]:
    value = context[name]
    if isinstance(value, list):
        return [v for item in value for v in (item.values() if isinstance(item, dict) else [item]) if v]
    return [value]


def check_rendered(document: CaseDocument) -> str:
    text = text_of(document_docx(document_id=document.pk))
    context = document.context
    assert "{{" not in text and "{%" not in text, f"{document.doc_type}: a tag was left unfilled"
    for always in ("organisation", "title", "date"):
        assert context[always] and context[always] in text, f"{document.doc_type}: {always} missing"
    if BY_CODE[document.doc_type].numbered:
        assert document.number and document.number in text
    for name in SHOWN[document.doc_type]:
        for value in values(context, name):
            assert value in text, f"{document.doc_type}: {name} = {value!r} not in the document"
    return text


def test_every_general_procedure_type_renders_for_the_demo_case(major_case: Case) -> None:
    documents = list(CaseDocument.objects.filter(case=major_case, source="generated"))
    types = {d.doc_type for d in documents}
    assert types == {d.code for d in CATALOGUE if d.procedure == "general"}
    for document in documents:
        text = check_rendered(document)
        if document.doc_type in RECORDS:
            assert "（签名）" in text, f"{document.doc_type}: records are signed by those present"
        else:
            assert "（印章）" in text, f"{document.doc_type}: the seal placeholder"

    by_type = {d.doc_type: d for d in documents}
    decision = text_of(document_docx(document_id=by_type["penalty_decision"].pk))
    assert "罚款人民币陆万元整（¥60,000.00）" in decision
    assert "区应急罚〔2026〕1号" in decision, "the decision carries the case number as its 文号"
    assert "经本机关集体讨论" in decision and "依法举行了听证" in decision
    assert "六十日内依法申请行政复议" in decision
    assert by_type["filing_approval"].number == "区应急立〔2026〕1号"
    assert by_type["penalty_notice"].number == "区应急罚告〔2026〕1号"
    assert by_type["hearing_notice"].number == "区应急听告〔2026〕1号"
    assert by_type["closure_approval"].number == "区应急结〔2026〕1号"


def test_the_pdf_of_a_document_reads_back_with_pdftotext(major_case: Case) -> None:
    decision = CaseDocument.objects.get(case=major_case, doc_type="penalty_decision")
    pdf = documents_pdf(document_ids=[decision.pk])[decision.pk]
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = "".join(text.split())
    for value in (
        "行政处罚决定书",
        decision.number,
        "闽江化工有限公司",
        "罚款人民币陆万元整",
        "区应急管理局（印章）",
    ):
        assert value in flat, value
    decision.refresh_from_db()
    assert decision.pdf_key and decision.pdf_pages >= 1, "converted once, kept"


def test_summary_procedure_decision_renders(world: World) -> None:
    w = world
    case = w.case(party=individual("李四"), procedure=Case.Procedure.SUMMARY, now=at(2026, 6, 1, 9))
    w.fire(case, "record_onsite_decision", w.officer1, at(2026, 6, 1, 9, 30), fine="200", warning=True)
    (document,) = CaseDocument.objects.filter(case=case)
    assert document.doc_type == "onsite_decision" and document.number == "区应急罚〔2026〕1号"
    text = check_rendered(document)
    assert "警告，并处罚款人民币贰佰元整（¥200.00）" in text
    assert "身份证号码" in text


def test_every_default_template_uses_only_its_fields() -> None:
    from documents.render import default_template, render_docx

    for entry in CATALOGUE:
        text = text_of(render_docx(default_template(entry.code), sample_context(entry.code)))
        assert "〔title〕" in text and "〔organisation〕" in text, entry.code
        assert set(sample_context(entry.code)) == set(fields_of(entry.code))


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("60000", "人民币陆万元整"),
        ("10500.50", "人民币壹万零伍佰元伍角"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("100000005", "人民币壹亿零伍元整"),
        ("200", "人民币贰佰元整"),
        ("0.05", "人民币伍分"),
        ("3.07", "人民币叁元零柒分"),
    ],
)
def test_amounts_in_capitals(amount: str, words: str) -> None:
    assert money_capitals(Decimal(amount)) == words
