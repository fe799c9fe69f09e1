from django.core.management.base import BaseCommand, CommandError

from casefiles.evidence import evidence_verify_all


class Command(BaseCommand):
    help = "重新读取全部已校验证据，比对 SHA-256，并校验证据保管链。Exit status 1 when any problem is found."

    def handle(self, *args: object, **options: object) -> None:
        problems = 0
        for problem in evidence_verify_all():
            problems += 1
            self.stderr.write(f"证据 {problem.evidence_id}：{problem.message}")
        if problems:
            raise CommandError(f"证据校验失败：发现 {problems} 处问题")
        self.stdout.write(self.style.SUCCESS("证据校验通过：全部文件哈希一致，保管链完整"))
