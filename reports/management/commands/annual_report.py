from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import Organisation
from core.errors import InvalidInput
from reports.charts import CJKFontMissing
from reports.selectors import annual_report
from reports.services import report_year_check
from reports.word import render_annual_report_docx

FORMATS = ("json", "docx")


def report_format(value: str) -> str:
    if value not in FORMATS:
        raise argparse.ArgumentTypeError(f"不支持的格式“{value}”：可选 {', '.join(FORMATS)}")
    return value


class Command(BaseCommand):
    help = (
        "输出机构（含下级）某年度的统计数据（SPEC §9），含按下级机构和按月的分项："
        "json 为统计数据，docx 为法治政府建设年度报告的行政执法统计部分（Word）。"
        "Writes the annual report as JSON (to a file or standard output) or as a Word document (to a file)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, metavar="CODE", help="机构代码")
        parser.add_argument("--year", required=True, type=int, metavar="Y", help="年度，如 2025")
        parser.add_argument(
            "--format", default="json", type=report_format, metavar="FORMAT", help="输出格式：json 或 docx"
        )
        parser.add_argument(
            "--output",
            default="-",
            metavar="F",
            help="输出文件；json 可省略或用 - 表示标准输出，docx 必须指定",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"机构代码不存在：{options['organisation']}")
        try:
            report_year_check(year=options["year"])
        except InvalidInput as exc:
            raise CommandError(exc.detail) from None
        output, docx = options["output"], options["format"] == "docx"
        if docx and output in ("", "-"):
            raise CommandError("Word 报告是二进制文件，请用 --output 指定输出文件，如 --output 报告.docx")
        report = annual_report(organisation=organisation, year=options["year"])
        if docx:
            try:
                content = render_annual_report_docx(report=report)
            except CJKFontMissing as exc:
                raise CommandError(str(exc)) from None
        else:
            text = json.dumps(report, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
            if output in ("", "-"):
                self.stdout.write(text, ending="")
                return
            content = text.encode("utf-8")
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        kind = "Word 报告" if docx else "年度统计"
        self.stderr.write(f"已写入 {output}（{organisation.name} {options['year']} 年度{kind}）")
