"""The database's answers to the law's questions (law.facts.Facts), for the rules of law.rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from accounts.policy import AvActivity
from casefiles.catalogue.selectors import benchmark_fine_check, statutory_fine_check
from casefiles.models import Case, Evidence
from casefiles.selectors import av_gaps, officers_with_certificates
from core.dates import local_date
from documents.selectors import missing_documents, missing_labels
from workflow import checklist


class CaseFacts:
    def officers(self, case: Case) -> list[Any]:
        return officers_with_certificates(case)

    def av_gaps(self, case: Case, policy: Any, kinds: tuple[str, ...] | None = None) -> list[Any]:
        return av_gaps(case, policy, kinds)

    def av_labels(self) -> dict[str, str]:
        return AvActivity.LABELS

    def verified_evidence_count(self, case: Case) -> int:
        return case.evidence.filter(status=Evidence.Status.VERIFIED).count()

    def action_dates(self, case: Case) -> list[date]:
        moments = [case.filed_at, *case.activities.values_list("occurred_at", flat=True)]
        return sorted({local_date(m) for m in moments if m is not None})

    def missing_documents(self, case: Case, policy: Any, up_to: str = "archive") -> list[str]:
        return missing_labels(missing_documents(case=case, policy=policy, up_to=up_to))

    def missing_records(self, case: Case, policy: Any) -> list[str]:
        return checklist.missing_items(case, policy)

    def statutory_fine_check(self, case: Case, fine: Decimal) -> tuple[str, str]:
        check = statutory_fine_check(violation_type=case.violation_type, fine=fine)
        return check.result, check.message

    def benchmark_fine_check(self, case: Case, on: date, fine: Decimal) -> tuple[str, str]:
        check = benchmark_fine_check(
            violation_type=case.violation_type, on=on, severity=case.severity, fine=fine
        )
        return check.result, check.message


FACTS = CaseFacts()
