"""Builders for the case-file review tests: closed files made through the workflow, reviewers, campaigns."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from accounts.models import Organisation, User
from accounts.policy import AvActivity
from accounts.roles import Role
from casefiles.models import Case
from law.calendar import add_working_days
from review import services
from review.models import Campaign, ScoreSheet, ScoringStandard
from review.standards import standard_load_file
from tests.factories import World, at, entity, user
from tests.workflow.test_guards import deliberate, to_deliberation
from workflow import services as workflow

_n = itertools.count(1)


def default_standard() -> ScoringStandard:
    # Loaded by migration 0002; loaded again here (idempotent) for tests that run after a flush.
    return standard_load_file()[0]


def reviewer(organisation: Organisation, name: str | None = None) -> User:
    return user(name or f"reviewer{next(_n)}", organisation, Role.CASEFILE_REVIEWER, certified=False)


def officers_of(organisation: Organisation, count: int = 2) -> list[User]:
    return [user(f"officer_{organisation.code}_{next(_n)}", organisation, Role.OFFICER) for _ in range(count)]


def closed_summary(
    w: World,
    *,
    organisation: Organisation | None = None,
    officers: list[User] | None = None,
    day: date = date(2026, 3, 2),
    av_gaps: int = 0,
) -> Case:
    """A summary-procedure file (warning on the spot) taken to closed through the workflow; with
    `av_gaps` on-site inspections recorded that have no audio-video record."""
    officers = officers or [w.officer1, w.officer2]
    lead = officers[0]
    case = workflow.case_create(
        actor=lead,
        organisation=organisation or w.district,
        title="未按规定佩戴劳动防护用品",
        facts="现场检查发现作业人员未佩戴安全帽。",
        origin=Case.Origin.INSPECTION,
        procedure=Case.Procedure.SUMMARY,
        party=entity(),
        violation_type=w.vt,
        officers=officers,
        now=at(day.year, day.month, day.day, 9),
    )
    for minute in range(av_gaps):
        workflow.activity_record(
            case_id=case.pk,
            actor=lead,
            kind=AvActivity.ONSITE_INSPECTION,
            occurred_at=at(day.year, day.month, day.day, 9, 10 + minute),
        )
    when = at(day.year, day.month, day.day, 10)
    workflow.case_transition(
        case_id=case.pk, transition="record_onsite_decision", actor=lead, data={"warning": True}, now=when
    )
    workflow.case_transition(
        case_id=case.pk,
        transition="serve_decision",
        actor=lead,
        data={"served_on": day.isoformat(), "method": "direct"},
        now=at(day.year, day.month, day.day, 11),
    )
    workflow.case_transition(
        case_id=case.pk, transition="start_execution", actor=lead, now=at(day.year, day.month, day.day, 12)
    )
    return workflow.case_transition(
        case_id=case.pk,
        transition="close",
        actor=lead,
        data={"outcome": "nothing_to_pay"},
        now=at(day.year, day.month, day.day, 15),
    )


def closed_major(w: World, *, served_on: date = date(2026, 3, 16)) -> Case:
    """A major general-procedure file: legal checks by w.legal, decided by w.agency_head after a
    deliberation on 13 March 2026, served on `served_on` (late after 24 March: seven working days),
    published the next working day (late too, then), paid and closed."""
    case = to_deliberation(w)
    deliberate(w, case, w.members[:3])
    served = at(served_on.year, served_on.month, served_on.day)
    w.serve_decision(case, served)
    published = add_working_days(served_on, 1)
    w.publish(case, at(published.year, published.month, published.day))
    started = add_working_days(published, 1)
    w.fire(case, "start_execution", w.officer1, at(started.year, started.month, started.day))
    paid = add_working_days(started, 3)
    return w.close_paid(case, at(paid.year, paid.month, paid.day), "80000")


def campaign(
    *,
    actor: User,
    organiser: Organisation,
    organisations: list[Organisation],
    reviewers: list[User],
    kind: str = Campaign.Kind.SELF,
    percent: str = "100",
    minimum: int = 1,
    start: date = date(2026, 1, 1),
    end: date = date(2026, 12, 31),
    second_review_on_fail: bool = True,
    procedure: str = "",
) -> Campaign:
    return services.campaign_create(
        actor=actor,
        organiser=organiser,
        settings=services.CampaignSettings(
            name=f"评查活动{next(_n)}",
            kind=kind,
            period_start=start,
            period_end=end,
            standard=default_standard(),
            organisations=organisations,
            reviewers=reviewers,
            sample_percent=Decimal(percent),
            sample_min=minimum,
            procedure=procedure,
            second_review_on_fail=second_review_on_fail,
        ),
        now=at(2026, 11, 2),
    )


def started(c: Campaign, actor: User, seed: str = "2026-review") -> Campaign:
    services.campaign_draw_sample(campaign_id=c.pk, actor=actor, seed=seed, now=at(2026, 11, 2, 11))
    return services.campaign_assign(campaign_id=c.pk, actor=actor, now=at(2026, 11, 2, 12))


def single_reviewer_campaign(
    w: World, organisations: list[Organisation], name: str | None = None
) -> tuple[Campaign, User, User]:
    """The district's campaign without the second-review rule, its sample drawn and assigned to one
    district reviewer: (campaign, reviewer, the district admin who organised it)."""
    rev = reviewer(w.district, name)
    admin = manager(w.district)
    c = campaign(
        actor=admin,
        organiser=w.district,
        organisations=organisations,
        reviewers=[rev],
        second_review_on_fail=False,
    )
    started(c, admin)
    return c, rev, admin


def manager(organisation: Organisation) -> User:
    return user(f"admin{next(_n)}", organisation, Role.ADMIN, certified=False)


def deduct(sheet: ScoreSheet, actor: User, plan: list[tuple[str, int, str | None]], reason: str) -> None:
    """The reviewer records each (item, occurrences, points each or the item's own) of `plan`, with
    the reason "<item> `reason`"."""
    for code, times, each in plan:
        services.sheet_deduction_add(
            sheet_id=sheet.pk,
            actor=actor,
            item_code=code,
            occurrences=times,
            points_each=Decimal(each) if each else None,
            reason=f"{code} {reason}",
        )


# Per file: the deductions (item, occurrences, points each) and vetoes the reviewer records
# (finished_campaign).
PLAN = [
    ([("D01", 2, None)], []),  # 99
    ([("F03", 1, "2"), ("S02", 1, None)], []),  # 97
    ([("L02", 2, "5"), ("P01", 1, "3")], []),  # 87
    ([("F05", 6, "5"), ("L03", 1, "5")], []),  # 30 capped at 30 + 5 → 65
    ([("D01", 1, None)], ["V07"]),  # 99.5 but vetoed → 不合格
    ([("D01", 3, None), ("F03", 2, "1")], []),  # 96.5
]


def finished_campaign(w: World) -> Campaign:
    """A district campaign over six closed summary files (three of the district's, filed in March
    2026, three of its street's, in April), scored by PLAN and submitted on 10 November 2026:
    scores 99, 97, 87, 65, 99.5 (vetoed) and 96.5 — three 优秀, one 良好, one 合格, one 不合格, mean
    90.7 — one rectification issued, and finished."""
    street_officers = officers_of(w.street)
    for i in range(3):
        closed_summary(w, day=date(2026, 3, 2 + i))
        closed_summary(w, organisation=w.street, officers=street_officers, day=date(2026, 4, 6 + i))
    c, rev, admin = single_reviewer_campaign(w, [w.district, w.street], "scorer")
    sheets = list(ScoreSheet.objects.filter(campaign=c).order_by("sample__position"))
    for sheet, (deductions, vetoes) in zip(sheets, PLAN, strict=True):
        deduct(sheet, rev, deductions, "的情形")
        for code in vetoes:
            services.sheet_veto_add(sheet_id=sheet.pk, actor=rev, veto_code=code, reason="适用法律错误")
        services.sheet_submit(sheet_id=sheet.pk, actor=rev, now=at(2026, 11, 10))
    first = sheets[0]
    services.rectification_issue(sheet_id=first.pk, actor=admin)
    return services.campaign_finish(campaign_id=c.pk, actor=admin)
