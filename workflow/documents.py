"""法制审核意见书 as a Word document (python-docx): the opinion of one legal check, per review point.

The layout follows the paper form bureaus use: title, the case's particulars, a table of review
points (automatic finding, the reviewer's conclusion and comment), the overall conclusion, the
items to fix on a return, the reason for approving over a failed point, and the signature and
seal lines. (The document catalogue of the documents issue numbers and templates it per
organisation; this is the form every bureau starts from.)
"""

from __future__ import annotations

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from workflow.models import LegalCheck
from workflow.precheck import RESULT_LABELS

CJK_FONT = "Noto Serif CJK SC"


def _font(document: Document) -> None:
    style = document.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)


def legal_opinion_docx(*, check: LegalCheck) -> bytes:
    case = check.case
    document = Document()
    _font(document)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("法制审核意见书")
    run.bold, run.font.size = True, Pt(22)
    subtitle = document.add_paragraph(f"（{check.get_stage_display()}·第{check.level}级）")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER

    concluded = timezone.localtime(check.concluded_at)
    particulars = [
        ("案件名称", case.title),
        ("案号", case.number or "（未立案）"),
        ("当事人", str(case.party) if case.party_id else ""),
        ("违法行为", case.violation_type.name if case.violation_type_id else ""),
        ("承办机构", case.organisation.name),
        ("承办人员", "、".join(str(o) for o in case.officers.all())),
        ("审核机构", check.organisation.name),
        ("审核人", str(check.reviewer)),
        ("审核日期", f"{concluded:%Y年%m月%d日}"),
    ]
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in particulars:
        row = table.add_row().cells
        row[0].text, row[1].text = label, value

    document.add_paragraph()
    document.add_paragraph("一、逐项审核意见").runs[0].bold = True
    points = document.add_table(rows=1, cols=4)
    points.style = "Table Grid"
    for cell, text in zip(points.rows[0].cells, ("审核要点", "自动预审", "审核结论", "意见"), strict=True):
        cell.text = text
    conclusions = dict(LegalCheck.Conclusion.choices)
    for point in check.points:
        row = points.add_row().cells
        row[0].text = point["title"]
        row[1].text = RESULT_LABELS.get(point["finding"], point["finding"])
        row[2].text = conclusions.get(point["conclusion"], point["conclusion"])
        row[3].text = point["comment"]

    document.add_paragraph()
    document.add_paragraph("二、审核结论").runs[0].bold = True
    document.add_paragraph(f"{check.get_outcome_display()}。{check.opinion}")
    if check.items_to_fix:
        document.add_paragraph("三、需补正的事项").runs[0].bold = True
        for n, item in enumerate(check.items_to_fix, 1):
            document.add_paragraph(f"{n}. {item}")
    if check.override_reason:
        document.add_paragraph("对自动预审不通过项的处理理由").runs[0].bold = True
        document.add_paragraph(check.override_reason)

    document.add_paragraph()
    document.add_paragraph(f"审核人（签名）：{check.reviewer}")
    seal = document.add_paragraph(f"{check.organisation.name}（印章）\n{concluded:%Y年%m月%d日}")
    seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
