from django.core.management.base import BaseCommand

from casefiles.evidence import evidence_cleanup_abandoned


class Command(BaseCommand):
    help = "清理已过期的断点续传会话及其未完成的分片（可重复运行）。"

    def handle(self, *args: object, **options: object) -> None:
        count = evidence_cleanup_abandoned()
        self.stdout.write(f"已清理 {count} 个过期的上传会话")
