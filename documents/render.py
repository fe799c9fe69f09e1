"""Filling a Word template (docxtpl) with a document's data.

Templates are Jinja inside .docx: values are escaped, and a name the template uses that the data does
not have is an error (StrictUndefined), so a template with a typo is refused when it is uploaded,
not discovered in a document served on a party.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError

DEFAULTS = Path(__file__).resolve().parent / "defaults"


class TemplateProblem(Exception):
    """The template cannot be filled; the message says why, for the administrator."""


@cache
def default_template(doc_type: str) -> bytes:
    return (DEFAULTS / f"{doc_type}.docx").read_bytes()


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=Environment(undefined=StrictUndefined), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateError as exc:
        line = f"（第 {exc.lineno} 行）" if getattr(exc, "lineno", None) else ""
        raise TemplateProblem(f"模板标签有误{line}：{exc.message or exc}") from exc
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TemplateProblem(f"不是有效的 Word（.docx）文件：{exc}") from exc
    return out.getvalue()
