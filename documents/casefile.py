"""Assembling the electronic case file (电子卷宗) as one PDF.

Layout, as case-file reviewers check it: 案卷封面 (case number, party, cause, result, dates, handlers,
retention period, pieces and pages), 卷内目录 (each document with its 文号, date and page range), the
documents in statutory order, the 音像记录清单 (every recording with its SHA-256), the 卷内备考表
(what is not applicable and why, what was missing when archived), and a page number on every page.

The parts are Word files converted by LibreOffice (a CJK font embedded), signed scans as uploaded
(a JPEG or PNG becomes a page), numbers stamped with reportlab and the whole merged with pypdf.
The contents give page ranges, and its own length moves every range: it is laid out again until its
page count stops changing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from reportlab.pdfgen import canvas

from casefiles.models import Case, Evidence
from documents.catalogue import STAGE_LABELS
from documents.context import cn_date, penalty_text
from documents.pdf import docx_to_pdf
from law.penalties import Penalty

CJK_FONT = "Noto Serif CJK SC"


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- the parts ------------------------------------------------------------------------------------------


@dataclass
class Part:
    """One document of the file: its PDF (converted, or the uploaded scan), or only a line in the
    remarks (a document marked not applicable)."""

    title: str
    number: str
    issued_on: str
    stage: str
    note: str
    pdf: bytes | None = None
    scan: bytes | None = None
    reason: str = ""

    @classmethod
    def of(cls, document: Any, *, pdf: bytes | None = None, scan: bytes | None = None) -> Part:
        source = document.get_source_display()
        return cls(
            title=document.title,
            number=document.number,
            issued_on=f"{document.issued_on:%Y-%m-%d}" if document.issued_on else "",
            stage=document.stage,
            note=source if document.source != "not_applicable" else "",
            pdf=pdf,
            scan=scan,
            reason=document.reason,
        )

    @property
    def in_file(self) -> bool:
        return self.pdf is not None or self.scan is not None


@dataclass
class Cover:
    organisation: str
    case_number: str
    party: str
    cause: str
    violation: str
    result: str
    filed: str
    decided: str
    closed: str
    archived: str
    handlers: str
    retention: str


def cover_of(case: Case, *, retention: str, archived_at: datetime) -> Cover:
    if case.decision_kind == Case.DecisionKind.PENALTY:
        result = penalty_text(Penalty.from_json(case.decided_penalty))
    else:
        result = case.get_decision_kind_display() or case.get_state_display()
    return Cover(
        organisation=case.organisation.name,
        case_number=case.number,
        party=f"{case.party.name}" if case.party_id else "",
        cause=case.title,
        violation=case.violation_type.name if case.violation_type_id else "",
        result=result,
        filed=cn_date(case.filed_at),
        decided=cn_date(case.decided_at),
        closed=cn_date(case.closed_at),
        archived=cn_date(archived_at),
        handlers="、".join(str(o) for o in case.officers.order_by("pk")),
        retention=retention,
    )


@dataclass
class Built:
    pdf: bytes
    pages: int
    toc: list[dict[str, Any]] = field(default_factory=list)


# --- Word pages ----------------------------------------------------------------------------------------


def _doc() -> Any:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(30)
    section.left_margin, section.right_margin = Mm(25), Mm(25)
    style = doc.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    for name in ("Table Grid",):
        doc.styles[name].font.name = CJK_FONT
    return doc


def _heading(doc: Any, text: str, size: int = 22) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.font.size = True, Pt(size)


def _grid(doc: Any, headers: list[str], rows: list[list[str]], widths: list[int], size: int = 10) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Mm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _save(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def cover_docx(cover: Cover, *, pieces: int, pages: int) -> bytes:
    doc = _doc()
    doc.add_paragraph()
    _heading(doc, cover.organisation, 20)
    _heading(doc, "行政处罚案卷", 28)
    _heading(doc, "（案卷封面）", 14)
    doc.add_paragraph()
    rows = [
        ("案号", cover.case_number),
        ("当事人", cover.party),
        ("案由", cover.cause),
        ("违法行为", cover.violation),
        ("处理结果", cover.result),
        ("立案日期", cover.filed),
        ("决定日期", cover.decided),
        ("结案日期", cover.closed),
        ("归档日期", cover.archived),
        ("承办人", cover.handlers),
        ("保管期限", cover.retention),
        ("本卷", f"共 {pieces} 件 {pages} 页"),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Mm(35), Mm(125)
    return _save(doc)


def toc_docx(entries: list[dict[str, Any]]) -> bytes:
    doc = _doc()
    _heading(doc, "卷内目录", 18)
    rows = [
        [
            str(e["seq"]),
            e["number"],
            e["title"],
            e["date"],
            e["pages_label"],
            e["note"],
        ]
        for e in entries
    ]
    _grid(doc, ["序号", "文号", "题名", "日期", "页号", "备注"], rows, [12, 38, 52, 22, 18, 18])
    return _save(doc)


def av_list_docx(recordings: list[Evidence]) -> bytes:
    doc = _doc()
    _heading(doc, "音像记录清单", 18)
    rows = []
    for n, e in enumerate(recordings, 1):
        when = timezone.localtime(e.captured_at).strftime("%Y-%m-%d %H:%M") if e.captured_at else ""
        activity = e.activity.get_kind_display() if e.activity_id else "—"
        length = f"{e.duration_seconds // 60}分{e.duration_seconds % 60}秒" if e.duration_seconds else ""
        rows.append(
            [
                str(n),
                activity,
                f"{e.title}（{e.get_kind_display()}）",
                when,
                length,
                f"{e.size_bytes or 0}",
                e.get_status_display(),
                e.sha256,
            ]
        )
    if not rows:
        rows.append(["—", "—", "本案无音像记录", "", "", "", "", ""])
    _grid(
        doc,
        ["序号", "执法活动", "名称", "采集时间", "时长", "字节", "状态", "SHA-256"],
        rows,
        [9, 16, 30, 20, 14, 14, 12, 45],
        8,
    )
    note = doc.add_paragraph("音像记录原件存于对象存储，不可更改；可凭以上 SHA-256 校验。")
    note.runs[0].font.size = Pt(9)
    return _save(doc)


def remarks_docx(
    *,
    pieces: int,
    pages: int,
    generated: int,
    uploaded: int,
    recordings: int,
    not_applicable: list[Part],
    missing: list[str],
    archived: str,
) -> bytes:
    doc = _doc()
    _heading(doc, "卷内备考表", 18)
    doc.add_paragraph(
        f"本卷共 {pieces} 件 {pages} 页，其中系统生成文书 {generated} 件，签字扫描件 {uploaded} 件；"
        f"音像记录 {recordings} 件，另存于对象存储（SHA-256 见音像记录清单）。"
    )
    if not_applicable:
        doc.add_paragraph("标注为不适用的文书：")
        for part in not_applicable:
            doc.add_paragraph(f"{part.title}（{STAGE_LABELS[part.stage]}）：{part.reason}")
    if missing:
        doc.add_paragraph("归档时缺少的材料：")
        for item in missing:
            doc.add_paragraph(item)
    doc.add_paragraph("本卷电子文件的 SHA-256 记录于案件办案履历。")
    doc.add_paragraph(f"立卷时间：{archived}")
    doc.add_paragraph("立卷人：                    检查人：")
    return _save(doc)


def placeholder_docx(part: Part, *, why: str) -> bytes:
    doc = _doc()
    _heading(doc, part.title, 18)
    doc.add_paragraph(f"{why}。原件存于对象存储，可在系统中查看。")
    return _save(doc)


# --- PDF -------------------------------------------------------------------------------------------------


def _scan_pdf(data: bytes) -> bytes | None:
    """An uploaded scan as PDF pages, or None when it cannot be read as one."""
    if data.startswith(b"%PDF"):
        try:
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) == 0:
                return None
            return data
        except (PdfReadError, ValueError, KeyError, OSError):
            return None
    try:
        from PIL import Image

        image = Image.open(io.BytesIO(data))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="PDF", resolution=150.0)
        return out.getvalue()
    except Exception:
        return None


def _numbered(pdf: PdfWriter) -> None:
    """A page number, GB/T 9704 style (— 3 —), at the foot of every page."""
    total = len(pdf.pages)
    stamp_buffer = io.BytesIO()
    stamp = canvas.Canvas(stamp_buffer)
    for index in range(total):
        box = pdf.pages[index].mediabox
        width, height = float(box.width), float(box.height)
        stamp.setPageSize((width, height))
        stamp.setFont("Helvetica", 11)
        stamp.drawCentredString(float(box.left) + width / 2, float(box.bottom) + 28, f"- {index + 1} -")
        stamp.showPage()
    stamp.save()
    stamps = PdfReader(io.BytesIO(stamp_buffer.getvalue()))
    for index in range(total):
        pdf.pages[index].merge_page(stamps.pages[index])


def assemble(*, cover: Cover, parts: list[Part], av_pdf: bytes, recordings: int, missing: list[str]) -> Built:
    """The file from its parts (the documents' PDFs converted beforehand with the AV list, in one
    LibreOffice run); placeholders for unreadable scans are converted here."""
    # 1. Every document's pages: converted documents, readable scans, placeholders for the rest.
    placeholders: dict[str, bytes] = {}
    bodies: list[tuple[Part, bytes | None]] = []
    for index, part in enumerate(parts):
        if part.pdf is not None:
            bodies.append((part, part.pdf))
        elif part.scan is not None:
            pdf = _scan_pdf(part.scan)
            if pdf is None:
                placeholders[str(index)] = placeholder_docx(
                    part, why="该扫描件无法以页面形式编入（文件已损坏或不是 PDF/图片）"
                )
            bodies.append((part, pdf))
        else:
            bodies.append((part, None))
    converted = docx_to_pdf(placeholders) if placeholders else {}
    filed = [
        (part, pdf if pdf is not None else converted[str(index)])
        for index, (part, pdf) in enumerate(bodies)
        if part.in_file
    ]
    not_applicable = [p for p in parts if not p.in_file]

    # 2. Cover, contents and remarks depend on the page count, and the contents on its own length:
    # lay them out until the assumed lengths are the real ones.
    lengths = {"cover": 1, "toc": 1 + (len(filed) + 2) // 24, "remarks": 1}  # about 24 rows a page
    body_pages = [page_count(pdf) for _, pdf in filed]
    av_pages = page_count(av_pdf)
    for _ in range(4):
        page = 1 + lengths["cover"] + lengths["toc"]
        entries = []
        for seq, ((part, _), count) in enumerate(zip(filed, body_pages, strict=True), 1):
            entries.append(
                _entry(seq, part.title, part.number, part.issued_on, page, count, part.note, part.stage)
            )
            page += count
        entries.append(_entry(len(entries) + 1, "音像记录清单", "", "", page, av_pages, "", ""))
        page += av_pages
        entries.append(_entry(len(entries) + 1, "卷内备考表", "", "", page, lengths["remarks"], "", ""))
        total = page + lengths["remarks"] - 1
        pieces = len(filed)
        generated = [
            docx_to_pdf(
                {
                    "cover": cover_docx(cover, pieces=pieces, pages=total),
                    "toc": toc_docx(entries),
                    "remarks": remarks_docx(
                        pieces=pieces,
                        pages=total,
                        generated=sum(1 for p, _ in filed if p.note == "系统生成"),
                        uploaded=sum(1 for p, _ in filed if p.note != "系统生成"),
                        recordings=recordings,
                        not_applicable=not_applicable,
                        missing=missing,
                        archived=cover.archived,
                    ),
                }
            )
        ][0]
        actual = {name: page_count(generated[name]) for name in lengths}
        if actual == lengths:
            break
        lengths = actual
    else:  # pragma: no cover — a contents that never settles would be a layout bug
        raise RuntimeError("卷内目录页数无法确定")

    # 3. Merge in order and number every page.
    writer = PdfWriter()
    for pdf in (generated["cover"], generated["toc"], *(p for _, p in filed), av_pdf, generated["remarks"]):
        writer.append(PdfReader(io.BytesIO(pdf)))
    _numbered(writer)
    writer.add_metadata({"/Title": f"{cover.case_number} 电子卷宗", "/Author": cover.organisation})
    out = io.BytesIO()
    writer.write(out)
    return Built(pdf=out.getvalue(), pages=total, toc=entries)


def _entry(
    seq: int, title: str, number: str, issued_on: str, first: int, count: int, note: str, stage: str
) -> dict[str, Any]:
    last = first + count - 1
    return {
        "seq": seq,
        "title": title,
        "number": number,
        "date": issued_on,
        "stage": stage,
        "first_page": first,
        "last_page": last,
        "pages_label": str(first) if first == last else f"{first}-{last}",
        "note": note,
    }
