"""The case page (issue 6 item 8): pre-check findings, the legal opinion, the hearing and the
deliberation, and what this user may do now — with the reasons a blocked step is blocked."""

import pytest
from django.test import Client

from tests.factories import World, add_hearing_av, at, user
from tests.workflow.test_deliberation import conclude, sitting
from tests.workflow.test_guards import hearing_case, to_deliberation

pytestmark = pytest.mark.django_db


def page(u, case) -> str:
    browser = Client()
    browser.force_login(u)
    response = browser.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_page_shows_the_legal_check_and_the_deliberation(world: World) -> None:
    w = world
    case = to_deliberation(w)
    meeting = sitting(w, [case], w.members[:3])
    case = conclude(w, case, meeting, w.members[:3])
    html = page(w.legal, case)
    for expected in (
        case.number,
        "法制审核预审",
        "执法人员资格",
        "告知前法制审核（第1级）",
        "下载法制审核意见书（Word）",
        "集体讨论",
        "出席 3/5 人",
        "member1：同意（事实清楚，同意）",
        "经集体讨论，同意按告知内容作出处罚决定",
        "需要“执法人员”角色才能执行“送达处罚决定书”",
    ):
        assert expected in html, expected
    # The officer sees the step as a button to its form; the legal reviewer sees why he may not.
    assert f'href="/cases/{case.pk}/do/serve_decision/">送达处罚决定书</a>' in page(w.officer1, case)


def test_the_case_page_shows_the_hearing_and_hides_other_districts_cases(world: World) -> None:
    w = world
    case = hearing_case(w)
    w.schedule_hearing(case, at(2026, 3, 12), "2026-03-23", place="区应急管理局听证室")
    add_hearing_av(w, case, at(2026, 3, 23))
    html = page(w.head, case)
    assert "区应急管理局听证室" in html and "hearing_officer" in html
    stranger = user("stranger", w.other_district, "legal_reviewer")
    browser = Client()
    browser.force_login(stranger)
    assert browser.get(f"/cases/{case.pk}/").status_code == 404
