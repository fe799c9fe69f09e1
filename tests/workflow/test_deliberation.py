"""集体讨论 (SPEC §4, issue 6): a committee sitting with several cases on its agenda, attendance and
quorum, each member's vote and opinion, the chair's conclusion and the minutes."""

from __future__ import annotations

import pytest

from casefiles.models import CaseEvent, Deliberation, Vote
from core.errors import Conflict, Forbidden, InvalidInput
from law.states import CaseState as S
from tests.factories import World, at, user
from tests.workflow.test_guards import to_deliberation
from workflow.services import meeting_record

pytestmark = pytest.mark.django_db


def sitting(w: World, cases, present, **extra):
    return meeting_record(
        actor=w.agency_head,
        organisation=w.district,
        held_at=at(2026, 3, 13, 9),
        minutes="2026年第3次案审会：审议两起重大案件，委员逐案发表意见并表决。",
        attendees=present,
        case_ids=[c.pk for c in cases],
        **extra,
    )


def conclude(w: World, case, meeting, voters, **extra):
    return w.fire(
        case,
        "conclude",
        w.agency_head,
        at(2026, 3, 13, 11),
        meeting=meeting.pk,
        votes={str(m.pk): {"choice": "agree", "opinion": "事实清楚，同意"} for m in voters},
        conclusion="经集体讨论，同意按告知内容作出处罚决定",
        decision_kind="penalty",
        fine="80000",
        **extra,
    )


def test_one_sitting_deliberates_several_cases_each_with_its_own_votes(world: World) -> None:
    w = world
    first, second = to_deliberation(w), to_deliberation(w)
    present = w.members[:3]
    meeting = sitting(w, [first, second], present)
    assert set(meeting.invited.all()) == set(w.members), "the whole committee is invited by default"
    assert CaseEvent.objects.filter(case=first, transition="meeting_recorded").count() == 1

    with pytest.raises(InvalidInput) as bad:
        conclude(w, first, meeting, [*present, w.members[4]])
    assert "未出席会议的人员不能表决" in bad.value.errors["votes"][0]

    with pytest.raises(Conflict) as refused:
        conclude(w, first, meeting, present[:2])
    assert refused.value.reasons[0].message == "以下出席委员未记录表决意见：member3"

    assert conclude(w, first, meeting, present).state == S.DECIDED
    second = w.fire(
        second,
        "conclude",
        w.agency_head,
        at(2026, 3, 13, 11),
        meeting=meeting.pk,
        votes={
            str(present[0].pk): "agree",
            str(present[1].pk): "agree",
            str(present[2].pk): {"choice": "disagree", "opinion": "罚款偏重"},
        },
        conclusion="经集体讨论，多数委员同意作出处罚决定",
        decision_kind="penalty",
        fine="80000",
    )
    assert second.state == S.DECIDED
    assert Deliberation.objects.filter(meeting=meeting).count() == 2
    assert Vote.objects.get(deliberation__case=second, member=present[2]).choice == "disagree"
    assert Vote.objects.get(deliberation__case=first, member=present[0]).opinion == "事实清楚，同意"


def test_a_sitting_without_quorum_is_recorded_but_cannot_conclude(world: World) -> None:
    w = world
    case = to_deliberation(w)
    meeting = sitting(w, [case], w.members[:2])  # 2 of 5: not more than half
    with pytest.raises(Conflict) as refused:
        conclude(w, case, meeting, w.members[:2])
    assert refused.value.reasons[0].code == "quorum_not_met"
    assert "出席委员 2 人，委员会共 5 人" in refused.value.reasons[0].message
    assert not Deliberation.objects.exists()
    quorate = sitting(w, [case], w.members[:3])
    assert conclude(w, case, quorate, w.members[:3]).state == S.DECIDED


def test_a_case_must_be_on_the_agenda(world: World) -> None:
    w = world
    listed, other = to_deliberation(w), to_deliberation(w)
    meeting = sitting(w, [listed], w.members[:3])
    with pytest.raises(InvalidInput) as bad:
        conclude(w, other, meeting, w.members[:3])
    assert bad.value.errors["meeting"] == ["本案不在该次会议的议题中"]


def test_who_may_sit_and_what_may_be_listed(world: World) -> None:
    w = world
    case = to_deliberation(w)
    outsider = user("not_a_member", w.district, "officer")
    with pytest.raises(InvalidInput) as bad:
        sitting(w, [case], [*w.members[:3], outsider])
    assert "not_a_member" in bad.value.errors["attendees"][0]
    with pytest.raises(InvalidInput) as bad:
        sitting(w, [case], w.members[:3], invited=w.members[:2])
    assert bad.value.errors["attendees"] == ["以下出席人员未被通知参会：member3"]
    not_ready = w.case()
    with pytest.raises(InvalidInput) as bad:
        sitting(w, [case, not_ready], w.members[:3])
    assert "不是本机构待集体讨论的案件" in bad.value.errors["cases"][0]
    with pytest.raises(Forbidden):
        meeting_record(
            actor=w.officer1,
            organisation=w.district,
            held_at=at(2026, 3, 13),
            minutes="纪要",
            attendees=w.members[:3],
            case_ids=[case.pk],
        )
