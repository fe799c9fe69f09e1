"""Home, case list and case page, opening a case from an inspection, editing the particulars and
recording an activity — through the pages, limited to the user's subtree (issue 10 items 1–3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casefiles.models import Case, CaseActivity, CaseEvent, Inspection
from law.states import CaseState as S
from tests.factories import World, at, browser, credit_code, entity, user
from tests.workflow.test_guards import to_investigating
from workflow.services import case_create

pytestmark = pytest.mark.django_db


def test_the_case_list_filters_searches_and_stays_in_the_users_subtree(world: World) -> None:
    w = world
    draft = w.case(party=entity("甲化工有限公司"), now=at(2026, 3, 1))
    filed = to_investigating(w, w.case(party=entity("乙机械厂"), now=at(2026, 3, 1)))
    outsider = user("outsider", w.other_district, "officer")
    case_create(
        actor=outsider,
        organisation=w.other_district,
        title="外区案件",
        origin=Case.Origin.COMPLAINT,
        party=entity("外区企业"),
    )
    client = browser(w.officer1)

    page = client.get("/cases/").content.decode()
    assert "甲化工有限公司" in page and "乙机械厂" in page and "外区企业" not in page
    assert "甲化工" in client.get("/cases/?q=甲化工").content.decode()
    assert "乙机械厂" not in client.get("/cases/?q=甲化工").content.decode()
    by_number = client.get("/cases/", {"q": filed.number}).content.decode()
    assert "乙机械厂" in by_number and "甲化工" not in by_number
    by_state = client.get("/cases/", {"state": ["draft"]}).content.decode()
    assert "甲化工" in by_state and "乙机械厂" not in by_state
    assert (
        "乙机械厂"
        in client.get("/cases/", {"year": "2026", "procedure": "general", "major": "0"}).content.decode()
    )
    overdue = client.get("/cases/", {"overdue": "1"}).content.decode()
    assert ("乙机械厂" in overdue) == (filed.current_deadline < timezone.localdate())
    assert "外区企业" in browser(outsider).get("/cases/").content.decode()

    bad = client.get("/cases/", {"year": "去年", "state": "flying"})
    assert bad.status_code == 400
    assert "输入整数" in bad.content.decode() and "选择一个有效的选项" in bad.content.decode()
    assert draft.pk


def test_the_home_page_is_the_users_work_queue_overdue_first_with_counts(world: World) -> None:
    w = world
    late = to_investigating(w, w.case(now=at(2026, 3, 1)))
    Case.objects.filter(pk=late.pk).update(current_deadline=timezone.localdate() - timedelta(days=3))
    fresh = to_investigating(w, w.case(now=at(2026, 3, 1)))
    Case.objects.filter(pk=fresh.pk).update(current_deadline=timezone.localdate() + timedelta(days=30))
    home = browser(w.officer1).get("/").content.decode()
    assert home.index(late.number) < home.index(fresh.number), "overdue first"
    assert "row-overdue" in home and "（已超期）" in home
    assert "登记执法检查" in home and "新建案件" in home
    head_home = browser(w.head).get("/").content.decode()
    assert late.number not in head_home, "nothing waits for the division head while the case is investigated"
    assert "登记执法检查" not in head_home


def test_the_case_page_shows_where_the_case_stands_and_what_this_user_may_do(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    page = browser(w.officer1).get(f"/cases/{case.pk}/").content.decode()
    assert 'class="node node-current" data-state="investigating" aria-current="step"' in page
    assert 'class="node node-done" data-state="filing_review"' in page
    assert 'data-state="pre_notice_check"' in page and "node-optional" in page
    assert f'href="/cases/{case.pk}/do/withdraw/">撤销立案</a>' in page
    assert "调查终结，提交初审" in page and "未填写拟作出的行政处罚" in page
    head_page = browser(w.head).get(f"/cases/{case.pk}/").content.decode()
    assert "只有本案承办人员可以执行此操作" in head_page
    assert "批准立案" in head_page and "提交立案审批" in head_page, "the timeline names each step"


def test_a_case_is_opened_from_an_inspection_with_its_party_and_officers(world: World) -> None:
    w = world
    client = browser(w.officer1)
    code = credit_code()
    form = {
        "organisation": w.district.pk,
        "inspected_on": "2026-03-02",
        "party_kind": "entity",
        "party_name": "丙化工有限公司",
        "party_credit_code": code[:-1] + ("0" if code[-1] != "0" else "1"),
        "officers": [w.officer1.pk, w.officer2.pk],
        "violations_found": "3",
        "documents_issued": "1",
        "notes": "未开展安全培训",
    }
    wrong = client.post("/inspections/new/", form)
    assert wrong.status_code == 400 and "统一社会信用代码校验位错误" in wrong.content.decode()
    assert client.post("/inspections/new/", {**form, "party_credit_code": code}).status_code == 302
    inspection = Inspection.objects.get(party__credit_code=code)
    assert "丙化工有限公司" in client.get("/inspections/").content.decode()

    head = browser(w.head)
    refused = head.post("/inspections/new/", {**form, "party_credit_code": code})
    assert refused.status_code == 403 and "只有执法人员可以登记执法检查" in refused.content.decode()

    prefilled = client.get(f"/cases/new/?inspection={inspection.pk}").content.decode()
    assert 'value="丙化工有限公司"' in prefilled and "未开展安全培训" in prefilled
    assert client.get("/cases/new/?inspection=999999").status_code == 404
    case_form = {
        "inspection": inspection.pk,
        "organisation": w.district.pk,
        "procedure": "general",
        "origin": "inspection",
        "title": "未开展安全生产教育培训",
        "party_kind": "entity",
        "party_name": "丙化工有限公司",
        "party_credit_code": code,
        "violation_type": w.vt.pk,
        "officers": [w.officer1.pk, w.officer2.pk],
    }
    one_officer = client.post("/cases/new/", {**case_form, "officers": [w.officer1.pk, w.head.pk]})
    assert one_officer.status_code == 400 and "不在可用的选项中" in one_officer.content.decode()
    response = client.post("/cases/new/", case_form)
    case = Case.objects.get(inspection=inspection)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.party == inspection.party and case.state == S.DRAFT
    assert set(case.officers.all()) == {w.officer1, w.officer2}


def test_the_handler_edits_the_particulars_and_only_what_changed_is_recorded(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    client = browser(w.officer1)
    page = client.get(f"/cases/{case.pk}/edit/").content.decode()
    assert f'name="expected_version" value="{case.version}"' in page
    base = {
        "title": case.title,
        "facts": case.facts,
        "violation_type": w.vt.pk,
        "party_kind": case.party.kind,
        "party_name": case.party.name,
        "party_credit_code": case.party.credit_code,
        "officers": [w.officer1.pk, w.officer2.pk],
        "expected_version": case.version,
    }
    negative = client.post(f"/cases/{case.pk}/edit/", {**base, "fine": "-5"})
    assert negative.status_code == 400 and "确保该值大于或等于0" in negative.content.decode()
    note_missing = client.post(f"/cases/{case.pk}/edit/", {**base, "criminal_suspicion": "on"})
    assert note_missing.status_code == 400 and "须写明涉嫌犯罪的情况" in note_missing.content.decode()
    assert (
        client.post(f"/cases/{case.pk}/edit/", {**base, "fine": "30000", "severity": "general"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.proposed_penalty["fine"] == "30000.00" and case.severity == "general"
    recorded = CaseEvent.objects.filter(case=case, transition="update_details").latest("seq").data
    assert set(recorded) == {"proposed_penalty", "severity"}

    stale = client.post(f"/cases/{case.pk}/edit/", {**base, "fine": "40000"})
    assert stale.status_code == 409 and "案件已被他人更新" in stale.content.decode()
    assert (
        browser(w.head)
        .post(f"/cases/{case.pk}/edit/", {**base, "expected_version": case.version, "fine": "1"})
        .status_code
        == 403
    )


def test_an_activity_is_recorded_by_a_handler_and_then_needs_its_recording(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    client = browser(w.officer1)
    bad = client.post(f"/cases/{case.pk}/activities/new/", {"kind": "dancing", "occurred_at": "昨天"})
    assert bad.status_code == 400
    response = client.post(
        f"/cases/{case.pk}/activities/new/",
        {"kind": "inquiry", "occurred_at": "2026-03-05T10:30", "place": "企业办公室", "note": "询问负责人"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#evidence")
    assert CaseActivity.objects.filter(case=case, kind="inquiry").exists()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "缺音像记录" in page and "以下执法活动缺少已校验的音像记录" in page
    assert (
        browser(w.head)
        .post(f"/cases/{case.pk}/activities/new/", {"kind": "inquiry", "occurred_at": "2026-03-05T10:30"})
        .status_code
        == 403
    )
