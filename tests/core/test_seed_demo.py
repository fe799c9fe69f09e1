"""seed_demo (SPEC §10): a year of cases in every state, built through the services, idempotent."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import Certificate, Organisation, User, UserRole
from accounts.roles import Role
from casefiles.models import (
    BlacklistEntry,
    Case,
    CaseEvent,
    Deliberation,
    Evidence,
    Hearing,
    Inspection,
    LegalCheck,
    Litigation,
    Party,
    Reconsideration,
    Transfer,
    Vote,
)
from demo import seed as demo
from law.calendar import add_working_days
from law.states import CaseState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The project conftest does this too; the seed hashes once either way, but be explicit.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            User,
            UserRole,
            Certificate,
            Party,
            Inspection,
            Case,
            CaseEvent,
            Evidence,
            LegalCheck,
            Reconsideration,
            Litigation,
            BlacklistEntry,
        )
    }


def test_running_it_twice_changes_nothing_and_the_history_verifies(seeded: str) -> None:
    assert "案件 " in seeded and "机构 7 个" in seeded
    before = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert "演示数据已存在" in out.getvalue()
    call_command("verify_history", stdout=StringIO())  # raises CommandError on any broken chain


def test_a_year_of_cases_in_every_state(seeded: str) -> None:
    by_state = dict(Case.objects.values_list("state").annotate(n=Count("pk")))
    assert set(by_state) == set(CaseState.values), set(CaseState.values) - set(by_state)
    assert 60 <= sum(by_state.values()) <= 90
    months = {d.month for d in Case.objects.values_list("created_at", flat=True)}
    assert months == set(range(1, 12)), "spread over January–November"

    assert Case.objects.filter(procedure=Case.Procedure.SUMMARY).exists()
    assert Case.objects.filter(procedure=Case.Procedure.GENERAL).exists()
    for case in Case.objects.filter(procedure=Case.Procedure.SUMMARY).exclude(decided_fine=None):
        limit = 200 if case.party.kind == Party.Kind.INDIVIDUAL else 3000
        assert case.decided_fine <= limit, case
    assert Case.objects.filter(is_major=True).exists() and Case.objects.filter(is_major=False).exists()
    assert Case.objects.filter(decided_major=True, decided_fine__gte=Decimal("50000")).exists()
    assert Case.objects.filter(decided_penalty__suspension=True).exists()
    assert Case.objects.filter(state=CaseState.TRANSFERRED, transfer__authority_kind="police").exists()

    # Nothing happens after the reference day, and every case's history runs forward in time.
    end = timezone.make_aware(datetime.combine(demo.DEMO_TODAY, time.max))
    assert not CaseEvent.objects.filter(at__gt=end).exists()
    for case_id in Case.objects.values_list("pk", flat=True):
        moments = list(CaseEvent.objects.filter(case_id=case_id).values_list("at", flat=True))
        assert moments == sorted(moments), case_id


def test_reviews_hearing_deliberation_and_what_follows_a_decision(seeded: str) -> None:
    returns = (
        LegalCheck.objects.filter(outcome=LegalCheck.Outcome.RETURNED)
        .values("case")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    assert returns and returns[0]["n"] >= 2

    hearing = Hearing.objects.select_related("case").get(held_on__isnull=False)
    case = hearing.case
    assert hearing.requested_on <= add_working_days(case.notice_served_on, 5)
    assert hearing.hearing_date >= add_working_days(hearing.notified_on, 7)
    assert not case.officers.filter(pk=hearing.hearing_officer_id).exists()
    held = CaseEvent.objects.get(case=case, transition="hold_hearing")
    assert Evidence.objects.filter(
        activity=hearing.activity, status=Evidence.Status.VERIFIED, verified_at__lte=held.at
    ).exists()

    deliberation = Deliberation.objects.select_related("meeting").first()
    assert deliberation is not None
    assert deliberation.meeting.attendees.count() * 2 > deliberation.meeting.committee_size
    assert Vote.objects.filter(deliberation=deliberation).count() == deliberation.meeting.attendees.count()

    police = Transfer.objects.get(authority_kind=Transfer.Authority.POLICE)
    assert police.persons > 0
    assert Reconsideration.objects.exists() and Litigation.objects.exists()
    assert BlacklistEntry.objects.exists()


def test_people_of_every_role_can_log_in(seeded: str, client, settings) -> None:
    assert set(UserRole.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(User.objects.values_list("username", flat=True)) >= set(demo.demo_usernames())
    assert User.objects.get(username=demo.SUPERUSER).is_superuser
    assert client.login(username="gl_officer1", password=settings.DEMO_PASSWORD)
    assert client.login(username="admin", password=settings.DEMO_PASSWORD)
    expired = Certificate.objects.get(user__username="tj_officer4")
    assert expired.valid_to < demo.DEMO_TODAY
    assert not Certificate.objects.filter(
        user__role_assignments__role=Role.OFFICER, valid_to__lt=demo.DEMO_TODAY
    ).exclude(pk=expired.pk)
