"""A year of enforcement built through the workflow services, whose every §9 figure is known.

The tree is the World's: city → district → street, and another district. The year is 2025; a few
records of 2024 (the prior year of year-on-year) and of 1 January 2026 lie around it. Each case below
says what it adds to which figure; EXPECTED at the end is the sum, organisation by organisation.

Boundaries built in: a filing approved 31 Dec 2025 23:30 Beijing time (15:30 UTC: in 2025) and one
at 1 Jan 2026 00:10 (16:10 UTC on 31 Dec: not in 2025); a fine of exactly 50,000 yuan; a case the
legal reviewer returned twice; street cases rolled up into the district and the city; a summary
decision; a transfer to the police with 3 persons; fines whose 万元 end in a half (14.525 → 14.53);
an AV list narrowed at the street; a photo that does not cover an AV-list activity; certificates
that end on 30 and 31 December; a party blacklisted twice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from accounts.models import User
from accounts.policy import AvActivity
from accounts.roles import Role
from accounts.services import organisation_save
from casefiles.models import Case, CaseActivity
from casefiles.services import inspection_record
from tests.factories import World, agreed, at, entity, individual, upload, user
from workflow import services

YEAR = 2025


def record_activity(
    w: World,
    case: Case,
    kind: str,
    when: datetime,
    *,
    recording: str | None = "video",
    actor: User | None = None,
) -> CaseActivity:
    """An activity carried out in the case, with a verified recording of the given kind (or none)."""
    actor = actor or w.officer1
    activity = services.activity_record(case_id=case.pk, actor=actor, kind=kind, occurred_at=when)
    if recording:
        upload(
            case, actor, f"{kind} {when:%Y%m%d%H%M}".encode(), kind=recording, activity=activity, when=when
        )
    return activity


def file_case(w: World, case: Case, submitted: datetime, approved: datetime) -> Case:
    w.fire(case, "submit_filing", w.officer1, submitted)
    return w.fire(case, "approve_filing", w.head, approved)


def serve_notice_waived(w: World, case: Case, when: datetime) -> Case:
    w.fire(case, "serve_notice", w.officer1, when, served_on=f"{when:%Y-%m-%d}", method="direct")
    return w.fire(case, "record_statement", w.officer1, when, statement_on=f"{when:%Y-%m-%d}", waived=True)


def legal_checked_notice(w: World, case: Case, *days: datetime, opinion: str = "同意告知") -> Case:
    """A major case with its penalty proposed: submitted, approved at initial review, approved by the
    legal reviewer before notice, the notice served (statement waived) and concluded, on `days`."""
    submitted, approved, checked, served, concluded = days
    w.fire(case, "submit_review", w.officer1, submitted)
    w.fire(case, "approve", w.head, approved)
    w.fire(case, "approve", w.legal, checked, opinion=opinion)
    serve_notice_waived(w, case, served)
    return w.fire(case, "conclude_notice", w.officer1, concluded)


def deliberate(w: World, case: Case, when: datetime, fine: str) -> Case:
    present = w.members[:4]
    return w.conclude(
        case,
        when,
        present,
        agreed(present),
        fine=fine,
        minutes="案审委员会会议纪要",
        conclusion=f"同意给予罚款{fine}元的行政处罚",
    )


def minor_to_pending_decision(w: World, case: Case, proposed_on: datetime, **penalty: Any) -> Case:
    """A filed, non-major case from investigation to pending_decision, the party waiving his statement
    (propose, submit, initial review, notice served on the next working days)."""
    w.propose(case, proposed_on, **penalty)
    day = proposed_on.date()
    w.fire(case, "submit_review", w.officer1, at(day.year, day.month, day.day, 14))
    w.fire(case, "approve", w.head, at(day.year, day.month, day.day, 16))
    serve_notice_waived(w, case, at(day.year, day.month, day.day, 17))
    return w.fire(case, "conclude_notice", w.officer1, at(day.year, day.month, day.day, 18))


def challenge(w: World, case: Case, filed_on: date, *decision: Any, court: bool = False) -> None:
    """A reconsideration of the case's decision before the district government, or (`court`) a suit
    in the district court; decided if the `decision` (outcome, decided_on) is given."""
    if court:
        suit = services.litigation_record(
            case_id=case.pk, actor=w.legal, filed_on=filed_on, court="区人民法院"
        )
        decide = partial(services.litigation_decide, litigation_id=suit.pk)
    else:
        item = services.reconsideration_record(
            case_id=case.pk, actor=w.legal, filed_on=filed_on, authority="区人民政府"
        )
        decide = partial(services.reconsideration_decide, reconsideration_id=item.pk)
    if decision:
        outcome, decided_on = decision
        decide(actor=w.legal, outcome=outcome, decided_on=decided_on)


class AnnualWorld:
    def __init__(self) -> None:
        w = self.w = World()
        self.city, self.district, self.street, self.other = w.city, w.district, w.street, w.other_district
        # The street's AV list leaves out inquiries (询问): its inquiries are not counted in av_required.
        self.street.av_activities = [
            AvActivity.ONSITE_INSPECTION,
            AvActivity.SEIZURE,
            AvActivity.HEARING,
            AvActivity.LEAVE_SERVICE,
            AvActivity.ANNOUNCEMENT_SERVICE,
        ]
        organisation_save(organisation=self.street)
        self._people()
        self._inspections()
        self._cases()
        self._after_decisions()

    # --- people: certified officers on 31 Dec 2025 -----------------------------------------------------

    def _people(self) -> None:
        # District: the World's 11 people, all certified 2020–2030.
        # Street: one certificate ends on 31 Dec (counted), one on 30 Dec (not), one person has none,
        # one certified person has left (deactivated: not counted).
        for username, cert_from, cert_to in (
            ("street_officer", date(2025, 1, 1), date(2025, 12, 31)),
            ("street_expired", date(2020, 1, 1), date(2025, 12, 30)),
        ):
            user(username, self.street, Role.OFFICER, cert_from=cert_from, cert_to=cert_to)
        user("street_clerk", self.street, Role.REPORT_VIEWER, certified=False)
        retired = user("street_retired", self.street, Role.OFFICER)
        retired.is_active = False
        retired.save(update_fields=["is_active"])
        # Other district: three certified people.
        self.od_officer1 = user("od_officer1", self.other, Role.OFFICER)
        self.od_officer2 = user("od_officer2", self.other, Role.OFFICER)
        self.od_head = user("od_head", self.other, Role.DIVISION_HEAD)
        # City: a report viewer without a certificate.
        self.city_viewer = user("city_viewer", self.city, Role.REPORT_VIEWER, certified=False)
        self.district_viewer = user("district_viewer", self.district, Role.REPORT_VIEWER, certified=False)

    # --- inspections -------------------------------------------------------------------------------

    def _inspections(self) -> None:
        w = self.w
        for organisation, actor, day, violations, rectification in (
            (self.district, w.officer1, date(2025, 1, 10), 3, True),
            (self.district, w.officer1, date(2025, 6, 30), 2, False),
            (self.street, w.officer1, date(2025, 12, 31), 1, True),
            (self.other, self.od_officer1, date(2025, 5, 5), 4, True),
            (self.district, w.officer1, date(2024, 12, 31), 7, True),  # prior year
            (self.district, w.officer1, date(2026, 1, 1), 9, True),  # next year
        ):
            inspection_record(
                actor=actor,
                organisation=organisation,
                inspected_on=day,
                party=entity(),
                officers=[actor],
                violations_found=violations,
                rectification_order=rectification,
            )

    # --- cases ---------------------------------------------------------------------------------------

    def _cases(self) -> None:
        w = self.w
        self.repeat_offender = entity("甲化工有限公司")

        # c1 — district, major (80,000 yuan), returned by the legal reviewer twice (before notice, and
        # before decision), deliberated, decided 2 Apr 2025, published on time. An inquiry recorded on
        # video. 5 legal checks, 2 returns.
        c1 = self.c1 = w.case(party=self.repeat_offender, now=at(2025, 3, 3, 9))
        file_case(w, c1, at(2025, 3, 3, 10), at(2025, 3, 3, 15))
        record_activity(w, c1, AvActivity.INQUIRY, at(2025, 3, 5))
        w.propose(c1, at(2025, 3, 6), fine=Decimal("80000"))
        w.fire(c1, "submit_review", w.officer1, at(2025, 3, 7))
        w.fire(c1, "approve", w.head, at(2025, 3, 10))
        w.fire(c1, "return", w.legal, at(2025, 3, 11), opinion="询问笔录未由当事人签字，请补正")
        legal_checked_notice(
            w,
            c1,
            at(2025, 3, 12),
            at(2025, 3, 13),
            at(2025, 3, 14),
            at(2025, 3, 17),
            at(2025, 3, 18),
            opinion="事实清楚，同意告知",
        )
        w.fire(c1, "return", w.legal, at(2025, 3, 19), opinion="处罚幅度的裁量理由不充分，请补充")
        legal_checked_notice(
            w, c1, at(2025, 3, 20), at(2025, 3, 21), at(2025, 3, 24), at(2025, 3, 25), at(2025, 3, 26)
        )
        w.fire(c1, "approve", w.legal, at(2025, 3, 27), opinion="同意提交集体讨论")
        deliberate(w, c1, at(2025, 4, 2), "80000")
        w.serve_decision(c1, at(2025, 4, 3))
        w.publish(c1, at(2025, 4, 7))

        # c2 — district, a fine of exactly 50,000 yuan: major and ≥ 5万; hearing held 4 Jun 2025 (its
        # AV record verified), deliberated, decided 10 Jun, published late (15 Jul).
        c2 = self.c2 = w.case(party=self.repeat_offender, now=at(2025, 5, 5, 9))
        file_case(w, c2, at(2025, 5, 5, 10), at(2025, 5, 6))
        w.propose(c2, at(2025, 5, 7), fine=Decimal("50000"))
        w.fire(c2, "submit_review", w.officer1, at(2025, 5, 8))
        w.fire(c2, "approve", w.head, at(2025, 5, 9))
        w.fire(c2, "approve", w.legal, at(2025, 5, 12), opinion="同意告知")
        w.fire(c2, "serve_notice", w.officer1, at(2025, 5, 13), served_on="2025-05-13", method="direct")
        w.fire(c2, "request_hearing", w.officer1, at(2025, 5, 14), requested_on="2025-05-14")
        w.schedule_hearing(c2, at(2025, 5, 15), "2025-06-04", place="区应急管理局听证室")
        w.hold_hearing(c2, at(2025, 6, 4), at(2025, 6, 4, 16), report="当事人对事实无异议", record="听证笔录")
        w.fire(c2, "approve", w.legal, at(2025, 6, 5), opinion="同意提交集体讨论")
        deliberate(w, c2, at(2025, 6, 10), "50000")
        w.serve_decision(c2, at(2025, 6, 11))
        w.publish(c2, at(2025, 7, 15))

        # c3 — street, from an accident (not preventive), 5,000 yuan decided 10 Jul, published on time.
        # An on-site inspection on video (on the street's list) and an inquiry without a recording
        # (not on the street's list: allowed, and not counted).
        c3 = self.c3 = w.case_of(
            "事故调查发现未落实安全生产责任制",
            organisation=self.street,
            origin=Case.Origin.ACCIDENT,
            now=at(2025, 7, 1, 9),
        )
        file_case(w, c3, at(2025, 7, 1, 10), at(2025, 7, 2))
        record_activity(w, c3, AvActivity.ONSITE_INSPECTION, at(2025, 7, 3, 9))
        record_activity(w, c3, AvActivity.INQUIRY, at(2025, 7, 3, 10), recording=None)
        minor_to_pending_decision(w, c3, at(2025, 7, 7), fine=Decimal("5000"))
        w.fire(c3, "decide", w.agency_head, at(2025, 7, 10), decision_kind="penalty", fine="5000")
        w.serve_decision(c3, at(2025, 7, 11))
        w.publish(c3, at(2025, 7, 14), "街道公示栏")

        # c4 — district, from a complaint, filing approved 31 Dec 2025 23:30 Beijing time (15:30 UTC):
        # filed in 2025. Still under investigation: an inquiry without recording and a seizure with
        # only a photo (both uncovered), and an on-site inspection at 00:30 on 1 Jan 2026 (not 2025).
        c4 = self.c4 = w.case_of(
            "群众举报违规储存危险化学品",
            organisation=self.district,
            origin=Case.Origin.COMPLAINT,
            now=at(2025, 12, 30),
        )
        file_case(w, c4, at(2025, 12, 31, 10), at(2025, 12, 31, 23, 30))
        record_activity(w, c4, AvActivity.INQUIRY, at(2025, 12, 31, 23, 40), recording=None)
        record_activity(w, c4, AvActivity.SEIZURE, at(2025, 12, 31, 23, 50), recording="photo")
        record_activity(w, c4, AvActivity.ONSITE_INSPECTION, at(2026, 1, 1, 0, 30), recording=None)

        # c5 — district, summary procedure: 200 yuan decided on the spot, 1 Aug 2025.
        c5 = self.c5 = w.case(
            party=individual("李四"), procedure=Case.Procedure.SUMMARY, now=at(2025, 8, 1, 9)
        )
        w.fire(c5, "record_onsite_decision", w.officer1, at(2025, 8, 1, 9, 30), fine="200")
        w.serve_decision(c5, at(2025, 8, 1, 9, 35))

        # c6 — district, from an accident, filed 11 Feb, transferred to the police with 3 persons.
        c6 = self.c6 = w.case_of(
            "生产安全事故涉嫌重大责任事故罪",
            organisation=self.district,
            origin=Case.Origin.ACCIDENT,
            now=at(2025, 2, 10),
        )
        file_case(w, c6, at(2025, 2, 10, 11), at(2025, 2, 11))
        w.transfer(
            c6,
            at(2025, 2, 20),
            authority_name="区公安分局",
            persons=3,
            opinion="涉嫌重大责任事故罪，依法移送",
        )

        # c8 — district, filed 20 Dec 2024 (prior year), decided 6 Jan 2025 with 10,050 yuan (a penalty
        # decision of 2025), publication skipped for a legal reason.
        c8 = self.c8 = w.case(now=at(2024, 12, 19))
        file_case(w, c8, at(2024, 12, 19, 11), at(2024, 12, 20))
        minor_to_pending_decision(w, c8, at(2024, 12, 23), fine=Decimal("10050"))
        w.fire(c8, "decide", w.agency_head, at(2025, 1, 6), decision_kind="penalty", fine="10050")
        w.serve_decision(c8, at(2025, 1, 7))
        w.fire(c8, "skip_publication", w.officer1, at(2025, 1, 8), opinion="涉及个人隐私，依法不予公开")

        # c9 — district, filing approved 1 Jan 2026 00:10 Beijing time (16:10 UTC on 31 Dec 2025).
        c9 = self.c9 = w.case(now=at(2025, 12, 31, 22))
        file_case(w, c9, at(2025, 12, 31, 23), at(2026, 1, 1, 0, 10))

        # c10 — district, from a complaint, filed 1 Sep 2025, decided 15 Sep: no penalty (不予处罚).
        c10 = self.c10 = w.case_of(
            "举报未按规定设置安全警示标志",
            organisation=self.district,
            origin=Case.Origin.COMPLAINT,
            now=at(2025, 9, 1, 9),
        )
        file_case(w, c10, at(2025, 9, 1, 10), at(2025, 9, 1, 15))
        minor_to_pending_decision(w, c10, at(2025, 9, 2), warning=True)
        w.fire(c10, "decide", w.agency_head, at(2025, 9, 15), decision_kind="no_penalty")

        # p1 — district, prior year: filed 3 Jun 2024, decided 20 Jun 2024 with 30,000 yuan.
        p1 = self.p1 = w.case(now=at(2024, 6, 3, 9))
        file_case(w, p1, at(2024, 6, 3, 10), at(2024, 6, 3, 15))
        minor_to_pending_decision(w, p1, at(2024, 6, 4), fine=Decimal("30000"))
        w.fire(p1, "decide", w.agency_head, at(2024, 6, 20), decision_kind="penalty", fine="30000")

        # od1 — other district, filed 1 Apr 2025, transferred to another agency (not the police).
        od1 = self.od1 = w.case_of(
            "无证经营危险化学品",
            actor=self.od_officer1,
            organisation=self.other,
            officers=[self.od_officer1, self.od_officer2],
            now=at(2025, 4, 1, 9),
        )
        services.case_transition(
            case_id=od1.pk, transition="submit_filing", actor=self.od_officer1, now=at(2025, 4, 1, 10)
        )
        services.case_transition(
            case_id=od1.pk, transition="approve_filing", actor=self.od_head, now=at(2025, 4, 1, 15)
        )
        services.case_transition(
            case_id=od1.pk,
            transition="transfer",
            actor=self.od_officer1,
            now=at(2025, 4, 10),
            data={
                "authority_kind": "other",
                "authority_name": "市市场监督管理局",
                "persons": 2,
                "opinion": "属市场监管部门管辖",
            },
        )

    # --- reconsideration, litigation, blacklist ----------------------------------------------------------

    def _after_decisions(self) -> None:
        w = self.w
        challenge(w, self.c1, date(2025, 5, 10), "changed", date(2025, 7, 1))
        challenge(w, self.c2, date(2025, 7, 20), "upheld", date(2025, 9, 10))
        challenge(w, self.c3, date(2026, 1, 5))  # filed in 2026
        challenge(w, self.c8, date(2025, 3, 1), "lost", date(2025, 9, 1), court=True)
        challenge(w, self.c1, date(2025, 8, 1), "won", date(2025, 12, 1), court=True)
        challenge(w, self.c3, date(2026, 1, 10), court=True)  # filed in 2026
        # The same party, listed for two cases in 2025: one listed party.
        services.blacklist_add(
            case_id=self.c1.pk, actor=w.agency_head, listed_on=date(2025, 5, 1), reason="拒不整改"
        )
        services.blacklist_add(
            case_id=self.c2.pk, actor=w.agency_head, listed_on=date(2025, 8, 1), reason="再次违法"
        )
        services.blacklist_add(  # listed in 2026
            case_id=self.c8.pk, actor=w.agency_head, listed_on=date(2026, 1, 5), reason="逾期未履行"
        )


# --- what the figures must be, by construction ------------------------------------------------------------------

# No case-file review campaign in this world: no file reviewed (tests/reports/test_casefile_reviews.py
# reviews files and checks those figures).
NOT_REVIEWED = {
    "casefiles_reviewed": 0,
    "casefiles_by_grade": {"excellent": 0, "good": 0, "pass": 0, "fail": 0},
    "casefiles_mean_score": None,
}

STREET: dict[str, Any] = {
    "inspections": 1,
    "violations_found": 1,
    "rectification_orders": 1,
    "cases_filed": 1,  # c3
    "cases_filed_yoy_pct": None,  # nothing filed in 2024
    "preventive_cases": 0,  # c3 came from an accident
    "summary_decisions": 0,
    "penalty_decisions": 1,
    "fines_total_wan": Decimal("0.50"),
    "fines_yoy_pct": None,
    "avg_fine_wan": Decimal("0.50"),
    "fines_ge_50k": 0,
    "major_decisions": 0,
    "legal_check_cases": 0,
    "legal_check_returns": 0,
    "major_double_checked": 0,
    "deliberations": 0,
    "hearings": 0,
    "transfers_to_police": 0,
    "persons_transferred": 0,
    "blacklisted": 0,
    "reconsiderations": 0,  # c3's was filed in 2026
    "reconsiderations_overturned": 0,
    "litigations": 0,
    "litigations_lost": 0,
    "published": 1,
    "published_on_time_pct": Decimal("100.0"),
    "av_required": 1,  # the on-site inspection; the inquiry is not on the street's list
    "av_covered_pct": Decimal("100.0"),
    **NOT_REVIEWED,
    "certified_officers": 1,  # valid to 31 Dec; not the one ending 30 Dec, the uncertified or the retired
}

# The district's own records, without the street's.
DISTRICT_OWN: dict[str, Any] = {
    "inspections": 2,
    "violations_found": 5,
    "rectification_orders": 1,
    "cases_filed": 5,  # c1, c2, c4 (31 Dec 23:30), c6, c10 — not c8 (2024) nor c9 (2026)
    "cases_filed_yoy_pct": Decimal("150.0"),  # 2024: p1, c8
    "preventive_cases": 4,  # all but c6 (accident)
    "summary_decisions": 1,  # c5
    "penalty_decisions": 4,  # c1, c2, c5, c8 — not c10 (no penalty)
    "fines_total_wan": Decimal("14.03"),  # 140,250 yuan = 14.025 万元, half up
    "fines_yoy_pct": Decimal("367.7"),  # 2024: 3.00 万元
    "avg_fine_wan": Decimal("3.51"),  # 35,062.50 yuan
    "fines_ge_50k": 2,  # 80,000 and exactly 50,000
    "major_decisions": 2,
    "legal_check_cases": 2,  # c1 (5 checks), c2 (2 checks)
    "legal_check_returns": 2,  # both on c1
    "major_double_checked": 2,
    "deliberations": 2,
    "hearings": 1,
    "transfers_to_police": 1,
    "persons_transferred": 3,
    "blacklisted": 1,  # one party, listed twice
    "reconsiderations": 2,
    "reconsiderations_overturned": 1,  # changed
    "litigations": 2,
    "litigations_lost": 1,
    "published": 2,  # c1 on time, c2 late
    "published_on_time_pct": Decimal("50.0"),
    "av_required": 4,  # c1 inquiry, c2 hearing (covered); c4 inquiry, c4 seizure with a photo (not)
    "av_covered_pct": Decimal("50.0"),
    **NOT_REVIEWED,
    "certified_officers": 11,
}

DISTRICT: dict[str, Any] = {
    "inspections": 3,
    "violations_found": 6,
    "rectification_orders": 2,
    "cases_filed": 6,
    "cases_filed_yoy_pct": Decimal("200.0"),  # (6 − 2) / 2
    "preventive_cases": 4,
    "summary_decisions": 1,
    "penalty_decisions": 5,
    "fines_total_wan": Decimal("14.53"),  # 145,250 yuan = 14.525 万元, half up (not 14.52)
    "fines_yoy_pct": Decimal("384.3"),  # (14.53 − 3.00) / 3.00
    "avg_fine_wan": Decimal("2.91"),  # 29,050 yuan = 2.905 万元, half up
    "fines_ge_50k": 2,
    "major_decisions": 2,
    "legal_check_cases": 2,
    "legal_check_returns": 2,
    "major_double_checked": 2,
    "deliberations": 2,
    "hearings": 1,
    "transfers_to_police": 1,
    "persons_transferred": 3,
    "blacklisted": 1,
    "reconsiderations": 2,
    "reconsiderations_overturned": 1,
    "litigations": 2,
    "litigations_lost": 1,
    "published": 3,
    "published_on_time_pct": Decimal("66.7"),
    "av_required": 5,
    "av_covered_pct": Decimal("60.0"),
    **NOT_REVIEWED,
    "certified_officers": 12,
}

OTHER_DISTRICT: dict[str, Any] = {
    **{key: 0 for key in DISTRICT if isinstance(DISTRICT[key], int)},
    "inspections": 1,
    "violations_found": 4,
    "rectification_orders": 1,
    "cases_filed": 1,
    "cases_filed_yoy_pct": None,
    "preventive_cases": 1,
    "fines_total_wan": Decimal("0.00"),
    "fines_yoy_pct": None,
    "avg_fine_wan": None,
    "transfers_to_police": 0,  # transferred to another agency, not the police
    "persons_transferred": 0,
    "published_on_time_pct": None,
    "av_covered_pct": None,
    **NOT_REVIEWED,
    "certified_officers": 3,
}

CITY_OWN: dict[str, Any] = {
    **{key: 0 for key in DISTRICT if isinstance(DISTRICT[key], int)},
    "cases_filed_yoy_pct": None,
    "fines_total_wan": Decimal("0.00"),
    "fines_yoy_pct": None,
    "avg_fine_wan": None,
    "published_on_time_pct": None,
    "av_covered_pct": None,
    **NOT_REVIEWED,
}

CITY: dict[str, Any] = {
    **DISTRICT,
    "inspections": 4,
    "violations_found": 10,
    "rectification_orders": 3,
    "cases_filed": 7,
    "cases_filed_yoy_pct": Decimal("250.0"),  # (7 − 2) / 2
    "preventive_cases": 5,
    "certified_officers": 15,
}

PRIOR_COMPUTED = {
    "year": 2024,
    "cases_filed": 2,
    "cases_filed_source": "computed",
    "fines_total_wan": Decimal("3.00"),
    "fines_total_wan_source": "computed",
}
PRIOR_NONE = {**PRIOR_COMPUTED, "cases_filed": 0, "fines_total_wan": Decimal("0.00")}
