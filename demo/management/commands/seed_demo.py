"""`python manage.py seed_demo`: idempotent demo data (SPEC §10). The work is in demo.seed."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter

from demo import seed as demo


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keep the username table of the help text as written."""


class Command(BaseCommand):
    help = (
        "生成演示数据（可重复执行）：榕城市应急管理局及其区局、街道，各角色用户，违法行为类型，"
        f"{demo.YEAR} 年的执法检查和各状态的案件。\n"
        "Idempotent demo data: organisations, users of every role, a year of cases in every state.\n\n"
        "用户（密码均为设置 DEMO_PASSWORD 的值）：\n" + demo.USERNAMES_HELP
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        return super().create_parser(prog_name, subcommand, formatter_class=_HelpFormatter, **kwargs)

    def handle(self, *args: Any, **options: Any) -> None:
        summary = demo.demo_seed()
        for line in summary.lines():
            self.stdout.write(line)
