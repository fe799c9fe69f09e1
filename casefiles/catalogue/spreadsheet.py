"""The violation catalogue as a spreadsheet (.xlsx) that admins export, edit and import.

Layout: sheet “违法行为目录”, header in row 1 (columns found by header text, so their order may change),
one row per benchmark level (裁量阶次). The columns of a violation type repeat on each of its rows and
must agree; so must the columns of a benchmark version (same 编码 + 基准生效日期) on each of its rows.
A violation type without a benchmark is one row with the benchmark and level columns empty.

| column | contents |
|---|---|
| 编码 | catalogue code, e.g. AQ-001 (required) |
| 违法行为 | name of the violation (required) |
| 执法领域 | e.g. 安全生产 (required) |
| 处罚对象 | 单位 / 个人 / 单位或个人 |
| 违法依据, 处罚依据 | article references, e.g. 《中华人民共和国安全生产法》第九十七条第三项; several joined by 、 |
| 法定处罚 | the penalty clause as the law words it |
| 法定罚款下限（元）, 法定罚款上限（元） | statutory fine range in yuan (empty lower bound = 0) |
| 逾期未改正罚款下限（元）, …上限（元） | the escalated range when the order to rectify is ignored (both or neither) |
| 责任人员罚款下限（元）, …上限（元） | fines on the responsible persons (both or neither) |
| 可处警告, 可责令停产停业, 可吊销许可证照, 可责令关闭, 启用 | 是 / 否 |
| 基准生效日期, 基准失效日期 | benchmark version period, YYYY-MM-DD; 失效日期 empty = in force |
| 基准文件, 基准文号 | the document that issued the benchmark and its number |
| 裁量阶次 | 轻微 / 一般 / 较重 / 严重 |
| 适用情形, 裁量标准 | the conditions of the level and its measures in words |
| 阶次罚款下限（元）, 阶次罚款上限（元） | the level's fine range (both empty: no fine) |
| 可不予处罚 | 是 / 否 (轻微 only: 首违不罚、轻微不罚) |

Import validates every row first and writes nothing when any row is wrong. It adds violation types and
benchmark versions the catalogue lacks; a version with a later 基准生效日期 is a revision and ends the
version before it on the previous day. It never rewrites what exists: an existing entry or version
must match the sheet (as an export of it does), otherwise the row is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db.models import Prefetch
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from casefiles.catalogue.services import (
    BenchmarkSpec,
    CatalogueError,
    EntrySpec,
    LevelSpec,
    MergeReport,
    Problem,
    article_specs,
    catalogue_merge,
)
from casefiles.catalogue.values import SEVERITY_LABELS, SUBJECT_LABELS
from casefiles.models import SEVERITY_ORDER, DiscretionBenchmark, ViolationType
from law.articles import articles_text, parse_articles

SHEET = "违法行为目录"
HELP_SHEET = "填写说明"
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # text | articles | money | flag | date | severity | subject
    scope: str  # entry | benchmark | level
    required: bool = False
    width: int = 14
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("code", "编码", "text", "entry", True, 10, "违法行为编码，如 AQ-001；同一违法行为的各行相同"),
    Column("name", "违法行为", "text", "entry", True, 40),
    Column("domain", "执法领域", "text", "entry", True, 10, "如：安全生产"),
    Column("subject", "处罚对象", "subject", "entry", True, 10, "单位 / 个人 / 单位或个人"),
    Column(
        "legal_basis",
        "违法依据",
        "articles",
        "entry",
        True,
        36,
        "如：《中华人民共和国安全生产法》第二十八条第一款；多条用“、”分隔",
    ),
    Column(
        "penalty_basis",
        "处罚依据",
        "articles",
        "entry",
        True,
        36,
        "如：《中华人民共和国安全生产法》第九十七条第三项",
    ),
    Column("statutory_penalty", "法定处罚", "text", "entry", False, 40, "处罚依据条文中罚则的原文"),
    Column("fine_min", "法定罚款下限（元）", "money", "entry", False, 12, "空表示 0"),
    Column("fine_max", "法定罚款上限（元）", "money", "entry", False, 12, "空表示法律未规定罚款"),
    Column(
        "overdue_fine_min",
        "逾期未改正罚款下限（元）",
        "money",
        "entry",
        False,
        12,
        "与上限同时填写或同时不填",
    ),
    Column("overdue_fine_max", "逾期未改正罚款上限（元）", "money", "entry", False, 12),
    Column(
        "person_fine_min",
        "责任人员罚款下限（元）",
        "money",
        "entry",
        False,
        12,
        "对直接负责的主管人员和其他直接责任人员",
    ),
    Column("person_fine_max", "责任人员罚款上限（元）", "money", "entry", False, 12),
    Column("allows_warning", "可处警告", "flag", "entry", False, 8, "是 / 否"),
    Column("allows_suspension", "可责令停产停业", "flag", "entry", False, 8, "是 / 否"),
    Column("allows_revocation", "可吊销许可证照", "flag", "entry", False, 8, "是 / 否"),
    Column("allows_closure", "可责令关闭", "flag", "entry", False, 8, "是 / 否"),
    Column("active", "启用", "flag", "entry", False, 6, "是 / 否"),
    Column(
        "effective_from",
        "基准生效日期",
        "date",
        "benchmark",
        False,
        12,
        "YYYY-MM-DD；同一违法行为、同一生效日期的行组成一个基准版本",
    ),
    Column(
        "effective_to",
        "基准失效日期",
        "date",
        "benchmark",
        False,
        12,
        "YYYY-MM-DD，最后一天仍有效；空表示现行有效",
    ),
    Column("document_title", "基准文件", "text", "benchmark", False, 30, "发布裁量基准的文件名称"),
    Column("document_number", "基准文号", "text", "benchmark", False, 18),
    Column("severity", "裁量阶次", "severity", "level", False, 8, "轻微 / 一般 / 较重 / 严重"),
    Column("conditions", "适用情形", "text", "level", False, 40),
    Column("measures", "裁量标准", "text", "level", False, 30, "如：责令限期改正，处1万元以上3万元以下罚款"),
    Column(
        "level_fine_min",
        "阶次罚款下限（元）",
        "money",
        "level",
        False,
        12,
        "与上限同时填写；都不填表示不处罚款",
    ),
    Column("level_fine_max", "阶次罚款上限（元）", "money", "level", False, 12),
    Column(
        "allows_no_penalty",
        "可不予处罚",
        "flag",
        "level",
        False,
        8,
        "是 / 否；仅轻微阶次可为“是”（首违不罚、轻微不罚）",
    ),
)
HEADERS = [c.header for c in COLUMNS]
SEVERITY_BY_LABEL = {label: code for code, label in SEVERITY_LABELS.items()}
SUBJECT_BY_LABEL = {label: code for code, label in SUBJECT_LABELS.items()}


# --- export ---------------------------------------------------------------------------------------------


def _money_cell(value: Decimal | None) -> int | Decimal | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value


def _flag_cell(value: bool) -> str:
    return YES if value else NO


def _entry_cells(vt: ViolationType) -> dict[str, Any]:
    legal, penalty = article_specs(vt, "legal"), article_specs(vt, "penalty")
    return {
        "code": vt.code,
        "name": vt.name,
        "domain": vt.domain,
        "subject": SUBJECT_LABELS[vt.subject],
        # Entries made before article references were data keep their text, which imports back.
        "legal_basis": articles_text(legal) if legal else vt.legal_basis,
        "penalty_basis": articles_text(penalty) if penalty else vt.penalty_basis,
        "statutory_penalty": vt.statutory_penalty,
        **{
            name: _money_cell(getattr(vt, name))
            for name in (
                "fine_min",
                "fine_max",
                "overdue_fine_min",
                "overdue_fine_max",
                "person_fine_min",
                "person_fine_max",
            )
        },
        **{
            name: _flag_cell(getattr(vt, name))
            for name in (
                "allows_warning",
                "allows_suspension",
                "allows_revocation",
                "allows_closure",
                "active",
            )
        },
    }


def export_rows(queryset: Iterable[ViolationType]) -> Iterable[dict[str, Any]]:
    for vt in queryset:
        entry = _entry_cells(vt)
        benchmarks = sorted(vt.benchmarks.all(), key=lambda b: b.effective_from)
        if not benchmarks:
            yield entry
        for benchmark in benchmarks:
            version = {
                "effective_from": benchmark.effective_from,
                "effective_to": benchmark.effective_to,
                "document_title": benchmark.document_title,
                "document_number": benchmark.document_number,
            }
            for level in sorted(benchmark.levels.all(), key=lambda lv: SEVERITY_ORDER.index(lv.severity)):
                yield {
                    **entry,
                    **version,
                    "severity": SEVERITY_LABELS[level.severity],
                    "conditions": level.conditions,
                    "measures": level.measures,
                    "level_fine_min": _money_cell(level.fine_min),
                    "level_fine_max": _money_cell(level.fine_max),
                    "allows_no_penalty": _flag_cell(level.allows_no_penalty),
                }


def catalogue_export(
    *, target: str | Path | IO[bytes], codes: list[str] | None = None, domain: str | None = None
) -> int:
    """Write the catalogue (or the given codes / domain) in the import layout; returns the row count."""
    queryset = ViolationType.objects.order_by("code").prefetch_related(
        "articles__law",
        Prefetch("benchmarks", queryset=DiscretionBenchmark.objects.prefetch_related("levels")),
    )
    if codes:
        queryset = queryset.filter(code__in=codes)
    if domain:
        queryset = queryset.filter(domain=domain)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    count = 0
    for row in export_rows(queryset):
        sheet.append([row.get(c.key) for c in COLUMNS])
        count += 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
        choices = {
            "flag": [YES, NO],
            "severity": list(SEVERITY_BY_LABEL),
            "subject": list(SUBJECT_BY_LABEL),
        }.get(column.kind)
        if choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            validation.error = f"请填写：{'、'.join(choices)}"
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
    sheet.freeze_panes = "C2"
    guide = book.create_sheet(HELP_SHEET)
    guide.append(["列名", "说明", "必填"])
    for column in COLUMNS:
        guide.append([column.header, column.help, YES if column.required else ""])
    guide.append([])
    for line in (
        "每个裁量阶次一行；同一违法行为的各行，违法行为各列须相同；同一基准版本（编码与基准生效日期相同）的各行，基准各列须相同。",
        "导入时先校验全部行，任何一行有误则不导入任何数据，并列出有误的行号和原因。",
        "导入只新增系统中没有的违法行为和基准版本，不改写已有数据；修订基准请以新的基准生效日期新增一个版本，原版本自动于新版本生效前一日失效。",
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 90
    book.save(target)
    return count


# --- import ---------------------------------------------------------------------------------------------


class _Row:
    """One sheet row read into Python values, with what was wrong in it."""

    def __init__(self, number: int, raw: dict[str, Any], problems: list[Problem]) -> None:
        self.number = number
        self.raw = raw
        self.problems = problems
        self.values: dict[str, Any] = {}
        self.unreadable: set[str] = set()
        for column in COLUMNS:
            before = len(problems)
            self.values[column.key] = self._read(column, raw.get(column.key))
            if len(problems) > before:
                self.unreadable.add(column.key)

    def fail(self, message: str) -> None:
        self.problems.append(Problem(message, self.number))

    def _read(self, column: Column, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if column.kind == "flag":
                return column.key == "active"  # 启用 defaults to 是, the rest to 否
            return [] if column.kind == "articles" else ("" if column.kind == "text" else None)
        label = f"“{column.header}”"
        if column.kind == "text":
            return str(value)
        if column.kind == "money":
            try:
                amount = Decimal(str(value).replace(",", ""))
            except InvalidOperation:
                self.fail(f"{label}不是金额：“{value}”（请填写以元为单位的数字）")
                return None
            if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
                self.fail(f"{label}最多精确到分：“{value}”")
                return None
            return amount.quantize(Decimal("0.01"))
        if column.kind == "flag":
            if value in (YES, NO):
                return value == YES
            if isinstance(value, bool):
                return value
            self.fail(f"{label}应填“是”或“否”，实为“{value}”")
            return False
        if column.kind == "date":
            if isinstance(value, datetime):
                return value.date()
            if isinstance(value, date):
                return value
            try:
                return date.fromisoformat(str(value).replace("/", "-"))
            except ValueError:
                self.fail(f"{label}不是日期：“{value}”（应为 YYYY-MM-DD）")
                return None
        if column.kind == "severity":
            if value not in SEVERITY_BY_LABEL:
                self.fail(f"{label}应为{'、'.join(SEVERITY_BY_LABEL)}之一，实为“{value}”")
                return None
            return SEVERITY_BY_LABEL[value]
        if column.kind == "subject":
            if value not in SUBJECT_BY_LABEL:
                self.fail(f"{label}应为{'、'.join(SUBJECT_BY_LABEL)}之一，实为“{value}”")
                return None
            return SUBJECT_BY_LABEL[value]
        if column.kind == "articles":
            try:
                return parse_articles(str(value))
            except ValueError as error:
                self.fail(f"{label}{error}")
                return []
        raise AssertionError(column.kind)

    def scope(self, scope: str) -> dict[str, Any]:
        return {c.key: self.values[c.key] for c in COLUMNS if c.scope == scope}

    def blank(self, scope: str) -> bool:
        return all(self.raw.get(c.key) in (None, "") for c in COLUMNS if c.scope == scope)


def _header_map(header: tuple[Any, ...], problems: list[Problem]) -> dict[int, str]:
    by_header = {c.header: c.key for c in COLUMNS}
    found = {
        index: by_header[str(h).strip()]
        for index, h in enumerate(header)
        if h is not None and str(h).strip() in by_header
    }
    missing = [c.header for c in COLUMNS if c.key not in found.values()]
    if missing:
        problems.append(Problem(f"表头缺少列：{'、'.join(missing)}（请以导出的表格为模板）", 1))
    return found


def _differs(first: dict[str, Any], row: _Row, scope: str) -> list[str]:
    """Columns of `scope` where `row` says otherwise than `first` (a cell it could not read aside)."""
    headers = {c.key: c.header for c in COLUMNS}
    other = row.scope(scope)
    return [headers[key] for key in first if key not in row.unreadable and first[key] != other[key]]


def read_catalogue_sheet(source: str | Path | IO[bytes]) -> tuple[list[EntrySpec], list[Problem]]:
    """Parse the sheet into entries; every problem found, by row number."""
    problems: list[Problem] = []
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        return [], [Problem(f"无法读取表格文件：{error}")]
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return [], [Problem("表格为空", 1)]
    columns = _header_map(header, problems)
    if problems:
        return [], problems

    entries: dict[str, EntrySpec] = {}
    entry_rows: dict[str, _Row] = {}
    version_rows: dict[tuple[str, date], _Row] = {}
    for number, cells in enumerate(rows, start=2):
        raw = {key: cells[index] if index < len(cells) else None for index, key in columns.items()}
        if all(value in (None, "") for value in raw.values()):
            continue
        row = _Row(number, raw, problems)
        before = len(problems)
        entry_values = row.scope("entry")
        code = entry_values["code"]
        for column in COLUMNS:
            if column.required and row.blank(column.scope) is False and raw.get(column.key) in (None, ""):
                row.fail(f"“{column.header}”不能为空")
        if not code:
            continue
        first = entry_rows.get(code)
        if first is None:
            entry_rows[code] = row
            entries[code] = EntrySpec(
                code=code,
                name=entry_values["name"],
                legal_basis=entry_values["legal_basis"],
                penalty_basis=entry_values["penalty_basis"],
                domain=entry_values["domain"],
                subject=entry_values["subject"] or "",
                statutory_penalty=entry_values["statutory_penalty"],
                **{
                    key: entry_values[key]
                    for key in (
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
                },
                row=number,
            )
        elif diffs := _differs(first.scope("entry"), row, "entry"):
            row.fail(
                f"编码 {code} 的{'、'.join(diffs)}与第{first.number}行不一致（同一违法行为的各行应相同）"
            )

        if row.blank("benchmark") and row.blank("level"):
            continue
        version = row.scope("benchmark")
        start = version["effective_from"]
        if start is None:
            if not any(p.row == number for p in problems[before:]):
                row.fail("填写了裁量阶次，但未填写基准生效日期")
            continue
        if row.blank("level"):
            row.fail("填写了基准生效日期，但未填写裁量阶次")
            continue
        level_values = row.scope("level")
        if level_values["severity"] is None:
            continue
        key = (code, start)
        first_version = version_rows.get(key)
        if first_version is None:
            version_rows[key] = row
            entries[code].benchmarks.append(
                BenchmarkSpec(
                    effective_from=start,
                    effective_to=version["effective_to"],
                    document_title=version["document_title"],
                    document_number=version["document_number"],
                    row=number,
                )
            )
        elif diffs := _differs(first_version.scope("benchmark"), row, "benchmark"):
            row.fail(f"{code} 自 {start} 起的基准版本，{'、'.join(diffs)}与第{first_version.number}行不一致")
        bench = next(b for b in entries[code].benchmarks if b.effective_from == start)
        bench.levels.append(
            LevelSpec(
                severity=level_values["severity"],
                conditions=level_values["conditions"],
                measures=level_values["measures"],
                fine_min=level_values["level_fine_min"],
                fine_max=level_values["level_fine_max"],
                allows_no_penalty=level_values["allows_no_penalty"],
                row=number,
            )
        )
    book.close()
    return list(entries.values()), problems


def catalogue_import(*, source: str | Path | IO[bytes], dry_run: bool = False) -> MergeReport:
    """Validate the whole sheet, then add what it has and the catalogue lacks, or nothing at all.

    Raises CatalogueError listing every bad row (by row number) when any row is wrong.
    """
    entries, problems = read_catalogue_sheet(source)
    report = catalogue_merge(entries=entries, strict=True, dry_run=dry_run or bool(problems))
    # A row that could not be read is reported for that; what its half-read values break follows from it.
    unreadable = {p.row for p in problems}
    all_problems = sorted(
        {*problems, *(p for p in report.problems if p.row not in unreadable)},
        key=lambda p: (p.row or 0, p.message),
    )
    if all_problems:
        raise CatalogueError(all_problems)
    return report
