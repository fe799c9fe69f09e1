"""Article references as data: 《中华人民共和国安全生产法》第九十七条第三项 ⇄ (law, 97, None, 3).

Chinese legal texts number articles, paragraphs and items with Chinese numerals (第一百零二条,
第二款, 第三项); catalogues and spreadsheets written by people use that form, the database keeps
integers so that "every violation punished under Art. 97" is a query, not a text search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {c: i for i, c in enumerate(DIGITS)} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 102 → 一百零二, 110 → 一百一十 (1–9999, as laws write them)."""
    if not 1 <= n <= 9999:
        raise ValueError(f"序号超出范围：{n}")
    parts: list[str] = []
    pending_zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        # 十五, not 一十五: only a leading ten drops its 一.
        parts.append(("" if unit == "十" and not parts and digit == 1 else DIGITS[digit]) + unit)
    return "".join(parts)


def parse_chinese_number(text: str) -> int:
    """The inverse of chinese_number; Arabic digits (全角 too) are accepted as well."""
    text = text.strip()
    normalised = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if normalised.isdigit():
        return int(normalised)
    if not text or any(c not in _DIGIT_VALUE and c not in _UNITS for c in text):
        raise ValueError(f"无法识别的序号“{text}”")
    total, digit = 0, None
    for char in text:
        if char in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            if digit is not None and digit != 0:
                raise ValueError(f"无法识别的序号“{text}”")
            digit = _DIGIT_VALUE[char]
    total += digit or 0
    if total == 0:
        raise ValueError(f"序号不能为零：“{text}”")
    return total


@dataclass(frozen=True)
class ArticleSpec:
    """One reference: the law's full name (no 书名号), article, and optional paragraph (款) and item (项)."""

    law: str
    article: int
    paragraph: int | None = None
    item: int | None = None

    def numbers_text(self) -> str:
        text = f"第{chinese_number(self.article)}条"
        if self.paragraph:
            text += f"第{chinese_number(self.paragraph)}款"
        if self.item:
            text += f"第{chinese_number(self.item)}项"
        return text


def article_text(law: str, article: int, paragraph: int | None = None, item: int | None = None) -> str:
    return f"《{law}》" + ArticleSpec(law, article, paragraph, item).numbers_text()


def articles_text(refs: Iterable[ArticleSpec]) -> str:
    """Several references as a person writes them: the law named once for consecutive articles of it.

    [(安全生产法, 24), (安全生产法, 27, 3)] → 《中华人民共和国安全生产法》第二十四条、第二十七条第三款
    """
    parts: list[str] = []
    current_law: str | None = None
    for ref in refs:
        prefix = "" if ref.law == current_law else f"《{ref.law}》"
        parts.append(prefix + ref.numbers_text())
        current_law = ref.law
    return "、".join(parts)


_NUM = r"[0-9０-９零〇一二两三四五六七八九十百千]+"
_REF = re.compile(
    rf"第\s*(?P<article>{_NUM})\s*条"
    rf"(?:\s*第\s*(?P<paragraph>{_NUM})\s*款)?"
    rf"(?:\s*第\s*[（(]?\s*(?P<item>{_NUM})\s*[）)]?\s*项)?"
)
_LAW = re.compile(r"《(?P<law>[^《》]+)》")
_SEPARATORS = re.compile(r"[\s、，,；;和及]*")

EXAMPLE = "《中华人民共和国安全生产法》第九十七条第三项"


def parse_articles(text: str) -> list[ArticleSpec]:
    """Read references written as articles_text writes them (or with ；，and between them).

    Raises ValueError with a message that shows where the text stopped making sense.
    """
    refs: list[ArticleSpec] = []
    law: str | None = None
    pos = 0
    text = text.strip()
    if not text:
        raise ValueError(f"未填写条款引用（应如：{EXAMPLE}）")
    while pos < len(text):
        pos = _SEPARATORS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            break
        law_match = _LAW.match(text, pos)
        if law_match:
            law = law_match.group("law").strip()
            pos = law_match.end()
            continue
        ref_match = _REF.match(text, pos)
        if law is None and not ref_match:
            raise ValueError(f"缺少用书名号标明的法律法规名称：“{text}”（应如：{EXAMPLE}）")
        if not ref_match:
            raise ValueError(f"无法识别“{text[pos:]}”（应如：{EXAMPLE}）")
        if law is None:
            raise ValueError(f"“{ref_match.group(0)}”前缺少用书名号标明的法律法规名称（应如：{EXAMPLE}）")
        paragraph, item = ref_match.group("paragraph"), ref_match.group("item")
        refs.append(
            ArticleSpec(
                law=law,
                article=parse_chinese_number(ref_match.group("article")),
                paragraph=parse_chinese_number(paragraph) if paragraph else None,
                item=parse_chinese_number(item) if item else None,
            )
        )
        pos = ref_match.end()
    if not refs:
        raise ValueError(f"“{text}”中没有条款（应如：{EXAMPLE}）")
    return refs
