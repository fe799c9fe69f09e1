"""Builds the default Word templates shipped in this folder (one .docx per document type).

They are docxtpl templates: Jinja tags ({{ party_name }}, {%p for … %}) in an official layout —
issuing organisation and title centred, the 文号 under the title, the body, the signature lines and,
bottom right, the organisation with the seal placeholder and the date (GB/T 9704 公文格式: A4,
margins 37/35/28/26 mm, 宋体-style CJK serif). An administrator downloads one, edits it in Word
keeping the tags, and uploads it as a new version for his organisation.

Run `python -m documents.defaults.build` after changing this file; the .docx files are committed.
The fields each template may use are listed per type in documents.context.FIELDS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
CJK_FONT = "Noto Serif CJK SC"
BODY_PT = 14


def _new() -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = doc.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.3
    table_style = doc.styles["Table Grid"]
    table_style.font.name = CJK_FONT
    table_style.font.size = Pt(12)
    return doc


def _p(
    doc: DocumentObject,
    text: str = "",
    *,
    bold: bool = False,
    size: int | None = None,
    align: str = "justify",
    indent: bool = True,
) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    if indent and align == "justify":
        paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)


def _tag(doc: DocumentObject, tag: str) -> None:
    """A docxtpl paragraph tag ({%p … %}) alone in its paragraph."""
    doc.add_paragraph().add_run(tag)


def _lines(doc: DocumentObject, var: str, *, indent: bool = True) -> None:
    _tag(doc, f"{{%p for line in {var} %}}")
    _p(doc, "{{ line }}", indent=indent)
    _tag(doc, "{%p endfor %}")


def _head(doc: DocumentObject, *, numbered: bool) -> None:
    _p(doc, "{{ organisation }}", bold=True, size=18, align="center")
    _p(doc, "{{ title }}", bold=True, size=22, align="center")
    if numbered:
        _p(doc, "{{ number }}", align="right")
    _p(doc)


def _seal(doc: DocumentObject) -> None:
    _p(doc)
    _p(doc, "{{ organisation }}（印章）", align="right")
    _p(doc, "{{ date }}", align="right")


def _table(doc: DocumentObject, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Mm(38), Mm(118)


def _loop_table(doc: DocumentObject, headers: list[str], var: str, cells: list[str]) -> None:
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = f"{{%tr for row in {var} %}}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


def _party(doc: DocumentObject) -> None:
    _p(doc, "当事人：{{ party_name }}", indent=False)
    _p(doc, "{{ party_id_label }}：{{ party_id }}", indent=False)
    _p(doc, "{{ party_representative_label }}：{{ party_representative }}", indent=False)
    _p(doc, "地址：{{ party_address }}", indent=False)
    _p(doc)


def filing_approval(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _table(
        doc,
        [
            ("案件来源", "{{ origin }}"),
            ("案由", "{{ cause }}"),
            ("当事人", "{{ party_name }}"),
            ("{{ party_id_label }}", "{{ party_id }}"),
            ("{{ party_representative_label }}", "{{ party_representative }}"),
            ("地址", "{{ party_address }}"),
            ("联系电话", "{{ party_phone }}"),
            ("违法行为", "{{ violation }}"),
            ("立案依据", "{{ legal_basis }}"),
            ("案件基本情况", "{{ facts }}"),
            ("承办人员", "{{ officers_with_certificates }}"),
            ("承办机构负责人意见", "{{ approval_opinion }}  审批人：{{ approver }}  {{ approved_date }}"),
        ],
    )
    _seal(doc)


def inspection_record(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _p(doc, "检查时间：{{ inspected_at }}", indent=False)
    _p(doc, "检查地点：{{ place }}", indent=False)
    _p(doc, "被检查单位：{{ party_name }}", indent=False)
    _p(doc, "{{ party_id_label }}：{{ party_id }}", indent=False)
    _p(
        doc,
        "{{ party_representative_label }}：{{ party_representative }}    联系电话：{{ party_phone }}",
        indent=False,
    )
    _p(doc, "检查人员：{{ inspectors }}", indent=False)
    _p(doc, "我们是{{ organisation }}执法人员，已出示执法证件。", indent=False)
    _p(doc, "检查情况：", bold=True, indent=False)
    _lines(doc, "content_lines")
    _p(doc, "发现违法行为 {{ violations_found }} 条；{{ rectification }}", indent=False)
    _p(doc)
    _p(doc, "被检查单位现场负责人（签名）：            检查人员（签名）：", indent=False)
    _seal(doc)


def inquiry_record(doc: DocumentObject) -> None:
    _head(doc, numbered=False)
    _p(doc, "案由：{{ cause }}    案号：{{ case_number }}", indent=False)
    _p(doc, "询问时间：{{ inquired_at }}", indent=False)
    _p(doc, "询问地点：{{ place }}", indent=False)
    _p(doc, "询问人：{{ interviewers }}    记录人：{{ recorder }}", indent=False)
    _p(doc, "被询问人：{{ interviewee }}    与本案关系：{{ relation }}", indent=False)
    _p(
        doc,
        "我们是{{ organisation }}执法人员，已出示执法证件。请如实回答询问，你有陈述、申辩和申请回避的权利。",
        indent=False,
    )
    _lines(doc, "content_lines", indent=False)
    _p(doc)
    _p(doc, "被询问人（签名）：            询问人（签名）：            记录人（签名）：", indent=False)
    _p(doc, "{{ date }}", align="right")


def rectification_order(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _p(doc, "{{ party_name }}：", indent=False)
    _p(doc, "经查，你{{ party_you }}存在下列问题：")
    _tag(doc, "{%p for item in items %}")
    _p(doc, "{{ loop.index }}. {{ item }}")
    _tag(doc, "{%p endfor %}")
    _p(
        doc,
        "依据{{ legal_basis }}的规定，现责令你{{ party_you }}于{{ deadline }}前整改完毕，达到有关法律法规规章和标准"
        "规定的要求。由此造成事故的，依法追究有关人员的责任。",
    )
    _p(doc, "整改期间，你{{ party_you }}应当采取措施，确保安全生产。逾期未整改的，本机关将依法予以处理。")
    _p(doc, "执法人员：{{ officers_with_certificates }}", indent=False)
    _seal(doc)
    _p(doc, "被检查单位负责人（签名）：            年    月    日", indent=False)


def investigation_report(doc: DocumentObject) -> None:
    _head(doc, numbered=False)
    _p(doc, "案由：{{ cause }}    案号：{{ case_number }}    立案日期：{{ filed_date }}", indent=False)
    _party(doc)
    _p(doc, "一、调查经过", bold=True, indent=False)
    _lines(doc, "activity_lines")
    _p(doc, "二、违法事实", bold=True, indent=False)
    _lines(doc, "facts_lines")
    _p(doc, "三、证据", bold=True, indent=False)
    _lines(doc, "evidence_lines")
    _p(doc, "四、违法依据和处罚依据", bold=True, indent=False)
    _p(doc, "违法依据：{{ legal_basis }}；处罚依据：{{ penalty_basis }}。")
    _p(doc, "五、裁量和处罚建议", bold=True, indent=False)
    _p(doc, "裁量阶次：{{ severity }}。建议给予{{ proposed_penalty }}的行政处罚。")
    _p(doc)
    _p(doc, "承办人员（签名）：{{ officers }}", indent=False)
    _p(doc, "{{ date }}", align="right")


def legal_opinion(doc: DocumentObject) -> None:
    _head(doc, numbered=False)
    _p(doc, "（{{ check_stage }}·第{{ check_level }}级）", align="center")
    _table(
        doc,
        [
            ("案件名称", "{{ cause }}"),
            ("案号", "{{ case_number }}"),
            ("当事人", "{{ party_name }}"),
            ("违法行为", "{{ violation }}"),
            ("承办机构", "{{ handling_organisation }}"),
            ("承办人员", "{{ officers }}"),
            ("审核机构", "{{ reviewing_organisation }}"),
            ("审核人", "{{ reviewer }}"),
            ("审核日期", "{{ date }}"),
        ],
    )
    _p(doc)
    _p(doc, "一、逐项审核意见", bold=True, indent=False)
    _loop_table(
        doc,
        ["审核要点", "自动预审", "审核结论", "意见"],
        "points",
        ["{{ row.title }}", "{{ row.finding }}", "{{ row.conclusion }}", "{{ row.comment }}"],
    )
    _p(doc)
    _p(doc, "二、审核结论", bold=True, indent=False)
    _p(doc, "{{ outcome }}。{{ opinion }}")
    _tag(doc, "{%p if items_to_fix %}")
    _p(doc, "三、需补正的事项", bold=True, indent=False)
    _tag(doc, "{%p for item in items_to_fix %}")
    _p(doc, "{{ loop.index }}. {{ item }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if override_reason %}")
    _p(doc, "对自动预审不通过项的处理理由", bold=True, indent=False)
    _p(doc, "{{ override_reason }}")
    _tag(doc, "{%p endif %}")
    _p(doc)
    _p(doc, "审核人（签名）：{{ reviewer }}", indent=False)
    _p(doc, "{{ reviewing_organisation }}（印章）", align="right")
    _p(doc, "{{ date }}", align="right")


def penalty_notice(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _p(doc, "{{ party_name }}：", indent=False)
    _p(
        doc,
        "经查，你{{ party_you }}{{ facts }}以上事实违反了{{ legal_basis }}的规定，依据{{ penalty_basis }}的规定，"
        "本机关拟对你{{ party_you }}作出{{ proposed_penalty }}的行政处罚。",
    )
    _p(
        doc,
        "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你{{ party_you }}可在收到本告知书之日起"
        "{{ statement_days }}个工作日内向本机关进行陈述和申辩。逾期不陈述、申辩的，视为放弃上述权利。",
    )
    _p(doc, "联系人：{{ officers }}    联系地址：{{ organisation }}", indent=False)
    _seal(doc)


def hearing_notice(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _p(doc, "{{ party_name }}：", indent=False)
    _p(
        doc,
        "经查，你{{ party_you }}{{ facts }}以上事实违反了{{ legal_basis }}的规定，依据{{ penalty_basis }}的规定，"
        "本机关拟对你{{ party_you }}作出{{ proposed_penalty }}的行政处罚。",
    )
    _p(
        doc,
        "根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你{{ party_you }}有要求举行听证的权利。"
        "如要求听证，应当在收到本告知书之日起{{ hearing_days }}个工作日内向本机关提出；逾期未提出的，视为放弃听证权利。",
    )
    _p(doc, "联系人：{{ officers }}    联系地址：{{ organisation }}", indent=False)
    _seal(doc)


def hearing_record(doc: DocumentObject) -> None:
    _head(doc, numbered=False)
    _p(doc, "案由：{{ cause }}    案号：{{ case_number }}", indent=False)
    _p(doc, "听证申请日期：{{ requested_date }}    通知日期：{{ notified_date }}", indent=False)
    _p(doc, "听证时间：{{ hearing_date }}    地点：{{ place }}", indent=False)
    _p(doc, "听证主持人：{{ hearing_officer }}", indent=False)
    _p(
        doc,
        "当事人：{{ party_name }}    {{ party_representative_label }}：{{ party_representative }}",
        indent=False,
    )
    _p(doc, "案件调查人员：{{ officers }}", indent=False)
    _p(doc, "听证记录：", bold=True, indent=False)
    _lines(doc, "record_lines")
    _p(doc, "听证报告：", bold=True, indent=False)
    _lines(doc, "report_lines")
    _p(doc)
    _p(doc, "当事人（签名）：            听证主持人（签名）：            记录人（签名）：", indent=False)
    _p(doc, "{{ date }}", align="right")


def deliberation_record(doc: DocumentObject) -> None:
    _head(doc, numbered=False)
    _p(doc, "会议时间：{{ held_at }}", indent=False)
    _p(doc, "主持人：{{ chair }}", indent=False)
    _p(doc, "出席委员：{{ attendees }}（应到 {{ committee_size }} 人，实到 {{ present }} 人）", indent=False)
    _p(doc, "讨论案件：{{ cause }}（{{ case_number }}）    当事人：{{ party_name }}", indent=False)
    _p(doc, "会议纪要：", bold=True, indent=False)
    _lines(doc, "minutes_lines")
    _p(doc, "表决情况：", bold=True, indent=False)
    _loop_table(
        doc, ["委员", "表决", "意见"], "votes", ["{{ row.member }}", "{{ row.choice }}", "{{ row.opinion }}"]
    )
    _p(doc, "讨论结论：", bold=True, indent=False)
    _p(doc, "{{ conclusion }}")
    _p(doc)
    _p(doc, "主持人（签名）：            出席委员（签名）：            记录人（签名）：", indent=False)
    _p(doc, "{{ date }}", align="right")


def penalty_decision(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _party(doc)
    _lines(doc, "decision_lines")
    _seal(doc)


def service_receipt(doc: DocumentObject) -> None:
    _head(doc, numbered=False)
    _table(
        doc,
        [
            ("送达文书名称及文号", "{{ served_document }}"),
            ("受送达人", "{{ party_name }}"),
            ("送达时间", "{{ served_date }}"),
            ("送达地点", "{{ place }}"),
            ("送达方式", "{{ method }}"),
            ("送达人", "{{ officers }}"),
            ("受送达人签名或盖章", "                    年    月    日"),
            ("备注", "{{ remarks }}"),
        ],
    )
    _seal(doc)


def closure_approval(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _table(
        doc,
        [
            ("案由", "{{ cause }}"),
            ("案号", "{{ case_number }}"),
            ("当事人", "{{ party_name }}"),
            ("立案日期", "{{ filed_date }}"),
            ("处理决定", "{{ decision_number }}  {{ decided_penalty }}"),
            ("决定日期", "{{ decided_date }}"),
            ("送达日期", "{{ served_date }}"),
            ("执行情况", "{{ execution }}"),
            ("承办人员", "{{ officers }}"),
            ("承办人员意见", "案件已执行完毕，建议结案。"),
            ("审批意见", "{{ approval_opinion }}  {{ approver }}  {{ approved_date }}"),
        ],
    )
    _seal(doc)


def onsite_decision(doc: DocumentObject) -> None:
    _head(doc, numbered=True)
    _party(doc)
    _p(doc, "违法事实：{{ facts }}")
    _p(
        doc,
        "以上行为违反了{{ legal_basis }}的规定，依据{{ penalty_basis }}和《中华人民共和国行政处罚法》第五十一条的规定，决定给予{{ decided_penalty }}的行政处罚。",
    )
    _p(doc, "{{ payment }}")
    _p(
        doc,
        "如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼，"
        "但本决定不停止执行，法律另有规定的除外。",
    )
    _p(doc, "处罚地点：{{ place }}", indent=False)
    _p(doc, "执法人员（签名）：{{ officers_with_certificates }}", indent=False)
    _p(doc, "当事人（签名）：                    年    月    日", indent=False)
    _seal(doc)


BUILDERS: dict[str, Callable[[DocumentObject], None]] = {
    "filing_approval": filing_approval,
    "inspection_record": inspection_record,
    "inquiry_record": inquiry_record,
    "rectification_order": rectification_order,
    "investigation_report": investigation_report,
    "legal_opinion": legal_opinion,
    "penalty_notice": penalty_notice,
    "hearing_notice": hearing_notice,
    "hearing_record": hearing_record,
    "deliberation_record": deliberation_record,
    "penalty_decision": penalty_decision,
    "service_receipt": service_receipt,
    "closure_approval": closure_approval,
    "onsite_decision": onsite_decision,
}


def build_all(folder: Path = HERE) -> list[Path]:
    written = []
    for code, builder in BUILDERS.items():
        doc = _new()
        builder(doc)
        path = folder / f"{code}.docx"
        doc.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build_all():
        print(path.name)
