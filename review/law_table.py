"""The law table (法律规则表): every rule of the law registry with its article, the steps it blocks,
the pre-check point it fills, the case-file review items it suggests, and the tests that name it.

It sits with case-file review because it reads the three adapters of a rule: the workflow's step
table (workflow.steps), the legal pre-check (workflow.precheck) and the review standard's finding
codes (review.standards, the shipped standard) and the review's own finding sources."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from law import rules as law_rules
from review.findings import RULES_JUDGED_ON_THE_FILE
from review.standards import standard_file_read
from workflow.guards import rule_codes
from workflow.precheck import POINT_OF_RULE, RULE_TITLES
from workflow.steps import STEPS

TESTS_DIR = Path(settings.BASE_DIR) / "tests"


@dataclass
class LawRow:
    code: str
    title: str
    article: str
    judges_input: bool
    blocks: list[str] = field(default_factory=list)  # "step code（label）"
    precheck_point: str = ""  # "code（title）"
    review_items: list[str] = field(default_factory=list)  # "item code 条目文字"
    tests: list[str] = field(default_factory=list)  # "tests/…::test_name"


def _blocking_steps() -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    for step in STEPS:
        for guard in step.guards:
            for code in rule_codes(guard):
                where = f"{step.code}（{step.label}）"
                if where not in blocks.setdefault(code, []):
                    blocks[code].append(where)
    return blocks


def _review_items() -> dict[str, list[str]]:
    """finding code → the shipped standard's items and veto items that take it."""
    spec = standard_file_read()
    items: dict[str, list[str]] = {}
    for category in spec.categories:
        for item in category.items:
            for code in item.finding_codes:
                items.setdefault(code, []).append(f"{item.code} {item.text}")
    for veto in spec.vetoes:
        for code in veto.finding_codes:
            items.setdefault(code, []).append(f"{veto.code}（否决）{veto.text}")
    return items


def _finding_codes(rule_code: str) -> list[str]:
    """The review finding codes a rule's failure is suggested under (review.findings)."""
    codes = []
    point = POINT_OF_RULE.get(rule_code)
    if point is not None:
        codes.append(f"precheck.{point}")  # a failed pre-check point, stored with the legal check
    if rule_code == "av_record_missing":
        codes.append(rule_code)  # the AV source judges the file by the rule itself
    return codes


def naming_tests(codes: list[str], tests_dir: Path = TESTS_DIR) -> dict[str, list[str]]:
    """code → the test functions whose source names it as a string ("code")."""
    found: dict[str, list[str]] = {code: [] for code in codes}
    if not tests_dir.is_dir():
        return found
    wanted = {f'"{code}"': code for code in codes} | {f"'{code}'": code for code in codes}
    for path in sorted(tests_dir.rglob("test_*.py")):
        text = path.read_text(encoding="utf-8")
        if not any(token in text for token in wanted):
            continue
        relative = path.relative_to(tests_dir.parent)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
                body = ast.get_source_segment(text, node) or ""
                for token, code in wanted.items():
                    name = f"{relative}::{node.name}"
                    if token in body and name not in found[code]:
                        found[code].append(name)
    return found


def law_table(*, with_tests: bool = True) -> list[LawRow]:
    rules = law_rules.all_rules()
    blocks = _blocking_steps()
    items = _review_items()
    tests = naming_tests([r.code for r in rules]) if with_tests else {}
    rows = []
    for rule in rules:
        point = POINT_OF_RULE.get(rule.code, "")
        review_items: list[str] = []
        for code in _finding_codes(rule.code):
            review_items += [i for i in items.get(code, []) if i not in review_items]
        rows.append(
            LawRow(
                code=rule.code,
                title=rule.title,
                article=rule.article,
                judges_input=rule.judges_input,
                blocks=blocks.get(rule.code, []),
                precheck_point=f"{point}（{RULE_TITLES[point]}）" if point else "",
                review_items=review_items,
                tests=tests.get(rule.code, []),
            )
        )
    return rows


# Said in the table: which rules a closed file is still judged by in case-file review.
JUDGED_ON_THE_FILE = frozenset(RULES_JUDGED_ON_THE_FILE)
