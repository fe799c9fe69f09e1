"""The statistics part of the 法治政府建设年度报告 as a Word document (python-docx).

Laid out the way Chinese government documents are (GB/T 9704-2012 党政机关公文格式, as far as a
statistics annex follows it): A4, margins 37/35/28/26 mm, a 22 pt title, 16 pt body text on a fixed
28 pt line with a two-character first-line indent, section headings in a sans face (for 黑体),
page numbers "— n —" at the foot. Fonts are the Noto CJK faces the set-up installs (Noto Serif CJK SC
for 仿宋/宋体, Noto Sans CJK SC for 黑体); Word substitutes its own CJK fonts where they are absent.

Content: a title, an introduction naming the scope and the period, the prose of reports.narrative,
two tables by sub-organisation (one row per direct child, the organisation's own row, the total),
the charts of reports.charts (by sub-organisation, by month, and the case-file review grades when
there are any — otherwise a sentence says why there is no such chart), a table by month, and the
statistical definitions.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from accounts.models import Organisation
from reports import charts
from reports.narrative import (
    MONTH_CELLS,
    MONTH_TABLE_KEYS,
    NOTES,
    CellColumn,
    breakdown_tables,
    definitions,
    has_casefile_grades,
    introduction,
    ordinal,
    row_name,
    statistics_sections,
)
from reports.selectors import REPORT_TZ, annual_report

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SERIF = "Noto Serif CJK SC"  # for 仿宋 / 宋体 / 小标宋
SANS = "Noto Sans CJK SC"  # for 黑体

BODY, TITLE, SUBTITLE, HEADING, CAPTION, CELL, NOTE = (
    "报告正文",
    "报告标题",
    "报告副标题",
    "一级标题",
    "图表标题",
    "表格文字",
    "注释",
)

TEXT_WIDTH_MM = 210 - 28 - 26
STYLE_IDS: dict[str, str] = {}  # the report styles' ids in the document (the same in every report)


# --- building blocks ----------------------------------------------------------------------------------------


def _fonts(element: Any, family: str) -> None:
    """Set a run's or style's font for Latin and East Asian text alike (Word keeps them apart)."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), family)


def _paragraph_style(
    document: DocumentObject,
    name: str,
    *,
    family: str,
    size: float,
    bold: bool = False,
    align: int | None = None,
    indent_chars: float = 0,
    line: float | None = None,
    before: float = 0,
    after: float = 0,
) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    STYLE_IDS[name] = style.style_id
    style.base_style = document.styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(style.element, family)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.first_line_indent = Pt(size * indent_chars) if indent_chars else Pt(0)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.widow_control = True


def _setup(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    _fonts(normal.element, SERIF)
    _paragraph_style(
        document, BODY, family=SERIF, size=16, indent_chars=2, line=28, align=WD_ALIGN_PARAGRAPH.JUSTIFY
    )
    _paragraph_style(
        document, TITLE, family=SERIF, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, line=36
    )
    _paragraph_style(
        document, SUBTITLE, family=SERIF, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, line=28, after=14
    )
    _paragraph_style(document, HEADING, family=SANS, size=16, indent_chars=2, line=28, before=6)
    _paragraph_style(
        document, CAPTION, family=SANS, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, line=22, before=6, after=4
    )
    _paragraph_style(document, CELL, family=SANS, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(document, NOTE, family=SERIF, size=12, indent_chars=2, line=22)
    document.styles[HEADING].paragraph_format.keep_with_next = True
    document.styles[CAPTION].paragraph_format.keep_with_next = True
    _page_numbers(document)


def _page_numbers(document: DocumentObject) -> None:
    """ "— 1 —" centred at the foot of every page (a PAGE field, so Word and LibreOffice count)."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")
    for r in paragraph.runs:
        r.font.size = Pt(14)
        _fonts(r._r, SERIF)


def _styled(paragraph: Paragraph, style: str) -> Paragraph:
    """Give a paragraph one of the report's styles by its id. (python-docx's own `style=` looks the
    default style up in the whole style sheet on every call: most of the time of a report with a
    few hundred table cells went there.)"""
    paragraph._p.style = STYLE_IDS[style]
    return paragraph


def _add(document: DocumentObject, style: str, text: str = "") -> Paragraph:
    return _styled(document.add_paragraph(text), style)


def _body(document: DocumentObject, text: str, *, lead: str = "") -> None:
    paragraph = _add(document, BODY)
    if lead:
        run = paragraph.add_run(lead)
        run.bold = True
    paragraph.add_run(text)


def _picture(document: DocumentObject, png: bytes, caption: str, *, width_mm: float = TEXT_WIDTH_MM) -> None:
    paragraph = _add(document, CAPTION)
    # A picture sits on its own line: an exact line height would crop it to that height.
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
    _add(document, CAPTION, caption).paragraph_format.keep_with_next = False


def _insert_before(parent: Any, child: Any, successors: Sequence[str]) -> None:
    """Insert where the WordprocessingML schema wants it: Word refuses a file whose property
    elements are out of order (LibreOffice is lenient, so a test rendering there would not notice)."""
    for name in successors:
        found = parent.find(qn(name))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    successors = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
    _insert_before(cell._tc.get_or_add_tcPr(), shading, successors)


def _row_flags(row: Any, *, header: bool) -> None:
    """A row never breaks across pages; the header row repeats on every page the table spans."""
    tr_pr = row._tr.get_or_add_trPr()
    successors = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
    _insert_before(tr_pr, OxmlElement("w:cantSplit"), successors)
    if header:
        marker = OxmlElement("w:tblHeader")
        marker.set(qn("w:val"), "true")
        _insert_before(tr_pr, marker, successors[2:])


def _narrow_cell_margins(table: Table, mm: float = 1.0) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(mm * 56.7)))  # twentieths of a point
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    _insert_before(table._tbl.tblPr, margins, ("w:tblLook", "w:tblCaption", "w:tblDescription"))


Column = tuple[str, float, Callable[[dict[str, Any]], str]]


def _table(
    document: DocumentObject, caption: str, columns: Sequence[Column], rows: Sequence[dict[str, Any]]
) -> Table:
    _add(document, CAPTION, caption)
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _narrow_cell_margins(table)
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, (_, _, value)) in enumerate(zip(cells, columns, strict=True)):
            paragraph = cell.paragraphs[0]
            _styled(paragraph, CELL)
            if index == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(value(row))
            if row.get("scope") == "total" or row.get("month") == "合计":
                run.bold = True
    for index, (_, width, _) in enumerate(columns):
        table.columns[index].width = Mm(width)
        for cell in table.columns[index].cells:
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    header = table.rows[0]
    for cell, (title, _, _) in zip(header.cells, columns, strict=True):
        _styled(cell.paragraphs[0], CELL)
        cell.paragraphs[0].add_run(title).bold = True
        _shade(cell, "E4E7EB")
    for index, row in enumerate(table.rows):
        _row_flags(row, header=index == 0)
        # Keep a table on one page when it fits: each row keeps with the next (the tables are short —
        # one row per direct child — and a long one still breaks, with its header repeated).
        if index < len(table.rows) - 1:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    return table


NAME_WIDTH = 34.0


def _spread(columns: Sequence[CellColumn]) -> list[Column]:
    """The organisation's name, then the figures sharing the rest of the line equally."""
    width = (TEXT_WIDTH_MM - NAME_WIDTH) / len(columns)
    return [("机构", NAME_WIDTH, row_name), *((title, width, value) for title, value in columns)]


MONTH_COLUMNS: list[Column] = [
    ("月份", 22.0, lambda row: row["month"] if isinstance(row["month"], str) else f"{row['month']}月"),
    *((title, 26.8, value) for title, value in MONTH_CELLS),
]


# --- the document -------------------------------------------------------------------------------------------


class _Numbers:
    """表n and 图n, numbered in the order they appear."""

    def __init__(self) -> None:
        self.tables = self.figures = 0

    def table(self) -> int:
        self.tables += 1
        return self.tables

    def figure(self) -> int:
        self.figures += 1
        return self.figures


def render_annual_report_docx(*, report: dict[str, Any], generated_at: datetime | None = None) -> bytes:
    """The Word document of a report as reports.selectors.annual_report returns it (with breakdown
    and months). Raises charts.CJKFontMissing when no Chinese font is installed for the charts."""
    generated = timezone.localtime(generated_at or timezone.now(), REPORT_TZ)
    today = generated.date()
    name, year = report["organisation"]["name"], report["year"]
    numbers = _Numbers()
    document = Document()
    _setup(document)
    document.core_properties.title = f"{name}{year}年法治政府建设年度报告（行政执法统计）"
    document.core_properties.author = name
    document.core_properties.language = "zh-CN"

    _add(document, TITLE, f"{name}{year}年法治政府建设年度报告")
    _add(document, SUBTITLE, "（行政执法统计部分）")
    _body(document, introduction(report, today=today))

    sections = statistics_sections(report, today=today)
    for section in sections:
        _add(document, HEADING, section.title)
        for paragraph in section.paragraphs:
            text = paragraph.text
            if paragraph.lead.endswith("案卷评查。") and not has_casefile_grades(report):
                text = text.removesuffix("。") + "，不附评查等次分布图。"
            _body(document, text, lead=paragraph.lead)
            if paragraph.lead.endswith("案卷评查。") and has_casefile_grades(report):
                _picture(
                    document,
                    charts.grades_chart(by_grade=report["casefiles_by_grade"]),
                    f"图{numbers.figure()}　{charts.GRADES_TITLE}",
                    width_mm=110,
                )

    number = len(sections) + 1
    rows = report.get("breakdown") or []
    children = [r for r in rows if r["scope"] == "subtree"]
    _add(document, HEADING, f"{ordinal(number)}、分机构统计")
    if children:
        tables = [numbers.table() for _ in range(4)]
        figure = numbers.figure()
        _body(
            document,
            f"{name}所属{len(children)}个下级机构和本级的执法数据见表{tables[0]}至表{tables[-1]}，"
            f"{charts.CASES.label}和{charts.FINES.label}的对比见图{figure}。下级机构的数据含其所属机构。",
        )
        for number_, (title, columns) in zip(tables, breakdown_tables(rows), strict=True):
            _table(document, f"表{number_}　{title}", _spread(columns), rows)
        parts = [r for r in rows if r["scope"] != "total"]
        chart = charts.organisations_chart(
            labels=[row_name(r) for r in parts],
            cases=[r["cases_filed"] for r in parts],
            fines=[r["fines_total_wan"] for r in parts],
        )
        _picture(document, chart, f"图{figure}　{charts.ORGANISATIONS_TITLE}")
    else:
        _body(document, f"{name}无下级机构，本报告的数据即为本机构的数据。")

    months = report.get("months") or []
    if months:
        number += 1
        _add(document, HEADING, f"{ordinal(number)}、分月统计")
        figure, table = numbers.figure(), numbers.table()
        _body(document, f"各月执法检查、立案、处罚决定和罚款金额见图{figure}和表{table}。")
        _picture(document, charts.monthly_chart(months=months), f"图{figure}　{charts.MONTHS_TITLE}")
        total = {"month": "合计", **{key: report[key] for key in MONTH_TABLE_KEYS}}
        _table(document, f"表{table}　各月执法情况", MONTH_COLUMNS, [*months, total])

    notes = _add(document, NOTE, "统计口径说明：")
    notes.runs[0].bold = True
    notes.paragraph_format.keep_with_next = True
    # Every figure's definition, from the registry, then what holds for the report as a whole.
    for index, note in enumerate([*definitions(), *NOTES], 1):
        _add(document, NOTE, f"{index}. {note}")
    stamp = _add(
        document,
        NOTE,
        f"本报告数据由执法办案系统于{generated.year}年{generated.month}月{generated.day}日 {generated:%H:%M}生成。",
    )
    stamp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def annual_report_docx(*, organisation: Organisation, year: int, now: datetime | None = None) -> bytes:
    """The Word report of the organisation's subtree for the year (figures, breakdown, months)."""
    report = annual_report(organisation=organisation, year=year)
    return render_annual_report_docx(report=report, generated_at=now)


def docx_filename(*, organisation_name: str, year: int) -> str:
    return f"{organisation_name}{year}年法治政府建设年度报告（行政执法统计）.docx"
