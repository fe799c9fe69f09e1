"""Document numbers (文号) per organisation, year and type never repeat and never skip, under
concurrent generation on PostgreSQL (real threads, one connection each)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from casefiles.models import Case
from documents.models import CaseDocument
from documents.services import document_generate
from tests.documents.conftest import inspected_case
from tests.factories import World, at, in_threads, user

THREADS = 8


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_concurrent_generation_never_repeats_or_skips(postgres_only) -> None:
    w = World()
    cases = [inspected_case(w, when=at(2026, 3, 2, 9)) for _ in range(THREADS)]

    def generate(case: Case) -> Callable[[], None]:
        return lambda: (
            document_generate(
                case_id=case.pk, actor=w.officer1, doc_type="inspection_record", now=at(2026, 3, 4)
            )
            and None
        )

    def generate_then_fail(case: Case) -> Callable[[], None]:
        # Drew a number, then the surrounding work failed: the rollback gives the number back.
        def job() -> None:
            with transaction.atomic():
                document_generate(
                    case_id=case.pk, actor=w.officer1, doc_type="inspection_record", now=at(2026, 3, 4)
                )
                raise Boom

        return job

    work = (
        [generate(c) for c in cases]
        + [generate_then_fail(c) for c in cases[:3]]
        + [generate(c) for c in cases[:4]]
    )
    errors = in_threads(work)
    assert all(isinstance(e, Boom) for e in errors) and len(errors) == 3, errors
    numbers = list(
        CaseDocument.objects.filter(doc_type="inspection_record", case__organisation=w.district).values_list(
            "seq", flat=True
        )
    )
    assert sorted(numbers) == list(range(1, THREADS + 4 + 1)), "1…N, each once, none skipped"
    texts = set(CaseDocument.objects.filter(doc_type="inspection_record").values_list("number", flat=True))
    assert len(texts) == THREADS + 4 and "区应急检记〔2026〕1号" in texts


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_issue_consecutive_notice_numbers(postgres_only) -> None:
    from decimal import Decimal

    w = World()
    cases = []
    for _ in range(THREADS):
        case = w.case(now=at(2026, 5, 6))
        w.fire(case, "submit_filing", w.officer1, at(2026, 5, 6))
        w.fire(case, "approve_filing", w.head, at(2026, 5, 7))
        w.propose(case, at(2026, 5, 8), fine=Decimal("5000"))
        w.fire(case, "submit_review", w.officer1, at(2026, 5, 11))
        cases.append(case)
    heads = [w.head] + [user(f"head_{i}", w.district, "division_head") for i in range(THREADS - 1)]
    errors = in_threads(
        [
            lambda c=c, h=h: w.fire(c, "approve", h, at(2026, 5, 12)) and None
            for c, h in zip(cases, heads, strict=True)
        ]
    )
    assert errors == []
    notices = CaseDocument.objects.filter(doc_type="penalty_notice")
    assert sorted(notices.values_list("seq", flat=True)) == list(range(1, THREADS + 1))
    assert notices.values("case").distinct().count() == THREADS
