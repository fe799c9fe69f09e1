"""Case-file completeness for the path the case actually took (guards archiving, SPEC §4).

Two halves: the records the steps keep (a filing, the approved legal checks, the notice served…) and
the documents of the catalogue (documents.selectors.required_documents: generated, uploaded as a
signed scan, or marked not applicable with a reason). Case-file review reads the same checklist
through documents.selectors.casefile_findings.
"""

from __future__ import annotations

from accounts.policy import Policy
from casefiles.models import Case, CaseEvent, LegalCheck
from casefiles.selectors import av_gaps
from documents.selectors import missing_documents, missing_labels
from law.states import CaseState


def missing_items(case: Case, policy: Policy) -> list[str]:
    missing: list[str] = []
    if case.procedure == Case.Procedure.GENERAL:
        if not case.number or case.filed_at is None:
            missing.append("立案审批记录")
        passed = set(CaseEvent.objects.filter(case=case).values_list("from_state", flat=True))
        for stage, state, label in (
            (LegalCheck.Stage.PRE_NOTICE, CaseState.PRE_NOTICE_CHECK, "告知前法制审核意见"),
            (LegalCheck.Stage.PRE_DECISION, CaseState.PRE_DECISION_CHECK, "决定前法制审核意见"),
        ):
            if (
                state in passed
                and not case.legal_checks.filter(stage=stage, outcome=LegalCheck.Outcome.APPROVED).exists()
            ):
                missing.append(label)
        if case.notice_served_on is None and case.decision_kind == Case.DecisionKind.PENALTY:
            missing.append("行政处罚告知书送达回证")
        if CaseState.HEARING in passed and not (hasattr(case, "hearing") and case.hearing.report):
            missing.append("听证笔录与听证报告")
        if CaseState.DELIBERATION in passed and not case.deliberations.exists():
            missing.append("集体讨论记录")
        if (
            case.published_on is None
            and not case.publication_skip_reason
            and case.decision_kind == Case.DecisionKind.PENALTY
        ):
            missing.append("公示记录或不予公示理由")
    if not case.decision_number:
        missing.append("处罚决定书")
    if case.decision_served_on is None:
        missing.append("决定书送达回证")
    if not case.execution_outcome:
        missing.append("执行记录")
    gaps = av_gaps(case, policy)
    if gaps:
        missing.append(f"音像记录（缺 {len(gaps)} 项）")
    missing += missing_labels(missing_documents(case=case, policy=policy))
    return missing
