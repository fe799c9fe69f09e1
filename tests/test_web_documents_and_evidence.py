"""Documents and evidence on the case page (issue 10 items 2–3): field records made on request, signed
scans, marking a document not applicable, downloads; the evidence upload without the page's script,
the short-lived link with HTTP Range, and the subtree rule for every one of them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefiles.models import CustodyEvent, Evidence
from documents.models import CaseDocument
from tests.factories import World, at, browser, user
from tests.workflow.test_guards import to_investigating

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_field_records_are_made_on_the_case_page_and_refused_input_is_shown_there(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    client = browser(w.officer1)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="make-inquiry_record"' in page and 'name="inquiry_record-content"' in page

    empty = client.post(
        f"/cases/{case.pk}/documents/generate/inquiry_record/", {"inquiry_record-interviewee": "王某"}
    )
    assert empty.status_code == 400
    html = empty.content.decode()
    assert '<details class="doc-form" id="make-inquiry_record" open>' in html, (
        "the form with the error is open"
    )
    assert "该字段是必填项" in html and 'value="王某"' in html

    made = client.post(
        f"/cases/{case.pk}/documents/generate/inquiry_record/",
        {"inquiry_record-interviewee": "王某", "inquiry_record-content": "问：是否培训？答：没有。"},
    )
    assert made.status_code == 302 and made["Location"].endswith("#documents")
    document = CaseDocument.objects.get(case=case, doc_type="inquiry_record")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "已生成：询问笔录" in page and f"/cases/{case.pk}/documents/{document.pk}/docx/" in page
    docx = client.get(f"/cases/{case.pk}/documents/{document.pk}/docx/")
    assert docx.status_code == 200 and b"".join(docx.streaming_content).startswith(b"PK")
    assert (
        browser(w.head)
        .post(f"/cases/{case.pk}/documents/generate/inquiry_record/", {"inquiry_record-content": "x"})
        .status_code
        == 403
    ), "only a handler makes the file's records"
    assert client.post(f"/cases/{case.pk}/documents/generate/nonsense/", {}).status_code == 404


def test_a_signed_scan_is_uploaded_and_a_missing_document_marked_not_applicable(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    client = browser(w.officer1)
    not_pdf = client.post(
        f"/cases/{case.pk}/documents/upload/",
        {"requirement": "filing_approval|", "file": SimpleUploadedFile("scan.txt", b"hello")},
    )
    assert not_pdf.status_code == 400 and "仅支持 PDF、JPEG、PNG" in not_pdf.content.decode()
    response = client.post(
        f"/cases/{case.pk}/documents/upload/",
        {
            "requirement": "filing_approval|",
            "number": "区应急立〔2026〕1号",
            "file": SimpleUploadedFile("scan.pdf", PDF),
        },
    )
    assert response.status_code == 302
    scan = CaseDocument.objects.get(case=case, doc_type="filing_approval", source="uploaded")
    body = client.get(f"/cases/{case.pk}/documents/{scan.pk}/scan/")
    assert body.status_code == 200 and b"".join(body.streaming_content) == PDF

    # An inspection record is required once an on-site inspection was recorded in the case.
    from workflow.services import activity_record

    activity_record(case_id=case.pk, actor=w.officer1, kind="onsite_inspection", occurred_at=at(2026, 3, 4))
    no_reason = client.post(
        f"/cases/{case.pk}/documents/not-applicable/", {"requirement": "inspection_record|"}
    )
    assert no_reason.status_code == 400
    marked = client.post(
        f"/cases/{case.pk}/documents/not-applicable/",
        {"requirement": "inspection_record|", "reason": "现场检查由上级机关实施，记录附于移送材料"},
    )
    assert marked.status_code == 302
    assert CaseDocument.objects.get(case=case, doc_type="inspection_record").source == "not_applicable"
    again = client.post(
        f"/cases/{case.pk}/documents/not-applicable/", {"requirement": "inspection_record|", "reason": "再次"}
    )
    assert again.status_code == 409 and "不是本案当前缺少的文书" in again.content.decode()


def test_evidence_is_uploaded_without_the_script_and_played_through_a_short_lived_ranged_link(
    world: World,
) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    client = browser(w.officer1)
    page = client.get(f"/cases/{case.pk}/evidence/new/").content.decode()
    assert 'data-start-url="/api/v1/cases/' in page and "js/upload.js" in page and "js/sha256.js" in page

    untitled = client.post(
        f"/cases/{case.pk}/evidence/new/", {"kind": "video", "file": SimpleUploadedFile("a.webm", b"x")}
    )
    assert untitled.status_code == 400 and "该字段是必填项" in untitled.content.decode()
    content = bytes(range(256)) * 40
    response = client.post(
        f"/cases/{case.pk}/evidence/new/",
        {
            "title": "现场检查录像",
            "kind": "video",
            "category": "case_evidence",
            "file": SimpleUploadedFile("onsite.webm", content, content_type="video/webm"),
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(case=case, title="现场检查录像")
    assert evidence.status == Evidence.Status.VERIFIED and evidence.size_bytes == len(content)
    assert f'data-evidence="{evidence.pk}"' in client.get(f"/cases/{case.pk}/").content.decode()

    link = client.post(f"/cases/{case.pk}/evidence/{evidence.pk}/access/", {"download": "1"})
    assert link.status_code == 302 and link["Location"].startswith("/evidence-files/")
    ranged = client.get(link["Location"], HTTP_RANGE="bytes=256-511")
    assert ranged.status_code == 206 and ranged["Content-Range"] == f"bytes 256-511/{len(content)}"
    assert b"".join(ranged.streaming_content) == content[256:512]
    assert CustodyEvent.objects.filter(evidence=evidence, action="downloaded").count() == 1

    stranger = browser(user("outsider", w.other_district, "officer"))
    assert stranger.get(f"/cases/{case.pk}/evidence/new/").status_code == 404
    assert stranger.post(f"/cases/{case.pk}/evidence/{evidence.pk}/access/").status_code == 404
    not_handler = browser(w.head).post(
        f"/cases/{case.pk}/evidence/new/",
        {
            "title": "t",
            "kind": "video",
            "category": "case_evidence",
            "file": SimpleUploadedFile("b.webm", b"y"),
        },
    )
    assert not_handler.status_code == 403 and "只有本案承办人员可以上传证据" in not_handler.content.decode()
