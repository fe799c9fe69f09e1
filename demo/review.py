"""The demo's case-file review (seed_demo): a finished 2026 cross-review campaign of the city bureau.

The districts 鼓楼 and 台江 review each other's files and their streets' (交叉评查): the sample is
drawn from the closed and archived files of the six bureaus and street offices with a fixed seed, the
reviewers are assigned at random, every file is scored — findings the system already knew confirmed,
deductions recorded with their reasons, one file failed by a veto item and confirmed by a second
reviewer — rectification items are sent to the files' organisations, and the campaign is finished.

Everything goes through review.services with dates between the reference day's first working days
of November and the reference day itself. Its own random.Random, so the rest of the demo draws the
same as before. Idempotent: when the campaign exists nothing is done.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.services import user_create
from review import services
from review.models import Campaign, ScoreSheet, Suggestion
from review.standards import standard_load_file

CAMPAIGN_NAME = "2026年度安全生产行政处罚案卷交叉评查"
SEED = "榕城-2026-交叉评查"
ORGANISER = "RC"
UNDER_REVIEW = ("GL", "GD", "WQ", "TJ", "YZ", "HZ")
REVIEWERS = ("gl_reviewer", "tj_reviewer")
# A second reviewer in each district, so a file failed by one can be reviewed again by another (the
# demo's own users have one reviewer per bureau).
EXTRA_REVIEWERS = (("gl_reviewer2", "GL", "郑雅文"), ("tj_reviewer2", "TJ", "林思成"))

# Deductions a reviewer typically records, with the reason as written on a score sheet.
DEDUCTIONS: tuple[tuple[str, tuple[int, int], str | None, str], ...] = (
    ("D01", (1, 3), None, "询问笔录、现场检查记录使用旧版文书格式"),
    ("F03", (1, 2), "1", "询问笔录未载明询问起止时间"),
    ("S02", (1, 1), None, "现场检查记录未记录执法人员出示执法证件"),
    ("F02", (1, 2), None, "现场照片未注明拍摄时间、地点和拍摄人"),
    ("L02", (1, 1), "2", "处罚决定书未说明适用自由裁量基准的理由"),
    ("P07", (1, 1), "1", "法制审核意见书未对裁量幅度发表意见"),
    ("D06", (1, 1), "1", "卷内目录所列页码与实际页码不一致"),
    ("A03", (1, 1), "0.5", "卷宗装订遮挡文书正文"),
    ("D02", (1, 2), "0.5", "送达回证未填写送达地点"),
    ("F04", (1, 1), "3", "询问笔录所述违法时间与现场检查记录不一致，未作说明"),
    ("P02", (1, 1), "2", "行政处罚告知书未载明陈述申辩的期限"),
    ("L03", (1, 1), "3", "同类违法行为处罚幅度明显高于本机关其他案件，未说明理由"),
)
# One file with more serious defects, so the results show a 良好 beside the 优秀 ones.
WEAK = (
    ("F04", 2, "3", "询问笔录所述违法时间与现场检查记录不一致，未作说明；证人证言与现场照片相互矛盾"),
    ("L02", 1, "4", "处罚决定书未说明适用自由裁量基准的理由，裁量阶次与违法情节不符"),
    ("P02", 1, "2", "行政处罚告知书未载明陈述申辩的期限"),
)
VETO = (
    "V05",
    "现场检查记录和询问笔录均无当事人签字确认，亦无现场照片或音像记录，违法事实仅有执法人员陈述，主要证据不足",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _reviewers(
    organisations: dict[str, Organisation], users: dict[str, User], password_hash: str
) -> list[User]:
    found = [users[name] for name in REVIEWERS]
    for username, code, full_name in EXTRA_REVIEWERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=None,
                full_name=full_name,
                organisation=organisations[code],
                roles=[Role.CASEFILE_REVIEWER],
            )
            user.password = password_hash
            user.save(update_fields=["password"])
        found.append(user)
    return found


def demo_review_seed(
    *, organisations: dict[str, Organisation], users: dict[str, User], password_hash: str
) -> Campaign:
    """Build the demo campaign unless it exists; return it."""
    existing = Campaign.objects.filter(name=CAMPAIGN_NAME, organiser=organisations[ORGANISER]).first()
    if existing is not None:
        return existing
    rng = random.Random(SEED)
    standard, _ = standard_load_file()
    organiser_admin = users[f"{ORGANISER.lower()}_admin"]
    reviewers = _reviewers(organisations, users, password_hash)
    campaign = services.campaign_create(
        actor=organiser_admin,
        organiser=organisations[ORGANISER],
        settings=services.CampaignSettings(
            name=CAMPAIGN_NAME,
            kind=Campaign.Kind.CROSS,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 10, 31),
            standard=standard,
            organisations=[organisations[code] for code in UNDER_REVIEW],
            reviewers=reviewers,
            sample_percent=Decimal("50"),
            sample_min=2,
        ),
        now=_at(date(2026, 11, 2), 9),
    )
    services.campaign_draw_sample(
        campaign_id=campaign.pk, actor=organiser_admin, seed=SEED, now=_at(date(2026, 11, 2), 10)
    )
    services.campaign_assign(campaign_id=campaign.pk, actor=organiser_admin, now=_at(date(2026, 11, 3), 9))

    sheets = list(
        ScoreSheet.objects.filter(campaign=campaign)
        .select_related("reviewer", "case")
        .order_by("sample__position")
    )
    vetoed = rng.choice(sheets)
    weak = rng.choice([s for s in sheets if s is not vetoed])
    for sheet in sheets:
        day = date(2026, 11, rng.choice((4, 5, 6, 9, 10, 11, 12)))
        _score(sheet, vetoed=sheet is vetoed, weak=sheet is weak, day=day, rng=rng)
    # The failed file went to a second reviewer, who agrees.
    vetoed.refresh_from_db()
    if vetoed.status == ScoreSheet.Status.SECOND_REVIEW:
        assert vetoed.second_reviewer is not None
        services.sheet_second_review(
            sheet_id=vetoed.pk,
            actor=vetoed.second_reviewer,
            agree=True,
            opinion="经复核，同意评为不合格。",
            now=_at(date(2026, 11, 16), 10),
        )
    services.campaign_finish(campaign_id=campaign.pk, actor=organiser_admin, now=_at(date(2026, 11, 17), 9))

    # Rectification of the failed file and of the weakest of the others; the failed file's
    # organisation reports one item done.
    worst = ScoreSheet.objects.filter(campaign=campaign).exclude(pk=vetoed.pk).order_by("score", "pk").first()
    issued = services.rectification_issue(
        sheet_id=vetoed.pk, actor=organiser_admin, due_on=date(2026, 12, 31), now=_at(date(2026, 11, 17), 15)
    )
    if worst is not None and worst.score is not None and worst.score < 100:
        services.rectification_issue(
            sheet_id=worst.pk,
            actor=organiser_admin,
            due_on=date(2026, 12, 31),
            now=_at(date(2026, 11, 17), 15),
        )
    head = User.objects.filter(
        organisation=vetoed.case.organisation, role_assignments__role=Role.DIVISION_HEAD
    ).first()
    if head is not None and issued:
        services.rectification_complete(
            rectification_id=issued[0].pk,
            actor=head,
            note="已组织承办人员补充调查，重新收集证据，并开展证据规则专题学习。",
            now=_at(date(2026, 11, 19), 16),
        )
    return Campaign.objects.get(pk=campaign.pk)


def _score(sheet: ScoreSheet, *, vetoed: bool, weak: bool, day: date, rng: random.Random) -> None:
    reviewer = sheet.reviewer
    moment = iter(range(9 * 60, 17 * 60, 7))

    def now() -> datetime:
        minutes = next(moment)
        return _at(day, minutes // 60, minutes % 60)

    for suggestion in Suggestion.objects.filter(sheet=sheet).select_related("item", "veto").order_by("pk"):
        if suggestion.item is None and suggestion.veto is None:
            services.suggestion_dismiss(
                sheet_id=sheet.pk,
                suggestion_id=suggestion.pk,
                actor=reviewer,
                note="经查阅纸质案卷，该材料已归卷",
                now=now(),
            )
            continue
        points = None
        if suggestion.item is not None and not suggestion.item.fixed:
            points = suggestion.item.deduction_min
        services.suggestion_confirm(
            sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=reviewer, points_each=points, now=now()
        )
    chosen = [
        (code, rng.randint(low, high), each, reason)
        for code, (low, high), each, reason in rng.sample(DEDUCTIONS, rng.randint(0, 4))
    ]
    for code, times, each, reason in [*chosen, *(WEAK if weak else ())]:
        services.sheet_deduction_add(
            sheet_id=sheet.pk,
            actor=reviewer,
            item_code=code,
            occurrences=times,
            points_each=Decimal(each) if each else None,
            reason=reason,
            now=now(),
        )
    if vetoed:
        services.sheet_veto_add(
            sheet_id=sheet.pk, actor=reviewer, veto_code=VETO[0], reason=VETO[1], now=now()
        )
    services.sheet_submit(
        sheet_id=sheet.pk,
        actor=reviewer,
        opinion="主要证据不足，评为不合格。" if vetoed else "案卷总体规范，扣分项已逐项列明。",
        now=now(),
    )
