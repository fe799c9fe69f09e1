"""The registry of the law's rules: each rule is one object with a stable code, its source (law,
article, paragraph, item), a Chinese title and one evaluation.

A rule's evaluation reads the case through its attributes and asks the questions only the database
can answer through `ctx.facts` (law.facts.Facts: the AV records, the documents on file, the
catalogue's ranges), so this package imports no app. The adapters that put a rule to work live with
the work: workflow.guards.law_guard (a blocking guard on the steps that list it), workflow.precheck
(a point of the legal pre-check) and review.findings (a suggested finding of case-file review). The
rules themselves are law.rules, which every user of the registry imports. The law table (`python manage.py law_table`, the 法律规则表 page) lists where each rule is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from law.articles import ArticleSpec, article_text
from law.findings import FAIL, PASS, WARNING

# The full titles as the citation in a document gives them.
LAWS = {
    "行政处罚法": "中华人民共和国行政处罚法",
    "行政强制法": "中华人民共和国行政强制法",
    "安全生产法": "中华人民共和国安全生产法",
}


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: 《中华人民共和国行政处罚法》第六十四条第一款第一项 = Source("行政处罚法", 64, 1, 1)."""

    law: str
    article: int
    paragraph: int | None = None
    item: int | None = None

    def __str__(self) -> str:
        return article_text(LAWS.get(self.law, self.law), self.article, self.paragraph, self.item)

    @property
    def short(self) -> str:
        """第六十四条第一款第一项, for a message that names its law elsewhere."""
        return ArticleSpec(self.law, self.article, self.paragraph, self.item).numbers_text()


@dataclass(frozen=True)
class Verdict:
    result: str  # law.findings.PASS / WARNING / FAIL
    message: str

    @property
    def failed(self) -> bool:
        return self.result == FAIL


def passed(message: str = "") -> Verdict:
    return Verdict(PASS, message)


def warning(message: str) -> Verdict:
    return Verdict(WARNING, message)


def failed(message: str) -> Verdict:
    return Verdict(FAIL, message)


Evaluation = Callable[..., Verdict]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    source: Source
    evaluate: Evaluation  # (case, ctx, **options) -> Verdict
    # A rule that judges what a step records (a decision, a quorum, a report): it stands aside while
    # a user only asks what he may do, and is judged after the step recorded its input.
    judges_input: bool = False

    def __call__(self, case: Any, ctx: Any, **options: Any) -> Verdict:
        return self.evaluate(case, ctx, **options)

    @property
    def article(self) -> str:
        return str(self.source)


RULES: dict[str, Rule] = {}


def rule(
    code: str, title: str, source: Source, *, judges_input: bool = False
) -> Callable[[Evaluation], Rule]:
    """Register the decorated evaluation as the rule `code`."""

    def register(evaluate: Evaluation) -> Rule:
        if code in RULES:
            raise ValueError(f"duplicate rule {code}")
        registered = Rule(code=code, title=title, source=source, evaluate=evaluate, judges_input=judges_input)
        RULES[code] = registered
        return registered

    return register
