"""The annual figures of SPEC §9, as database aggregates.

For an organisation O (its whole subtree, by the materialised path) and a calendar year Y in Beijing
time, each group of figures is one aggregate query over the rows of one table, so the number of
queries does not depend on the number of cases (STYLE rule 5). The same queries, grouped by a key
computed in SQL, give the breakdown by direct sub-organisation and by month.

Money is summed exactly in yuan (Decimal) and only then expressed in 万元 with two decimals, half up.
Percentages have one decimal, half up, and are null when their base is zero. In Python the figures
are int or Decimal (or None); in JSON every Decimal is a string with its exact decimals ("14.53").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth

from accounts.models import Certificate, Organisation, User
from accounts.policy import AvActivity, fold_policy
from accounts.selectors import visible_organisations
from casefiles.models import (
    BlacklistEntry,
    Case,
    CaseActivity,
    Deliberation,
    Hearing,
    Inspection,
    LegalCheck,
    Litigation,
    Reconsideration,
    Transfer,
)
from reports.figures import FIGURE_KEYS as FIGURE_KEYS
from reports.figures import MONTH_KEYS
from reports.models import AnnualBaseline, ReportRun
from review.models import Grade
from review.selectors import completed_sheets

# SPEC §9: "calendar year Y (dates in Asia/Shanghai)". Named here rather than taken from TIME_ZONE:
# the definition of the statistical year must not change with a deployment setting.
REPORT_TZ = ZoneInfo("Asia/Shanghai")
# SPEC §9 fines_ge_50k "5万元以上案件数": a fixed statistical threshold the reference reports quote,
# not the per-organisation major-case threshold of §5 (which may differ by organisation and party).
FINE_GE_THRESHOLD = Decimal("50000")
WAN = Decimal("10000")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

TOTAL = "total"


# --- numbers ---------------------------------------------------------------------------------------------


def yuan_to_wan(yuan: Decimal | int | None) -> Decimal:
    """万元 with two decimals, half up (14.525 → 14.53), from an exact sum in yuan."""
    return (Decimal(yuan or 0) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole × 100 with one decimal, half up; None when the whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def change_percent(current: int | Decimal, prior: int | Decimal | None) -> Decimal | None:
    """SPEC §9 同比: (current − prior) / prior × 100, one decimal; None when the prior year is 0."""
    if not prior:
        return None
    return ((Decimal(current) - Decimal(prior)) * 100 / Decimal(prior)).quantize(
        TENTH, rounding=ROUND_HALF_UP
    )


# --- the period and the scope -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Year:
    year: int

    @property
    def start(self) -> datetime:
        return datetime(self.year, 1, 1, tzinfo=REPORT_TZ)

    @property
    def end(self) -> datetime:
        return datetime(self.year + 1, 1, 1, tzinfo=REPORT_TZ)

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    def moments(self, field: str) -> Q:
        """A DateTimeField in this year, Beijing time, as a half-open range (uses the field's index)."""
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})

    def days(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.first_day, f"{field}__lte": self.last_day})


@dataclass(frozen=True)
class Scope:
    """O's subtree, loaded once (organisations, not cases): the ids, the direct children, and each
    organisation's effective AV list (SPEC §6, inherited down the tree)."""

    organisation: Organisation
    organisations: tuple[Organisation, ...]
    av_lists: dict[tuple[str, ...], tuple[int, ...]]  # effective AV list → organisations using it
    # True when the subtree is every organisation there is (the root of a one-tree deployment): a
    # condition "the row's case belongs to the subtree" then holds for every row, and is left out
    # rather than paid for with a join to the case table (see _aggregate).
    everything: bool = False

    @property
    def children(self) -> list[Organisation]:
        return [o for o in self.organisations if o.parent_id == self.organisation.pk]

    def subtree_ids(self, root: Organisation) -> list[int]:
        return [o.pk for o in self.organisations if o.path.startswith(root.path)]


def load_scope(*, organisation: Organisation) -> Scope:
    """One query: the subtree and the ancestors whose settings it inherits (for a root, with whether
    any organisation lies outside its tree)."""
    query = Organisation.objects.filter(
        Q(path__startswith=organisation.path) | Q(pk__in=organisation.ancestor_ids())
    ).order_by("path")
    root = organisation.parent_id is None
    if root:
        query = query.annotate(
            outside=Exists(Organisation.objects.exclude(path__startswith=organisation.path))
        )
    rows = list(query)
    by_id = {o.pk: o for o in rows}
    subtree = tuple(o for o in rows if o.path.startswith(organisation.path))
    av_lists: dict[tuple[str, ...], list[int]] = {}
    for o in subtree:
        chain = [by_id[pk].explicit_settings() for pk in o.ancestor_ids() if pk in by_id]
        listed = tuple(sorted(fold_policy(chain).av_activities))
        av_lists.setdefault(listed, []).append(o.pk)
    everything = root and not rows[0].outside  # type: ignore[attr-defined]
    return Scope(
        organisation=organisation,
        organisations=subtree,
        av_lists={k: tuple(v) for k, v in av_lists.items()},
        everything=everything,
    )


# --- the database session the statistics run in -----------------------------------------------------------

# PostgreSQL's defaults suit short transactional queries: with JIT on, each large aggregate spends a
# quarter of a second compiling itself, and 4 MB of work_mem makes the hash of a year's legal checks
# or recordings spill to disk. For the statistics queries only, and only while they run, JIT is off
# and work_mem is REPORT_WORK_MEM (setting; default 64MB, per sort or hash node).
REPORT_WORK_MEM_DEFAULT = "64MB"


@contextmanager
def statistics_session() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    work_mem = str(getattr(settings, "REPORT_WORK_MEM", REPORT_WORK_MEM_DEFAULT))
    # No savepoint: inside a caller's transaction the settings are put back below; an error there
    # aborts that transaction anyway.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('work_mem'),"
            " set_config('jit', 'off', true), set_config('work_mem', %s, true)",
            [work_mem],
        )
        jit, previous_work_mem = cursor.fetchone()[:2]
        yield
        # Set for this transaction only (set_config's third argument); put back at once, since the
        # caller's transaction may go on to other work.
        cursor.execute(
            "SELECT set_config('jit', %s, true), set_config('work_mem', %s, true)", [jit, previous_work_mem]
        )


# --- grouping -------------------------------------------------------------------------------------------------

# A grouping turns the path to a row's organisation id ("organisation_id", "case__organisation_id")
# into an SQL expression whose value is the row's group key; None = no grouping (one total row).
Grouping = Callable[[str], Expression] | None


def by_child(scope: Scope) -> Callable[[str], Expression]:
    """The direct child whose subtree holds the row's organisation; O's own rows get O's id.

    A CASE over id lists built from the organisations already loaded: it works on PostgreSQL and
    SQLite alike and needs no join to the organisation table.
    """

    def expression(org_field: str) -> Expression:
        whens = [
            When(**{f"{org_field}__in": scope.subtree_ids(child)}, then=Value(child.pk))
            for child in scope.children
        ]
        if not whens:
            return Value(scope.organisation.pk, output_field=IntegerField())
        return CaseWhen(*whens, default=Value(scope.organisation.pk), output_field=IntegerField())

    return expression


def by_organisation(org_field: str) -> Expression:
    """The row's organisation itself: a plain GROUP BY on the column, folded into the direct
    children afterwards (annual_breakdown). Far cheaper per row than by_child's CASE over id lists
    on a large subtree; not for distinct counts that span organisations (blacklisted parties)."""
    return F(org_field)


def _aggregate(
    queryset: QuerySet[Any], org_field: str, scope: Scope, aggregates: dict[str, Any], group: Grouping
) -> dict[Any, dict[str, Any]]:
    """Run one aggregate query over O's subtree: {TOTAL: values} or {group key: values}.

    When the subtree is every organisation, a row that always belongs to one (its organisation, or
    its case's, cannot be empty) is in it, and the condition is left out of a total: for a row whose
    organisation is its case's it would cost a join to the case table (at a million cases most of
    the query's time), for the others a hash probe per row. People may have no organisation, and
    are always filtered.
    """
    queryset = queryset.order_by()
    if not (scope.everything and group is None and _always_placed(queryset.model, org_field)):
        subtree = Organisation.objects.filter(path__startswith=scope.organisation.path).values("pk")
        queryset = queryset.filter(**{f"{org_field}__in": subtree})
    if group is None:
        return {TOTAL: queryset.aggregate(**aggregates)}
    rows = queryset.annotate(report_group=group(org_field)).values("report_group").annotate(**aggregates)
    return {row.pop("report_group"): row for row in rows}


def _always_placed(model: type[Any], org_field: str) -> bool:
    """Whether every row reaches an organisation along `org_field` ("organisation_id",
    "case__organisation_id"): every foreign key on the way is NOT NULL."""
    names = org_field.removesuffix("_id").split("__")
    for name in names:
        field = model._meta.get_field(name)
        if field.null:
            return False
        model = field.related_model
    return True


def _months(field: str) -> Callable[[str], Expression]:
    return lambda org_field: ExtractMonth(field, tzinfo=REPORT_TZ)


def _day_months(field: str) -> Callable[[str], Expression]:
    return lambda org_field: ExtractMonth(field)


# --- the figure groups: one aggregate query each -------------------------------------------------------------

# Rows are counted with COUNT(*), or COUNT(a NOT NULL column of the index) where a FILTER needs a
# column, never COUNT(id): the covering indexes the figures read (casefiles.Case.Meta.indexes and the
# others) then suffice, and PostgreSQL counts from the index without reading the rows.


def _inspections(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    return _aggregate(
        Inspection.objects.filter(y.days("inspected_on")),
        "organisation_id",
        scope,
        {
            "inspections": Count("*"),
            "violations_found": Sum("violations_found"),
            "rectification_orders": Count("organisation", filter=Q(rectification_order=True)),
        },
        group,
    )


def _major() -> Q:
    # "Major" as the case was handled: is_major routes a case through the double legal check and
    # collective deliberation (SPEC §5) and is not changed by the decision; decided_major is the
    # same rule applied to the decided penalty. A 法制科 counts the cases decided as major cases,
    # so a case that went the major route counts even if the decided fine fell below the threshold.
    return Q(is_major=True) | Q(decided_major=True)


def _filing_aggregates(y: Year) -> dict[str, Any]:
    filed = Q(procedure=Case.Procedure.GENERAL) & y.moments("filed_at")
    return {
        "cases_filed": Count("organisation", filter=filed),
        "preventive_cases": Count("organisation", filter=filed & ~Q(origin=Case.Origin.ACCIDENT)),
    }


def _decision_aggregates(y: Year) -> dict[str, Any]:
    """Figures counted on the case row itself. Each transition stores the date it counts on
    (filed_at, decided_at, published_on…), so these are conditional counts over indexed columns."""
    decided = y.moments("decided_at")
    # 处罚决定: a decision to impose a penalty. 不予处罚 and 移送 decisions are decisions but not
    # penalty decisions, and carry no fine.
    penalty = decided & Q(decision_kind=Case.DecisionKind.PENALTY)
    return {
        "summary_decisions": Count("organisation", filter=penalty & Q(procedure=Case.Procedure.SUMMARY)),
        "penalty_decisions": Count("organisation", filter=penalty),
        "fines_yuan": Sum("decided_fine", filter=penalty),
        "fined_decisions": Count("organisation", filter=penalty & Q(decided_fine__gt=0)),
        "fines_ge_50k": Count("organisation", filter=penalty & Q(decided_fine__gte=FINE_GE_THRESHOLD)),
        "major_decisions": Count("organisation", filter=penalty & _major()),
        # "Passed both checks": an approving pre-notice check and an approving pre-decision check on
        # record, whenever they were concluded (a December check of a January decision counts), as
        # the case's flags record them (casefiles.Case.pre_notice_approved). Any decision kind: the
        # double check concerns the major decision, whatever it decided.
        "major_double_checked": Count(
            "organisation",
            filter=decided & _major() & Q(pre_notice_approved=True, pre_decision_approved=True),
        ),
    }


# The case figures are two queries over two windows rather than one over both: filings read the
# (organisation, filed_at) index, decisions the (organisation, decided_at) one, each covering the
# columns its figures need (casefiles.Case.Meta.indexes), so neither reads the case rows themselves.


def _filings(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    prior = Year(y.year - 1)
    return _aggregate(
        Case.objects.filter(procedure=Case.Procedure.GENERAL, filed_at__gte=prior.start, filed_at__lt=y.end),
        "organisation_id",
        scope,
        {
            **_filing_aggregates(y),
            "prior_cases_filed": Count("organisation", filter=prior.moments("filed_at")),
        },
        group,
    )


def _decisions(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    prior = Year(y.year - 1)
    decided = y.moments("decided_at")
    prior_penalty = prior.moments("decided_at") & Q(decision_kind=Case.DecisionKind.PENALTY)
    return _aggregate(
        Case.objects.filter(decided_at__gte=prior.start, decided_at__lt=y.end),
        "organisation_id",
        scope,
        {
            **_decision_aggregates(y),
            # Publication concerns decisions of Y (any kind that was published); the share on time
            # is of those published, judged by the deadline flag the publish step records.
            "published": Count("organisation", filter=decided & Q(published_on__isnull=False)),
            "published_on_time": Count(
                "organisation", filter=decided & Q(published_on__isnull=False, publication_late=False)
            ),
            "prior_fines_yuan": Sum("decided_fine", filter=prior_penalty),
        },
        group,
    )


def _legal_checks(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    # Counted under the case's organisation, not the reviewing one (LegalCheck.organisation): a
    # street case checked at the street and again at its district (两级法制审核) is one case of the
    # street, and the breakdown rows add up to the total. Only legal checks (pre-notice and
    # pre-decision) are counted: a division head's return at initial review is not a 法制审核.
    return _aggregate(
        LegalCheck.objects.filter(y.moments("concluded_at")),
        "case__organisation_id",
        scope,
        {
            "legal_check_cases": Count("case", distinct=True),
            "legal_check_returns": Count("outcome", filter=Q(outcome=LegalCheck.Outcome.RETURNED)),
        },
        group,
    )


def _deliberations(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    return _aggregate(
        Deliberation.objects.filter(y.moments("concluded_at")),
        "case__organisation_id",
        scope,
        {"deliberations": Count("*")},
        group,
    )


def _hearings(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    return _aggregate(
        Hearing.objects.filter(y.days("held_on")),
        "case__organisation_id",
        scope,
        {"hearings": Count("*")},
        group,
    )


def _transfers(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    return _aggregate(
        Transfer.objects.filter(y.moments("transferred_at"), authority_kind=Transfer.Authority.POLICE),
        "case__organisation_id",
        scope,
        {"transfers_to_police": Count("*"), "persons_transferred": Sum("persons")},
        group,
    )


def _blacklist(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    # 列入黑名单 counts parties (企业/个人), not listings: a party listed for two cases in one year is
    # one listed party. The only figure that is not a plain sum over the breakdown rows.
    return _aggregate(
        BlacklistEntry.objects.filter(y.days("listed_on")),
        "case__organisation_id",
        scope,
        {"blacklisted": Count("party", distinct=True)},
        group,
    )


def _reconsiderations(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    # Applications filed in Y, and of those the ones decided (so far) against the bureau: revoked,
    # changed or confirmed illegal. A later year's report of the same year can only grow that count.
    return _aggregate(
        Reconsideration.objects.filter(y.days("filed_on")),
        "case__organisation_id",
        scope,
        {
            "reconsiderations": Count("*"),
            "reconsiderations_overturned": Count(
                "outcome", filter=Q(outcome__in=Reconsideration.AGAINST_BUREAU)
            ),
        },
        group,
    )


def _litigations(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    return _aggregate(
        Litigation.objects.filter(y.days("filed_on")),
        "case__organisation_id",
        scope,
        {
            "litigations": Count("*"),
            "litigations_lost": Count("outcome", filter=Q(outcome=Litigation.Outcome.LOST)),
        },
        group,
    )


def _av_listed(scope: Scope) -> Q:
    """Activities on the AV list of their case's organisation (each organisation's effective list)."""
    all_kinds = tuple(sorted(AvActivity.LABELS))
    if len(scope.av_lists) == 1:
        (listed,) = scope.av_lists
        return Q() if listed == all_kinds else Q(kind__in=listed)
    condition = Q(pk__in=[])
    for listed, organisation_ids in scope.av_lists.items():
        condition |= Q(case__organisation_id__in=organisation_ids, kind__in=listed)
    return condition


def _av(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    # Covered = a verified audio or video record of that activity, the test the guards apply
    # (casefiles.selectors.av_activities_covered): a photo or an unverified upload does not cover it.
    # The upload that verifies such a record marks its activity (CaseActivity.av_recorded, which
    # only ever turns on), so both counts are read from the activities' own index in one query.
    return _aggregate(
        CaseActivity.objects.filter(y.moments("occurred_at")).filter(_av_listed(scope)),
        "case__organisation_id",
        scope,
        {"av_required": Count("*"), "av_covered": Count("case", filter=Q(av_recorded=True))},
        group,
    )


def _certified(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    # 持证执法人员: every active user of the subtree holding an enforcement certificate valid on
    # 31 December, whatever his roles (a legal reviewer or division head with a 执法证 is an
    # enforcement officer too). The system keeps no history of deactivation, so a user deactivated
    # since then is not counted for a past year either.
    valid = Certificate.objects.filter(
        user=OuterRef("pk"), valid_from__lte=y.last_day, valid_to__gte=y.last_day
    )
    return _aggregate(
        User.objects.filter(Exists(valid), is_active=True),
        "organisation_id",
        scope,
        {"certified_officers": Count("*")},
        group,
    )


def _casefile_reviews(scope: Scope, y: Year, group: Grouping) -> dict[Any, dict[str, Any]]:
    # 评查案卷数: score sheets completed in Y (review.selectors.completed_sheets, the definition the
    # review app owns), under the case's own organisation, whatever campaign or organiser reviewed
    # them. Counts and the sum of scores add up over the breakdown rows; the mean is taken from them.
    return _aggregate(
        completed_sheets(year=y.year),
        "case__organisation_id",
        scope,
        {
            "casefiles_reviewed": Count("*"),
            "casefiles_score_sum": Sum("score"),
            **{f"casefiles_grade_{g}": Count("grade", filter=Q(grade=g)) for g in Grade.values},
        },
        group,
    )


FIGURE_GROUPS = (
    _inspections,
    _filings,
    _decisions,
    _legal_checks,
    _deliberations,
    _hearings,
    _transfers,
    _blacklist,
    _reconsiderations,
    _litigations,
    _av,
    _certified,
    _casefile_reviews,
)


# --- from sums to figures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """The prior year's figures that year-on-year compares with, and where each came from."""

    year: int
    cases_filed: int
    cases_filed_source: str  # "baseline" | "computed"
    fines_total_wan: Decimal
    fines_total_wan_source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "cases_filed": self.cases_filed,
            "cases_filed_source": self.cases_filed_source,
            "fines_total_wan": self.fines_total_wan,
            "fines_total_wan_source": self.fines_total_wan_source,
        }


def _prior(year: int, raw: dict[str, Any], baseline: AnnualBaseline | None) -> Prior:
    computed_cases = raw.get("prior_cases_filed") or 0
    computed_fines = yuan_to_wan(raw.get("prior_fines_yuan"))
    use_cases = baseline is not None and baseline.cases_filed is not None
    use_fines = baseline is not None and baseline.fines_total_wan is not None
    return Prior(
        year=year - 1,
        cases_filed=baseline.cases_filed if use_cases else computed_cases,  # type: ignore[union-attr]
        cases_filed_source="baseline" if use_cases else "computed",
        fines_total_wan=baseline.fines_total_wan if use_fines else computed_fines,  # type: ignore[union-attr]
        fines_total_wan_source="baseline" if use_fines else "computed",
    )


def _int(raw: dict[str, Any], key: str) -> int:
    return int(raw.get(key) or 0)


def _figures(raw: dict[str, Any], prior: Prior) -> dict[str, Any]:
    """Every figure of reports.figures.FIGURES, in its order, from one row of sums."""
    fines_yuan = Decimal(raw.get("fines_yuan") or 0)
    fines_wan = yuan_to_wan(fines_yuan)
    fined = _int(raw, "fined_decisions")
    cases_filed = _int(raw, "cases_filed")
    return {
        "inspections": _int(raw, "inspections"),
        "violations_found": _int(raw, "violations_found"),
        "rectification_orders": _int(raw, "rectification_orders"),
        "cases_filed": cases_filed,
        # Year on year on the figures as published (万元 with two decimals), so that a reader can
        # reproduce the percentage from the report, and a baseline entered from last year's report
        # compares like with like.
        "cases_filed_yoy_pct": change_percent(cases_filed, prior.cases_filed),
        "preventive_cases": _int(raw, "preventive_cases"),
        "summary_decisions": _int(raw, "summary_decisions"),
        "penalty_decisions": _int(raw, "penalty_decisions"),
        "fines_total_wan": fines_wan,
        "fines_yoy_pct": change_percent(fines_wan, prior.fines_total_wan),
        # The average of the exact sum, not of the rounded total; None when no decision had a fine.
        "avg_fine_wan": yuan_to_wan(fines_yuan / fined) if fined else None,
        "fines_ge_50k": _int(raw, "fines_ge_50k"),
        "major_decisions": _int(raw, "major_decisions"),
        "legal_check_cases": _int(raw, "legal_check_cases"),
        "legal_check_returns": _int(raw, "legal_check_returns"),
        "major_double_checked": _int(raw, "major_double_checked"),
        "deliberations": _int(raw, "deliberations"),
        "hearings": _int(raw, "hearings"),
        "transfers_to_police": _int(raw, "transfers_to_police"),
        "persons_transferred": _int(raw, "persons_transferred"),
        "blacklisted": _int(raw, "blacklisted"),
        "reconsiderations": _int(raw, "reconsiderations"),
        "reconsiderations_overturned": _int(raw, "reconsiderations_overturned"),
        "litigations": _int(raw, "litigations"),
        "litigations_lost": _int(raw, "litigations_lost"),
        "published": _int(raw, "published"),
        "published_on_time_pct": percent(_int(raw, "published_on_time"), _int(raw, "published")),
        "av_required": _int(raw, "av_required"),
        "av_covered_pct": percent(_int(raw, "av_covered"), _int(raw, "av_required")),
        **_casefile_figures(raw),
        "certified_officers": _int(raw, "certified_officers"),
    }


def _casefile_figures(raw: dict[str, Any]) -> dict[str, Any]:
    reviewed = _int(raw, "casefiles_reviewed")
    score_sum = raw.get("casefiles_score_sum")
    return {
        "casefiles_reviewed": reviewed,
        "casefiles_by_grade": {g: _int(raw, f"casefiles_grade_{g}") for g in Grade.values},
        # The mean of the exact scores, one decimal half up; None when no file was reviewed.
        "casefiles_mean_score": (
            (Decimal(score_sum) / reviewed).quantize(TENTH, rounding=ROUND_HALF_UP) if reviewed else None
        ),
    }


def _collect(scope: Scope, year: int, group: Grouping) -> dict[Any, dict[str, Any]]:
    y = Year(year)
    merged: dict[Any, dict[str, Any]] = {}
    with statistics_session():
        for figure_group in FIGURE_GROUPS:
            for key, values in figure_group(scope, y, group).items():
                merged.setdefault(key, {}).update(values)
    return merged


def _baselines(organisation_ids: Iterable[int], year: int) -> dict[int, AnnualBaseline]:
    return {
        b.organisation_id: b
        for b in AnnualBaseline.objects.filter(organisation_id__in=list(organisation_ids), year=year - 1)
    }


# --- public selectors ------------------------------------------------------------------------------------------------


def annual_figures(*, organisation: Organisation, year: int) -> dict[str, Any]:
    """Every §9 figure for the organisation's whole subtree and calendar year `year` (Beijing time).

    Keys exactly as SPEC §9, plus `persons_transferred` (with transfers_to_police) and the case-file
    review detail `casefiles_by_grade` / `casefiles_mean_score`, and `prior_year`: the figures the
    year-on-year percentages compare with, each from the admin-entered AnnualBaseline of
    (organisation, year − 1) when it has that figure, else computed from the records of year − 1.

    `casefiles_reviewed` counts the score sheets of the case-file review (review app) completed in
    the year for files of the subtree, `casefiles_by_grade` them by grade and `casefiles_mean_score`
    is their mean score (one decimal, None when none was completed).

    A constant number of queries (17: the subtree, the session settings set and put back, 13 figure
    queries, the baseline), whatever the number of cases.
    """
    scope = load_scope(organisation=organisation)
    raw = _collect(scope, year, None)[TOTAL]
    prior = _prior(year, raw, _baselines([organisation.pk], year).get(organisation.pk))
    return {**_figures(raw, prior), "prior_year": prior.as_dict()}


def annual_breakdown(*, organisation: Organisation, year: int) -> list[dict[str, Any]]:
    """The figures by sub-organisation: one row per direct child (its whole subtree, scope
    "subtree"), one row for the organisation's own records (scope "own": its cases, inspections and
    users, not those of its children), and the total (scope "total", = annual_figures).

    How the rows add up to the total: every count and sum is additive — each case, inspection, user
    and their records belong to exactly one organisation, hence to exactly one row — except
    `blacklisted`, which counts distinct parties: a party listed by two sub-organisations is one
    listed party in the total. Money is rounded per row, so the rows' 万元 may differ from the
    total's in the last decimal. Percentages, averages and year-on-year are computed for each row
    from its own figures, never summed. A child's year-on-year uses that child's baseline when one
    exists; the "own" row has no baseline of its own and always compares with computed figures.

    The total is the sum of the rows' counts and sums (the rows partition the subtree's records),
    with its percentages and year-on-year computed from those sums, and the distinct parties
    blacklisted counted on their own: the same figures as annual_figures, without running every
    query twice.

    The figure queries group by organisation (a plain GROUP BY, cheap per row) and the sums are
    folded into the rows; the blacklisted parties, which do not add up, are counted per row.

    19 queries (the subtree, the session settings, 13 grouped figure queries, the blacklisted
    parties per row and in total, the baselines), however many children there are and however many
    cases they hold.
    """
    scope = load_scope(organisation=organisation)
    by_organisation_id = _collect(scope, year, by_organisation)
    # Fold the organisations' sums into their direct child's row (or the organisation's own row).
    child_of = {pk: child.pk for child in scope.children for pk in scope.subtree_ids(child)}
    grouped: dict[int, dict[str, Any]] = {}
    for organisation_id, raw in by_organisation_id.items():
        key = child_of.get(organisation_id, organisation.pk)
        grouped[key] = _added_up([grouped.get(key, {}), raw])
    # Distinct parties do not add up across organisations: counted per row, and for the total.
    y = Year(year)
    for key, values in _blacklist(scope, y, by_child(scope)).items():
        grouped.setdefault(key, {}).update(values)
    baselines = _baselines([*(c.pk for c in scope.children), organisation.pk], year)
    rows = []
    for child in scope.children:
        raw = grouped.get(child.pk, {})
        prior = _prior(year, raw, baselines.get(child.pk))
        rows.append(_row(child, "subtree", _figures(raw, prior), prior))
    own = grouped.get(organisation.pk, {})
    own_prior = _prior(year, own, None)
    rows.append(_row(organisation, "own", _figures(own, own_prior), own_prior))
    total = _added_up(grouped.values())
    total.update(_blacklist(scope, y, None)[TOTAL])
    prior = _prior(year, total, baselines.get(organisation.pk))
    rows.append(_row(organisation, "total", _figures(total, prior), prior))
    return rows


def _added_up(raws: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The sum of the groups' raw counts and sums (a Sum over no rows is None: nothing to add)."""
    total: dict[str, Any] = {}
    for raw in raws:
        for key, value in raw.items():
            if value is not None:
                total[key] = total.get(key, 0) + value
    return total


def _row(organisation: Organisation, scope: str, figures: dict[str, Any], prior: Prior) -> dict[str, Any]:
    return {
        "organisation": organisation_ref(organisation),
        "scope": scope,
        **figures,
        "prior_year": prior.as_dict(),
    }


def annual_months(*, organisation: Organisation, year: int) -> list[dict[str, Any]]:
    """The inspection, case and fine figures of each month (1–12, Beijing time) of the year.

    Each figure is dated as in §9 (inspections by their date, filings by the filing approval,
    decisions and fines by the decision), so the twelve months' counts add up to the year's.
    Money is rounded per month: the months' 万元 may differ from the year's in the last decimal.

    Six queries: the subtree, the session settings set and put back, then inspections by month,
    filings by month of filing approval, and decisions by month of decision.
    """
    scope = load_scope(organisation=organisation)
    y = Year(year)
    with statistics_session():
        inspections = _inspections(scope, y, _day_months("inspected_on"))
        filed = _aggregate(
            Case.objects.filter(y.moments("filed_at")),
            "organisation_id",
            scope,
            _filing_aggregates(y),
            _months("filed_at"),
        )
        decided = _aggregate(
            Case.objects.filter(y.moments("decided_at")),
            "organisation_id",
            scope,
            _decision_aggregates(y),
            _months("decided_at"),
        )
    no_prior = Prior(year - 1, 0, "computed", Decimal("0.00"), "computed")
    months = []
    for month in range(1, 13):
        raw = {**inspections.get(month, {}), **filed.get(month, {}), **decided.get(month, {})}
        figures = _figures(raw, no_prior)
        months.append({"month": month, **{k: figures[k] for k in MONTH_KEYS}})
    return months


def organisation_ref(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "code": organisation.code,
        "name": organisation.name,
        "level": organisation.level,
    }


def annual_report(
    *, organisation: Organisation, year: int, breakdown: bool = True, months: bool = True
) -> dict[str, Any]:
    """The annual report as data: the organisation, the year, every figure, and optionally the
    breakdown by sub-organisation and by month. The API, the command and the report runs return it."""
    report: dict[str, Any] = {"organisation": organisation_ref(organisation), "year": year}
    if breakdown:
        rows = annual_breakdown(organisation=organisation, year=year)
        total = {k: v for k, v in rows[-1].items() if k not in ("organisation", "scope")}
        report.update(total)
        report["breakdown"] = rows
    else:
        report.update(annual_figures(organisation=organisation, year=year))
    if months:
        report["months"] = annual_months(organisation=organisation, year=year)
    return report


def annual_case_count(*, organisation: Organisation, year: int, limit: int | None = None) -> int:
    """Cases of the subtree filed or decided in the year (Beijing time) — the rows the report's case
    figures read — counted up to `limit` (the count stops there, so it stays cheap at any size)."""
    y = Year(year)
    subtree = Organisation.objects.filter(path__startswith=organisation.path).values("pk")
    cases = Case.objects.filter(y.moments("filed_at") | y.moments("decided_at"), organisation__in=subtree)
    cases = cases.order_by().values("pk")
    return (cases[:limit] if limit is not None else cases).count()


# --- report runs -----------------------------------------------------------------------------------------------------


def report_runs_visible_to(*, user: User) -> QuerySet[ReportRun]:
    """Runs about an organisation in the user's subtree (SPEC §1), whoever requested them."""
    if user.is_superuser:
        return ReportRun.objects.all()
    return ReportRun.objects.filter(organisation__in=visible_organisations(user=user))
