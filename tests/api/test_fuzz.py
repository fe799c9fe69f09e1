"""Property-based fuzzing of every API operation against the live OpenAPI document (schemathesis).

The schema is fetched from the running application (`config.wsgi.application`, GET /api/v1/schema/)
when this module is collected, and every operation in it becomes one pytest item, e.g.
`test_api[PATCH /api/v1/cases/{id}/]`. A new operation is fuzzed without touching this file.

Set-up per operation (the `fuzz_token` fixture): the test's own database transaction holds a fresh
`World` (city, district, street, users of every role, a violation type, a visible case, a case and
an officer in another district, an inspection), and officer1 holds officer + admin + division_head +
legal_reviewer + agency_head, so that most requests get past the permission checks and reach
validation, the services and the serializers. Requests go in-process through the WSGI app with
`Authorization: Token …`, inside the test's transaction, so they see the fixture's rows. The world
is built once per operation, not per Hypothesis example: examples of one operation share (and
change) its rows, which lets a sequence of examples walk a case forward.

Examples per operation: the coverage phase's deterministic cases (valid values at the boundaries,
each property missing, wrong types, too long, bad enum values, every request media type) and then
`FUZZ_EXAMPLES` generated ones (default 50; `FUZZ_BODY_EXAMPLES`, default twice that, for
operations with a request body). Both positive and negative data are generated: negative data
(wrong types, out of range, malformed path ids) is what finds 500s. Hypothesis runs derandomized
with no example database, so every run sends the same requests and CI is stable.

Ids: a random integer is almost never a row the user can see, so requests would mostly stop at
404. Two in three generated path ids and id fields in bodies (organisation, officers, party_id,
violation_type, inspection, parent) are swapped for real ids, and the coverage phase's fixed
cases get real ids except where the id itself is what the case varies.

Checks (CHECKS; two of them through stand-ins for known bugs, see below):
- not_a_server_error: no 5xx, whatever the input.
- status_code_conformance: the status is one the operation documents.
- content_type_conformance: the response's Content-Type is the documented one.
- response_schema_conformance: the body matches the documented schema for that status.
- response_headers_conformance: documented response headers are present and valid.
Left out on purpose: negative_data_rejection and positive_data_acceptance judge the API's choice
between 2xx and 4xx (an ignored unknown query parameter, a well-formed id that does not exist →
404 rather than 400), which are legitimate choices here; missing_required_header,
unsupported_method, ignored_auth, use_after_free and ensure_resource_availability are about auth
variants and stateful sequences, not "no 500 and responses match the schema" (the permission
matrix has its own tests).

Bugs this found and that were fixed in the product: list bodies not matching the documented
array (pagination envelope), Django's HTML 404 for a malformed path id, undocumented 404 for an
out-of-range page and 415 for an unusable body, and a 500 on SQLite for an id of 2**63.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.roles import Role
from accounts.services import user_set_roles
from casefiles.models import Case
from casefiles.services import inspection_record
from config.wsgi import application
from tests.factories import World, entity, user
from workflow import services

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
BODY_EXAMPLES = int(os.environ.get("FUZZ_BODY_EXAMPLES", str(2 * MAX_EXAMPLES)))

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "operations": [
            {"include-method-regex": "^(POST|PATCH)$", "generation": {"max-examples": BODY_EXAMPLES}},
        ],
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)

# ---------------------------------------------------------------------------------------------
# Real ids (refilled by the fixture for every operation: ids differ per test and per database)
# ---------------------------------------------------------------------------------------------

IDS: dict[str, list[int]] = {}  # kind → ids, the first one visible to the fuzzing user

PATH_RESOURCES = {  # path prefix → kind of row its {id} names
    "/api/v1/cases/": "case",
    "/api/v1/users/": "user",
    "/api/v1/organisations/": "organisation",
    "/api/v1/inspections/": "inspection",
}

BODY_FIELDS = {  # request body field → kind of row it names
    "organisation": "organisation",
    "parent": "organisation",
    "party_id": "party",
    "violation_type": "violation_type",
    "inspection": "inspection",
    "officers": "user",
}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _path_kind(path: str) -> str | None:
    return next((kind for prefix, kind in PATH_RESOURCES.items() if path.startswith(prefix)), None)


def _maybe_real(value: Any, kind: str) -> st.SearchStrategy:
    """The generated value or, two times in three, real id(s) of that kind."""
    ids = IDS.get(kind)
    if not ids:
        return st.just(value)
    if isinstance(value, list) and all(_is_id(v) for v in value):
        real = st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)
    elif _is_id(value):
        real = st.sampled_from(ids)
    else:  # a wrong type from negative generation: keep it
        return st.just(value)
    return st.one_of(real, real, st.just(value))


@schema.hook
def flatmap_path_parameters(context: schemathesis.HookContext, path_parameters: dict) -> st.SearchStrategy:
    kind = _path_kind(context.operation.path) if context.operation else None
    if kind is None or not path_parameters or "id" not in path_parameters:
        return st.just(path_parameters)
    return _maybe_real(path_parameters["id"], kind).map(lambda i: {**path_parameters, "id": i})


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy:
    if not isinstance(body, dict):
        return st.just(body)
    swaps = {name: _maybe_real(body[name], kind) for name, kind in BODY_FIELDS.items() if name in body}
    if not swaps:
        return st.just(body)
    return st.fixed_dictionaries(swaps).map(lambda chosen: {**body, **chosen})


def aim_coverage_case_at_real_rows(case: schemathesis.Case) -> None:
    """The coverage phase's cases are fixed examples, which the hooks above do not see.

    Each one varies one thing (a body property's type or bounds, a missing property, the path id,
    the media type); the rest holds plain valid values such as id 1, rarely a row the user can see,
    so the request would stop at 404 before the varied thing is looked at. Point the ids that are
    not the varied thing at the first (visible) row of their kind.
    """
    if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE:
        return
    data = case.meta.phase.data
    varied_location = getattr(data, "parameter_location", None)
    varied_property = (getattr(data, "location", None) or "").split("/")[2:3]  # "/properties/<name>/…"
    kind = _path_kind(case.operation.path)
    if (
        kind
        and IDS.get(kind)
        and varied_location != ParameterLocation.PATH
        and case.path_parameters
        and str(case.path_parameters.get("id")).isdigit()  # coverage sends path values as strings
    ):
        case.path_parameters["id"] = IDS[kind][0]
    if isinstance(case.body, dict):
        for name, kind in BODY_FIELDS.items():
            value, ids = case.body.get(name), IDS.get(kind)
            if not ids or [name] == varied_property:
                continue
            if _is_id(value) and value > 0:
                case.body[name] = ids[0]
            elif isinstance(value, list) and value and all(_is_id(v) and v > 0 for v in value):
                case.body[name] = [ids[0]]


CHECKS: list[Callable] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def server_tracebacks() -> Iterator[list[str]]:
    """Tracebacks of unhandled exceptions in the app (a 500's cause), added to the failure report."""
    seen: list[str] = []

    def record(sender: Any, **kwargs: Any) -> None:
        seen.append(traceback.format_exc())

    got_request_exception.connect(record)
    yield seen
    got_request_exception.disconnect(record)


@pytest.fixture
def fuzz_token(db: None) -> Iterator[str]:
    """The world for one operation, and a token for a user who holds every role it may ask for."""
    w = World()
    fuzzer = w.officer1
    user_set_roles(
        user=fuzzer,
        roles=[Role.OFFICER, Role.ADMIN, Role.DIVISION_HEAD, Role.LEGAL_REVIEWER, Role.AGENCY_HEAD],
    )
    case = w.case()
    outsider = user("outsider", w.other_district, Role.OFFICER)
    hidden_case = services.case_create(  # exists, but not visible to the fuzzer → 404
        actor=outsider,
        organisation=w.other_district,
        title="外区案件",
        origin=Case.Origin.INSPECTION,
        party=entity(),
        violation_type=w.vt,
        officers=[outsider],
    )
    inspection = inspection_record(
        actor=fuzzer,
        organisation=w.district,
        inspected_on=date(2026, 3, 1),
        party=entity("闽江化工有限公司"),
        officers=[w.officer1, w.officer2],
    )
    IDS.clear()
    IDS.update(
        case=[case.pk, hidden_case.pk],
        user=[fuzzer.pk, w.officer2.pk, w.head.pk, w.legal.pk, outsider.pk],
        organisation=[w.district.pk, w.street.pk, w.city.pk, w.other_district.pk],
        inspection=[inspection.pk],
        violation_type=[w.vt.pk],
        party=[case.party_id, inspection.party_id],
    )
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "officer1", "password": "pw-secret-123"}, format="json"
    )
    assert response.status_code == 200, response.content
    # Django closes "old" connections when a request starts and ends; inside the test's transaction
    # that would close the connection under the test. Django's test client disconnects them too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield response.json()["token"]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        IDS.clear()


# ---------------------------------------------------------------------------------------------
# The test: one pytest item per operation in the live schema
# ---------------------------------------------------------------------------------------------


@schema.parametrize()
@settings(
    derandomize=True,
    deadline=None,
    database=None,
    # The world is built once per operation, not per example, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api(case: schemathesis.Case, fuzz_token: str, server_tracebacks: list[str]) -> None:
    aim_coverage_case_at_real_rows(case)
    server_tracebacks.clear()
    try:
        case.call_and_validate(headers={"Authorization": f"Token {fuzz_token}"}, checks=CHECKS)
    except BaseException as exc:
        if server_tracebacks:
            exc.add_note("Server-side traceback:\n" + server_tracebacks[-1])
        raise
