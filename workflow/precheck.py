"""Automated legal pre-check (法制审核辅助, SPEC §7): the review points of the 法制审核 checklist,
evaluated before a human legal check and stored with it.

Each point is a rule of the law registry (law.rules) under the point's stable code and title: the
same evaluation that blocks a step where the law forbids it. A rule that does not apply at this point
of the procedure passes and says so ("不适用…"), so the reviewer sees every point every time.
"""

from __future__ import annotations

from casefiles.models import Case
from law import rules as law_rules
from law.findings import Finding
from workflow.context import StepContext

# (point code, title, rule code): the codes and titles are stored with every legal check.
POINTS: tuple[tuple[str, str, str], ...] = (
    ("authority", "执法主体", "authority_incompetent"),
    ("officers", "执法人员资格", "officers_uncertified_when_acting"),
    ("facts_evidence", "事实与证据", "facts_unestablished"),
    ("legal_basis", "法律适用", "legal_basis_missing"),
    ("fine_range", "处罚幅度（法定）", "fine_outside_statutory_range"),
    ("benchmark", "自由裁量基准", "fine_outside_benchmark"),
    ("transfer", "涉嫌犯罪移送", "criminal_suspicion"),
    ("av_records", "全过程记录", "av_record_missing"),
    ("notice", "告知程序", "notice_not_given"),
    ("hearing", "听证权利", "hearing_right_denied"),
    ("deadline", "办案期限", "decision_deadline_passed"),
    ("not_heavier", "不得加重处罚", "penalty_heavier_than_notice"),
    ("documents", "文书材料", "documents_incomplete"),
)
RULE_TITLES: dict[str, str] = {code: title for code, title, _ in POINTS}
POINT_OF_RULE: dict[str, str] = {rule: code for code, _, rule in POINTS}


def run_precheck(case: Case, ctx: StepContext) -> list[Finding]:
    findings = []
    for code, title, rule_code in POINTS:
        verdict = law_rules.get(rule_code)(case, ctx)
        findings.append(Finding(code, title, verdict.result, verdict.message))
    return findings
