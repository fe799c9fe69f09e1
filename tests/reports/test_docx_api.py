"""GET /api/v1/reports/annual.docx (inline when small, a background run when large), Word report runs
and their download, and the rule that decides between the two."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import unquote

import pytest
from docx import Document

from accounts.models import User
from accounts.roles import Role
from reports import services
from reports.models import ReportRun
from reports.selectors import annual_case_count
from reports.services import report_is_large, report_run_execute, report_run_request
from reports.word import DOCX_MEDIA_TYPE
from tests.factories import World, client_for, user
from tests.reports.annual_world import YEAR
from tests.reports.test_selectors import add_cases

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/annual.docx"
RUNS = "/api/v1/reports/annual/runs/"
ERROR_KEYS = {"code", "detail", "errors"}


def paragraphs(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


@pytest.fixture
def viewer(world: World) -> User:
    return user("district_viewer", world.district, Role.REPORT_VIEWER, certified=False)


# --- inline ------------------------------------------------------------------------------------------------


def test_a_small_report_comes_back_as_a_word_file(world: World, viewer: User) -> None:
    add_cases(world, 4)
    response = client_for(viewer).get(URL, {"organisation": world.district.pk, "year": YEAR})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == DOCX_MEDIA_TYPE
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;")
    assert "区应急管理局2025年法治政府建设年度报告（行政执法统计）.docx" in disposition
    assert int(response["Content-Length"]) == len(response.content)
    text = paragraphs(response.content)
    assert "立案查处违法案件2件，上年无可比数据" in text
    assert "作出行政处罚决定2件（其中简易程序2件），处罚罚款0.04万元" in text
    assert not ReportRun.objects.exists(), "inline: no run"


@pytest.mark.parametrize(
    ("role", "where", "status"),
    [
        (Role.REPORT_VIEWER, "district", 200),
        (Role.AGENCY_HEAD, "district", 200),
        (Role.ADMIN, "district", 200),
        (Role.REPORT_VIEWER, "other_district", 404),
        (Role.OFFICER, "district", 403),
        (Role.LEGAL_REVIEWER, "district", 403),
        (Role.CASEFILE_REVIEWER, "other_district", 403),
    ],
)
def test_the_same_roles_and_subtree_as_the_json_figures(
    world: World, role: str, where: str, status: int
) -> None:
    # The user sits in `where`; the report asked for is the district's.
    actor = user(f"u_{role}_{where}", getattr(world, where), role)
    response = client_for(actor).get(URL, {"organisation": world.district.pk, "year": YEAR})
    assert response.status_code == status, response.content
    if status != 200:
        assert set(response.json()) == ERROR_KEYS


def test_anonymous_and_bad_parameters(world: World, viewer: User) -> None:
    assert client_for(None).get(URL, {"organisation": world.district.pk, "year": YEAR}).status_code == 401
    for params, field in (
        ({"organisation": world.district.pk}, "year"),
        ({"organisation": world.district.pk, "year": "二〇二五"}, "year"),
        ({"organisation": world.district.pk, "year": date.today().year + 1}, "year"),
        ({"organisation": "x", "year": YEAR}, "organisation"),
        ({"year": YEAR}, "organisation"),
    ):
        response = client_for(viewer).get(URL, params)
        assert response.status_code == 400, (params, response.content)
        assert field in response.json()["errors"], params


# --- large: in the background --------------------------------------------------------------------------------


def test_the_rule_counts_cases_filed_or_decided_in_the_year(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    add_cases(world, 6, organisation=world.street)  # 3 filed, 3 decided on the spot
    assert annual_case_count(organisation=world.city, year=YEAR) == 6
    assert annual_case_count(organisation=world.city, year=YEAR, limit=4) == 4, "stops at the limit"
    assert annual_case_count(organisation=world.other_district, year=YEAR) == 0
    assert annual_case_count(organisation=world.city, year=YEAR - 1) == 0
    settings.REPORT_INLINE_MAX_CASES = 6
    assert not report_is_large(organisation=world.city, year=YEAR)
    settings.REPORT_INLINE_MAX_CASES = 5
    assert report_is_large(organisation=world.city, year=YEAR)
    assert not report_is_large(organisation=world.other_district, year=YEAR)


def test_a_large_report_is_generated_in_the_background_and_downloaded(
    world: World, viewer: User, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.REPORT_INLINE_MAX_CASES = 2
    add_cases(world, 4)
    client = client_for(viewer)
    first = client.get(URL, {"organisation": world.district.pk, "year": YEAR})
    assert first.status_code == 202, first.content
    run = first.json()
    assert (run["format"], run["status"], run["download_url"]) == ("docx", "queued", None)
    assert first["Location"].endswith(f"{RUNS}{run['id']}/")
    # Asking again while it is still queued gives the same run, not a second one.
    again = client.get(URL, {"organisation": world.district.pk, "year": YEAR})
    assert again.status_code == 202 and again.json()["id"] == run["id"]
    assert ReportRun.objects.count() == 1
    download = f"{RUNS}{run['id']}/download/"
    not_yet = client.get(download)
    assert not_yet.status_code == 409 and "尚未生成完成" in not_yet.json()["detail"]

    report_run_execute(run_id=run["id"])  # what the Celery worker does
    done = client.get(f"{RUNS}{run['id']}/").json()
    assert done["status"] == "done" and done["download_url"] == f"http://testserver{download}"
    assert done["result"]["cases_filed"] == 2
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_MEDIA_TYPE
    assert "立案查处违法案件2件" in paragraphs(response.content)
    assert "区应急管理局2025年" in unquote(response["Content-Disposition"])

    # Done: the next request starts a fresh run (the figures may have changed since).
    fresh = client.get(URL, {"organisation": world.district.pk, "year": YEAR})
    assert fresh.status_code == 202 and fresh.json()["id"] != run["id"]

    # Who may download: the subtree and the report roles, as for the run itself.
    outsider = user("other_viewer", world.other_district, Role.REPORT_VIEWER)
    assert client_for(outsider).get(download).status_code == 404
    assert client_for(world.officer1).get(download).status_code == 403
    city_viewer = user("city_viewer", world.city, Role.REPORT_VIEWER)
    assert client_for(city_viewer).get(download).status_code == 200


def test_a_word_run_requested_by_post(world: World, viewer: User, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    add_cases(world, 2)
    client = client_for(viewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            RUNS, {"organisation": world.district.pk, "year": YEAR, "format": "docx"}, format="json"
        )
    assert response.status_code == 202, response.content
    detail = client.get(f"{RUNS}{response.json()['id']}/").json()
    assert detail["status"] == "done" and detail["format"] == "docx"
    content = client.get(detail["download_url"]).content
    assert "立案查处违法案件1件" in paragraphs(content)


def test_a_json_run_has_nothing_to_download(world: World, viewer: User) -> None:
    run = report_run_request(actor=viewer, organisation=world.district, year=YEAR)
    report_run_execute(run_id=run.pk)
    client = client_for(viewer)
    assert client.get(f"{RUNS}{run.pk}/").json()["download_url"] is None
    response = client.get(f"{RUNS}{run.pk}/download/")
    assert response.status_code == 404 and "JSON" in response.json()["detail"]
    assert client.get(f"{RUNS}999999999/download/").status_code == 404


def test_a_failed_word_run_says_why_and_can_run_again(world: World, viewer: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from reports import charts

    run = report_run_request(actor=viewer, organisation=world.district, year=YEAR, format="docx")

    def no_font() -> str:
        raise charts.CJKFontMissing()

    monkeypatch.setattr(charts, "cjk_font_family", no_font)
    run = report_run_execute(run_id=run.pk)
    assert run.status == ReportRun.Status.FAILED and "fonts-noto-cjk" in run.error
    assert run.document is None and run.result is None, "no half-finished report"
    response = client_for(viewer).get(f"{RUNS}{run.pk}/download/")
    assert response.status_code == 409 and "生成失败" in response.json()["detail"]

    monkeypatch.undo()
    run = report_run_execute(run_id=run.pk)
    assert run.status == ReportRun.Status.DONE and run.error == "" and run.attempts == 2
    assert bytes(run.document).startswith(b"PK"), "a .docx is a zip file"


def test_running_a_word_run_twice_keeps_the_first_document(world: World, viewer: User) -> None:
    run = report_run_request(actor=viewer, organisation=world.district, year=YEAR, format="docx")
    first = bytes(report_run_execute(run_id=run.pk).document)
    add_cases(world, 2)
    again = report_run_execute(run_id=run.pk)
    assert bytes(again.document) == first and again.attempts == 1


def test_the_service_checks_role_scope_and_year(world: World, viewer: User) -> None:
    from core.errors import Forbidden, InvalidInput, NotFound

    with pytest.raises(Forbidden):
        services.annual_docx_deliver(actor=world.officer1, organisation=world.district, year=YEAR)
    with pytest.raises(NotFound):
        services.annual_docx_deliver(actor=viewer, organisation=world.city, year=YEAR)
    with pytest.raises(InvalidInput):
        services.annual_docx_deliver(actor=viewer, organisation=world.district, year=date.today().year + 1)
    delivered = services.annual_docx_deliver(actor=viewer, organisation=world.street, year=YEAR)
    assert delivered.run is None and delivered.content is not None
