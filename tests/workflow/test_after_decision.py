"""Transfer, reconsideration, litigation and blacklist records (SPEC §3, §4)."""

from datetime import date

import pytest

from casefiles.models import BlacklistEntry, Case, CaseEvent, Reconsideration, Transfer
from core.errors import Conflict, InvalidInput
from law.states import CaseState as S
from tests.factories import World, at
from tests.workflow.test_guards import to_investigating, to_pending_decision
from workflow import services

pytestmark = pytest.mark.django_db


def test_transfer_to_police_records_authority_and_persons(world: World) -> None:
    w = world
    case = to_investigating(w, w.case(now=at(2026, 3, 1)))
    with pytest.raises(InvalidInput) as refused:
        w.transfer(case, at(2026, 3, 5), authority_name="", opinion="涉嫌犯罪")
    assert "authority_name" in refused.value.errors
    case = w.transfer(
        case, at(2026, 3, 5), authority_name="某区公安分局", persons=2, opinion="涉嫌重大责任事故罪，依法移送"
    )
    assert case.state == S.TRANSFERRED
    transfer = Transfer.objects.get(case=case)
    assert (transfer.authority_kind, transfer.persons) == ("police", 2)


def test_reconsideration_litigation_and_blacklist_after_decision(world: World) -> None:
    w = world
    case = to_pending_decision(w, fine="8000")
    with pytest.raises(Conflict, match="尚未作出处罚决定"):
        services.reconsideration_record(
            case_id=case.pk, actor=w.legal, filed_on=date(2026, 3, 20), authority="市政府"
        )
    case = w.fire(case, "decide", w.agency_head, at(2026, 3, 12), decision_kind="penalty", fine="8000")
    item = services.reconsideration_record(
        case_id=case.pk, actor=w.legal, filed_on=date(2026, 4, 1), authority="区人民政府"
    )
    services.reconsideration_decide(
        reconsideration_id=item.pk, actor=w.legal, outcome="changed", decided_on=date(2026, 5, 20)
    )
    assert Reconsideration.objects.get(pk=item.pk).outcome in Reconsideration.AGAINST_BUREAU
    with pytest.raises(Conflict, match="已有结果"):
        services.reconsideration_decide(
            reconsideration_id=item.pk, actor=w.legal, outcome="upheld", decided_on=date(2026, 5, 21)
        )
    suit = services.litigation_record(
        case_id=case.pk, actor=w.legal, filed_on=date(2026, 6, 1), court="区人民法院"
    )
    services.litigation_decide(
        litigation_id=suit.pk, actor=w.legal, outcome="won", decided_on=date(2026, 8, 1)
    )
    services.blacklist_add(
        case_id=case.pk, actor=w.agency_head, listed_on=date(2026, 4, 2), reason="拒不整改"
    )
    with pytest.raises(Conflict, match="已因本案列入黑名单"):
        services.blacklist_add(
            case_id=case.pk, actor=w.agency_head, listed_on=date(2026, 4, 3), reason="重复"
        )
    assert BlacklistEntry.objects.get(case=case).party == Case.objects.get(pk=case.pk).party
    recorded = list(
        CaseEvent.objects.filter(case=case, seq__gt=case.version).values_list("transition", flat=True)
    )
    assert recorded == [
        "record_reconsideration",
        "decide_reconsideration",
        "record_litigation",
        "decide_litigation",
        "blacklist",
    ]
