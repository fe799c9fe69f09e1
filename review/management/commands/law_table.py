"""`python manage.py law_table`: every rule of law the product holds a case to, with its article,
where it blocks, the pre-check point and review items it feeds, and the tests that name it."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from review.law_table import law_table


class Command(BaseCommand):
    help = (
        "列出法律规则表（规则代码、法律依据、阻止的环节、预审要点、评查条目、对应测试）。--json 输出 JSON。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="machine-readable output")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = law_table()
        if options["json"]:
            self.stdout.write(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row.code}  {row.title}  {row.article}")
            self.stdout.write(f"    阻止环节：{'、'.join(row.blocks) or '—'}")
            self.stdout.write(f"    预审要点：{row.precheck_point or '—'}")
            self.stdout.write(f"    评查条目：{'；'.join(row.review_items) or '—'}")
            self.stdout.write(f"    测试：{'、'.join(row.tests) or '—（无）'}")
        self.stdout.write(f"共 {len(rows)} 条规则")
