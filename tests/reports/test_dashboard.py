"""The statistics dashboard page (/reports/): who sees it, the figures and tables in it, the organisation
and year pickers, the Word report link or background run, and ECharts served from local static files."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

import reports
from accounts.models import User
from accounts.roles import Role
from reports.models import ReportRun
from reports.services import report_run_execute
from tests.factories import World, user
from tests.reports.annual_world import YEAR, AnnualWorld
from tests.reports.test_selectors import add_cases

pytestmark = pytest.mark.django_db

URL = "/reports/"
ECHARTS = "reports/vendor/echarts/echarts.min.js"


def page(actor: User | None, **params: object):  # type: ignore[no-untyped-def]
    client = Client()
    if actor is not None:
        client.force_login(actor)
    return client.get(URL, params)


def visible_text(html: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_a_report_viewer_sees_the_figures_tables_and_charts() -> None:
    a = AnnualWorld()
    response = page(a.city_viewer, organisation=a.city.pk, year=YEAR)
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)
    assert "统计分析：市应急管理局 2025年" in text
    for sentence in (
        "全年共执法检查企业4家次，查处违法行为10条，责令限期整改3次。",
        "立案查处违法案件7件，同比增长250.0%",
        "处罚罚款14.53万元，同比增长384.3%，案均罚款2.91万元",
        "按时公示率66.7%",
        "全年发生行政复议2件，其中被撤销、变更或确认违法1件",
    ):
        assert sentence in text
    # The cards and the full list of figures.
    assert re.search(r"罚款金额 14\.53 万元 同比 \+384\.3%", text)
    assert re.search(r"立案数 7 件 同比 \+250\.0%", text)
    assert "评查案卷数 0 宗" in text, "no file of this world was reviewed"
    for label, value in (
        ("执法检查企业", "4 家次"),
        ("重大案件双重审核数", "2 件"),
        ("音像记录覆盖率", "60.0%"),
    ):
        assert f"{label} {value}" in text
    # The tables by sub-organisation: one row per child, the city's own row, the total.
    assert "执法检查和立案情况" in text and "执法监督和执法衔接情况" in text
    assert re.search(r"区应急管理局 3 6 2 6 \+200\.0% 4", text)
    assert re.search(r"外区应急管理局 1 4 1 1 — 1", text)
    assert re.search(r"市应急管理局本级 0 0 0 0 — 0", text)
    assert re.search(r"合计 4 10 3 7 \+250\.0% 5", text)
    assert re.search(r"12月 1 1 1 0 0\.00 合计 4 10 7 5 14\.53", text)
    # The charts' data, for ECharts, from the page itself.
    charts = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert charts["months"]["cases"] == [0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1]
    assert charts["organisations"]["labels"] == ["区应急管理局", "外区应急管理局", "市应急管理局本级"]
    assert charts["organisations"]["cases"] == [6, 1, 0]
    assert charts["grades"] == [] and 'id="chart-grades"' not in html
    assert "本年度系统中无已完成评查的案卷。因此不显示评查等次分布图" in text
    # The Word report of this organisation and year.
    assert f'href="/api/v1/reports/annual.docx?organisation={a.city.pk}&amp;year={YEAR}"' in html


def test_charts_are_drawn_with_echarts_from_local_static_files_only(world: World) -> None:
    viewer = user("viewer", world.district, Role.REPORT_VIEWER)
    html = page(viewer).content.decode()
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert "/static/reports/vendor/echarts/echarts.min.js" in scripts
    assert "/static/reports/dashboard.js" in scripts
    assert all(src.startswith("/static/") for src in scripts), "no CDN, no other origin"
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html), (
        "no inline script: the production CSP allows scripts from 'self' only"
    )
    found = finders.find(ECHARTS)
    assert found and Path(found).stat().st_size > 500_000, "the full minified build"
    vendor = Path(reports.__file__).parent / "static/reports/vendor/echarts"
    assert (vendor / "LICENSE").exists() and "5.6.0" in (vendor / "README.md").read_text()


def test_the_echarts_file_is_served_under_static(live_server) -> None:  # type: ignore[no-untyped-def]
    with urllib.request.urlopen(f"{live_server.url}/static/{ECHARTS}") as response:
        assert response.status == 200
        assert "javascript" in response.headers["Content-Type"]
        body = response.read()
    assert body == Path(finders.find(ECHARTS)).read_bytes()  # type: ignore[arg-type]
    assert b"echarts" in body[:5000].lower()


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ((Role.REPORT_VIEWER,), 200),
        ((Role.AGENCY_HEAD,), 200),
        ((Role.ADMIN,), 200),
        ((Role.OFFICER,), 403),
        ((Role.DIVISION_HEAD,), 403),
        ((Role.LEGAL_REVIEWER,), 403),
        ((Role.COMMITTEE_MEMBER,), 403),
        ((Role.CASEFILE_REVIEWER,), 403),
        ((Role.OFFICER, Role.REPORT_VIEWER), 200),
    ],
)
def test_who_may_see_the_dashboard(world: World, roles: tuple[str, ...], status: int) -> None:
    actor = user("someone", world.district, *roles)
    assert page(actor, organisation=world.district.pk, year=YEAR).status_code == status


def test_anonymous_is_sent_to_log_in(world: World) -> None:
    response = page(None)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_pickers_offer_the_users_subtree_and_refuse_the_rest(world: World) -> None:
    viewer = user("district_viewer", world.district, Role.REPORT_VIEWER)
    response = page(viewer)
    assert response.status_code == 200
    html = response.content.decode()
    options = re.findall(r'<option value="(\d+)"', html.split('name="year"')[0])
    assert [int(o) for o in options] == [world.district.pk, world.street.pk]
    assert f'<option value="{world.district.pk}" selected>' in html, "defaults to the user's organisation"
    this_year = date.today().year
    assert f'<option value="{this_year}" selected>{this_year}年' in html, "defaults to the current year"
    assert f'<option value="{this_year - 9}">' in html
    assert page(viewer, organisation=world.street.pk, year=YEAR).status_code == 200
    for outside in (world.city.pk, world.other_district.pk, 999999999, "abc", 10**30):
        assert page(viewer, organisation=outside, year=YEAR).status_code == 404, outside
    for year in (this_year + 1, 1999, "二〇二五", 12345):
        assert page(viewer, organisation=world.district.pk, year=year).status_code == 400, year


def test_a_street_has_no_table_by_sub_organisation(world: World) -> None:
    viewer = user("street_viewer", world.street, Role.REPORT_VIEWER)
    html = page(viewer, year=YEAR).content.decode()
    assert "分机构统计" not in html and 'id="chart-organisations"' not in html
    assert "分月统计" in html and 'id="chart-months"' in html
    assert "全年无立案和行政处罚决定。" in visible_text(html)


def test_a_large_report_is_requested_in_the_background_from_the_page(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORT_INLINE_MAX_CASES = 1
    add_cases(world, 4)
    viewer = user("district_viewer", world.district, Role.REPORT_VIEWER)
    client = Client()
    client.force_login(viewer)
    html = client.get(URL, {"organisation": world.district.pk, "year": YEAR}).content.decode()
    assert "在后台生成 Word 报告" in html and "annual.docx" not in html

    response = client.post("/reports/word-runs/", {"organisation": world.district.pk, "year": YEAR})
    assert response.status_code == 302
    assert response["Location"] == f"/reports/?organisation={world.district.pk}&year={YEAR}#word"
    run = ReportRun.objects.get()
    assert (run.format, run.requested_by, run.organisation) == ("docx", viewer, world.district)
    html = client.get(URL, {"organisation": world.district.pk, "year": YEAR}).content.decode()
    assert "排队中" in html and "报告生成中，请稍后刷新本页" in html

    report_run_execute(run_id=run.pk)
    html = client.get(URL, {"organisation": world.district.pk, "year": YEAR}).content.decode()
    link = f"/api/v1/reports/annual/runs/{run.pk}/download/"
    assert "已完成" in html and f'href="{link}"' in html
    download = client.get(link)
    assert download.status_code == 200 and download.content.startswith(b"PK")

    # The same checks as the page: an officer may not, an organisation outside the subtree is 404.
    officer = Client()
    officer.force_login(world.officer1)
    assert (
        officer.post("/reports/word-runs/", {"organisation": world.district.pk, "year": YEAR}).status_code
        == 403
    )
    assert (
        client.post("/reports/word-runs/", {"organisation": world.city.pk, "year": YEAR}).status_code == 404
    )
    assert client.get("/reports/word-runs/").status_code == 405
    assert ReportRun.objects.count() == 1


def test_a_superuser_without_an_organisation_starts_at_the_top(world: World) -> None:
    root = User.objects.create_superuser("root", password="pw-secret-123")
    html = page(root, year=YEAR).content.decode()
    assert f'<option value="{world.city.pk}" selected>' in html
    options = re.findall(r'<option value="(\d+)"', html.split('name="year"')[0])
    assert len(options) == 4, "every organisation"
