"""Every write of the case-file review (SPEC §8): campaigns, sampling, assignment, scoring, rectification.

Each function is one transaction. A campaign's steps lock the campaign row; a score sheet's steps
lock the sheet row (select_for_update of the row only), check who acts and the sheet's state, change
it, and append to its event chain in the same transaction; notifications are stored in it too and
e-mailed after commit (notifications.services). Refusals are DomainErrors: 403 wrong person, 404
unseen, 409 not in this state, 400 bad input.

A campaign's and a sheet's status change only through their state machines (CAMPAIGN_FLOW,
SHEET_FLOW, core.engine): the same table answers "what may I do now" and refuses the rest, a status
change that is not possible here with the stable code `transition_not_available`. A sheet's events
are an append-only hash chain (core.audit), written only by `sheet_event_append`.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from casefiles.models import Case
from core.audit import chain_link, chain_problems
from core.dates import local_date
from core.engine import Context, Machine, Option, Transition
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from notifications.models import Notification
from notifications.services import Message, notifications_send
from review import assignment, sampling
from review.findings import findings_for
from review.models import (
    Campaign,
    CampaignEvent,
    Deduction,
    Grade,
    Rectification,
    SampledFile,
    ScoreSheet,
    ScoringStandard,
    SheetEvent,
    StandardItem,
    Suggestion,
    VetoFinding,
    VetoItem,
)
from review.scoring import SheetScore, sheet_score
from review.selectors import may_manage

NOTIFICATION_KIND = Notification.Kind.REVIEW
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_SEED = 64


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _require_manager(actor: User, organiser: Organisation) -> None:
    if not may_manage(user=actor, organiser=organiser):
        raise Forbidden(
            "只有组织机构的系统管理员或行政机关负责人可以设置和组织评查活动",
            reasons=[Reason("role_required", "需要“系统管理员”或“行政机关负责人”角色")],
        )


# --- the event chains -------------------------------------------------------------------------------------------


def sheet_event_append(
    *,
    sheets: Sequence[ScoreSheet],
    action: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | Callable[[ScoreSheet], dict[str, Any]] | None = None,
) -> list[SheetEvent]:
    """Append one event to each sheet's chain: the only writer of SheetEvent. The caller holds the
    sheets' row locks (or created them in its transaction), so their seq and heads stay consistent."""
    events = []
    for sheet in sheets:
        values = data(sheet) if callable(data) else (data or {})
        event = chain_link(
            SheetEvent(sheet=sheet, action=action, actor=actor, at=at, note=note, data=values),
            count=sheet.event_seq,
            head=sheet.event_head,
        )
        sheet.event_seq, sheet.event_head = event.seq, event.hash
        events.append(event)
    SheetEvent.objects.bulk_create(events)
    if len(sheets) == 1:
        ScoreSheet.objects.filter(pk=sheets[0].pk).update(
            event_seq=sheets[0].event_seq, event_head=sheets[0].event_head
        )
    else:
        ScoreSheet.objects.bulk_update(sheets, ["event_seq", "event_head"], batch_size=500)
    return events


def campaign_event_append(
    campaign: Campaign,
    *,
    transition: Transition,
    from_state: str,
    actor: User | None,
    at: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CampaignEvent:
    """CAMPAIGN_FLOW's audit row, appended to the campaign's chain: the only writer of CampaignEvent.
    The caller holds the campaign's row lock."""
    values = {**(data or {}), "from": from_state, "to": transition.target}
    event = chain_link(
        CampaignEvent(
            campaign=campaign, action=transition.action, actor=actor, at=at, note=note, data=values
        ),
        count=campaign.event_seq,
        head=campaign.event_head,
    )
    event.save()
    campaign.event_seq, campaign.event_head = event.seq, event.hash
    Campaign.objects.filter(pk=campaign.pk).update(event_seq=event.seq, event_head=event.hash)
    return event


def campaign_chain_problems(*, campaign: Campaign) -> list[str]:
    """Where the campaign's event chain was edited, relinked or cut short (empty when whole)."""
    events = list(CampaignEvent.objects.filter(campaign_id=campaign.pk).order_by("seq"))
    return chain_problems(events, head=campaign.event_head, count=campaign.event_seq, label="评查活动记录")


def sheet_chain_problems(*, sheet: ScoreSheet) -> list[str]:
    """Where the sheet's event chain was edited, relinked or cut short (empty when whole)."""
    events = list(SheetEvent.objects.filter(sheet_id=sheet.pk).order_by("seq"))
    return chain_problems(events, head=sheet.event_head, count=sheet.event_seq, label="评查表记录")


def _sheet_transition_event(
    sheet: ScoreSheet,
    *,
    transition: Transition,
    from_state: str,
    actor: User,
    at: datetime,
    note: str,
    data: dict[str, Any],
) -> SheetEvent:
    """SHEET_FLOW's audit row: the transition's action, with where it went from and to."""
    values = {**data, "from": from_state, "to": transition.target}
    (event,) = sheet_event_append(
        sheets=[sheet], action=transition.action, actor=actor, at=at, note=note, data=values
    )
    return event


# --- the state machines ------------------------------------------------------------------------------------------


def _manages(campaign: Campaign, actor: User) -> Reason | None:
    if may_manage(user=actor, organiser=campaign.organiser):
        return None
    return Reason("role_required", "只有组织机构的系统管理员或行政机关负责人可以组织评查活动")


def _sheets_completed(campaign: Campaign, ctx: Context) -> Reason | None:
    left = ScoreSheet.objects.filter(campaign=campaign).exclude(status=ScoreSheet.Status.COMPLETED).count()
    if left:
        return Reason("sheets_open", f"还有 {left} 份评查表未完成，不能结束评查活动")
    return None


def _sampled_already(campaign: Campaign) -> str:
    if campaign.sampled_at is None:
        return f"评查活动{campaign.get_status_display()}，不能抽取案卷"
    return f"已于 {timezone.localtime(campaign.sampled_at):%Y-%m-%d %H:%M} 抽取案卷，不能重新抽取"


S = Campaign.Status
CAMPAIGN_FLOW = Machine(
    state_field="status",
    transitions=[
        Transition(
            "sample",
            (S.DRAFT,),
            S.SAMPLED,
            "随机抽取案卷",
            permission=_manages,
            event="sampled",
            not_here=_sampled_already,
        ),
        Transition(
            "assign",
            (S.SAMPLED,),
            S.REVIEWING,
            "随机分配评查人员",
            permission=_manages,
            event="assigned",
            not_here=lambda c: "只能在抽取案卷之后、评查开始之前分配评查人员",
        ),
        Transition(
            "finish",
            (S.REVIEWING,),
            S.FINISHED,
            "结束评查活动",
            permission=_manages,
            guards=(_sheets_completed,),
            event="finished",
            not_here=lambda c: "只有评查中的活动可以结束",
        ),
    ],
    audit=campaign_event_append,
)


def _reviews(sheet: ScoreSheet, actor: User) -> Reason | None:
    if sheet.reviewer_id == actor.pk:
        return None
    return Reason("not_the_reviewer", "只有分配到该案卷的评查人员可以评分")


def _second_reviews(sheet: ScoreSheet, actor: User) -> Reason | None:
    if sheet.second_reviewer_id is not None and sheet.second_reviewer_id == actor.pk:
        return None
    return Reason("not_the_second_reviewer", "只有指定的复核人员可以复核该评查表")


def _suggestions_decided(sheet: ScoreSheet, ctx: Context) -> Reason | None:
    pending = Suggestion.objects.filter(sheet=sheet, status=Suggestion.Status.PENDING).count()
    if pending:
        return Reason("suggestions_pending", f"还有 {pending} 条自动发现的扣分建议未确认或排除")
    return None


def _submitted(sheet: ScoreSheet) -> str:
    return f"评查表已提交（{sheet.get_status_display()}），不能修改"


def _not_in_second_review(sheet: ScoreSheet) -> str:
    return f"评查表当前{sheet.get_status_display()}，不在待复核状态"


SHEET_LOCKED = Reason("sheet_locked", "评查表提交后锁定")
T = ScoreSheet.Status
SHEET_FLOW = Machine(
    state_field="status",
    transitions=[
        Transition(
            "submit",
            (T.DRAFT,),
            T.COMPLETED,
            "提交评查表",
            permission=_reviews,
            guards=(_suggestions_decided,),
            event="submitted",
            not_here=_submitted,
            not_here_reasons=(SHEET_LOCKED,),
        ),
        # A 不合格 file, when the campaign wants a second reviewer's look first.
        Transition(
            "submit_for_second_review",
            (T.DRAFT,),
            T.SECOND_REVIEW,
            "提交评查表（不合格，送复核）",
            permission=_reviews,
            guards=(_suggestions_decided,),
            event="submitted",
            not_here=_submitted,
            not_here_reasons=(SHEET_LOCKED,),
        ),
        Transition(
            "confirm",
            (T.SECOND_REVIEW,),
            T.COMPLETED,
            "复核同意",
            permission=_second_reviews,
            event="second_review_confirmed",
            not_here=_not_in_second_review,
        ),
        Transition(
            "return",
            (T.SECOND_REVIEW,),
            T.DRAFT,
            "复核退回",
            permission=_second_reviews,
            event="second_review_returned",
            not_here=_not_in_second_review,
        ),
    ],
    audit=_sheet_transition_event,
)


def campaign_available_transitions(
    *, campaign: Campaign, actor: User, now: datetime | None = None
) -> list[Option]:
    """What this user may do with the campaign now, and for what is blocked here, why."""
    return CAMPAIGN_FLOW.options(campaign, actor=actor, now=now)


def sheet_available_transitions(
    *, sheet: ScoreSheet, actor: User, now: datetime | None = None
) -> list[Option]:
    """What this user may do with the score sheet's status now, and for what is blocked here, why."""
    return SHEET_FLOW.options(sheet, actor=actor, now=now)


# --- campaigns ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignSettings:
    name: str
    kind: str
    period_start: date
    period_end: date
    standard: ScoringStandard
    organisations: Sequence[Organisation]
    reviewers: Sequence[User]
    sample_percent: Decimal
    sample_min: int = 3
    procedure: str = ""
    second_review_on_fail: bool = True


def _check_settings(organiser: Organisation, s: CampaignSettings, *, new_standard: bool) -> None:
    errors: dict[str, list[str]] = {}
    if s.kind not in Campaign.Kind.values:
        errors["kind"] = [f"评查方式应为 {'、'.join(Campaign.Kind.values)} 之一"]
    if not (MIN_YEAR <= s.period_start.year <= MAX_YEAR and MIN_YEAR <= s.period_end.year <= MAX_YEAR):
        errors["period_start"] = [f"评查期间应在 {MIN_YEAR}–{MAX_YEAR} 年之内"]
    elif s.period_start > s.period_end:
        errors["period_end"] = ["截止日不能早于起始日"]
    if not (Decimal(0) < s.sample_percent <= Decimal(100)):
        errors["sample_percent"] = ["抽取比例须大于 0 且不超过 100"]
    if not 0 <= s.sample_min <= 1000:
        errors["sample_min"] = ["每个机构至少抽取的件数应在 0–1000 之间"]
    if s.procedure not in ("", *Case.Procedure.values):
        errors["procedure"] = ["程序应为 general、summary 或空"]
    if new_standard and not s.standard.active:
        errors["standard"] = ["该评查标准版本已停用，请选择现行版本"]
    if not s.organisations:
        errors["organisations"] = ["至少选择一个被评查机构"]
    outside = [o.name for o in s.organisations if not o.path.startswith(organiser.path)]
    if outside:
        errors["organisations"] = [f"被评查机构须属于组织机构{organiser.name}及其下级：{'、'.join(outside)}"]
    not_reviewers = [str(u) for u in s.reviewers if not (u.is_active and u.has_role(Role.CASEFILE_REVIEWER))]
    if not_reviewers:
        errors["reviewers"] = [f"以下人员不是在岗的案卷评查人员：{'、'.join(not_reviewers)}"]
    elsewhere = [
        str(u)
        for u in s.reviewers
        if u.organisation is None or not u.organisation.path.startswith(organiser.path)
    ]
    if elsewhere:
        errors["reviewers"] = [f"评查人员须属于组织机构{organiser.name}及其下级：{'、'.join(elsewhere)}"]
    if errors:
        raise InvalidInput(
            "评查活动设置有误：" + "；".join(m for ms in errors.values() for m in ms), errors=errors
        )


def campaign_create(
    *, actor: User, organiser: Organisation, settings: CampaignSettings, now: datetime | None = None
) -> Campaign:
    _require_manager(actor, organiser)
    _check_settings(organiser, settings, new_standard=True)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=settings.name,
            kind=settings.kind,
            organiser=organiser,
            period_start=settings.period_start,
            period_end=settings.period_end,
            standard=settings.standard,
            procedure=settings.procedure,
            sample_percent=settings.sample_percent,
            sample_min=settings.sample_min,
            second_review_on_fail=settings.second_review_on_fail,
            created_by=actor,
            created_at=_now(now),
        )
        campaign.organisations.set(settings.organisations)
        campaign.reviewers.set(settings.reviewers)
    return campaign


def _lock_campaign(campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("organiser", "standard")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        raise NotFound("评查活动不存在")
    return campaign


# Before the sample is drawn everything may change; afterwards only the name and the reviewers
# (a reviewer may join for second reviews; one who holds sheets may not leave).
LATE_CHANGES = frozenset({"name", "reviewers"})


def campaign_update(*, campaign_id: int, actor: User, changes: dict[str, Any]) -> Campaign:
    with transaction.atomic():
        campaign = _lock_campaign(campaign_id)
        _require_manager(actor, campaign.organiser)
        if campaign.status == Campaign.Status.FINISHED:
            raise Conflict("评查活动已完成，不能修改")
        if campaign.status != Campaign.Status.DRAFT and set(changes) - LATE_CHANGES:
            fields = "、".join(sorted(set(changes) - LATE_CHANGES))
            raise Conflict(f"已抽取案卷，只能修改名称和评查人员（不能修改：{fields}）")
        unknown = set(changes) - set(CampaignSettings.__dataclass_fields__)
        if unknown:
            raise InvalidInput(f"不能修改：{'、'.join(sorted(unknown))}")
        current = CampaignSettings(
            name=campaign.name,
            kind=campaign.kind,
            period_start=campaign.period_start,
            period_end=campaign.period_end,
            standard=campaign.standard,
            organisations=list(campaign.organisations.all()),
            reviewers=list(campaign.reviewers.all()),
            sample_percent=campaign.sample_percent,
            sample_min=campaign.sample_min,
            procedure=campaign.procedure,
            second_review_on_fail=campaign.second_review_on_fail,
        )
        updated = CampaignSettings(**{**current.__dict__, **changes})
        _check_settings(campaign.organiser, updated, new_standard="standard" in changes)
        if "reviewers" in changes:
            leaving = {u.pk for u in current.reviewers} - {u.pk for u in updated.reviewers}
            busy = ScoreSheet.objects.filter(campaign=campaign).filter(
                Q(reviewer_id__in=leaving) | Q(second_reviewer_id__in=leaving)
            )
            if busy.exists():
                raise Conflict("已分配评查表的评查人员不能移出评查活动")
        for name in ("name", "kind", "period_start", "period_end", "standard", "procedure"):
            setattr(campaign, name, getattr(updated, name))
        campaign.sample_percent = updated.sample_percent
        campaign.sample_min = updated.sample_min
        campaign.second_review_on_fail = updated.second_review_on_fail
        campaign.save()
        if "organisations" in changes:
            campaign.organisations.set(updated.organisations)
        if "reviewers" in changes:
            campaign.reviewers.set(updated.reviewers)
    return campaign


def campaign_draw_sample(
    *, campaign_id: int, actor: User, seed: str | None = None, now: datetime | None = None
) -> Campaign:
    """Draw the files (双随机, first draw): stratified by organisation and procedure, from the seed given
    or a new random one, which is stored. Drawn once: a campaign's sample never changes afterwards."""
    if seed is not None and not (0 < len(seed) <= MAX_SEED and seed.isprintable()):
        raise InvalidInput(f"随机种子应为 1–{MAX_SEED} 个可打印字符", errors={"seed": ["无效的随机种子"]})
    now = _now(now)
    with transaction.atomic():
        campaign = _lock_campaign(campaign_id)
        CAMPAIGN_FLOW.check(campaign, "sample", actor=actor, now=now)
        seed = seed or secrets.token_hex(8)
        organisations = list(campaign.organisations.order_by("pk"))
        found = sampling.population(
            organisation_ids=[o.pk for o in organisations],
            start=campaign.period_start,
            end=campaign.period_end,
            procedure=campaign.procedure,
        )
        strata = sampling.draw(
            seed=seed, populations=found, percent=campaign.sample_percent, minimum=campaign.sample_min
        )
        rows = []
        for stratum in strata:
            for case_id in stratum.drawn:
                rows.append(
                    SampledFile(
                        campaign=campaign,
                        case_id=case_id,
                        organisation_id=stratum.organisation_id,
                        procedure=stratum.procedure,
                        stratum_population=len(stratum.population),
                        stratum_drawn=len(stratum.drawn),
                        position=len(rows) + 1,
                    )
                )
        if not rows:
            raise Conflict(
                f"{campaign.period_start:%Y-%m-%d} 至 {campaign.period_end:%Y-%m-%d} 期间，被评查机构没有已结案或"
                "已归档的案卷，无法抽取",
                reasons=[Reason("no_files", "评查期间内没有可抽取的案卷")],
            )
        SampledFile.objects.bulk_create(rows)
        campaign.seed = seed
        campaign.sampled_at = now
        campaign.sampled_by = actor
        CAMPAIGN_FLOW.fire(
            campaign,
            "sample",
            actor=actor,
            now=now,
            data={"seed": seed, "files": len(rows)},
            update_fields=["seed", "sampled_at", "sampled_by"],
        )
    return campaign


def _candidates(users: Iterable[User]) -> list[assignment.Candidate]:
    return [
        assignment.Candidate(u.pk, str(u), u.organisation.path)
        for u in users
        if u.organisation is not None and u.is_active and u.has_role(Role.CASEFILE_REVIEWER)
    ]


def _reviewers_of(campaign: Campaign) -> list[User]:
    return list(
        campaign.reviewers.select_related("organisation").prefetch_related("role_assignments").order_by("pk")
    )


def _no_reviewer_error(error: assignment.NoEligibleReviewer) -> Conflict:
    lines = [
        f"{file.label}：{'；'.join(dict.fromkeys(r.message for r in reasons))}"
        for file, reasons in error.unassignable
    ]
    return Conflict(
        f"{len(lines)} 份案卷没有符合回避要求的评查人员，请增加评查人员后再分配：" + "；".join(lines[:10]),
        reasons=[Reason("no_eligible_reviewer", line) for line in lines],
    )


def campaign_assign(*, campaign_id: int, actor: User, now: datetime | None = None) -> Campaign:
    """Give every sampled file a reviewer at random (双随机, second draw), conflicts excluded, load
    balanced, and open its score sheet with the automatic findings as suggestions. All or nothing."""
    now = _now(now)
    with transaction.atomic():
        campaign = _lock_campaign(campaign_id)
        CAMPAIGN_FLOW.check(campaign, "assign", actor=actor, now=now)
        samples = list(
            SampledFile.objects.filter(campaign=campaign)
            .select_related("case__organisation")
            .order_by("position")
        )
        files = [
            assignment.FileToAssign(s.case_id, _case_label(s.case), s.case.organisation.path) for s in samples
        ]
        reviewers = _reviewers_of(campaign)
        try:
            chosen = assignment.assign(
                kind=campaign.kind,
                files=files,
                candidates=_candidates(reviewers),
                conflicts=assignment.conflicts_of(s.case_id for s in samples),
                rng=random.Random(f"{campaign.seed}|assign"),
            )
        except assignment.NoEligibleReviewer as error:
            raise _no_reviewer_error(error) from None
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(
                campaign=campaign, sample=s, case=s.case, reviewer_id=chosen[s.case_id], created_at=now
            )
            for s in samples
        )
        # New rows of this transaction: no one else can see them, let alone lock them.
        sheet_event_append(
            sheets=sheets,
            action="assigned",
            actor=actor,
            at=now,
            data=lambda sheet: {"reviewer": sheet.reviewer_id},
        )
        _prefill_suggestions(campaign, sheets)
        campaign.assigned_at = now
        CAMPAIGN_FLOW.fire(
            campaign,
            "assign",
            actor=actor,
            now=now,
            data={"sheets": len(sheets)},
            update_fields=["assigned_at"],
        )
        per_reviewer: dict[int, int] = {}
        for sheet in sheets:
            per_reviewer[sheet.reviewer_id] = per_reviewer.get(sheet.reviewer_id, 0) + 1
        by_id = {u.pk: u for u in reviewers}
        notifications_send(
            messages=[
                Message(
                    user=by_id[user_id],
                    kind=NOTIFICATION_KIND,
                    key=f"review:assigned:{campaign.pk}:{user_id}",
                    title=f"案卷评查任务：{campaign.name}",
                    body=f"您被随机分配评查 {n} 份案卷（{campaign.get_kind_display()}），请按评查标准逐份评分。",
                )
                for user_id, n in per_reviewer.items()
            ],
            now=now,
        )
    return campaign


def _case_label(case: Case) -> str:
    return case.number or f"案件 {case.pk}"


def _prefill_suggestions(campaign: Campaign, sheets: list[ScoreSheet]) -> None:
    items: dict[str, StandardItem] = {}
    for item in StandardItem.objects.filter(category__standard=campaign.standard):
        for code in item.finding_codes:
            items[code] = item
    vetoes: dict[str, VetoItem] = {}
    for veto in VetoItem.objects.filter(standard=campaign.standard):
        for code in veto.finding_codes:
            vetoes[code] = veto
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[s.case_id for s in sheets]).select_related("organisation")
    }
    rows = []
    for sheet in sheets:
        for finding in findings_for(cases[sheet.case_id]):
            rows.append(
                Suggestion(
                    sheet=sheet,
                    source=finding.source,
                    code=finding.code,
                    message=finding.message,
                    occurrences=max(1, min(finding.occurrences, 99)),
                    item=items.get(finding.code),
                    veto=None if finding.code in items else vetoes.get(finding.code),
                )
            )
    Suggestion.objects.bulk_create(rows)


def campaign_finish(*, campaign_id: int, actor: User, now: datetime | None = None) -> Campaign:
    now = _now(now)
    with transaction.atomic():
        campaign = _lock_campaign(campaign_id)
        campaign.finished_at = now
        CAMPAIGN_FLOW.fire(campaign, "finish", actor=actor, now=now, update_fields=["finished_at"])
    return campaign


# --- score sheets -----------------------------------------------------------------------------------------------


def _lock_sheet(sheet_id: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("campaign__standard", "case__organisation", "reviewer", "second_reviewer")
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None:
        raise NotFound("评查表不存在")
    return sheet


def _editable_by(sheet: ScoreSheet, actor: User) -> None:
    if sheet.reviewer_id != actor.pk:
        raise Forbidden(
            "只有分配到该案卷的评查人员可以评分",
            reasons=[Reason("not_the_reviewer", "您不是该评查表的评查人员")],
        )
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise Conflict(
            f"评查表已提交（{sheet.get_status_display()}），不能修改",
            reasons=[Reason("sheet_locked", "评查表提交后锁定")],
        )


def _event(
    sheet: ScoreSheet, action: str, actor: User, now: datetime, note: str = "", **data: Any
) -> SheetEvent:
    (event,) = sheet_event_append(sheets=[sheet], action=action, actor=actor, at=now, note=note, data=data)
    return event


def _item(sheet: ScoreSheet, code: str) -> StandardItem:
    item = StandardItem.objects.filter(category__standard_id=sheet.campaign.standard_id, code=code).first()
    if item is None:
        raise InvalidInput(f"评查标准中没有扣分项“{code}”", errors={"item": [f"没有扣分项“{code}”"]})
    return item


def _veto(sheet: ScoreSheet, code: str) -> VetoItem:
    veto = VetoItem.objects.filter(standard_id=sheet.campaign.standard_id, code=code).first()
    if veto is None:
        raise InvalidInput(f"评查标准中没有否决项“{code}”", errors={"veto": [f"没有否决项“{code}”"]})
    return veto


def _points_each(item: StandardItem, points_each: Decimal | None) -> Decimal:
    if points_each is None:
        if item.fixed:
            return item.deduction_min
        raise InvalidInput(
            f"扣分项 {item.code} 每处扣 {item.deduction_min}–{item.deduction_max} 分，请填写每处扣分",
            errors={"points_each": ["请填写每处扣分"]},
        )
    if not item.deduction_min <= points_each <= item.deduction_max:
        raise InvalidInput(
            f"扣分项 {item.code} 每处扣分应在 {item.deduction_min}–{item.deduction_max} 分之间",
            errors={"points_each": [f"应在 {item.deduction_min}–{item.deduction_max} 分之间"]},
        )
    return points_each


def _reason(text: str | None, field: str = "reason") -> str:
    if text is None or not text.strip():
        raise InvalidInput("请写明理由", errors={field: ["请写明理由"]})
    return text.strip()


def _deduction(
    sheet: ScoreSheet,
    item: StandardItem,
    occurrences: int,
    points_each: Decimal | None,
    reason: str,
    now: datetime,
    suggestion: Suggestion | None = None,
) -> Deduction:
    if not 1 <= occurrences <= 99:
        raise InvalidInput("处数应在 1–99 之间", errors={"occurrences": ["处数应在 1–99 之间"]})
    each = _points_each(item, points_each)
    return Deduction.objects.create(
        sheet=sheet,
        item=item,
        occurrences=occurrences,
        points_each=each,
        points=each * occurrences,
        reason=reason,
        suggestion=suggestion,
        created_at=now,
    )


def sheet_deduction_add(
    *,
    sheet_id: int,
    actor: User,
    item_code: str,
    reason: str,
    occurrences: int = 1,
    points_each: Decimal | None = None,
    now: datetime | None = None,
) -> Deduction:
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        _editable_by(sheet, actor)
        deduction = _deduction(sheet, _item(sheet, item_code), occurrences, points_each, _reason(reason), now)
        _event(
            sheet,
            "deduction_added",
            actor,
            now,
            deduction.reason,
            item=item_code,
            points=str(deduction.points),
        )
    return deduction


def sheet_deduction_remove(
    *, sheet_id: int, deduction_id: int, actor: User, now: datetime | None = None
) -> None:
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        _editable_by(sheet, actor)
        deduction = (
            Deduction.objects.select_related("item", "suggestion")
            .filter(pk=deduction_id, sheet=sheet)
            .first()
        )
        if deduction is None:
            raise NotFound("扣分记录不存在")
        _reopen(deduction.suggestion)
        deduction.delete()
        _event(sheet, "deduction_removed", actor, now, item=deduction.item.code)


def sheet_veto_add(
    *, sheet_id: int, actor: User, veto_code: str, reason: str, now: datetime | None = None
) -> VetoFinding:
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        _editable_by(sheet, actor)
        veto = _veto(sheet, veto_code)
        if VetoFinding.objects.filter(sheet=sheet, veto=veto).exists():
            raise Conflict(f"已记录否决项 {veto.code}")
        finding = VetoFinding.objects.create(sheet=sheet, veto=veto, reason=_reason(reason), created_at=now)
        _event(sheet, "veto_added", actor, now, finding.reason, veto=veto_code)
    return finding


def sheet_veto_remove(*, sheet_id: int, finding_id: int, actor: User, now: datetime | None = None) -> None:
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        _editable_by(sheet, actor)
        finding = (
            VetoFinding.objects.select_related("veto", "suggestion")
            .filter(pk=finding_id, sheet=sheet)
            .first()
        )
        if finding is None:
            raise NotFound("否决记录不存在")
        _reopen(finding.suggestion)
        finding.delete()
        _event(sheet, "veto_removed", actor, now, veto=finding.veto.code)


def _reopen(suggestion: Suggestion | None) -> None:
    """Removing what a confirmed suggestion became puts the suggestion back to be decided."""
    if suggestion is not None:
        suggestion.status = Suggestion.Status.PENDING
        suggestion.note = ""
        suggestion.decided_at = None
        suggestion.save(update_fields=["status", "note", "decided_at"])


def _pending_suggestion(sheet: ScoreSheet, suggestion_id: int) -> Suggestion:
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("item", "veto")
        .filter(pk=suggestion_id, sheet=sheet)
        .first()
    )
    if suggestion is None:
        raise NotFound("扣分建议不存在")
    if suggestion.status != Suggestion.Status.PENDING:
        raise Conflict(f"该建议已{suggestion.get_status_display()}")
    return suggestion


def suggestion_confirm(
    *,
    sheet_id: int,
    suggestion_id: int,
    actor: User,
    item_code: str | None = None,
    veto_code: str | None = None,
    points_each: Decimal | None = None,
    occurrences: int | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Suggestion:
    """Take a suggestion over as a deduction (its item, or another one named) or a veto finding."""
    now = _now(now)
    if item_code and veto_code:
        raise InvalidInput("扣分项和否决项只能选一个", errors={"veto": ["扣分项和否决项只能选一个"]})
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        _editable_by(sheet, actor)
        suggestion = _pending_suggestion(sheet, suggestion_id)
        text = (reason or "").strip() or suggestion.message
        if veto_code or (not item_code and suggestion.veto_id):
            veto = _veto(sheet, veto_code) if veto_code else suggestion.veto
            assert veto is not None
            if VetoFinding.objects.filter(sheet=sheet, veto=veto).exists():
                raise Conflict(f"已记录否决项 {veto.code}")
            VetoFinding.objects.create(
                sheet=sheet, veto=veto, reason=text, suggestion=suggestion, created_at=now
            )
        else:
            item = _item(sheet, item_code) if item_code else suggestion.item
            if item is None:
                raise InvalidInput(
                    "评查标准中没有与该发现对应的扣分项，请选择扣分项或否决项",
                    errors={"item": ["请选择扣分项"]},
                )
            count = occurrences if occurrences is not None else suggestion.occurrences
            _deduction(sheet, item, count, points_each, text, now, suggestion)
        suggestion.status = Suggestion.Status.CONFIRMED
        suggestion.decided_at = now
        suggestion.save(update_fields=["status", "decided_at"])
        _event(sheet, "suggestion_confirmed", actor, now, text, code=suggestion.code)
    return suggestion


def suggestion_dismiss(
    *, sheet_id: int, suggestion_id: int, actor: User, note: str, now: datetime | None = None
) -> Suggestion:
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        _editable_by(sheet, actor)
        suggestion = _pending_suggestion(sheet, suggestion_id)
        suggestion.status = Suggestion.Status.DISMISSED
        suggestion.note = _reason(note, "note")
        suggestion.decided_at = now
        suggestion.save(update_fields=["status", "note", "decided_at"])
        _event(sheet, "suggestion_dismissed", actor, now, suggestion.note, code=suggestion.code)
    return suggestion


def _second_reviewer(sheet: ScoreSheet) -> User:
    """A second reviewer for a failed file: eligible for it as the first was, not the first, least busy."""
    campaign = sheet.campaign
    reviewers = [u for u in _reviewers_of(campaign) if u.pk != sheet.reviewer_id]
    load = dict(
        ScoreSheet.objects.filter(campaign=campaign)
        .values("second_reviewer")
        .annotate(n=Count("pk"))
        .values_list("second_reviewer", "n")
    )
    file = assignment.FileToAssign(sheet.case_id, _case_label(sheet.case), sheet.case.organisation.path)
    try:
        chosen = assignment.assign(
            kind=campaign.kind,
            files=[file],
            candidates=_candidates(reviewers),
            conflicts=assignment.conflicts_of([sheet.case_id]),
            rng=random.Random(f"{campaign.seed}|second|{sheet.pk}"),
            load={k: v for k, v in load.items() if k is not None},
        )
    except assignment.NoEligibleReviewer as error:
        conflict = _no_reviewer_error(error)
        raise Conflict(
            "该案卷评为不合格，须由第二名评查人员复核，但评查活动中没有其他符合回避要求的评查人员；"
            "请组织机构增加评查人员后再提交",
            reasons=[Reason("no_second_reviewer", "没有可以复核的第二名评查人员"), *conflict.reasons],
        ) from None
    return next(u for u in reviewers if u.pk == chosen[sheet.case_id])


def sheet_submit(*, sheet_id: int, actor: User, opinion: str = "", now: datetime | None = None) -> ScoreSheet:
    """Compute the score and grade and lock the sheet. A 不合格 file goes to a second reviewer first
    when the campaign requires it; otherwise the sheet is completed now."""
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        SHEET_FLOW.check(sheet, "submit", actor=actor, now=now)
        result: SheetScore = sheet_score(sheet=sheet)
        sheet.score, sheet.grade, sheet.vetoed = result.total, result.grade, result.vetoed
        sheet.opinion = opinion.strip()
        sheet.submitted_at = now
        messages = []
        if result.grade == Grade.FAIL and sheet.campaign.second_review_on_fail:
            if sheet.second_reviewer is None:
                sheet.second_reviewer = _second_reviewer(sheet)
            code = "submit_for_second_review"
        else:
            sheet.completed_at = now
            code = "submit"
        event = SHEET_FLOW.fire(
            sheet,
            code,
            actor=actor,
            now=now,
            note=sheet.opinion,
            data={"score": str(result.total), "grade": result.grade},
            update_fields=[
                "score",
                "grade",
                "vetoed",
                "opinion",
                "submitted_at",
                "completed_at",
                "second_reviewer",
            ],
        )
        if sheet.status == ScoreSheet.Status.SECOND_REVIEW:
            assert sheet.second_reviewer is not None
            messages.append(
                Message(
                    user=sheet.second_reviewer,
                    kind=NOTIFICATION_KIND,
                    key=f"review:second:{sheet.pk}:{event.pk}",
                    title=f"案卷评查复核：{_case_label(sheet.case)}",
                    body=f"该案卷初评 {result.total} 分，评为不合格，请复核（{sheet.campaign.name}）。",
                )
            )
        notifications_send(messages=messages, now=now)
    return sheet


def sheet_second_review(
    *, sheet_id: int, actor: User, agree: bool, opinion: str = "", now: datetime | None = None
) -> ScoreSheet:
    """The second reviewer confirms the 不合格 result (the sheet is completed) or returns the sheet to
    the first reviewer with a written opinion (it is unlocked for him, and submitted again)."""
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        if agree:
            sheet.second_opinion = opinion.strip()
            sheet.completed_at = now
            SHEET_FLOW.fire(
                sheet,
                "confirm",
                actor=actor,
                now=now,
                note=sheet.second_opinion,
                update_fields=["second_opinion", "completed_at"],
            )
            return sheet
        SHEET_FLOW.check(sheet, "return", actor=actor, now=now)
        sheet.second_opinion = _reason(opinion, "opinion")
        sheet.score, sheet.grade, sheet.vetoed, sheet.submitted_at = None, "", False, None
        event = SHEET_FLOW.fire(
            sheet,
            "return",
            actor=actor,
            now=now,
            note=sheet.second_opinion,
            update_fields=["second_opinion", "score", "grade", "vetoed", "submitted_at"],
        )
        notifications_send(
            messages=[
                Message(
                    user=sheet.reviewer,
                    kind=NOTIFICATION_KIND,
                    key=f"review:returned:{sheet.pk}:{event.pk}",
                    title=f"案卷评查复核退回：{_case_label(sheet.case)}",
                    body=f"复核意见：{sheet.second_opinion}",
                )
            ],
            now=now,
        )
    return sheet


# --- rectification (整改) --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RectificationSpec:
    description: str
    due_on: date | None = None


def _rectification_recipients(case: Case) -> list[User]:
    heads = User.objects.filter(
        organisation=case.organisation,
        is_active=True,
        role_assignments__role__in=[Role.DIVISION_HEAD, Role.AGENCY_HEAD],
    )
    handlers = case.officers.filter(is_active=True)
    return list(
        User.objects.filter(Q(pk__in=heads.values("pk")) | Q(pk__in=handlers.values("pk"))).order_by("pk")
    )


def rectification_issue(
    *,
    sheet_id: int,
    actor: User,
    items: Sequence[RectificationSpec] | None = None,
    due_on: date | None = None,
    now: datetime | None = None,
) -> list[Rectification]:
    """Send rectification items (整改) for a completed sheet to the organisation that handled the file.
    Without items, one per deduction and veto finding of the sheet (once per sheet)."""
    now = _now(now)
    with transaction.atomic():
        sheet = _lock_sheet(sheet_id)
        _require_manager(actor, sheet.campaign.organiser)
        if sheet.status != ScoreSheet.Status.COMPLETED:
            raise Conflict("评查表完成后才能下发整改事项")
        today = local_date(now)
        if items is None:
            if Rectification.objects.filter(sheet=sheet).exists():
                raise Conflict("该评查表已按扣分项下发过整改事项；补充整改事项请逐条填写")
            items = [
                RectificationSpec(f"【否决项 {v.veto.code}】{v.veto.text}：{v.reason}", due_on)
                for v in VetoFinding.objects.filter(sheet=sheet).select_related("veto").order_by("pk")
            ] + [
                RectificationSpec(
                    f"【扣分项 {d.item.code}，扣 {d.points} 分】{d.item.text}：{d.reason}", due_on
                )
                for d in Deduction.objects.filter(sheet=sheet).select_related("item").order_by("pk")
            ]
            if not items:
                raise Conflict("该案卷没有扣分项或否决项，无需整改")
        for spec in items:
            if not spec.description.strip():
                raise InvalidInput("整改内容不能为空", errors={"items": ["整改内容不能为空"]})
            if spec.due_on is not None and spec.due_on < today:
                raise InvalidInput("整改期限不能早于今天", errors={"due_on": ["整改期限不能早于今天"]})
        created = Rectification.objects.bulk_create(
            Rectification(
                sheet=sheet,
                case=sheet.case,
                organisation=sheet.case.organisation,
                description=spec.description.strip(),
                due_on=spec.due_on,
                issued_by=actor,
                issued_at=now,
            )
            for spec in items
        )
        _event(sheet, "rectification_issued", actor, now, count=len(created))
        case = sheet.case
        notifications_send(
            messages=[
                Message(
                    user=user,
                    kind=NOTIFICATION_KIND,
                    key=f"review:rectification:{item.pk}",
                    title=f"案卷评查整改通知：{_case_label(case)}",
                    body=item.description + (f"（整改期限 {item.due_on:%Y-%m-%d}）" if item.due_on else ""),
                    case_id=case.pk,
                )
                for item in created
                for user in _rectification_recipients(case)
            ],
            now=now,
        )
    return created


def may_complete_rectification(*, user: User, rectification: Rectification) -> bool:
    """The handling organisation closes its items: its heads (or a superior's), or a handler of the case."""
    if user.is_superuser:
        return True
    if rectification.case.officers.filter(pk=user.pk).exists():
        return True
    in_subtree = user.organisation is not None and rectification.organisation.path.startswith(
        user.organisation.path
    )
    return in_subtree and any(user.has_role(r) for r in (Role.DIVISION_HEAD, Role.AGENCY_HEAD))


def rectification_complete(
    *, rectification_id: int, actor: User, note: str, now: datetime | None = None
) -> Rectification:
    now = _now(now)
    with transaction.atomic():
        item = (
            Rectification.objects.select_for_update(of=("self",))
            .select_related("organisation", "case", "issued_by")
            .filter(pk=rectification_id)
            .first()
        )
        if item is None:
            raise NotFound("整改事项不存在")
        if not may_complete_rectification(user=actor, rectification=item):
            raise Forbidden(
                "只有办案机构的负责人或本案承办人员可以报告整改完成",
                reasons=[Reason("not_handling_organisation", "您不属于整改机构")],
            )
        if item.status != Rectification.Status.OPEN:
            raise Conflict("该整改事项已完成")
        item.status = Rectification.Status.DONE
        item.done_by = actor
        item.done_at = now
        item.done_note = _reason(note, "note")
        item.save(update_fields=["status", "done_by", "done_at", "done_note"])
        notifications_send(
            messages=[
                Message(
                    user=item.issued_by,
                    kind=NOTIFICATION_KIND,
                    key=f"review:rectification-done:{item.pk}",
                    title=f"整改完成：{_case_label(item.case)}",
                    body=f"{item.organisation.name}报告整改完成：{item.done_note}",
                )
            ],
            now=now,
        )
    return item
