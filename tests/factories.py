"""Builders for tests: organisations, users with roles and certificates, parties, cases.

Everything that changes a case goes through the services, as in production.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services import certificate_issue, organisation_create, user_create
from casefiles.evidence import EvidenceMeta, evidence_upload
from casefiles.models import Case, CaseActivity, Evidence, Party, ViolationType
from casefiles.services import party_create, violation_type_upsert
from casefiles.validators import credit_code_check_char, id_number_check_char
from law.penalties import Penalty
from workflow import services

_seq = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"913501{n:010d}"[:16] + "X"
    body = (body + "0")[:17]
    return body + credit_code_check_char(body)


def id_number(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    body = f"35010219800101{n % 1000:03d}"
    return body + id_number_check_char(body)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A Beijing-time moment."""
    return timezone.make_aware(datetime(y, m, d, hh, mm))


def org(code: str, level: str, parent: Organisation | None = None, **settings: Any) -> Organisation:
    return organisation_create(
        code=code,
        name=f"{code}应急管理局",
        level=level,
        parent=parent,
        case_number_prefix=f"{code}应急罚",
        **settings,
    )


def user(
    username: str,
    organisation: Organisation,
    *roles: str,
    certified: bool = True,
    cert_from: date = date(2020, 1, 1),
    cert_to: date = date(2030, 12, 31),
) -> User:
    u = user_create(
        username=username,
        password="pw-secret-123",
        full_name=username,
        organisation=organisation,
        roles=roles,
    )
    if certified:
        certificate_issue(user=u, number=f"ZF{next(_seq):08d}", valid_from=cert_from, valid_to=cert_to)
    return u


def entity(name: str = "某某化工有限公司") -> Party:
    return party_create(kind=Party.Kind.ENTITY, name=name, credit_code=credit_code())


def individual(name: str = "张三") -> Party:
    return party_create(kind=Party.Kind.INDIVIDUAL, name=name, id_number=id_number())


def violation(code: str = "AQ-001") -> ViolationType:
    return violation_type_upsert(
        code=code,
        name="未按规定对从业人员进行安全生产教育和培训",
        legal_basis="《中华人民共和国安全生产法》第二十八条",
        penalty_basis="《中华人民共和国安全生产法》第九十七条第三项",
        fine_min=Decimal("0"),
        fine_max=Decimal("100000"),
    )


class World:
    """A city with a district and a street, and people of every role in the district."""

    def __init__(self, **district_settings: Any) -> None:
        self.city = org("市", Organisation.Level.CITY)
        self.district = org("区", Organisation.Level.DISTRICT, self.city, **district_settings)
        self.street = org("街", Organisation.Level.STREET, self.district)
        self.other_district = org("外区", Organisation.Level.DISTRICT, self.city)
        d = self.district
        self.officer1 = user("officer1", d, Role.OFFICER)
        self.officer2 = user("officer2", d, Role.OFFICER)
        self.head = user("division_head", d, Role.DIVISION_HEAD)
        self.legal = user("legal", d, Role.LEGAL_REVIEWER)
        self.agency_head = user("agency_head", d, Role.AGENCY_HEAD)
        self.members = [user(f"member{i}", d, Role.COMMITTEE_MEMBER) for i in range(1, 6)]
        self.hearing_officer = user("hearing_officer", d, Role.OFFICER)
        self.vt = violation()

    def case(
        self,
        *,
        party: Party | None = None,
        procedure: str = Case.Procedure.GENERAL,
        now: datetime | None = None,
        organisation: Organisation | None = None,
    ) -> Case:
        return services.case_create(
            actor=self.officer1,
            organisation=organisation or self.district,
            title="未按规定开展安全生产教育培训",
            facts="经现场检查，该单位未对新入职的 12 名从业人员进行安全生产教育和培训。",
            origin=Case.Origin.INSPECTION,
            procedure=procedure,
            party=party or entity(),
            violation_type=self.vt,
            officers=[self.officer1, self.officer2],
            now=now,
        )

    def case_of(
        self,
        title: str,
        *,
        actor: User | None = None,
        organisation: Organisation | None = None,
        origin: str = Case.Origin.INSPECTION,
        officers: list[User] | None = None,
        now: datetime | None = None,
    ) -> Case:
        """A case recorded with no more than the form requires: a title, a new entity as the party, the
        violation type and two handlers."""
        return services.case_create(
            actor=actor or self.officer1,
            organisation=organisation or self.district,
            title=title,
            origin=origin,
            party=entity(),
            violation_type=self.vt,
            officers=officers or [self.officer1, self.officer2],
            now=now,
        )

    def fire(self, case: Case, code: str, actor: User, now: datetime, **data: Any) -> Case:
        return services.case_transition(case_id=case.pk, transition=code, actor=actor, data=data, now=now)

    def propose(self, case: Case, now: datetime, **penalty: Any) -> Case:
        return services.case_update_details(
            case_id=case.pk, actor=self.officer1, changes={"proposed_penalty": Penalty(**penalty)}, now=now
        )

    def conclude(
        self, case: Case, now: datetime, present: list[User], votes: dict, *, fine: str, **record: Any
    ) -> Case:
        """The agency head records the committee's sitting at 9:00 on the day of `now`, those `present`
        voting `votes`, and its decision of a fine (the minutes and conclusion default to a word)."""
        record = {"minutes": "纪要", "conclusion": "同意", **record}
        return self.fire(
            case,
            "conclude",
            self.agency_head,
            now,
            held_at=f"{now:%Y-%m-%d} 09:00",
            attendees=[m.pk for m in present],
            votes=votes,
            decision_kind="penalty",
            fine=fine,
            **record,
        )

    def serve_decision(self, case: Case, now: datetime) -> Case:
        """The officer serves the decision in person on the day of `now`."""
        return self.fire(
            case, "serve_decision", self.officer1, now, served_on=f"{now:%Y-%m-%d}", method="direct"
        )

    def publish(self, case: Case, now: datetime, channel: str = "区政府门户网站") -> Case:
        return self.fire(case, "publish", self.officer1, now, published_on=f"{now:%Y-%m-%d}", channel=channel)

    def close_paid(self, case: Case, now: datetime, amount: str) -> Case:
        """The party paid `amount` on the day of `now`; the officer closes the case."""
        return self.fire(
            case, "close", self.officer1, now, outcome="paid", paid_on=f"{now:%Y-%m-%d}", paid_amount=amount
        )

    def transfer(self, case: Case, now: datetime, **data: Any) -> Case:
        """The officer transfers the case to the police (or `authority_kind`) with `data` as the form."""
        return self.fire(case, "transfer", self.officer1, now, **{"authority_kind": "police", **data})

    def schedule_hearing(
        self,
        case: Case,
        now: datetime,
        hearing_date: str,
        *,
        place: str = "听证室",
        hearing_officer: User | None = None,
    ) -> Case:
        """The officer notifies the party, on the day of `now`, of the hearing on `hearing_date`."""
        return self.fire(
            case,
            "schedule_hearing",
            self.officer1,
            now,
            notified_on=f"{now:%Y-%m-%d}",
            hearing_date=hearing_date,
            place=place,
            hearing_officer=(hearing_officer or self.hearing_officer).pk,
        )

    def hold_hearing(
        self,
        case: Case,
        recorded: datetime,
        now: datetime,
        *,
        recording: bytes = b"hearing recording",
        **data: Any,
    ) -> Case:
        """The hearing's recording is uploaded, then the officer records the hearing as held that day."""
        case.refresh_from_db()
        add_hearing_av(self, case, recorded, recording)
        return self.fire(case, "hold_hearing", self.officer1, now, held_on=f"{recorded:%Y-%m-%d}", **data)


def agreed(present: list[User]) -> dict[str, dict[str, str]]:
    """Every member present votes to agree, with the opinion 同意."""
    return {str(m.pk): {"choice": "agree", "opinion": "同意"} for m in present}


def in_threads(work: list[Callable[[], None]]) -> list[BaseException]:
    """Run each job in its own thread and database connection, released together; what they raised."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def browser(u: User) -> Client:
    """A web client, logged in as `u`."""
    client = Client()
    client.force_login(u)
    return client


def client_for(actor: User | None) -> APIClient:
    """An API client, authenticated as `actor` (anonymous for None)."""
    client = APIClient()
    if actor is not None:
        client.force_authenticate(actor)
    return client


def upload(
    case: Case,
    actor: User,
    content: bytes,
    *,
    title: str = "执法记录仪视频",
    kind: str = "video",
    activity: CaseActivity | None = None,
    when: datetime | None = None,
    sha256: str = "",
) -> Evidence:
    """Upload bytes as evidence through the real streamed path into the configured store."""
    import io

    return evidence_upload(
        case_id=case.pk,
        actor=actor,
        stream=io.BytesIO(content),
        length=len(content),
        declared_sha256=sha256,
        meta=EvidenceMeta(
            title=title,
            kind=kind,
            content_type="video/mp4",
            captured_at=when,
            activity_id=activity.pk if activity else None,
            filename=f"{title}.mp4",
        ),
        now=when,
    )


def add_hearing_av(w: World, case: Case, when: datetime, content: bytes = b"hearing recording") -> None:
    """The recording of the case's scheduled hearing."""
    upload(case, w.officer1, content, title="听证录像", activity=case.hearing.activity, when=when)


def inquiry_record(w: World, case: Case, when: datetime | None = None, **data: Any) -> Any:
    """The officer writes up an inquiry as its 询问笔录, as he does after questioning someone."""
    from documents.services import document_generate

    (document,) = document_generate(
        case_id=case.pk,
        actor=w.officer1,
        doc_type="inquiry_record",
        data={"content": "问：你单位是否对新入职从业人员进行了安全生产教育和培训？\n答：没有。", **data},
        now=when,
    )
    return document
