"""The work queue stays a fixed number of queries however long it is, and lists a case once however
many officers handle it (bench/api_load.py measures it at a million cases)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import World

pytestmark = pytest.mark.django_db


def queue(user, page_size: int = 50) -> tuple[list[int], int, int]:
    client = APIClient()
    client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/tasks/?page_size={page_size}")
    assert response.status_code == 200, response.json()
    body = response.json()
    return [c["id"] for c in body["results"]], body["count"], len(queries)


def test_queue_is_a_fixed_number_of_queries_and_each_case_once(world: World) -> None:
    w = world
    waiting = [w.case() for _ in range(2)]
    for case in waiting:
        w.fire(case, "submit_filing", w.officer1, None)
    ids, count, few = queue(w.head)
    assert sorted(ids) == sorted(c.pk for c in waiting) and count == 2  # two officers each, listed once

    more = [w.case() for _ in range(4)]
    for case in more:
        w.fire(case, "submit_filing", w.officer1, None)
    ids, count, many = queue(w.head)
    assert count == 6 and len(ids) == 6 == len(set(ids))
    assert many == few, "the queue must not query once per case"

    client = APIClient()
    client.force_authenticate(w.head)
    row = client.get("/api/v1/tasks/").json()["results"][0]
    assert row["party_name"] and row["organisation"]["name"] == w.district.name
    assert row["state"] == "filing_review" and row["waiting_for"] and row["overdue"] is False
    assert {"id", "number", "title", "procedure", "is_major", "current_deadline", "version"} <= set(row)
