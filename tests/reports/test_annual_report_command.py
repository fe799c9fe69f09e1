"""manage.py annual_report --organisation CODE --year Y [--format json|docx] [--output F]."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from tests.factories import World
from tests.reports.annual_world import YEAR, AnnualWorld

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("annual_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_to_standard_output() -> None:
    a = AnnualWorld()
    out, _ = run("--organisation", a.district.code, "--year", str(YEAR))
    report = json.loads(out)
    assert report["organisation"]["code"] == a.district.code and report["year"] == YEAR
    assert (report["cases_filed"], report["penalty_decisions"]) == (6, 5)
    assert report["fines_total_wan"] == "14.53" and report["avg_fine_wan"] == "2.91"
    assert report["cases_filed_yoy_pct"] == "200.0" and report["casefiles_reviewed"] == 0
    assert [r["scope"] for r in report["breakdown"]] == ["subtree", "own", "total"]
    assert len(report["months"]) == 12
    assert "区应急管理局" in out, "Chinese as text, not \\u escapes"
    same, _ = run("--organisation", a.district.code, "--year", str(YEAR), "--format", "json", "--output", "-")
    assert same == out


def test_json_to_a_file(world: World, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    out, err = run("--organisation", world.city.code, "--year", str(YEAR), "--output", str(target))
    assert out == "" and "已写入" in err
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["organisation"]["id"] == world.city.pk and report["fines_total_wan"] == "0.00"


def test_docx_to_a_file(tmp_path: Path) -> None:
    a = AnnualWorld()
    target = tmp_path / "报告.docx"
    out, err = run(
        "--organisation", a.district.code, "--year", str(YEAR), "--format", "docx", "--output", str(target)
    )
    assert out == "" and "已写入" in err and "Word 报告" in err
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "区应急管理局2025年法治政府建设年度报告" in text
    assert "立案查处违法案件6件，同比增长200.0%" in text and "处罚罚款14.53万元" in text


def test_docx_needs_an_output_file(world: World) -> None:
    for output in ((), ("--output", "-")):
        with pytest.raises(CommandError, match="--output"):
            run("--organisation", world.city.code, "--year", str(YEAR), "--format", "docx", *output)


def test_an_unknown_format_is_refused(world: World) -> None:
    with pytest.raises(CommandError) as refused:
        run("--organisation", world.city.code, "--year", str(YEAR), "--format", "pdf")
    assert "pdf" in str(refused.value) and "json" in str(refused.value) and "docx" in str(refused.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--organisation", "无此机构", "--year", "2025"), "机构代码不存在"),
        (("--organisation", "市", "--year", str(date.today().year + 1)), "年度须在"),
        (("--organisation", "市", "--year", "abc"), "invalid int value"),
        (("--year", "2025"), "--organisation"),
    ],
)
def test_bad_arguments(world: World, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)


def test_an_unwritable_output_is_a_clear_error(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="无法写入"):
        run(
            "--organisation",
            world.city.code,
            "--year",
            str(YEAR),
            "--output",
            str(tmp_path / "no" / "x.json"),
        )
