"""The violation catalogue (违法行为目录) and its versioned discretion benchmarks (自由裁量基准)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from casefiles.catalogue.selectors import (
    FAIL,
    PASS,
    WARNING,
    benchmark_fine_check,
    benchmark_for,
    benchmark_level,
    benchmark_level_for_fine,
    statutory_fine_check,
)
from casefiles.catalogue.services import (
    BenchmarkSpec,
    CatalogueError,
    Envelope,
    LevelSpec,
    benchmark_add,
)
from casefiles.catalogue.spreadsheet import SHEET
from casefiles.catalogue.starter import starter_catalogue_load
from casefiles.catalogue.values import range_text
from casefiles.models import (
    SEVERITY_ORDER,
    BenchmarkLevel,
    DiscretionBenchmark,
    Law,
    ViolationArticle,
    ViolationType,
)
from law.articles import ArticleSpec, articles_text, chinese_number, parse_articles
from tests.factories import violation

pytestmark = pytest.mark.django_db

SPL = "中华人民共和国安全生产法"
D = Decimal


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every catalogue row, to compare before and after a run that should change nothing."""
    return {
        model.__name__: sorted(tuple(row.values()) for row in model.objects.values())
        for model in (Law, ViolationType, ViolationArticle, DiscretionBenchmark, BenchmarkLevel)
    }


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=out)
    return out.getvalue()


def levels(*ranges: tuple[int, int] | None, minor_no_penalty: bool = False) -> list[LevelSpec]:
    """Levels minor → severe with the given fine ranges in yuan (None: no fine)."""
    out = []
    for severity, pair in zip(SEVERITY_ORDER, ranges, strict=False):
        low, high = pair if pair else (None, None)
        out.append(
            LevelSpec(
                severity=severity,
                conditions=f"{severity} 情形",
                fine_min=None if low is None else D(low),
                fine_max=None if high is None else D(high),
                allows_no_penalty=minor_no_penalty and severity == "minor",
            )
        )
    return out


# --- article references ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (15, "十五"),
        (28, "二十八"),
        (97, "九十七"),
        (102, "一百零二"),
        (110, "一百一十"),
    ],
)
def test_article_numbers_are_written_as_laws_write_them(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_article_references_round_trip_between_text_and_data() -> None:
    text = "《中华人民共和国安全生产法》第二十四条、第二十七条第三款、《安全生产违法行为行政处罚办法》第四十五条第二项"
    refs = parse_articles(text)
    assert refs == [
        ArticleSpec(SPL, 24),
        ArticleSpec(SPL, 27, 3),
        ArticleSpec("安全生产违法行为行政处罚办法", 45, None, 2),
    ]
    assert articles_text(refs) == text
    assert parse_articles("《安全生产法》第97条第（三）项") == [ArticleSpec("安全生产法", 97, None, 3)]
    with pytest.raises(ValueError, match="缺少用书名号标明的法律法规名称"):
        parse_articles("第九十七条第三项")
    with pytest.raises(ValueError, match="无法识别"):
        parse_articles("《安全生产法》第九十七款")


# --- the starter set --------------------------------------------------------------------------------------


def test_starter_set_loads_with_articles_ranges_and_benchmarks_within_them() -> None:
    out = run("load_violation_catalogue")
    assert "新增违法行为 29 项" in out

    entries = ViolationType.objects.prefetch_related("articles__law", "benchmarks__levels")
    assert entries.count() >= 15
    for vt in entries:
        roles = {a.role for a in vt.articles.all()}
        assert roles == {"legal", "penalty"}, vt.code
        assert vt.legal_basis.startswith("《") and "条" in vt.legal_basis, vt.code
        assert vt.penalty_basis.startswith("《") and "条" in vt.penalty_basis, vt.code
        assert vt.fine_max is not None and vt.statutory_penalty, vt.code
        envelope = Envelope.of(vt)
        (benchmark,) = vt.benchmarks.all()
        assert benchmark.effective_from == date(2021, 9, 1)
        fined = [lv for lv in benchmark.levels.all() if lv.fine_min is not None]
        assert fined, vt.code
        for level in fined:
            assert envelope.contains(level.fine_min, level.fine_max), (vt.code, level.severity)
        bounds = [(lv.fine_min, lv.fine_max) for lv in fined]
        assert bounds == sorted(bounds), vt.code

    # The articles are data: every violation punished under Art. 97 is a query.
    art97 = ViolationType.objects.filter(
        articles__role="penalty", articles__article=97, articles__law__name=SPL
    )
    assert set(art97.values_list("code", flat=True)) >= {"AQ-001", "AQ-007"}
    training = ViolationType.objects.get(code="AQ-001")
    assert training.penalty_basis == "《中华人民共和国安全生产法》第九十七条第三项"
    assert (training.fine_min, training.fine_max) == (D(0), D(100000))
    assert (training.overdue_fine_min, training.overdue_fine_max) == (D(100000), D(200000))
    assert (training.person_fine_min, training.person_fine_max) == (D(20000), D(50000))
    assert training.allows_suspension and not training.allows_revocation
    assert (
        ViolationType.objects.get(code="AQ-019").penalty_basis == "《中华人民共和国安全生产法》第一百零二条"
    )
    minor = BenchmarkLevel.objects.get(benchmark__violation_type=training, severity="minor")
    assert minor.allows_no_penalty


def test_loading_twice_changes_nothing() -> None:
    run("load_violation_catalogue")
    before = snapshot()
    out = run("load_violation_catalogue")
    assert "新增违法行为 0 项，新增裁量基准版本 0 个" in out
    assert "未作改动" in out
    assert snapshot() == before


def test_loading_never_overwrites_an_admins_edits() -> None:
    run("load_violation_catalogue")
    vt = ViolationType.objects.get(code="AQ-001")
    vt.name = "未按规定开展安全培训（本局表述）"
    vt.save(update_fields=["name"])
    level = BenchmarkLevel.objects.get(benchmark__violation_type=vt, severity="general")
    level.conditions = "本局修订的情形"
    level.save(update_fields=["conditions"])
    ViolationType.objects.filter(code="AQ-027").delete()
    before = snapshot()

    out = run("load_violation_catalogue")

    assert "新增违法行为 1 项" in out and "AQ-027" in out
    assert "已由管理员修改" in out  # AQ-001's version is kept as the admin left it, and said so
    vt.refresh_from_db()
    level.refresh_from_db()
    assert vt.name == "未按规定开展安全培训（本局表述）"
    assert level.conditions == "本局修订的情形"
    after = snapshot()
    assert after["ViolationType"] != before["ViolationType"]  # AQ-027 is back
    assert {row for row in before["BenchmarkLevel"]} <= set(after["BenchmarkLevel"])


def test_loading_adds_benchmarks_to_an_entry_that_existed_without_them() -> None:
    vt = violation("AQ-001")  # what tests and older data create: text articles, no benchmark
    run("load_violation_catalogue")
    vt.refresh_from_db()
    assert vt.legal_basis == "《中华人民共和国安全生产法》第二十八条"  # untouched
    assert benchmark_for(violation_type=vt, on=date(2024, 1, 1)) is not None


def test_a_malformed_data_file_loads_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "catalogue.json"
    bad.write_text(
        '{"laws": [], "violation_types": [{"code": "X-1", "name": "某违法行为", '
        '"legal_basis": [{"law": "某法", "article": 1}], "penalty_basis": [{"law": "某法", "article": 2}], '
        '"fine_min": 0, "fine_max": 1000, "benchmarks": [{"effective_from": "2022-01-01", '
        '"document_title": "某基准", "levels": [{"severity": "general", "conditions": "情形", '
        '"fine_min": 500, "fine_max": 5000}]}]}]}',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="未载入任何数据"):
        run("load_violation_catalogue", "--file", str(bad))
    assert not ViolationType.objects.exists()
    with pytest.raises(CatalogueError) as refused:
        starter_catalogue_load(path=bad)
    assert "一般阶次罚款幅度（500元以上5000元以下）超出法定幅度（1000元以下）" in str(refused.value)


# --- which version applies ------------------------------------------------------------------------------


@pytest.fixture
def revised() -> ViolationType:
    """AQ-001 with the starter version (2021-09-01) and a 2022 revision that lowered the general level."""
    run("load_violation_catalogue")
    vt = ViolationType.objects.get(code="AQ-001")
    benchmark_add(
        violation_type=vt,
        spec=BenchmarkSpec(
            effective_from=date(2022, 7, 1),
            document_title="某市应急管理局安全生产行政处罚自由裁量基准（2022年修订）",
            document_number="某应急规〔2022〕3号",
            levels=levels(None, (5000, 20000), (20000, 60000), (60000, 100000)),
        ),
    )
    return vt


def test_benchmark_for_picks_the_version_in_force_on_the_filing_date(revised: ViolationType) -> None:
    vt = revised
    old = benchmark_for(violation_type=vt, on=date(2022, 6, 30))
    new = benchmark_for(violation_type=vt, on=date(2022, 7, 1))
    assert old is not None and new is not None
    assert old.effective_from == date(2021, 9, 1)
    assert old.effective_to == date(2022, 6, 30)  # the revision ended it the day before, nothing more
    assert new.document_number == "某应急规〔2022〕3号"
    assert benchmark_for(violation_type=vt, on=date(2026, 3, 1)) == new
    assert benchmark_for(violation_type=vt, on=date(2021, 8, 31)) is None  # before the law took effect

    before = benchmark_level(violation_type=vt, on=date(2022, 6, 30), severity="general")
    after = benchmark_level(violation_type=vt, on=date(2022, 7, 1), severity="general")
    assert (before.fine_min, before.fine_max) == (D(10000), D(30000))
    assert (after.fine_min, after.fine_max) == (D(5000), D(20000))
    assert benchmark_level(violation_type=vt, on=date(2022, 7, 1), severity="minor").fine_min is None

    # The same fine is inside the old general level and outside the revised one.
    fine = D(25000)
    assert (
        benchmark_fine_check(violation_type=vt, on=date(2022, 5, 10), severity="general", fine=fine).result
        == PASS
    )
    later = benchmark_fine_check(violation_type=vt, on=date(2022, 8, 10), severity="general", fine=fine)
    assert later.result == WARNING
    assert "拟罚款 25000元不在“一般”阶次的裁量幅度（5000元以上20000元以下）内" in later.message
    assert "2022年修订" in later.message  # names the version it measured against


def test_fine_checks_against_the_law_and_the_benchmark() -> None:
    run("load_violation_catalogue")
    vt = ViolationType.objects.get(code="AQ-001")  # 十万元以下；逾期未改正 十万元以上二十万元以下
    day = date(2024, 5, 1)
    assert statutory_fine_check(violation_type=vt, fine=D(50000)).result == PASS
    above_law = statutory_fine_check(violation_type=vt, fine=D(250000))
    assert above_law.result == FAIL
    assert above_law.message == "拟罚款 250000元超过法定上限 200000元"
    overdue = statutory_fine_check(violation_type=vt, fine=D(150000))
    assert overdue.result == WARNING and "逾期未改正" in overdue.message

    within = benchmark_fine_check(violation_type=vt, on=day, severity="general", fine=D(20000))
    assert within.result == PASS and within.level is not None
    above_level = benchmark_fine_check(violation_type=vt, on=day, severity="general", fine=D(80000))
    assert above_level.result == WARNING
    assert "不在“一般”阶次的裁量幅度（10000元以上30000元以下）内" in above_level.message
    assert (
        statutory_fine_check(violation_type=vt, fine=D(80000)).result == PASS
    )  # within the law all the same

    # Suggesting a severity from a fine: shared boundaries belong to the lighter level.
    suggest = {
        fine: getattr(benchmark_level_for_fine(violation_type=vt, on=day, fine=D(fine)), "severity", None)
        for fine in (5000, 10000, 10001, 60000, 100000, 150000)
    }
    assert suggest == {
        5000: "minor",
        10000: "minor",
        10001: "general",
        60000: "serious",
        100000: "severe",
        150000: None,
    }

    no_benchmark = violation("OLD-1")
    assert (
        benchmark_fine_check(violation_type=no_benchmark, on=day, severity="general", fine=D(1)).result
        == WARNING
    )


def some_benchmark(vt: ViolationType, specs: list[LevelSpec]) -> DiscretionBenchmark:
    """A benchmark document, 某基准, in force from 1 January 2022 for `vt`, with the levels `specs`."""
    return benchmark_add(
        violation_type=vt,
        spec=BenchmarkSpec(effective_from=date(2022, 1, 1), document_title="某基准", levels=specs),
    )


# --- invariants -----------------------------------------------------------------------------------------


def test_a_level_outside_the_statutory_range_is_refused() -> None:
    vt = violation("AQ-X")  # 0–100000 yuan
    with pytest.raises(CatalogueError) as refused:
        some_benchmark(vt, levels((0, 10000), (10000, 30000), (30000, 60000), (60000, 150000)))
    assert (
        str(refused.value.problems[0])
        == "严重阶次罚款幅度（60000元以上150000元以下）超出法定幅度（100000元以下）"
    )
    assert not DiscretionBenchmark.objects.exists()


def test_levels_must_rise_with_severity_without_overlapping() -> None:
    vt = violation("AQ-X")
    with pytest.raises(CatalogueError) as refused:
        some_benchmark(vt, levels((0, 10000), (10000, 40000), (30000, 60000)))
    assert (
        "较重阶次罚款幅度（30000元以上60000元以下）与一般阶次（10000元以上40000元以下）重叠或次序颠倒"
        in str(refused.value)
    )
    with pytest.raises(CatalogueError, match="只有轻微阶次可以规定不予处罚"):
        some_benchmark(vt, [LevelSpec("general", "情形", "", D(0), D(1000), allows_no_penalty=True)])
    # Shared boundaries are how benchmark documents are written (以上/以下 both include the figure).
    some_benchmark(
        vt, levels((0, 10000), (10000, 30000), (30000, 60000), (60000, 100000), minor_no_penalty=True)
    )


def test_versions_of_one_violation_type_do_not_overlap() -> None:
    vt = violation("AQ-X")
    ok = levels((0, 10000), (10000, 100000))
    benchmark_add(
        violation_type=vt,
        spec=BenchmarkSpec(date(2021, 9, 1), "甲基准", effective_to=date(2022, 12, 31), levels=ok),
    )
    with pytest.raises(CatalogueError) as refused:
        benchmark_add(violation_type=vt, spec=BenchmarkSpec(date(2022, 6, 1), "乙基准", levels=ok))
    assert (
        "AQ-X 的裁量基准版本（2022-06-01 起（现行有效））与已有版本（2021-09-01 起至 2022-12-31）时间重叠"
        in str(refused.value)
    )
    with pytest.raises(CatalogueError, match="已有裁量基准版本"):
        benchmark_add(violation_type=vt, spec=BenchmarkSpec(date(2021, 9, 1), "丙基准", levels=ok))
    benchmark_add(violation_type=vt, spec=BenchmarkSpec(date(2023, 1, 1), "丁基准", levels=ok))
    assert DiscretionBenchmark.objects.filter(violation_type=vt).count() == 2


def test_the_database_refuses_what_the_services_refuse(postgres_only: None) -> None:
    vt = violation("AQ-X")
    first = DiscretionBenchmark.objects.create(
        violation_type=vt, effective_from=date(2021, 9, 1), document_title="甲基准"
    )
    with pytest.raises(IntegrityError, match="benchmark_versions_do_not_overlap"), transaction.atomic():
        DiscretionBenchmark.objects.create(
            violation_type=vt, effective_from=date(2023, 1, 1), document_title="乙"
        )
    with pytest.raises(IntegrityError, match="benchmark_period_ordered"), transaction.atomic():
        DiscretionBenchmark.objects.create(
            violation_type=vt,
            effective_from=date(2024, 1, 1),
            effective_to=date(2023, 1, 1),
            document_title="丙",
        )
    with pytest.raises(IntegrityError, match="benchmarklevel_fine_min_le_max"), transaction.atomic():
        BenchmarkLevel.objects.create(
            benchmark=first, severity="general", conditions="x", fine_min=9, fine_max=1
        )
    with pytest.raises(IntegrityError, match="benchmarklevel_no_penalty_only_minor"), transaction.atomic():
        BenchmarkLevel.objects.create(
            benchmark=first, severity="severe", conditions="x", allows_no_penalty=True
        )
    with pytest.raises(IntegrityError, match="violationtype_fine_min_le_max"), transaction.atomic():
        ViolationType.objects.filter(pk=vt.pk).update(fine_min=D(200000))
    assert connection.vendor == "postgresql"


def test_model_validation_speaks_chinese() -> None:
    vt = violation("AQ-X")
    vt.overdue_fine_min = D(5)
    with pytest.raises(ValidationError) as refused:
        vt.full_clean()
    assert "逾期未改正罚款的下限和上限应同时填写或同时不填" in str(refused.value)
    assert range_text(D(0), D(50000)) == "50000元以下"


# --- spreadsheet ----------------------------------------------------------------------------------------


def sheet_rows(path: Path) -> tuple[list[str], list[list[object]]]:
    book = load_workbook(path)
    sheet = book[SHEET]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def write_sheet(path: Path, header: list[str], rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def content() -> dict[str, list[tuple[object, ...]]]:
    """The catalogue without ids and timestamps: what a round trip must preserve."""
    return {
        "laws": sorted(Law.objects.values_list("name")),
        "entries": sorted(
            ViolationType.objects.values_list(
                "code",
                "name",
                "domain",
                "subject",
                "legal_basis",
                "penalty_basis",
                "statutory_penalty",
                "fine_min",
                "fine_max",
                "overdue_fine_min",
                "overdue_fine_max",
                "person_fine_min",
                "person_fine_max",
                "allows_warning",
                "allows_suspension",
                "allows_revocation",
                "allows_closure",
                "active",
            )
        ),
        "articles": sorted(
            ViolationArticle.objects.values_list(
                "violation_type__code", "role", "position", "law__name", "article", "paragraph", "item"
            )
        ),
        "versions": sorted(
            DiscretionBenchmark.objects.values_list(
                "violation_type__code", "effective_from", "effective_to", "document_title", "document_number"
            )
        ),
        "levels": sorted(
            BenchmarkLevel.objects.values_list(
                "benchmark__violation_type__code",
                "benchmark__effective_from",
                "severity",
                "conditions",
                "measures",
                "fine_min",
                "fine_max",
                "allows_no_penalty",
            )
        ),
    }


def test_spreadsheet_round_trip_rebuilds_the_same_catalogue(tmp_path: Path) -> None:
    run("load_violation_catalogue")
    original = content()
    exported = tmp_path / "目录.xlsx"
    assert "已导出 116 行" in run("export_violation_catalogue", str(exported))
    header, rows = sheet_rows(exported)
    assert header[:6] == ["编码", "违法行为", "执法领域", "处罚对象", "违法依据", "处罚依据"]
    assert rows[0][4] == "《中华人民共和国安全生产法》第二十八条"

    assert "未作改动" in run("import_violation_catalogue", str(exported))  # importing it back: nothing to do
    assert content() == original

    # Into an empty catalogue (another bureau's system): everything comes back as it was.
    BenchmarkLevel.objects.all().delete()
    DiscretionBenchmark.objects.all().delete()
    ViolationArticle.objects.all().delete()
    ViolationType.objects.all().delete()
    Law.objects.all().delete()
    out = run("import_violation_catalogue", str(exported))
    assert "新增违法行为 29 项" in out
    assert content() == original


def test_a_revision_in_the_spreadsheet_adds_a_version_and_keeps_history(tmp_path: Path) -> None:
    run("load_violation_catalogue")
    exported = tmp_path / "目录.xlsx"
    run("export_violation_catalogue", str(exported), "--code", "AQ-001")
    header, rows = sheet_rows(exported)
    col = {name: header.index(name) for name in header}
    revision = []
    for row in rows:  # the admin copies the four levels and edits them as the 2022 revision
        new = list(row)
        new[col["基准生效日期"]] = date(2022, 7, 1)
        new[col["基准文件"]] = "某市应急管理局安全生产行政处罚自由裁量基准（2022年修订）"
        new[col["基准文号"]] = "某应急规〔2022〕3号"
        if new[col["裁量阶次"]] == "一般":
            new[col["阶次罚款下限（元）"]], new[col["阶次罚款上限（元）"]] = 5000, 20000
        if new[col["裁量阶次"]] == "轻微":
            new[col["阶次罚款上限（元）"]] = 5000
        revision.append(new)
    edited = tmp_path / "修订.xlsx"
    write_sheet(edited, header, rows + revision)

    out = run("import_violation_catalogue", str(edited))

    assert "新增裁量基准版本：AQ-001 自 2022-07-01 起" in out
    assert "AQ-001 自 2021-09-01 起的版本至 2022-06-30" in out
    vt = ViolationType.objects.get(code="AQ-001")
    old = benchmark_level(violation_type=vt, on=date(2022, 6, 30), severity="general")
    new = benchmark_level(violation_type=vt, on=date(2022, 7, 1), severity="general")
    assert (old.fine_min, old.fine_max) == (D(10000), D(20000) + D(10000))
    assert (new.fine_min, new.fine_max) == (D(5000), D(20000))
    before = snapshot()
    assert "未作改动" in run("import_violation_catalogue", str(edited))  # twice: no change
    assert snapshot() == before


def test_a_spreadsheet_with_one_bad_row_imports_nothing_and_names_the_row(tmp_path: Path) -> None:
    run("load_violation_catalogue")
    exported = tmp_path / "目录.xlsx"
    run("export_violation_catalogue", str(exported))
    header, rows = sheet_rows(exported)
    col = {name: header.index(name) for name in header}
    BenchmarkLevel.objects.all().delete()
    DiscretionBenchmark.objects.all().delete()
    ViolationArticle.objects.all().delete()
    ViolationType.objects.all().delete()
    # Row 7 is AQ-002's general level (1万元以上3万元以下): raise it above the statutory maximum.
    assert rows[5][:1] == ["AQ-002"] and rows[5][col["裁量阶次"]] == "一般"
    rows[5][col["阶次罚款上限（元）"]] = 250000
    bad = tmp_path / "有误.xlsx"
    write_sheet(bad, header, rows)

    err = StringIO()
    with pytest.raises(CommandError, match="导入失败：共 1 处错误，未导入任何数据"):
        call_command("import_violation_catalogue", str(bad), stdout=StringIO(), stderr=err)
    assert (
        err.getvalue().strip()
        == "第7行：一般阶次罚款幅度（10000元以上250000元以下）超出法定幅度（200000元以下）"
    )
    assert not ViolationType.objects.exists()
    assert not DiscretionBenchmark.objects.exists()


def test_every_bad_row_is_reported_with_its_number_and_what_is_wrong(tmp_path: Path) -> None:
    run("load_violation_catalogue")
    exported = tmp_path / "目录.xlsx"
    run("export_violation_catalogue", str(exported), "--code", "AQ-001", "--code", "AQ-008")
    header, rows = sheet_rows(exported)
    col = {name: header.index(name) for name in header}
    revision = [list(r) for r in rows[:4]]
    for r in revision:
        r[col["基准生效日期"]] = "2023-01-01"
    revision[0][col["阶次罚款上限（元）"]] = "一万"  # row 10
    revision[1][col["裁量阶次"]] = "特别严重"  # row 11
    revision[2][col["处罚依据"]] = "安全生产法第九十七条"  # row 12: no 书名号, and differs from row 2
    rows[4][col["可处警告"]] = "Y"  # row 6
    rows[5][col["适用情形"]] = "改写了历史版本的情形"  # row 7
    bad = tmp_path / "有误.xlsx"
    write_sheet(bad, header, rows + revision)
    before = snapshot()

    with pytest.raises(CatalogueError) as refused:
        from casefiles.catalogue.spreadsheet import catalogue_import

        catalogue_import(source=bad)

    messages = [str(p) for p in refused.value.problems]
    assert any(m.startswith("第6行：“可处警告”应填“是”或“否”，实为“Y”") for m in messages), messages
    assert any(m.startswith("第7行：") and "导入不改写历史版本" in m for m in messages), messages
    assert any(m.startswith("第10行：“阶次罚款上限（元）”不是金额：“一万”") for m in messages), messages
    assert any(
        m.startswith("第11行：“裁量阶次”应为轻微、一般、较重、严重之一，实为“特别严重”") for m in messages
    )
    assert any(m.startswith("第12行：“处罚依据”") and "书名号" in m for m in messages), messages
    assert snapshot() == before


# --- admin ----------------------------------------------------------------------------------------------


def posted(response: Any) -> dict[str, Any]:
    """The data an admin page would post back unchanged: main form, inline management forms and rows."""
    data: dict[str, Any] = {}

    def put(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form)
        for form in formset.forms:
            put(form)
    return data


def level_rows(prefix: str, rows: list[tuple[str, int | None, int | None]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, (severity, low, high) in enumerate(rows):
        data |= {f"{prefix}-{i}-severity": severity, f"{prefix}-{i}-conditions": f"{severity} 情形"}
        if low is not None:
            data |= {f"{prefix}-{i}-fine_min": low, f"{prefix}-{i}-fine_max": high}
    return data


def test_admin_adds_a_revision_with_levels_and_refuses_bad_ones_in_chinese(admin_client: Any) -> None:
    run("load_violation_catalogue")
    vt = ViolationType.objects.get(code="AQ-008")  # 五万元以下；逾期未改正 五万元以上二十万元以下
    add = reverse("admin:casefiles_discretionbenchmark_add")
    assert admin_client.get(add + f"?violation_type={vt.pk}").status_code == 200
    base = {
        "violation_type": vt.pk,
        "effective_from": "2023-03-01",
        "document_title": "某区应急管理局安全生产行政处罚自由裁量基准（2023年修订）",
        "document_number": "某应急〔2023〕12号",
    }

    refused = admin_client.post(
        add, base | level_rows("levels", [("general", 5000, 30000), ("serious", 20000, 250000)])
    )
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "较重阶次罚款幅度（20000元以上250000元以下）超出法定幅度（200000元以下）" in text
    assert DiscretionBenchmark.objects.filter(violation_type=vt).count() == 1

    accepted = admin_client.post(
        add,
        base
        | level_rows("levels", [("minor", None, None), ("general", 5000, 30000), ("severe", 30000, 50000)]),
    )
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    old, new = DiscretionBenchmark.objects.filter(violation_type=vt).order_by("effective_from")
    assert old.effective_to == date(2023, 2, 28)
    assert new.effective_to is None and new.levels.count() == 3
    assert benchmark_for(violation_type=vt, on=date(2023, 3, 1)) == new

    # A version inside an earlier version's period is refused, with the periods named.
    inside = admin_client.post(
        add, base | {"effective_from": "2022-01-01"} | level_rows("levels", [("general", 5000, 30000)])
    )
    assert (
        "AQ-008 的裁量基准版本（2022-01-01 起（现行有效））与已有版本（2021-09-01 起至 2023-02-28）时间重叠"
        in inside.content.decode()
    )
    backwards = admin_client.post(
        add,
        base | {"effective_from": "2024-01-01", "effective_to": "2023-12-31"} | level_rows("levels", []),
    )
    assert "失效日期不能早于生效日期" in backwards.content.decode()
    assert DiscretionBenchmark.objects.filter(violation_type=vt).count() == 2


def test_admin_edits_an_entry_and_derives_its_basis_text_from_the_articles(admin_client: Any) -> None:
    run("load_violation_catalogue")
    vt = ViolationType.objects.get(code="AQ-001")
    change = reverse("admin:casefiles_violationtype_change", args=[vt.pk])
    page = admin_client.get(change)
    assert page.status_code == 200
    assert "新增裁量基准版本（修订）" in page.content.decode()
    data = posted(page)

    # Narrowing the statutory range below the benchmark's levels is refused.
    narrowed = admin_client.post(
        change, data | {"fine_max": "50000", "overdue_fine_min": "", "overdue_fine_max": ""}
    )
    assert "超出法定幅度（50000元以下）" in narrowed.content.decode()

    # Editing an article reference rewrites the display text.
    legal_row = next(k for k, v in data.items() if k.endswith("-role") and v == "legal").rsplit("-", 1)[0]
    data[f"{legal_row}-paragraph"] = "1"
    saved = admin_client.post(change, data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    vt.refresh_from_db()
    assert vt.legal_basis == "《中华人民共和国安全生产法》第二十八条第一款"
