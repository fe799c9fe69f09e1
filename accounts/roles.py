from django.db import models


class Role(models.TextChoices):
    """The roles of SPEC §1. The codes are stable: the API, the database and the tests use them."""

    OFFICER = "officer", "执法人员"
    DIVISION_HEAD = "division_head", "承办机构负责人"
    LEGAL_REVIEWER = "legal_reviewer", "法制审核人员"
    COMMITTEE_MEMBER = "committee_member", "案审委员会成员"
    AGENCY_HEAD = "agency_head", "行政机关负责人"
    CASEFILE_REVIEWER = "casefile_reviewer", "案卷评查人员"
    REPORT_VIEWER = "report_viewer", "统计/法制科"
    ADMIN = "admin", "系统管理员"
