from django.core.management.base import BaseCommand, CommandError

from casefiles.history import verify_all


class Command(BaseCommand):
    help = "校验全部案件履历的哈希链：发现被修改、插入或删除的履历行。Exit status 1 when any is found."

    def handle(self, *args: object, **options: object) -> None:
        problems = 0
        for problem in verify_all():
            problems += 1
            where = f"案件 {problem.case_id}" + (f" 第 {problem.seq} 条" if problem.seq else "")
            self.stderr.write(f"{where}：{problem.message}")
        if problems:
            raise CommandError(f"履历校验失败：发现 {problems} 处问题")
        self.stdout.write(self.style.SUCCESS("履历校验通过：所有哈希链完整"))
