from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from review.standards import DEFAULT_STANDARD_FILE, standard_load_file


class Command(BaseCommand):
    help = (
        "载入案卷评查标准（默认 review/data/penalty_standard.json，即随系统提供的行政处罚案卷评查标准）。"
        "文件须写明标准代码和版本；该版本已存在时不作改动，可重复运行。修改标准请以新版本号另存文件后载入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_STANDARD_FILE, help="评查标准文件（JSON）")

    def handle(self, *args: object, **options: object) -> None:
        try:
            standard, created = standard_load_file(path=options["file"])  # type: ignore[arg-type]
        except DomainError as error:
            for message in error.errors.get("standard", []):
                self.stderr.write(str(message))
            raise CommandError(error.detail) from error
        if created:
            self.stdout.write(self.style.SUCCESS(f"已载入评查标准：{standard}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"评查标准已存在，未作改动：{standard}"))
