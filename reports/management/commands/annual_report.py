from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import Organisation
from core.errors import InvalidInput
from reports.selectors import annual_report
from reports.services import report_year_check

# The Word report (docx) comes with its own issue step; until then only JSON is produced.
FORMATS = ("json",)


def report_format(value: str) -> str:
    if value not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"不支持的格式“{value}”：目前只支持 {', '.join(FORMATS)}（Word 格式 docx 尚未提供）"
        )
    return value


class Command(BaseCommand):
    help = (
        "输出机构（含下级）某年度的统计数据（SPEC §9），含按下级机构和按月的分项。"
        "Writes the annual report as JSON to a file or to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, metavar="CODE", help="机构代码")
        parser.add_argument("--year", required=True, type=int, metavar="Y", help="年度，如 2025")
        parser.add_argument(
            "--format", default="json", type=report_format, metavar="FORMAT", help="输出格式：json"
        )
        parser.add_argument("--output", default="-", metavar="F", help="输出文件；省略或 - 表示标准输出")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"机构代码不存在：{options['organisation']}")
        try:
            report_year_check(year=options["year"])
        except InvalidInput as exc:
            raise CommandError(exc.detail) from None
        report = annual_report(organisation=organisation, year=options["year"])
        text = json.dumps(report, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
        output = options["output"]
        if output in ("", "-"):
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        self.stderr.write(f"已写入 {output}（{organisation.name} {options['year']} 年度统计）")
