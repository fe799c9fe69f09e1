"""The indexes the annual figures rely on (reports.selectors) are there and say what the queries ask.

On PostgreSQL the figure queries are planned to read these indexes alone; a partial index whose
condition drifted from the query's (e.g. a new recorded status) would silently stop being used.
"""

from __future__ import annotations

import pytest
from django.db import connection

from casefiles.models import Case, Evidence, Inspection, LegalCheck

pytestmark = pytest.mark.django_db


def index(model: type, name: str):  # type: ignore[no-untyped-def]
    return next(i for i in model._meta.indexes if i.name == name)


def test_the_recorded_av_index_holds_exactly_the_rows_the_coverage_figure_counts() -> None:
    condition = dict(index(Evidence, "evidence_av_recorded").condition.children)
    assert sorted(condition["kind__in"]) == sorted(Evidence.AV_KINDS)
    assert sorted(condition["status__in"]) == sorted(Evidence.RECORDED_STATUSES)


def test_the_covering_indexes_hold_every_column_their_figures_count() -> None:
    decided = index(Case, "case_org_decided_stats")
    assert decided.fields == ["organisation", "decided_at"]
    assert set(decided.include) >= {"procedure", "decision_kind", "decided_fine", "is_major", "decided_major"}
    assert set(decided.include) >= {"published_on", "publication_late", "id"}
    assert set(decided.include) >= {"pre_notice_approved", "pre_decision_approved"}
    assert index(Case, "case_org_filed_stats").include == ("procedure", "origin", "id")
    assert index(Inspection, "inspection_org_day_stats").include == (
        "violations_found",
        "rectification_order",
    )
    assert index(LegalCheck, "legalcheck_concluded_stats").include == ("case", "outcome")


def test_the_indexes_exist_in_the_database(postgres_only: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE ANY (%s)",
            [
                [
                    "%_stats",
                    "evidence_av_recorded",
                    "%_filed_on",
                    "%_listed_on",
                    "transfer_transferred_at",
                    "legalcheck_case_stage_outcome",
                ]
            ],
        )
        found = dict(cursor.fetchall())
    assert "INCLUDE (procedure, decision_kind, decided_fine" in found["case_org_decided_stats"]
    assert "WHERE" in found["evidence_av_recorded"]
    for name in (
        "activity_occurred_stats",
        "legalcheck_concluded_stats",
        "deliberation_concluded_stats",
        "inspection_org_day_stats",
        "reconsideration_filed_on",
        "litigation_filed_on",
        "blacklist_listed_on",
        "transfer_transferred_at",
        "legalcheck_case_stage_outcome",
        "case_org_filed_stats",
    ):
        assert name in found, name
