"""The prior-year baseline is entered in the Django admin; report runs are shown there read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from reports.models import AnnualBaseline, ReportRun
from tests.factories import World

pytestmark = pytest.mark.django_db

ADD = reverse("admin:reports_annualbaseline_add")


@pytest.fixture
def root_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(username="root", password="root-pass-123"))
    return client


def test_an_admin_enters_a_baseline(root_client: Client, world: World) -> None:
    response = root_client.post(
        ADD,
        {
            "organisation": world.district.pk,
            "year": "2024",
            "cases_filed": "631",
            "fines_total_wan": "337.77",
            "source": "2024年法治政府建设年度报告",
        },
    )
    assert response.status_code == 302, response.content.decode()
    baseline = AnnualBaseline.objects.get(organisation=world.district, year=2024)
    assert (baseline.cases_filed, baseline.fines_total_wan) == (631, Decimal("337.77"))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"year": "2024"}, "请至少填写一项数据"),
        ({"year": "1999", "cases_filed": "3"}, "2000"),
        ({"year": "2024", "fines_total_wan": "-1"}, "0"),
        ({"year": "2024", "fines_total_wan": "1.234"}, "2"),
    ],
)
def test_a_baseline_without_figures_or_with_bad_ones_is_refused(
    root_client: Client, world: World, values: dict[str, str], message: str
) -> None:
    response = root_client.post(ADD, {"organisation": world.district.pk, "source": "", **values})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnnualBaseline.objects.exists()


def test_one_baseline_per_organisation_and_year(root_client: Client, world: World) -> None:
    AnnualBaseline.objects.create(organisation=world.district, year=2024, cases_filed=1)
    response = root_client.post(ADD, {"organisation": world.district.pk, "year": "2024", "cases_filed": "2"})
    assert response.status_code == 200
    assert "该机构该年度的基数已存在" in response.content.decode()
    assert AnnualBaseline.objects.get().cases_filed == 1


def test_report_runs_are_read_only(root_client: Client) -> None:
    assert root_client.get(reverse("admin:reports_reportrun_add")).status_code == 403
    assert root_client.get(reverse("admin:reports_reportrun_changelist")).status_code == 200
    assert ReportRun._meta.verbose_name == "报表生成任务"


def test_a_word_run_shows_its_document_size(root_client: Client, world: World) -> None:
    from reports.services import report_run_execute, report_run_request

    run = report_run_request(
        actor=User.objects.get(username="root"), organisation=world.district, year=2025, format="docx"
    )
    page = root_client.get(reverse("admin:reports_reportrun_change", args=[run.pk])).content.decode()
    assert "尚未生成" in page
    report_run_execute(run_id=run.pk)
    page = root_client.get(reverse("admin:reports_reportrun_change", args=[run.pk])).content.decode()
    assert "KB" in page and f"/api/v1/reports/annual/runs/{run.pk}/download/" in page
    assert root_client.get(reverse("admin:reports_reportrun_changelist")).status_code == 200
