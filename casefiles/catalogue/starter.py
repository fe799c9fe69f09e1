"""The shipped work-safety catalogue (casefiles/data/violation_catalogue.json) as catalogue entries.

The file holds the data, this module only reads it: laws, then violation types each with its
article references (structured: law, article, paragraph, item), statutory range and benchmark
versions. Amounts are yuan; dates ISO 8601.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from casefiles.catalogue.services import (
    ENTRY_FIELDS,
    BenchmarkSpec,
    CatalogueError,
    EntrySpec,
    LevelSpec,
    MergeReport,
    Problem,
    catalogue_merge,
)
from casefiles.models import Law
from law.articles import ArticleSpec

STARTER_FILE = Path(__file__).resolve().parent.parent / "data" / "violation_catalogue.json"
MONEY_FIELDS = {name for name in ENTRY_FIELDS if name.endswith(("_min", "_max"))}


class _Reader:
    """Reads one JSON object, collecting what is wrong instead of stopping at the first."""

    def __init__(self, data: dict[str, Any], where: str, problems: list[Problem]) -> None:
        self.data, self.where, self.problems = data, where, problems

    def fail(self, message: str) -> None:
        self.problems.append(Problem(f"{self.where}：{message}"))

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            self.fail(f"缺少文字字段“{key}”")
            return ""
        return value

    def money(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            return None
        try:
            return Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation:
            self.fail(f"“{key}”不是金额：{value!r}")
            return None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"“{key}”应为 true 或 false")
            return default
        return value

    def day(self, key: str, required: bool = True) -> date | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"“{key}”不是日期（应为 YYYY-MM-DD）：{value!r}")
            return None

    def items(self, key: str) -> list[dict[str, Any]]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"“{key}”应为对象列表")
            return []
        return value

    def articles(self, key: str) -> list[ArticleSpec]:
        refs = []
        for raw in self.items(key):
            ref = _Reader(raw, f"{self.where}的{key}", self.problems)
            numbers = [raw.get(part) for part in ("article", "paragraph", "item")]
            if not isinstance(numbers[0], int) or not all(n is None or isinstance(n, int) for n in numbers):
                ref.fail("条、款、项应为整数")
                continue
            refs.append(ArticleSpec(ref.text("law"), numbers[0], numbers[1], numbers[2]))
        return refs


def starter_entries(data: dict[str, Any]) -> tuple[list[dict[str, Any]], list[EntrySpec], list[Problem]]:
    """The laws and entries of a catalogue data file, and what is malformed in it."""
    problems: list[Problem] = []
    top = _Reader(data, "目录文件", problems)
    laws = top.items("laws")
    entries = []
    for raw in top.items("violation_types"):
        r = _Reader(raw, f"违法行为 {raw.get('code', '（无编码）')}", problems)
        spec = EntrySpec(
            code=r.text("code"),
            name=r.text("name"),
            legal_basis=r.articles("legal_basis"),
            penalty_basis=r.articles("penalty_basis"),
            domain=r.text("domain", "安全生产"),
            subject=r.text("subject", "entity"),
            statutory_penalty=r.text("statutory_penalty", ""),
            **{name: r.money(name) for name in MONEY_FIELDS},
            **{
                name: r.flag(name, name == "active")
                for name in ENTRY_FIELDS
                if name.startswith("allows_") or name == "active"
            },
        )
        for raw_bench in r.items("benchmarks"):
            b = _Reader(raw_bench, f"{r.where} 的裁量基准", problems)
            bench = BenchmarkSpec(
                effective_from=b.day("effective_from") or date.min,
                effective_to=b.day("effective_to", required=False),
                document_title=b.text("document_title"),
                document_number=b.text("document_number", ""),
                notes=b.text("notes", ""),
            )
            for raw_level in b.items("levels"):
                lv = _Reader(raw_level, f"{b.where}的阶次", problems)
                bench.levels.append(
                    LevelSpec(
                        severity=lv.text("severity"),
                        conditions=lv.text("conditions"),
                        measures=lv.text("measures", ""),
                        fine_min=lv.money("fine_min"),
                        fine_max=lv.money("fine_max"),
                        allows_no_penalty=lv.flag("allows_no_penalty"),
                    )
                )
            spec.benchmarks.append(bench)
        entries.append(spec)
    return laws, entries, problems


@transaction.atomic
def starter_catalogue_load(*, path: Path = STARTER_FILE) -> MergeReport:
    """Add the data file's laws, entries and benchmark versions that the catalogue lacks.

    Idempotent, and an admin's edits win: what exists is never changed (see catalogue_merge).
    Raises CatalogueError when the file itself is malformed or breaks an invariant.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CatalogueError([Problem(f"无法读取目录文件 {path}：{error}")]) from error
    laws, entries, problems = starter_entries(data)
    if problems:
        raise CatalogueError(problems)
    created_laws = []
    for raw in laws:
        r = _Reader(raw, "法律法规", problems)
        name = r.text("name")
        if name and not Law.objects.filter(name=name).exists():
            Law.objects.create(
                name=name, revision=r.text("revision", ""), effective_on=r.day("effective_on", False)
            )
            created_laws.append(name)
    if problems:
        raise CatalogueError(problems)
    report = catalogue_merge(entries=entries, strict=False)
    if report.problems:
        raise CatalogueError(report.problems)
    report.laws_created[:0] = created_laws
    return report
