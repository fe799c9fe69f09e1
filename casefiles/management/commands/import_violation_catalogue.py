from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casefiles.catalogue.services import CatalogueError
from casefiles.catalogue.spreadsheet import catalogue_import


class Command(BaseCommand):
    help = (
        "从 Excel 表格（.xlsx，版式同 export_violation_catalogue 导出的表格）导入违法行为目录与自由裁量基准。"
        "先校验全部行，任何一行有误则不导入任何数据；只新增系统中没有的违法行为和基准版本，不改写已有数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="表格文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不导入")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        if not path.is_file():
            raise CommandError(f"找不到表格文件：{path}")
        try:
            report = catalogue_import(source=path, dry_run=bool(options["dry_run"]))
        except CatalogueError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"导入失败：共 {len(error.problems)} 处错误，未导入任何数据") from error
        if options["dry_run"]:
            self.stdout.write(self.style.SUCCESS("校验通过（未导入）"))
            return
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS("导入完成" if report.changed else "表格内容与系统一致，未作改动")
        )
