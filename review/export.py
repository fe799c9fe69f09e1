"""The campaign report as an Excel workbook (案卷评查情况报告): the figures of
review.selectors.campaign_results, and one row per file with its score, grade, deductions and vetoes.

Sheets: 评查概况 (the campaign and its totals), 按机构 (per organisation under review), 案卷得分
(every sampled file), 扣分项统计 (the most frequent deductions and the veto items found), 整改事项.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from review.models import Campaign, Deduction, Grade, Rectification, ScoreSheet, VetoFinding
from review.selectors import campaign_results

GRADE_ORDER = (Grade.EXCELLENT, Grade.GOOD, Grade.PASS, Grade.FAIL)
BOLD = Font(bold=True)


def _table(ws: Worksheet, header: list[str], rows: Iterable[list[Any]], widths: list[int]) -> None:
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    for index, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + index)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _number(value: Any) -> Any:
    return float(value) if value is not None else None


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def campaign_report_xlsx(*, campaign: Campaign) -> bytes:
    results = campaign_results(campaign=campaign)
    book = Workbook()

    summary = book.active
    summary.title = "评查概况"
    lines: list[list[Any]] = [
        ["评查活动", campaign.name],
        ["评查方式", campaign.get_kind_display()],
        ["组织机构", campaign.organiser.name],
        ["案卷结案期间", f"{campaign.period_start:%Y-%m-%d} 至 {campaign.period_end:%Y-%m-%d}"],
        ["评查标准", str(campaign.standard)],
        ["抽取规则", f"每个机构按 {campaign.sample_percent}% 抽取，至少 {campaign.sample_min} 件"],
        ["随机种子", campaign.seed],
        ["状态", campaign.get_status_display()],
        ["抽取案卷（件）", results["files_sampled"]],
        ["完成评查（件）", results["files_reviewed"]],
        ["平均分", _number(results["mean_score"])],
        *([Grade(g).label + "（件）", results["grades"][g]] for g in GRADE_ORDER),
        ["存在否决项（件）", results["vetoed"]],
        [
            "整改事项（整改中 / 已整改）",
            f"{results['rectifications_open']} / {results['rectifications_done']}",
        ],
    ]
    _table(summary, ["项目", "内容"], lines, [24, 60])

    _table(
        book.create_sheet("按机构"),
        [
            "机构",
            "抽取（件）",
            "完成（件）",
            "平均分",
            *(Grade(g).label for g in GRADE_ORDER),
            "否决",
            "整改中",
            "已整改",
        ],
        (
            [
                row["organisation"].name,
                row["files_sampled"],
                row["files_reviewed"],
                _number(row["mean_score"]),
                *(row["grades"][g] for g in GRADE_ORDER),
                row["vetoed"],
                row["rectifications_open"],
                row["rectifications_done"],
            ]
            for row in results["by_organisation"]
        ),
        [30, 10, 10, 10, 8, 8, 8, 8, 8, 8, 8],
    )

    sheets = (
        ScoreSheet.objects.filter(campaign=campaign)
        .select_related("case__organisation", "case__party", "reviewer", "second_reviewer", "sample")
        .prefetch_related(
            Prefetch("deductions", queryset=Deduction.objects.select_related("item").order_by("pk")),
            Prefetch("veto_findings", queryset=VetoFinding.objects.select_related("veto").order_by("pk")),
        )
        .order_by("sample__position")
    )
    _table(
        book.create_sheet("案卷得分"),
        [
            "序号",
            "机构",
            "案号",
            "当事人",
            "案由",
            "评查人员",
            "复核人员",
            "状态",
            "得分",
            "等次",
            "否决项",
            "扣分情况",
            "评查意见",
        ],
        (
            [
                sheet.sample.position,
                sheet.case.organisation.name,
                sheet.case.number,
                sheet.case.party.name if sheet.case.party else "",
                sheet.case.title,
                str(sheet.reviewer),
                str(sheet.second_reviewer or ""),
                sheet.get_status_display(),
                _number(sheet.score),
                sheet.get_grade_display(),
                "\n".join(f"{v.veto.code} {v.veto.text}：{v.reason}" for v in sheet.veto_findings.all()),
                "\n".join(
                    f"{d.item.code} 扣{d.points}分（{d.occurrences}处）：{d.reason}"
                    for d in sheet.deductions.all()
                ),
                sheet.opinion,
            ]
            for sheet in sheets
        ),
        [6, 24, 22, 24, 30, 10, 10, 8, 8, 8, 40, 60, 40],
    )

    frequent = book.create_sheet("扣分项统计")
    _table(
        frequent,
        ["扣分项", "评查项目", "扣分情形", "涉及案卷（件）", "处数", "合计扣分"],
        (
            [r["item"], r["category"], r["text"], r["files"], r["occurrences"], _number(r["points"])]
            for r in results["top_deductions"]
        ),
        [10, 12, 60, 14, 8, 10],
    )
    frequent.append([])
    frequent.append(["否决项", "", "否决情形", "涉及案卷（件）"])
    for cell in frequent[frequent.max_row]:
        cell.font = BOLD
    for r in results["vetoes"]:
        frequent.append([r["veto"], "", r["text"], r["files"]])

    _table(
        book.create_sheet("整改事项"),
        ["机构", "案号", "整改内容", "整改期限", "状态", "完成时间", "整改情况"],
        (
            [
                item.organisation.name,
                item.case.number,
                item.description,
                f"{item.due_on:%Y-%m-%d}" if item.due_on else "",
                item.get_status_display(),
                _when(item.done_at),
                item.done_note,
            ]
            for item in Rectification.objects.filter(sheet__campaign=campaign)
            .select_related("organisation", "case")
            .order_by("organisation__path", "issued_at", "pk")
        ),
        [24, 22, 60, 12, 8, 12, 40],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
