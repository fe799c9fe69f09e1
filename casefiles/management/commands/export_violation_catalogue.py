from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from casefiles.catalogue.spreadsheet import catalogue_export


class Command(BaseCommand):
    help = "把违法行为目录与自由裁量基准导出为 Excel 表格（.xlsx），版式即 import_violation_catalogue 的导入版式。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="输出的表格文件（.xlsx）")
        parser.add_argument("--code", action="append", dest="codes", help="只导出该编码（可重复）")
        parser.add_argument("--domain", help="只导出该执法领域，如：安全生产")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        rows = catalogue_export(target=path, codes=options["codes"], domain=options["domain"])  # type: ignore[arg-type]
        self.stdout.write(self.style.SUCCESS(f"已导出 {rows} 行到 {path}"))
