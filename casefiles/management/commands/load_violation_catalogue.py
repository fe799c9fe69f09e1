from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casefiles.catalogue.services import CatalogueError
from casefiles.catalogue.starter import STARTER_FILE, starter_catalogue_load


class Command(BaseCommand):
    help = (
        "载入违法行为目录与自由裁量基准初始数据（默认 casefiles/data/violation_catalogue.json）。"
        "只新增系统中没有的违法行为和基准版本，不改动已有数据（包括管理员的修改）；可重复运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=STARTER_FILE, help="目录数据文件（JSON）")

    def handle(self, *args: object, **options: object) -> None:
        try:
            report = starter_catalogue_load(path=options["file"])  # type: ignore[arg-type]
        except CatalogueError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"目录数据有误，未载入任何数据（共 {len(error.problems)} 处问题）") from error
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS("违法行为目录已载入"))
        else:
            self.stdout.write(self.style.SUCCESS("违法行为目录已是最新，未作改动"))
