"""GET/POST /api/v1/cases/{id}/documents/, the document files, the checklist, the catalogue, and
GET /api/v1/cases/{id}/casefile.pdf — with the permissions and errors a person can act on."""

from __future__ import annotations

import hashlib
import io

import pytest
from docx import Document
from rest_framework.test import APIClient

from casefiles.models import Case, CaseEvent, Evidence, LegalCheck
from documents.models import CaseDocument
from tests.documents.conftest import run_major_case
from tests.factories import World, at, user

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 595 842]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def as_user(u) -> APIClient:
    client = APIClient()
    if u is not None:
        client.force_authenticate(u)
    return client


def url(case: Case, rest: str = "") -> str:
    return f"/api/v1/cases/{case.pk}/documents/{rest}"


def filed(w: World) -> Case:
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    return w.fire(case, "approve_filing", w.head, at(2026, 3, 3))


def test_list_with_download_links_and_files(world: World) -> None:
    case = filed(world)
    body = as_user(world.head).get(url(case)).json()
    (row,) = body["results"]
    assert row["doc_type"] == "filing_approval" and row["number"] == "区应急立〔2026〕1号"
    assert row["source"] == "generated" and row["stage"] == "filing" and row["stage_label"] == "立案"
    assert row["links"]["docx"].endswith("?output=docx") and row["links"]["file"] is None
    docx = as_user(world.legal).get(row["links"]["docx"])
    assert docx.status_code == 200 and docx["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(
        c.text
        for t in Document(io.BytesIO(b"".join(docx.streaming_content))).tables
        for r in t.rows
        for c in r.cells
    )
    assert case.party.name in text
    pdf = as_user(world.legal).get(row["links"]["pdf"])
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert as_user(world.legal).get(url(case, f"{row['id']}/file/?output=odt")).status_code == 400
    assert as_user(world.legal).get(url(case, f"{row['id'] + 1000}/file/")).status_code == 404


def test_generate_upload_and_mark_not_applicable(world: World) -> None:
    w = world
    case = filed(w)
    officer = as_user(w.officer1)
    made = officer.post(
        url(case),
        {
            "action": "generate",
            "doc_type": "inquiry_record",
            "data": {"content": "问：姓名？\n答：林建国。", "place": "询问室"},
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["documents"][0]["doc_type"] == "inquiry_record"
    missing_content = officer.post(
        url(case), {"action": "generate", "doc_type": "inquiry_record", "data": {}}, format="json"
    )
    assert missing_content.status_code == 400 and "content" in missing_content.json()["errors"]

    scan = officer.post(
        url(case),
        {
            "action": "upload",
            "doc_type": "inquiry_record",
            "file": io.BytesIO(PDF_BYTES),
            "issued_on": "2026-03-04",
        },
        format="multipart",
    )
    assert scan.status_code == 201, scan.json()
    uploaded = scan.json()["documents"][0]
    assert uploaded["source"] == "uploaded" and uploaded["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    served = officer.get(uploaded["links"]["file"])
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF_BYTES
    evidence = Evidence.objects.get(pk=CaseDocument.objects.get(pk=uploaded["id"]).evidence_id)
    assert evidence.kind == "document" and evidence.status == "verified", "kept in the evidence store"

    not_a_scan = officer.post(
        url(case),
        {"action": "upload", "doc_type": "inquiry_record", "file": io.BytesIO(b"hello")},
        format="multipart",
    )
    assert not_a_scan.status_code == 400 and "PDF" in not_a_scan.json()["detail"]
    no_file = officer.post(url(case), {"action": "upload", "doc_type": "inquiry_record"}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()["errors"]

    not_missing = officer.post(
        url(case),
        {"action": "not_applicable", "doc_type": "hearing_record", "reason": "未听证"},
        format="json",
    )
    assert (
        not_missing.status_code == 409 and not_missing.json()["errors"]["unmet"][0]["code"] == "not_missing"
    )
    assert (
        CaseEvent.objects.filter(case=case, transition__in=["document_generate", "document_upload"]).count()
        == 2
    )


def test_upload_too_large_is_413(world: World, settings) -> None:
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 100
    case = filed(world)
    response = as_user(world.officer1).post(
        url(case),
        {"action": "upload", "doc_type": "inquiry_record", "file": io.BytesIO(PDF_BYTES)},
        format="multipart",
    )
    assert response.status_code == 413 and set(response.json()) == {"code", "detail", "errors"}


def test_permissions(world: World) -> None:
    w = world
    case = filed(w)
    body = {"action": "generate", "doc_type": "inquiry_record", "data": {"content": "问答"}}
    assert as_user(None).get(url(case)).status_code == 401
    outsider = user("outsider", w.other_district, "officer")
    assert as_user(outsider).get(url(case)).status_code == 404
    assert as_user(outsider).post(url(case), body, format="json").status_code == 404
    assert as_user(outsider).get(f"/api/v1/cases/{case.pk}/casefile.pdf").status_code == 404
    refused = as_user(w.legal).post(url(case), body, format="json")
    assert refused.status_code == 403 and refused.json()["errors"]["unmet"][0]["code"] == "not_a_handler"
    non_handler = as_user(w.hearing_officer).post(url(case), body, format="json")
    assert non_handler.status_code == 403
    assert CaseDocument.objects.filter(case=case, doc_type="inquiry_record").count() == 0


def test_checklist_and_catalogue(world: World) -> None:
    case = filed(world)
    checklist = as_user(world.head).get(url(case, "checklist/")).json()
    assert checklist["complete"] is True and [r["doc_type"] for r in checklist["required"]] == [
        "filing_approval"
    ]
    catalogue = as_user(world.head).get("/api/v1/documents/catalogue/").json()
    assert len(catalogue) == 14 and catalogue[0]["code"] == "filing_approval"
    assert {c["name"] for c in catalogue} >= {"行政处罚决定书", "当场处罚决定书", "送达回执", "结案审批表"}


def test_casefile_pdf(world: World) -> None:
    w = world
    case = run_major_case(w)
    response = as_user(w.legal).get(f"/api/v1/cases/{case.pk}/casefile.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == response["X-Content-SHA256"]
    draft = w.case()
    refused = as_user(w.legal).get(f"/api/v1/cases/{draft.pk}/casefile.pdf")
    assert refused.status_code == 409 and "归档时组卷" in refused.json()["detail"]


def test_legal_opinion_endpoint_serves_the_issued_opinion(world: World) -> None:
    w = world
    case = run_major_case(w, archive=False)
    check = LegalCheck.objects.filter(case=case, outcome="returned").get()
    response = as_user(w.officer1).get(f"/api/v1/legal-checks/{check.pk}/opinion.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "法制审核意见书" in text and "询问笔录未由当事人签字，请补正" in text and case.number in text
    issued = CaseDocument.objects.get(case=case, key=f"check:{check.pk}")
    assert issued.docx_key, "the opinion issued with the check is the one served"
