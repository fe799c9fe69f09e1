"""The step pages (issue 10 item 3): each step's own form, its errors next to the fields in Chinese,
refusals by the service shown with their reasons and the API's status (the page never decides who
may act), stale pages, the legal check's review points and the committee's votes."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from casefiles.models import Case, CaseEvent, Deliberation, LegalCheck, Vote
from law.states import CaseState as S
from tests.factories import World, at
from tests.workflow.test_deliberation import sitting
from tests.workflow.test_guards import to_deliberation, to_investigating, to_notice

pytestmark = pytest.mark.django_db


def browser(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def field_errors(html: str, name: str) -> str:
    """The text of the field's wrapper (label, errors, widget) on a rendered form."""
    match = re.search(
        rf'<div class="field field-{name}[^"]*">(.*?)</div>\s*(?=<div class="field|</fieldset|<div class="actions)',
        html,
        re.S,
    )
    assert match, f"field {name} not on the page"
    return match.group(1)


def test_a_step_page_renders_the_steps_own_form_and_shows_its_errors_next_to_the_fields(world: World) -> None:
    w = world
    case = to_notice(w, w.case(now=at(2026, 3, 1)), fine="3000")
    officer = browser(w.officer1)
    page = officer.get(f"/cases/{case.pk}/do/serve_notice/").content.decode()
    assert 'type="date" name="served_on"' in page and 'name="method"' in page
    assert f'name="expected_version" value="{case.version}"' in page

    response = officer.post(f"/cases/{case.pk}/do/serve_notice/", {"served_on": "", "method": "pigeon"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "该字段是必填项" in field_errors(html, "served_on")
    assert "选择一个有效的选项" in field_errors(html, "method")
    case.refresh_from_db()
    assert case.notice_served_on is None, "nothing recorded on a bad input"

    response = officer.post(
        f"/cases/{case.pk}/do/serve_notice/",
        {"served_on": "2026-03-10", "method": "direct", "expected_version": case.version},
    )
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/#actions"
    case.refresh_from_db()
    assert str(case.notice_served_on) == "2026-03-10"
    assert "已办理：送达行政处罚告知书" in officer.get(response["Location"]).content.decode()


def test_the_service_decides_who_may_act_whatever_the_page_shows(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
    officer = browser(w.officer1)

    page = officer.get(f"/cases/{case.pk}/do/approve_filing/").content.decode()
    assert "暂不能办理" in page and "需要“承办机构负责人”角色" in page
    assert 'name="fire"' not in page, "no form for a step this user may not take"

    forged = officer.post(f"/cases/{case.pk}/do/approve_filing/", {"opinion": "自己批自己"})
    assert forged.status_code == 403
    assert "需要“承办机构负责人”角色才能执行“批准立案”" in forged.content.decode()
    case.refresh_from_db()
    assert case.state == S.FILING_REVIEW and not case.number

    stranger_org = w.other_district
    from tests.factories import user

    stranger = browser(user("outsider_head", stranger_org, "division_head"))
    assert stranger.get(f"/cases/{case.pk}/do/approve_filing/").status_code == 404
    assert stranger.post(f"/cases/{case.pk}/do/approve_filing/", {}).status_code == 404

    head = browser(w.head)
    assert head.post(f"/cases/{case.pk}/do/approve_filing/", {"opinion": "同意立案"}).status_code == 302
    case.refresh_from_db()
    assert case.state == S.INVESTIGATING


def test_a_stale_page_and_a_step_the_case_has_moved_past_are_conflicts(world: World) -> None:
    w = world
    case = w.case(now=at(2026, 3, 1))
    stale_version = case.version
    officer = browser(w.officer1)
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))

    moved_on = officer.post(f"/cases/{case.pk}/do/submit_filing/", {"expected_version": stale_version})
    assert moved_on.status_code == 409 and "立案审批" in moved_on.content.decode()
    assert officer.get(f"/cases/{case.pk}/do/submit_filing/").status_code == 404

    head = browser(w.head)
    stale = head.post(
        f"/cases/{case.pk}/do/reject_filing/", {"opinion": "不予立案", "expected_version": stale_version}
    )
    assert stale.status_code == 409 and "案件已被他人更新" in stale.content.decode()
    case.refresh_from_db()
    assert case.state == S.FILING_REVIEW


def test_a_guard_refusal_is_shown_with_its_reason(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    officer = browser(w.officer1)
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert "未填写拟作出的行政处罚" in page, "the case page says why submitting is blocked"
    refused = officer.post(f"/cases/{case.pk}/do/submit_review/", {"opinion": "调查终结"})
    assert refused.status_code == 409
    assert "未填写拟作出的行政处罚" in refused.content.decode()


def test_the_legal_reviewer_returns_a_case_with_an_opinion_on_each_review_point(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    w.propose(case, at(2026, 3, 4), fine="80000")
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 5))
    w.fire(case, "approve", w.head, at(2026, 3, 6))
    legal = browser(w.legal)
    page = legal.get(f"/cases/{case.pk}/do/return/").content.decode()
    assert 'name="point-facts_evidence"' in page and "事实与证据" in page

    missing_comment = legal.post(
        f"/cases/{case.pk}/do/return/", {"opinion": "请补正", "point-facts_evidence": "nonconforming"}
    )
    assert missing_comment.status_code == 400
    assert "认定“不符合”须写明意见" in missing_comment.content.decode()
    assert 'value="nonconforming" selected' in missing_comment.content.decode(), "the input is kept"

    response = legal.post(
        f"/cases/{case.pk}/do/return/",
        {
            "opinion": "询问笔录未载明被询问人身份",
            "point-facts_evidence": "nonconforming",
            "point-facts_evidence-comment": "缺被询问人身份证明",
            "items_to_fix_text": "补充身份证明\n\n逐页签字\n",
        },
    )
    assert response.status_code == 302
    check = LegalCheck.objects.get(case=case)
    assert check.outcome == "returned" and check.items_to_fix == ["补充身份证明", "逐页签字"]
    point = next(p for p in check.points if p["code"] == "facts_evidence")
    assert point["conclusion"] == "nonconforming" and point["comment"] == "缺被询问人身份证明"
    assert (
        point["by_reviewer"] and not next(p for p in check.points if p["code"] == "authority")["by_reviewer"]
    )
    case.refresh_from_db()
    assert case.state == S.INVESTIGATING


def test_a_committee_sitting_takes_several_cases_and_each_is_concluded_with_its_own_votes(
    world: World,
) -> None:
    w = world
    first, second = to_deliberation(w), to_deliberation(w)
    agency = browser(w.agency_head)
    form = agency.get("/meetings/new/").content.decode()
    assert f'value="{first.pk}"' in form and f'value="{second.pk}"' in form
    assert all(f'name="attendees" value="{m.pk}"' in form for m in w.members)

    no_minutes = agency.post("/meetings/new/", {"organisation": w.district.pk, "held_at": "2026-03-13T09:00"})
    assert no_minutes.status_code == 400 and "该字段是必填项" in no_minutes.content.decode()

    response = agency.post(
        "/meetings/new/",
        {
            "organisation": w.district.pk,
            "held_at": "2026-03-13T09:00",
            "invited": [m.pk for m in w.members],
            "attendees": [m.pk for m in w.members[:3]],
            "cases": [first.pk, second.pk],
            "minutes": "第3次案审会，审议两起案件",
        },
    )
    assert response.status_code == 302
    meeting = first.meetings.get()
    assert set(meeting.cases.all()) == {first, second}

    step = agency.get(f"/cases/{first.pk}/do/conclude/").content.decode()
    assert f'<option value="{meeting.pk}">' in step and f'name="vote-{w.members[0].pk}"' in step

    data = {
        "meeting": meeting.pk,
        "decision_kind": "penalty",
        "fine": "80000",
        "conclusion": "同意按告知内容作出处罚决定",
        **{f"vote-{m.pk}": "agree" for m in w.members[:2]},
    }
    unvoted = agency.post(f"/cases/{first.pk}/do/conclude/", data)
    assert unvoted.status_code == 409 and "未记录表决意见" in unvoted.content.decode()

    heavier = agency.post(
        f"/cases/{first.pk}/do/conclude/", {**data, f"vote-{w.members[2].pk}": "abstain", "fine": "90000"}
    )
    assert heavier.status_code == 409 and "第四十五条" in heavier.content.decode()

    for case, choices in ((first, ("agree", "agree", "abstain")), (second, ("agree", "disagree", "agree"))):
        votes = {f"vote-{m.pk}": c for m, c in zip(w.members[:3], choices, strict=True)}
        opinions = {f"vote-{w.members[1].pk}-opinion": "处罚偏重"}
        response = agency.post(f"/cases/{case.pk}/do/conclude/", {**data, **votes, **opinions})
        assert response.status_code == 302, response.content.decode()[:3000]
    assert Deliberation.objects.filter(meeting=meeting).count() == 2
    assert Vote.objects.get(deliberation__case=second, member=w.members[1]).choice == "disagree"
    assert Vote.objects.get(deliberation__case=second, member=w.members[1]).opinion == "处罚偏重"
    assert Case.objects.get(pk=first.pk).state == S.DECIDED


def test_a_sitting_without_quorum_is_refused_on_the_step_page(world: World) -> None:
    w = world
    case = to_deliberation(w)
    meeting = sitting(w, [case], w.members[:2])
    response = browser(w.agency_head).post(
        f"/cases/{case.pk}/do/conclude/",
        {
            "meeting": meeting.pk,
            "decision_kind": "penalty",
            "fine": "80000",
            "conclusion": "同意",
            **{f"vote-{m.pk}": "agree" for m in w.members[:2]},
        },
    )
    assert response.status_code == 409 and "不足法定人数" in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, transition="conclude").exists()


def test_every_step_of_the_table_has_a_page_built_from_its_own_form(world: World, rf) -> None:  # type: ignore[no-untyped-def]
    """Each row of workflow.steps renders: every field of its form is on the page (the structured ones
    in their editors), with the submit button named after the step."""
    from django.template.loader import render_to_string

    from law.findings import Finding
    from web import steps as web_steps
    from web.case_views import step_context
    from workflow.steps import STEPS

    case = to_deliberation(world)
    findings = [Finding(code="facts_evidence", title="事实与证据", result="fail", detail="缺询问笔录")]
    request = rf.get("/")
    request.user = world.agency_head
    for step in STEPS:
        form = web_steps.build_form(step, case)
        page = web_steps.StepPage(
            points=web_steps.findings_rows(findings, None) if "points" in form.fields else [],
            votes=web_steps.vote_rows(case, None) if "votes" in form.fields else [],
        )
        html = render_to_string("web/step.html", step_context(case, step, None, form, page), request=request)
        for name in form.fields:
            expected = {
                "points": 'name="point-facts_evidence"',
                "votes": 'name="vote-',
                "items_to_fix": 'name="items_to_fix_text"',
            }
            assert expected.get(name, f'name="{name}"') in html, f"{step.code} from {step.source}: {name}"
        assert f'value="{step.code}">{step.label}</button>' in html
