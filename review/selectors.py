"""Reads of the case-file review: who sees what, the campaign results, the §9 figure, the file view.

Visibility (SPEC §1 subtree rule, extended by the review's own roles):
- a campaign: its organiser is in the user's subtree, or the user is one of its reviewers;
- a score sheet: the user is its reviewer or second reviewer, or the campaign's organiser is in the
  user's subtree, or — once completed — the file's own organisation is in the user's subtree
  (a bureau reads the result of its files, never a sheet still being scored);
- a rectification item: the campaign's organiser or the handling organisation is in the subtree.
A campaign's assigned reviewers read the case file of their sheets even when the case lies outside
their own subtree (cross-review): the sheet is their permission, and only through the review API.

Statistics are database aggregates: one query per figure group, whatever the number of sheets.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    prefetch_related_objects,
)

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import organisation_policy, user_can_see_organisation
from casefiles.models import Case, Evidence
from documents.selectors import documents_of
from review.models import (
    Campaign,
    Deduction,
    Grade,
    Rectification,
    SampledFile,
    ScoreSheet,
    ScoringStandard,
    SheetEvent,
    StandardCategory,
    Suggestion,
    VetoFinding,
)
from review.sampling import REVIEW_TZ
from review.scoring import ZERO, compute_score
from workflow import checklist
from workflow.selectors import case_history, legal_checks_of

MANAGER_ROLES = (Role.ADMIN, Role.AGENCY_HEAD)
TENTH = Decimal("0.1")
TOP_DEDUCTIONS = 10


def _subtree_q(user: User, field: str) -> Q:
    """`field` (a path to an Organisation) lies in the user's subtree; nothing for a user without one."""
    if user.is_superuser:
        return Q()
    if user.organisation_id is None:
        return Q(pk__in=[])
    return Q(**{f"{field}__path__startswith": user.organisation.path})


def standards_list() -> QuerySet[ScoringStandard]:
    return ScoringStandard.objects.annotate(
        categories_count=Count("categories", distinct=True), vetoes_count=Count("vetoes", distinct=True)
    ).order_by("code", "-version")


def standard_detail(*, standard_id: int) -> ScoringStandard | None:
    return (
        ScoringStandard.objects.filter(pk=standard_id).prefetch_related("categories__items", "vetoes").first()
    )


def campaigns_visible_to(*, user: User) -> QuerySet[Campaign]:
    if user.is_superuser:
        return Campaign.objects.all()
    reviewing = Campaign.reviewers.through.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk)
    return Campaign.objects.filter(_subtree_q(user, "organiser") | Q(Exists(reviewing)))


def campaign_visible(*, user: User, campaign_id: int) -> Campaign | None:
    return (
        campaigns_visible_to(user=user)
        .select_related("organiser", "standard", "created_by", "sampled_by")
        .filter(pk=campaign_id)
        .first()
    )


def campaign_detail(*, user: User, campaign_id: int) -> Campaign | None:
    """A campaign as its page and the API show it to this user, or None when he may not see it.
    Besides its fields and references it carries, read here rather than while it is rendered:
    - `organisations` and `reviewers`, prefetched;
    - `strata`: per organisation and procedure, how many files there were and how many were drawn;
    - `sheet_counts`: the number of score sheets in each status (every status, zeros included);
    - `may_manage`: whether this user may set it up and run it (may_manage).
    A fixed number of queries, whatever the number of organisations, reviewers, strata and sheets."""
    campaign = campaign_visible(user=user, campaign_id=campaign_id)
    if campaign is None:
        return None
    prefetch_related_objects([campaign], "organisations", "reviewers")
    campaign.strata = [
        {
            "organisation": r["organisation"],
            "procedure": r["procedure"],
            "population": r["stratum_population"],
            "drawn": r["stratum_drawn"],
        }
        for r in SampledFile.objects.filter(campaign=campaign)
        .values("organisation", "procedure", "stratum_population", "stratum_drawn")
        .distinct()
        .order_by("organisation", "procedure")
    ]
    counts = dict(
        ScoreSheet.objects.filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    campaign.sheet_counts = {status: counts.get(status, 0) for status in ScoreSheet.Status.values}
    campaign.may_manage = may_manage(user=user, organiser=campaign.organiser)
    return campaign


def may_manage(*, user: User, organiser: Organisation) -> bool:
    """Set up and run campaigns: an admin or agency head whose subtree holds the organiser."""
    if user.is_superuser:
        return True
    return any(user.has_role(r) for r in MANAGER_ROLES) and user_can_see_organisation(
        user=user, organisation_id=organiser.pk
    )


def sheets_visible_to(*, user: User) -> QuerySet[ScoreSheet]:
    if user.is_superuser:
        return ScoreSheet.objects.all()
    return ScoreSheet.objects.filter(
        Q(reviewer=user)
        | Q(second_reviewer=user)
        | _subtree_q(user, "campaign__organiser")
        | (Q(status=ScoreSheet.Status.COMPLETED) & _subtree_q(user, "case__organisation"))
    )


def sheet_visible(*, user: User, sheet_id: int) -> ScoreSheet | None:
    return (
        sheets_visible_to(user=user)
        .select_related(
            "campaign__standard",
            "campaign__organiser",
            "case__organisation",
            "case__party",
            "reviewer",
            "second_reviewer",
            "sample",
        )
        .filter(pk=sheet_id)
        .first()
    )


def sheet_detail(*, sheet: ScoreSheet) -> ScoreSheet:
    """The score sheet (as sheet_visible reads it) with everything its page and the API show beside
    its fields, read here rather than while it is rendered:
    - `deduction_rows` (with item and category), `veto_rows` (with the veto item), `suggestion_rows`
      (with the suggested item or veto), `rectification_rows` (with organisation, case and people),
      each in the order recorded, and `event_rows` (with the actor) in the order they happened;
    - `current`: the score and grade as the deductions stand now (review.scoring.compute_score, what
      sheet_score computes, from the rows read here).
    Six queries, whatever the number of rows."""
    prefetch_related_objects(
        [sheet],
        Prefetch(
            "deductions",
            queryset=Deduction.objects.select_related("item__category").order_by("pk"),
            to_attr="deduction_rows",
        ),
        Prefetch(
            "veto_findings",
            queryset=VetoFinding.objects.select_related("veto").order_by("pk"),
            to_attr="veto_rows",
        ),
        Prefetch(
            "suggestions",
            queryset=Suggestion.objects.select_related("item", "veto").order_by("pk"),
            to_attr="suggestion_rows",
        ),
        Prefetch(
            "events",
            queryset=SheetEvent.objects.select_related("actor").order_by("at", "pk"),
            to_attr="event_rows",
        ),
        Prefetch(
            "rectifications",
            queryset=Rectification.objects.select_related(
                "organisation", "issued_by", "done_by", "case"
            ).order_by("pk"),
            to_attr="rectification_rows",
        ),
    )
    # The deductions of one sheet are a handful of rows, read above to be shown anyway: their sums per
    # category are taken from them rather than asked of the database a second time.
    deducted: dict[int, Decimal] = {}
    for deduction in sheet.deduction_rows:
        category_id = deduction.item.category_id
        deducted[category_id] = deducted.get(category_id, ZERO) + deduction.points
    standard = sheet.campaign.standard
    sheet.current = compute_score(
        standard=standard,
        categories=StandardCategory.objects.filter(standard=standard).order_by("position"),
        deducted=deducted,
        vetoed=bool(sheet.veto_rows),
    )
    return sheet


def rectifications_visible_to(*, user: User) -> QuerySet[Rectification]:
    if user.is_superuser:
        return Rectification.objects.all()
    return Rectification.objects.filter(
        _subtree_q(user, "organisation") | _subtree_q(user, "sheet__campaign__organiser")
    )


def samples_of(*, campaign: Campaign) -> QuerySet[SampledFile]:
    return (
        SampledFile.objects.filter(campaign=campaign)
        .select_related("case__party", "organisation", "sheet__reviewer", "sheet__second_reviewer")
        .order_by("position")
    )


# --- results ------------------------------------------------------------------------------------------------


def _mean(value: Decimal | float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _grade_counts(prefix: str = "") -> dict[str, Count]:
    return {
        f"grade_{g}": Count(
            "pk", filter=Q(**{f"{prefix}status": ScoreSheet.Status.COMPLETED, f"{prefix}grade": g})
        )
        for g in Grade.values
    }


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "files_sampled": row["sampled"],
        "files_reviewed": row["reviewed"],
        "mean_score": _mean(row["mean"]),
        "grades": {g: row[f"grade_{g}"] for g in Grade.values},
        "vetoed": row["vetoed"],
    }


def _sheet_aggregates() -> dict[str, Any]:
    done = Q(status=ScoreSheet.Status.COMPLETED)
    return {
        "sampled": Count("pk"),
        "reviewed": Count("pk", filter=done),
        "mean": Avg("score", filter=done),
        "vetoed": Count("pk", filter=done & Q(vetoed=True)),
        **_grade_counts(),
    }


def campaign_results(*, campaign: Campaign) -> dict[str, Any]:
    """Files sampled and reviewed, the grade distribution, the mean score (one decimal, half up), the
    vetoed files, the most frequent deductions and the rectification items — for the campaign and per
    organisation under review (each of the campaign's organisations, with zeros when none of its
    files was drawn). Only completed sheets count in the scores. Six queries."""
    sheets = ScoreSheet.objects.filter(campaign=campaign)
    total = sheets.aggregate(**_sheet_aggregates())
    per_org = {
        row["case__organisation"]: row
        for row in sheets.values("case__organisation").annotate(**_sheet_aggregates()).order_by()
    }
    rect = Rectification.objects.filter(sheet__campaign=campaign)
    rect_per_org = {
        row["organisation"]: row
        for row in rect.values("organisation")
        .annotate(
            open=Count("pk", filter=Q(status=Rectification.Status.OPEN)),
            done=Count("pk", filter=Q(status=Rectification.Status.DONE)),
        )
        .order_by()
    }
    top = list(
        Deduction.objects.filter(sheet__campaign=campaign, sheet__status=ScoreSheet.Status.COMPLETED)
        .values("item__code", "item__text", "item__category__name")
        .annotate(files=Count("sheet", distinct=True), occurrences=Sum("occurrences"), points=Sum("points"))
        .order_by("-files", "-occurrences", "item__code")[:TOP_DEDUCTIONS]
    )
    vetoes = list(
        VetoFinding.objects.filter(sheet__campaign=campaign, sheet__status=ScoreSheet.Status.COMPLETED)
        .values("veto__code", "veto__text")
        .annotate(files=Count("sheet", distinct=True))
        .order_by("-files", "veto__code")
    )
    organisations = campaign.organisations.order_by("path")
    nothing = {
        "sampled": 0,
        "reviewed": 0,
        "mean": None,
        "vetoed": 0,
        **{f"grade_{g}": 0 for g in Grade.values},
    }
    rect_open = sum(r["open"] for r in rect_per_org.values())
    rect_done = sum(r["done"] for r in rect_per_org.values())
    return {
        **_figures(total),
        "by_organisation": [
            {
                "organisation": organisation,
                **_figures(per_org.get(organisation.pk, nothing)),
                "rectifications_open": rect_per_org.get(organisation.pk, {}).get("open", 0),
                "rectifications_done": rect_per_org.get(organisation.pk, {}).get("done", 0),
            }
            for organisation in organisations
        ],
        "top_deductions": [
            {
                "item": row["item__code"],
                "text": row["item__text"],
                "category": row["item__category__name"],
                "files": row["files"],
                "occurrences": row["occurrences"],
                "points": row["points"],
            }
            for row in top
        ],
        "vetoes": [{"veto": r["veto__code"], "text": r["veto__text"], "files": r["files"]} for r in vetoes],
        "rectifications_open": rect_open,
        "rectifications_done": rect_done,
    }


# --- SPEC §9 casefiles_reviewed: the score sheets reports.selectors counts -------------------------------


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=REVIEW_TZ), datetime(year + 1, 1, 1, tzinfo=REVIEW_TZ)


def completed_sheets(*, year: int) -> QuerySet[ScoreSheet]:
    """Score sheets completed in calendar year `year` (Beijing time): the rows §9 counts. Indexed on
    (status, completed_at); group them by any key of `case__organisation` for a breakdown."""
    low, high = year_bounds(year)
    return ScoreSheet.objects.filter(
        status=ScoreSheet.Status.COMPLETED, completed_at__gte=low, completed_at__lt=high
    )


# --- the case file next to the standard (issue 8 item 4) ---------------------------------------------------

HISTORY_LIMIT = 500


def casefile_documents(*, case: Case) -> list[dict[str, Any]]:
    """The documents of the file so far, in the order of the file: the catalogue's documents
    (generated, uploaded as a signed scan, or marked not applicable with the reason; documents app),
    then the scanned documents among the evidence that no catalogue entry holds."""
    documents = list(documents_of(case=case))
    held = {d.evidence_id for d in documents if d.evidence_id}
    rows: list[dict[str, Any]] = [
        {
            "source": d.source,
            "doc_type": d.doc_type,
            "stage": d.stage,
            "title": d.title,
            "number": d.number,
            "issued_on": d.issued_on,
            "reason": d.reason,
            "sha256": d.pdf_sha256 or d.docx_sha256,
            "reference": f"document:{d.pk}",
        }
        for d in documents
    ]
    rows += [
        {
            "source": "evidence",
            "doc_type": "",
            "stage": "",
            "title": e.title,
            "number": "",
            "issued_on": None,
            "reason": "",
            "sha256": e.sha256,
            "reference": f"evidence:{e.pk}",
        }
        for e in Evidence.objects.filter(case=case, kind=Evidence.Kind.DOCUMENT)
        .exclude(pk__in=held)
        .order_by("created_at", "pk")
    ]
    return rows


def sheet_casefile(*, sheet: ScoreSheet) -> dict[str, Any]:
    """What a reviewer reads of the file he scores, next to the standard: the case, its history (the
    first HISTORY_LIMIT events and their number), the evidence, the documents, the legal checks with
    the automatic precheck each recorded, what the checklist finds missing, and the standard. A
    reviewer assigned to the file reads it even when the case lies outside his subtree."""
    case = (
        Case.objects.select_related("organisation", "party", "violation_type")
        .prefetch_related("officers")
        .get(pk=sheet.case_id)
    )
    history = case_history(case=case)
    checks = list(legal_checks_of(case=case))
    return {
        "sheet": sheet.pk,
        "case": case,
        "history": list(history[:HISTORY_LIMIT]),
        "history_total": history.count(),
        "evidence": list(
            Evidence.objects.filter(case=case).select_related("officer").order_by("created_at", "pk")
        ),
        "documents": casefile_documents(case=case),
        "legal_checks": checks,
        "precheck": [
            {
                "legal_check": c.pk,
                "stage": c.stage,
                "concluded_at": c.concluded_at,
                "findings": [f for f in c.findings if isinstance(f, dict)],
            }
            for c in checks
        ],
        "checklist_missing": checklist.missing_items(
            case, organisation_policy(organisation=case.organisation)
        ),
        "standard": standard_detail(standard_id=sheet.campaign.standard_id),
    }
