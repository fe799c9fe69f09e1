"""The legal check over the API (issue 6): pre-check, checks with opinions, the opinion as Word,
hearing and deliberation data, recording a committee sitting."""

from __future__ import annotations

import io

import pytest
from docx import Document
from freezegun import freeze_time
from rest_framework.test import APIClient

from tests.factories import World, at, user
from tests.workflow.test_guards import to_deliberation
from tests.workflow.test_legal_check import to_pre_notice_check

pytestmark = pytest.mark.django_db


def api(u) -> APIClient:
    client = APIClient()
    client.force_authenticate(u)
    return client


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@freeze_time("2026-03-09 10:00:00+08:00")
def test_precheck_and_the_opinion_as_a_word_document(world: World) -> None:
    w = world
    case = to_pre_notice_check(w, fine="120000")
    body = api(w.legal).get(f"/api/v1/cases/{case.pk}/precheck/").json()
    assert body["failed"] == 1, body
    assert [f["code"] for f in body["findings"] if f["result"] == "fail"] == ["fine_range"]

    refused = api(w.legal).post(
        f"/api/v1/cases/{case.pk}/transitions/approve/", {"opinion": "同意"}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["errors"]["unmet"][0]["code"] == "precheck_fail_unexplained"
    points = [{"code": "facts_evidence", "conclusion": "attention", "comment": "建议补充现场照片"}]
    approved = api(w.legal).post(
        f"/api/v1/cases/{case.pk}/transitions/approve/",
        {
            "opinion": "事实清楚，同意告知",
            "override_reason": "当事人逾期未改正，适用加重档次",
            "points": points,
        },
        format="json",
    )
    assert approved.status_code == 200, approved.json()

    checks = api(w.officer1).get(f"/api/v1/cases/{case.pk}/legal-checks/").json()
    assert len(checks) == 1 and checks[0]["level"] == 1 and checks[0]["outcome"] == "approved"
    facts = next(p for p in checks[0]["points"] if p["code"] == "facts_evidence")
    assert (facts["conclusion"], facts["comment"], facts["by_reviewer"]) == (
        "attention",
        "建议补充现场照片",
        True,
    )

    response = api(w.officer1).get(checks[0]["opinion_docx"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    text = docx_text(response.content)
    for expected in (
        "法制审核意见书",
        "告知前法制审核",
        case.number,
        "未按规定开展安全生产教育培训",
        "处罚幅度（法定）",
        "拟罚款 120000元超过法定上限 100000元",
        "建议补充现场照片",
        "同意。事实清楚，同意告知",
        "当事人逾期未改正，适用加重档次",
        "区应急管理局（印章）",
    ):
        assert expected in text, expected

    stranger = user("stranger", w.other_district, "legal_reviewer")
    assert api(stranger).get(checks[0]["opinion_docx"]).status_code == 404
    assert api(stranger).get(f"/api/v1/cases/{case.pk}/precheck/").status_code == 404


@freeze_time("2026-03-13 10:00:00+08:00")
def test_a_sitting_recorded_over_the_api_and_the_deliberation_read_back(world: World) -> None:
    w = world
    case = to_deliberation(w)
    body = {
        "organisation": w.district.pk,
        "held_at": "2026-03-13T09:00:00+08:00",
        "minutes": "案审会纪要",
        "attendees": [m.pk for m in w.members[:3]],
        "cases": [case.pk],
    }
    assert api(w.officer1).post("/api/v1/meetings/", body, format="json").status_code == 403
    bad = api(w.agency_head).post("/api/v1/meetings/", {**body, "attendees": [999999]}, format="json")
    assert bad.status_code == 400 and "attendees" in bad.json()["errors"]
    other_head = user("other_head", w.other_district, "agency_head")
    assert api(other_head).post("/api/v1/meetings/", body, format="json").status_code == 404
    created = api(w.agency_head).post("/api/v1/meetings/", body, format="json")
    assert created.status_code == 201, created.json()
    meeting = created.json()
    assert meeting["quorum_present"] is True and len(meeting["invited"]) == 5

    fired = api(w.agency_head).post(
        f"/api/v1/cases/{case.pk}/transitions/conclude/",
        {
            "meeting": meeting["id"],
            "votes": {str(m.pk): {"choice": "agree", "opinion": "同意"} for m in w.members[:3]},
            "conclusion": "同意处罚",
            "decision_kind": "penalty",
            "fine": "80000",
        },
        format="json",
    )
    assert fired.status_code == 200, fired.json()
    rows = api(w.legal).get(f"/api/v1/cases/{case.pk}/deliberations/").json()
    assert len(rows) == 1 and rows[0]["meeting"]["id"] == meeting["id"]
    assert {v["member"]["username"] for v in rows[0]["votes"]} == {"member1", "member2", "member3"}
    assert api(w.legal).get(f"/api/v1/cases/{case.pk}/hearing/").status_code == 404


def test_the_case_records_severity_and_criminal_suspicion(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    patched = api(w.officer1).patch(
        f"/api/v1/cases/{case.pk}/", {"severity": "general", "criminal_suspicion": True}, format="json"
    )
    assert patched.status_code == 400 and patched.json()["errors"] == {"criminal_suspicion_note": ["必填"]}
    patched = api(w.officer1).patch(
        f"/api/v1/cases/{case.pk}/",
        {"severity": "serious", "criminal_suspicion": True, "criminal_suspicion_note": "涉嫌重大责任事故罪"},
        format="json",
    )
    assert patched.status_code == 200
    assert (patched.json()["severity"], patched.json()["criminal_suspicion"]) == ("serious", True)
    assert (
        api(w.officer1).patch(f"/api/v1/cases/{case.pk}/", {"severity": "huge"}, format="json").status_code
        == 400
    )
