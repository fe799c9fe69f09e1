"""The permission matrix of the REST API (SPEC §1, §10, §11 "Security").

The policy, written out below as a table a reader can check against the issue:

* anonymous → 401 everywhere;
* a user sees and acts only within its organisation's subtree: an object outside it is 404, never
  revealing that it exists;
* reading is open to every role inside the subtree (lists are filtered to the subtree);
* acting needs the right role, else 403: organisations and users are created by an admin,
  inspections and cases by an officer, a case is edited and submitted by its handling officer, filing
  is approved by a division head who does not handle the case (审查与办案分离);
* a role check comes before the body is looked at, so a wrong role is 403 even when the body names an
  organisation outside the subtree; with the right role, that organisation is 404;
* every error body is exactly {"code", "detail", "errors"}.

Each role is played by a user in the district ("own": the objects are in its subtree) and by a user of
the same role in the other district ("other": the same objects are outside its subtree). One test per
endpoint builds the world once and walks all 17 actors, reporting every cell that differs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from accounts.roles import Role
from casefiles.models import Case, Inspection, Party
from casefiles.services import inspection_record
from tests.factories import World, at, client_for, entity, user
from tests.review import matrix as review_matrix
from workflow import services

pytestmark = pytest.mark.django_db

API = "/api/v1"
ERROR_KEYS = {"code", "detail", "errors"}
ROLES = (
    "officer",
    "division_head",
    "legal_reviewer",
    "committee_member",
    "agency_head",
    "casefile_reviewer",
    "report_viewer",
    "admin",
)

# --- the expected table ---------------------------------------------------------------------------------
# One row per endpoint: the anonymous status, then one "own/other" cell per role (in ROLES order):
# the status for that role's user in the district, and for the same role in the other district.

# fmt: off
#                                                   anon  officer    division_h legal_rev  committee  agency_hd  casefile_r report_vwr admin
POLICY: dict[str, tuple[int | str, ...]] = {
    "GET /organisations/":                          (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "POST /organisations/":                         (401, "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "201/404"),
    "GET /organisations/{id}/":                     (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /users/":                                  (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "POST /users/":                                 (401, "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "201/404"),
    "GET /users/{id}/":                             (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /users/me/":                               (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "GET /inspections/":                            (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "POST /inspections/":                           (401, "201/404", "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "403/403"),
    "GET /inspections/{id}/":                       (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /violation-types/":                        (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "GET /cases/":                                  (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "POST /cases/":                                 (401, "201/404", "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "403/403"),
    "GET /cases/{id}/":                             (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "PATCH /cases/{id}/":                           (401, "200/404", "403/404", "403/404", "403/404", "403/404", "403/404", "403/404", "403/404"),
    "GET /cases/{id}/transitions/":                 (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "POST /cases/{id}/transitions/submit_filing/":  (401, "200/404", "403/404", "403/404", "403/404", "403/404", "403/404", "403/404", "403/404"),
    "POST /cases/{id}/transitions/approve_filing/": (401, "403/404", "200/404", "403/404", "403/404", "403/404", "403/404", "403/404", "403/404"),
    "GET /cases/{id}/history/":                     (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /tasks/":                                  (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "GET /cases/{id}/precheck/":                    (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /cases/{id}/legal-checks/":                (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /cases/{id}/deliberations/":               (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /reports/annual/":                         (401, "403/403", "403/403", "403/403", "403/403", "200/404", "403/403", "200/404", "200/404"),
    # Case-file review (issue 8; requests in tests/review/matrix.py). The report.xlsx download is not JSON,
    # so its row is in tests/review/test_api.py. The district's casefile_reviewer is the campaign's reviewer;
    # officer1 handles the reviewed file, so he (with the district's heads) reports its rectification done.
    "GET /review/standards/":                                  (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "POST /review/standards/":                                 (401, "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "403/403", "201/201"),
    "GET /review/standards/{id}/":                             (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "GET /review/campaigns/":                                  (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "POST /review/campaigns/":                                 (401, "403/403", "403/403", "403/403", "403/403", "201/404", "403/403", "403/403", "201/404"),
    "GET /review/campaigns/{id}/":                             (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "PATCH /review/campaigns/{id}/":                           (401, "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404", "200/404"),
    "GET /review/campaigns/{id}/sample/":                      (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "POST /review/campaigns/{id}/sample/":                     (401, "403/404", "403/404", "403/404", "403/404", "201/404", "403/404", "403/404", "201/404"),
    "POST /review/campaigns/{id}/assign/":                     (401, "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404", "200/404"),
    "POST /review/campaigns/{id}/finish/":                     (401, "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404", "200/404"),
    "GET /review/campaigns/{id}/results/":                     (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /review/scoresheets/":                                (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "GET /review/scoresheets/{id}/":                           (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /review/scoresheets/{id}/casefile/":                  (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "POST /review/scoresheets/{id}/deductions/":               (401, "403/404", "403/404", "403/404", "403/404", "403/404", "201/404", "403/404", "403/404"),
    "DELETE /review/scoresheets/{id}/deductions/{did}/":       (401, "403/404", "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404"),
    "POST /review/scoresheets/{id}/vetoes/":                   (401, "403/404", "403/404", "403/404", "403/404", "403/404", "201/404", "403/404", "403/404"),
    "DELETE /review/scoresheets/{id}/vetoes/{vid}/":           (401, "403/404", "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404"),
    "POST /review/scoresheets/{id}/suggestions/{sid}/confirm/":(401, "403/404", "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404"),
    "POST /review/scoresheets/{id}/suggestions/{sid}/dismiss/":(401, "403/404", "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404"),
    "POST /review/scoresheets/{id}/submit/":                   (401, "403/404", "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404"),
    "POST /review/scoresheets/{id}/second-review/":            (401, "403/404", "403/404", "403/404", "403/404", "403/404", "200/404", "403/404", "403/404"),
    "POST /review/scoresheets/{id}/rectifications/":           (401, "403/404", "403/404", "403/404", "403/404", "201/404", "403/404", "403/404", "201/404"),
    "GET /review/rectifications/":                             (401, "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200", "200/200"),
    "POST /review/rectifications/{id}/complete/":              (401, "200/404", "200/404", "403/404", "403/404", "200/404", "403/404", "403/404", "403/404"),
    "GET /cases/{id}/documents/":                              (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /cases/{id}/documents/checklist/":                    (401, "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404", "200/404"),
    "GET /cases/{id}/casefile.pdf":                            (401, "409/404", "409/404", "409/404", "409/404", "409/404", "409/404", "409/404", "409/404"),
}
# fmt: on
# Notes on the rows: the district officer is officer1, who handles every fixture case, so he may edit
# and submit it, and may not approve its filing (he lacks the role, and he handles it). The submit_filing
# row fires on a draft case, the approve_filing row on a case in filing_review (a fresh case per cell).
# The case file of a draft does not exist yet: 409 for whoever may see the case, 404 for the others.
# The annual figures are for report viewers, agency heads and admins (SPEC §1); the role is checked
# before the organisation, so other roles get 403 even for an organisation outside their subtree.

EXPECTED: dict[tuple[str, str, str], int] = {}
for _endpoint, (_anonymous, *_cells) in POLICY.items():
    EXPECTED[(_endpoint, "anonymous", "-")] = int(_anonymous)
    for _role, _cell in zip(ROLES, _cells, strict=True):
        _own, _other = (int(part) for part in str(_cell).split("/"))
        EXPECTED[(_endpoint, _role, "own")] = _own
        EXPECTED[(_endpoint, _role, "other")] = _other

ACTORS: tuple[tuple[str, str], ...] = (
    ("anonymous", "-"),
    *((role, scope) for role in ROLES for scope in ("own", "other")),
)

# For the list endpoints: the district's fixture object is in the list for "own" actors, never for
# "other" ones.
LISTED = {
    "GET /organisations/": "district",
    "GET /users/": "officer2",
    "GET /inspections/": "inspection",
    "GET /cases/": "draft",
}
# The work queue of "own" actors: the draft case waits for its handling officer, the case in
# filing_review for a division head. Nobody in the other district sees either.
TASKS = {"officer": {"draft"}, "division_head": {"filing"}}


# --- the world the matrix runs in ------------------------------------------------------------------------


@dataclass
class Fixture:
    w: World
    actors: dict[tuple[str, str], User | None]
    party: Party
    inspection: Inspection
    draft: Case
    filing: Case
    _n: itertools.count = field(default_factory=lambda: itertools.count(1))

    def n(self) -> int:
        return next(self._n)

    def ids(self) -> dict[str, int]:
        return {
            "district": self.w.district.pk,
            "officer2": self.w.officer2.pk,
            "inspection": self.inspection.pk,
            "draft": self.draft.pk,
            "filing": self.filing.pk,
        }

    def new_draft(self) -> Case:
        return self.w.case()

    def new_filing(self) -> Case:
        case = self.w.case()
        services.case_transition(case_id=case.pk, transition="submit_filing", actor=self.w.officer1)
        return case


def build(w: World) -> Fixture:
    d, other = w.district, w.other_district
    in_district = {
        "officer": w.officer1,
        "division_head": w.head,
        "legal_reviewer": w.legal,
        "committee_member": w.members[0],
        "agency_head": w.agency_head,
        "casefile_reviewer": user("casefile_reviewer", d, Role.CASEFILE_REVIEWER),
        "report_viewer": user("report_viewer", d, Role.REPORT_VIEWER),
        "admin": user("admin", d, Role.ADMIN),
    }
    actors: dict[tuple[str, str], User | None] = {("anonymous", "-"): None}
    for role in ROLES:
        actors[(role, "own")] = in_district[role]
        actors[(role, "other")] = user(f"other_{role}", other, role)
    party = entity("闽江化工有限公司")
    inspection = inspection_record(
        actor=w.officer1, organisation=d, inspected_on=date(2026, 3, 1), party=party, officers=[w.officer1]
    )
    fx = Fixture(w=w, actors=actors, party=party, inspection=inspection, draft=w.case(), filing=w.case())
    services.case_transition(case_id=fx.filing.pk, transition="submit_filing", actor=w.officer1)
    return fx


# --- one request per cell --------------------------------------------------------------------------------


@dataclass
class Req:
    method: str
    url: str
    body: dict | None = None
    # What must not change when the request is refused (a refusal has no side effects).
    probe: Callable[[], object] | None = None


def case_probe(case_id: int) -> Callable[[], object]:
    return lambda: Case.objects.filter(pk=case_id).values_list("state", "version", "title").get()


def fire(fx: Fixture, case: Case, name: str) -> Req:
    return Req("post", f"/cases/{case.pk}/transitions/{name}/", {"opinion": "同意"}, case_probe(case.pk))


def new_organisation(fx: Fixture, n: int) -> Req:
    body = {
        "code": f"NEW{n}",
        "name": f"新建街道{n}",
        "level": "street",
        "parent": fx.w.district.pk,
        "case_number_prefix": f"新{n}应急罚",
    }
    return Req("post", "/organisations/", body, Organisation.objects.count)


REQUESTS: dict[str, Callable[[Fixture], Req]] = {
    "GET /organisations/": lambda fx: Req("get", "/organisations/?page_size=200"),
    "POST /organisations/": lambda fx: new_organisation(fx, fx.n()),
    "GET /organisations/{id}/": lambda fx: Req("get", f"/organisations/{fx.w.district.pk}/"),
    "GET /users/": lambda fx: Req("get", "/users/?page_size=200"),
    "POST /users/": lambda fx: Req(
        "post",
        "/users/",
        {
            "username": f"new_user_{fx.n()}",
            "password": "pw-secret-123",
            "full_name": "新用户",
            "organisation": fx.w.district.pk,
            "roles": ["officer"],
        },
        User.objects.count,
    ),
    "GET /users/{id}/": lambda fx: Req("get", f"/users/{fx.w.officer2.pk}/"),
    "GET /users/me/": lambda fx: Req("get", "/users/me/"),
    "GET /inspections/": lambda fx: Req("get", "/inspections/?page_size=200"),
    "POST /inspections/": lambda fx: Req(
        "post",
        "/inspections/",
        {
            "organisation": fx.w.district.pk,
            "inspected_on": "2026-03-02",
            "party_id": fx.party.pk,
            "officers": [fx.w.officer1.pk],
            "violations_found": 2,
        },
        Inspection.objects.count,
    ),
    "GET /inspections/{id}/": lambda fx: Req("get", f"/inspections/{fx.inspection.pk}/"),
    "GET /violation-types/": lambda fx: Req("get", "/violation-types/"),
    "GET /cases/": lambda fx: Req("get", "/cases/?page_size=200"),
    "POST /cases/": lambda fx: Req(
        "post",
        "/cases/",
        {
            "organisation": fx.w.district.pk,
            "title": "未按规定开展隐患排查治理",
            "origin": "inspection",
            "party_id": fx.party.pk,
            "violation_type": fx.w.vt.pk,
            "officers": [fx.w.officer1.pk, fx.w.officer2.pk],
        },
        Case.objects.count,
    ),
    "GET /cases/{id}/": lambda fx: Req("get", f"/cases/{fx.draft.pk}/"),
    "PATCH /cases/{id}/": lambda fx: Req(
        "patch", f"/cases/{fx.draft.pk}/", {"title": f"修改后的标题{fx.n()}"}, case_probe(fx.draft.pk)
    ),
    "GET /cases/{id}/transitions/": lambda fx: Req("get", f"/cases/{fx.draft.pk}/transitions/"),
    "POST /cases/{id}/transitions/submit_filing/": lambda fx: fire(fx, fx.new_draft(), "submit_filing"),
    "POST /cases/{id}/transitions/approve_filing/": lambda fx: fire(fx, fx.new_filing(), "approve_filing"),
    "GET /cases/{id}/history/": lambda fx: Req("get", f"/cases/{fx.draft.pk}/history/"),
    "GET /tasks/": lambda fx: Req("get", "/tasks/?page_size=200"),
    "GET /cases/{id}/precheck/": lambda fx: Req("get", f"/cases/{fx.draft.pk}/precheck/"),
    "GET /cases/{id}/legal-checks/": lambda fx: Req("get", f"/cases/{fx.draft.pk}/legal-checks/"),
    "GET /cases/{id}/deliberations/": lambda fx: Req("get", f"/cases/{fx.draft.pk}/deliberations/"),
    "GET /reports/annual/": lambda fx: Req(
        "get", f"/reports/annual/?organisation={fx.w.district.pk}&year=2026"
    ),
    "GET /cases/{id}/documents/": lambda fx: Req("get", f"/cases/{fx.draft.pk}/documents/"),
    "GET /cases/{id}/documents/checklist/": lambda fx: Req(
        "get", f"/cases/{fx.draft.pk}/documents/checklist/"
    ),
    "GET /cases/{id}/casefile.pdf": lambda fx: Req("get", f"/cases/{fx.draft.pk}/casefile.pdf"),
    "GET /review/standards/": lambda fx: Req(*review_matrix.standards_list(fx)),
    "POST /review/standards/": lambda fx: Req(*review_matrix.standard_create(fx)),
    "GET /review/standards/{id}/": lambda fx: Req(*review_matrix.standard_detail(fx)),
    "GET /review/campaigns/": lambda fx: Req(*review_matrix.campaigns_list(fx)),
    "POST /review/campaigns/": lambda fx: Req(*review_matrix.campaign_create(fx)),
    "GET /review/campaigns/{id}/": lambda fx: Req(*review_matrix.campaign_detail(fx)),
    "PATCH /review/campaigns/{id}/": lambda fx: Req(*review_matrix.campaign_update(fx)),
    "GET /review/campaigns/{id}/sample/": lambda fx: Req(*review_matrix.sample_list(fx)),
    "POST /review/campaigns/{id}/sample/": lambda fx: Req(*review_matrix.sample_draw(fx)),
    "POST /review/campaigns/{id}/assign/": lambda fx: Req(*review_matrix.campaign_assign(fx)),
    "POST /review/campaigns/{id}/finish/": lambda fx: Req(*review_matrix.campaign_finish(fx)),
    "GET /review/campaigns/{id}/results/": lambda fx: Req(*review_matrix.campaign_results(fx)),
    "GET /review/scoresheets/": lambda fx: Req(*review_matrix.sheets_list(fx)),
    "GET /review/scoresheets/{id}/": lambda fx: Req(*review_matrix.sheet_detail(fx)),
    "GET /review/scoresheets/{id}/casefile/": lambda fx: Req(*review_matrix.sheet_casefile(fx)),
    "POST /review/scoresheets/{id}/deductions/": lambda fx: Req(*review_matrix.deduction_add(fx)),
    "DELETE /review/scoresheets/{id}/deductions/{did}/": lambda fx: Req(*review_matrix.deduction_remove(fx)),
    "POST /review/scoresheets/{id}/vetoes/": lambda fx: Req(*review_matrix.veto_add(fx)),
    "DELETE /review/scoresheets/{id}/vetoes/{vid}/": lambda fx: Req(*review_matrix.veto_remove(fx)),
    "POST /review/scoresheets/{id}/suggestions/{sid}/confirm/": lambda fx: Req(
        *review_matrix.suggestion_confirm(fx)
    ),
    "POST /review/scoresheets/{id}/suggestions/{sid}/dismiss/": lambda fx: Req(
        *review_matrix.suggestion_dismiss(fx)
    ),
    "POST /review/scoresheets/{id}/submit/": lambda fx: Req(*review_matrix.sheet_submit(fx)),
    "POST /review/scoresheets/{id}/second-review/": lambda fx: Req(*review_matrix.second_review(fx)),
    "POST /review/scoresheets/{id}/rectifications/": lambda fx: Req(*review_matrix.rectification_issue(fx)),
    "GET /review/rectifications/": lambda fx: Req(*review_matrix.rectifications_list(fx)),
    "POST /review/rectifications/{id}/complete/": lambda fx: Req(*review_matrix.rectification_complete(fx)),
}


def send(client: APIClient, req: Req):  # type: ignore[no-untyped-def]
    method = getattr(client, req.method)
    if req.body is None:
        return method(API + req.url)
    return method(API + req.url, req.body, format="json")


def error_shape_problems(status: int, body: object) -> list[str]:
    if not isinstance(body, dict) or set(body) != ERROR_KEYS:
        return [
            f"error body keys {sorted(body) if isinstance(body, dict) else type(body)} != {sorted(ERROR_KEYS)}"
        ]
    problems = []
    if not isinstance(body["detail"], str) or not body["detail"]:
        problems.append("detail is not a non-empty string")
    if not isinstance(body["errors"], dict):
        problems.append("errors is not an object")
    expected_code = {401: {"not_authenticated"}, 404: {"not_found"}, 403: {"forbidden", "permission_denied"}}
    if status in expected_code and body["code"] not in expected_code[status]:
        problems.append(f"code {body['code']!r} for {status}")
    return problems


def listed_keys(fx: Fixture, body: dict) -> set[str]:
    ids = {row["id"] for row in body["results"]}
    return {key for key, pk in fx.ids().items() if pk in ids}


# --- the matrix ------------------------------------------------------------------------------------------


def test_policy_table_covers_every_role_and_actor() -> None:
    assert set(ROLES) == set(Role.values), "a new role needs a column in POLICY"
    assert set(POLICY) == set(REQUESTS)
    assert len(EXPECTED) == len(POLICY) * len(ACTORS) == 53 * 17
    assert set(EXPECTED.values()) <= {200, 201, 401, 403, 404, 409}


@pytest.mark.parametrize("endpoint", list(POLICY), ids=list(POLICY))
def test_permission_matrix(world: World, endpoint: str) -> None:
    fx = build(world)
    problems: list[str] = []
    for role, scope in ACTORS:
        expected = EXPECTED[(endpoint, role, scope)]
        req = REQUESTS[endpoint](fx)
        before = req.probe() if req.probe else None
        response = send(client_for(fx.actors[(role, scope)]), req)
        body = response.json()
        cell = f"{role}/{scope}"
        if response.status_code != expected:
            problems.append(f"{cell}: expected {expected}, got {response.status_code} {str(body)[:200]}")
            continue
        if expected >= 400:
            problems += [f"{cell}: {p}" for p in error_shape_problems(expected, body)]
            if req.probe and req.probe() != before:
                problems.append(f"{cell}: refused with {expected} but changed {before} → {req.probe()}")
        elif endpoint in LISTED:
            seen = LISTED[endpoint] in listed_keys(fx, body)
            if seen != (scope == "own"):
                problems.append(f"{cell}: {LISTED[endpoint]} {'listed' if seen else 'missing'}")
        elif endpoint == "GET /tasks/":
            queue = listed_keys(fx, body) & {"draft", "filing"}
            wanted = TASKS.get(role, set()) if scope == "own" else set()
            if queue != wanted:
                problems.append(f"{cell}: work queue {sorted(queue)}, expected {sorted(wanted)}")
        elif endpoint == "GET /users/me/" and body["id"] != fx.actors[(role, scope)].pk:
            problems.append(f"{cell}: /users/me/ answered for user {body['id']}")
    assert not problems, f"{endpoint}:\n" + "\n".join(problems)


# --- the rules the matrix cannot show on its own -----------------------------------------------------


def test_a_reviewer_who_handles_the_case_may_not_approve_its_filing(world: World) -> None:
    w = world
    both = user("officer_and_head", w.district, Role.OFFICER, Role.DIVISION_HEAD)
    case = w.case_of("未按规定配备安全生产管理人员", officers=[w.officer1, both])
    services.case_transition(case_id=case.pk, transition="submit_filing", actor=w.officer1)
    client = client_for(both)

    options = {o["name"]: o for o in client.get(f"{API}/cases/{case.pk}/transitions/").json()}
    assert options["approve_filing"]["allowed"] is False
    assert [u["code"] for u in options["approve_filing"]["unmet"]] == ["reviewer_is_handler"]

    response = client.post(
        f"{API}/cases/{case.pk}/transitions/approve_filing/", {"opinion": "同意"}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["errors"]["unmet"][0]["code"] == "reviewer_is_handler"
    case.refresh_from_db()
    assert case.state == "filing_review"

    # Another division head, who does not handle it, may.
    ok = client_for(w.head).post(f"{API}/cases/{case.pk}/transitions/approve_filing/", {}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "investigating"


def test_the_creator_who_submitted_the_filing_may_not_approve_it(world: World) -> None:
    w = world
    both = user("officer_and_head", w.district, Role.OFFICER, Role.DIVISION_HEAD)
    # Found by this matrix and fixed: the creator counts as having worked on the case.
    # He records the case, naming two other officers, and submits it for filing as its handler.
    case = w.case_of("未按规定开展隐患排查治理", actor=both)
    services.case_transition(case_id=case.pk, transition="submit_filing", actor=both)

    response = client_for(both).post(f"{API}/cases/{case.pk}/transitions/approve_filing/", {}, format="json")
    body = response.json()
    assert response.status_code == 403, f"he approved his own filing: state {body.get('state')}"
    assert body["errors"]["unmet"][0]["code"] == "reviewer_is_handler"


def test_the_creator_who_is_not_a_handler_may_not_edit_the_case_under_investigation(world: World) -> None:
    w = world
    creator = user("creator", w.district, Role.OFFICER)
    case = w.case_of("未按规定开展隐患排查治理", actor=creator)
    services.case_transition(case_id=case.pk, transition="submit_filing", actor=w.officer1)
    services.case_transition(case_id=case.pk, transition="approve_filing", actor=w.head)
    client = client_for(creator)
    # He is no handler now: the handler steps of the investigation are refused to him...
    options = {o["name"]: o for o in client.get(f"{API}/cases/{case.pk}/transitions/").json()}
    if "not_a_handler" not in [u["code"] for u in options["withdraw"]["unmet"]]:
        pytest.fail("precondition: the creator should not be a handler once the case is filed")

    # ...but editing the facts and the proposed penalty is not.
    response = client.patch(f"{API}/cases/{case.pk}/", {"proposed_penalty": {"fine": "5000"}}, format="json")
    assert response.status_code == 403, f"edited by a non-handler: version {response.json().get('version')}"


def test_an_officer_who_does_not_handle_the_case_may_not_edit_or_submit_it(world: World) -> None:
    fx = build(world)
    outsider = world.hearing_officer  # an officer in the district, not on the case
    client = client_for(outsider)
    before = case_probe(fx.draft.pk)()
    for response in (
        client.patch(f"{API}/cases/{fx.draft.pk}/", {"title": "改"}, format="json"),
        client.post(f"{API}/cases/{fx.draft.pk}/transitions/submit_filing/", {}, format="json"),
    ):
        assert response.status_code == 403, response.json()
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["errors"]["unmet"][0]["code"] == "not_a_handler"
    assert case_probe(fx.draft.pk)() == before


def test_admin_may_not_create_an_organisation_under_a_parent_outside_its_subtree(world: World) -> None:
    w = world
    admin = client_for(user("admin", w.district, Role.ADMIN))

    def create(parent: int, code: str):  # type: ignore[no-untyped-def]
        body = {
            "code": code,
            "name": "新街道",
            "level": "street",
            "parent": parent,
            "case_number_prefix": "新罚",
        }
        return admin.post(f"{API}/organisations/", body, format="json")

    sibling, ancestor = create(w.other_district.pk, "X1"), create(w.city.pk, "X2")
    missing = create(Organisation.objects.order_by("-pk").first().pk + 1000, "X3")
    for response in (sibling, ancestor, missing):
        assert response.status_code == 404, response.json()
        assert set(response.json()) == ERROR_KEYS
    # Never reveal existence: a parent outside the subtree answers exactly as one that does not exist.
    assert sibling.json() == ancestor.json() == missing.json()
    assert not Organisation.objects.filter(code__in=["X1", "X2", "X3"]).exists()

    inside = create(w.street.pk, "X4")
    assert inside.status_code == 201, inside.json()
    assert inside.json()["parent"] == w.street.pk


def test_an_object_outside_the_subtree_answers_like_one_that_does_not_exist(world: World) -> None:
    fx = build(world)
    outsider = client_for(fx.actors[("officer", "other")])
    gone = Case.objects.order_by("-pk").first().pk + 1000
    for path in ("/cases/{}/", "/cases/{}/transitions/", "/cases/{}/history/"):
        hidden, missing = outsider.get(API + path.format(fx.draft.pk)), outsider.get(API + path.format(gone))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()


def test_the_subtree_runs_downward_only(world: World) -> None:
    w = world
    street_case = w.case(organisation=w.street)
    district_case = w.case()
    city_viewer = user("city_viewer", w.city, Role.REPORT_VIEWER)
    street_officer = user("street_officer", w.street, Role.OFFICER)

    def status(actor: User, case: Case) -> int:
        return client_for(actor).get(f"{API}/cases/{case.pk}/").status_code

    assert status(city_viewer, district_case) == status(city_viewer, street_case) == 200
    assert status(w.head, street_case) == 200  # the district sees its street
    assert status(street_officer, street_case) == 200
    assert status(street_officer, district_case) == 404  # a street sees itself only
    organisations = client_for(street_officer).get(f"{API}/organisations/").json()["results"]
    assert [o["id"] for o in organisations] == [w.street.pk]
    assert client_for(street_officer).get(f"{API}/organisations/{w.district.pk}/").status_code == 404


def test_a_real_token_carries_the_same_permissions(world: World) -> None:
    fx = build(world)
    anonymous = APIClient()
    wrong = anonymous.post(f"{API}/auth/token/", {"username": "other_officer", "password": "wrong-pass-1"})
    assert wrong.status_code == 400 and set(wrong.json()) == ERROR_KEYS

    def token_client(username: str) -> APIClient:
        response = anonymous.post(f"{API}/auth/token/", {"username": username, "password": "pw-secret-123"})
        assert response.status_code == 200, response.json()
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client

    outsider, officer = token_client("other_officer"), token_client("officer1")
    assert outsider.get(f"{API}/users/me/").json()["username"] == "other_officer"
    assert outsider.get(f"{API}/cases/").json()["count"] == 0
    assert outsider.get(f"{API}/cases/{fx.draft.pk}/").status_code == 404
    refused = outsider.post(f"{API}/cases/{fx.draft.pk}/transitions/submit_filing/", {}, format="json")
    assert refused.status_code == 404 and set(refused.json()) == ERROR_KEYS

    assert officer.get(f"{API}/cases/{fx.draft.pk}/").status_code == 200
    head_only = officer.post(f"{API}/cases/{fx.filing.pk}/transitions/approve_filing/", {}, format="json")
    assert head_only.status_code == 403 and set(head_only.json()) == ERROR_KEYS
    fired = officer.post(f"{API}/cases/{fx.draft.pk}/transitions/submit_filing/", {}, format="json")
    assert fired.status_code == 200 and fired.json()["state"] == "filing_review"

    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    rejected = bad.get(f"{API}/cases/")
    assert rejected.status_code == 401 and set(rejected.json()) == ERROR_KEYS
    assert rejected.json()["code"] == "authentication_failed"


def test_errors_have_exactly_three_keys_for_bad_input_too(world: World) -> None:
    officer = client_for(world.officer1)
    case = world.case(now=at(2026, 3, 1))
    for response in (
        officer.post(f"{API}/cases/", {"title": ""}, format="json"),
        officer.patch(f"{API}/cases/{case.pk}/", {}, format="json"),
        officer.post(f"{API}/cases/{case.pk}/transitions/no_such_step/", {}, format="json"),
        officer.post(f"{API}/cases/{case.pk}/transitions/approve_filing/", {}, format="json"),
    ):
        assert response.status_code in (400, 404, 409), response.json()
        assert set(response.json()) == ERROR_KEYS
