"""Reads: the documents a case's file must hold for the path it actually took, what is missing, and
the findings case-file review (案卷评查) reads — one checklist for the guards, the legal pre-check,
the electronic case file and the review.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from django.db import models
from django.db.models import QuerySet

from accounts.policy import AvActivity, Policy
from accounts.selectors import organisation_policy
from casefiles.models import Case, CaseEvent
from documents.catalogue import BY_CODE, CATALOGUE, POSITION, STAGE_INDEX, STAGE_LABELS
from documents.models import CaseDocument, CaseFile, DocumentTemplate
from law.predicates import hearing_right_applies

PRESENT = (CaseDocument.Source.GENERATED, CaseDocument.Source.UPLOADED)


@dataclass(frozen=True)
class Requirement:
    """One document the file must hold: of this type (and, for one of several, this key)."""

    doc_type: str
    key: str
    stage: str
    label: str
    required_by: str  # the transition the checklist guards: "close" or "archive"

    @property
    def order(self) -> tuple[int, int, str]:
        return (STAGE_INDEX[self.stage], POSITION[self.doc_type], self.key)


def _requirement(doc_type: str, key: str = "", *, stage: str | None = None, label: str = "") -> Requirement:
    entry = BY_CODE[doc_type]
    return Requirement(
        doc_type=doc_type,
        key=key,
        stage=stage or entry.stage,
        label=label or entry.name,
        required_by=entry.required_by,
    )


def legal_opinion_stage(check_stage: str) -> str:
    """The pre-decision legal check belongs to the decision stage of the file (it precedes the
    decision, and follows the notice and the hearing); the pre-notice check to the review stage."""
    return "decision" if check_stage == "pre_decision" else "review"


def required_documents(*, case: Case, policy: Policy | None = None) -> list[Requirement]:
    """The documents the path this case actually took requires, in statutory order."""
    if case.procedure == Case.Procedure.SUMMARY:
        return [_requirement("onsite_decision")] if case.decided_at else []
    policy = policy or organisation_policy(organisation=case.organisation)
    events = CaseEvent.objects.filter(case=case)
    entered = set(events.values_list("to_state", flat=True))
    fired = set(events.values_list("transition", flat=True))
    activities = set(case.activities.values_list("kind", flat=True))
    out: list[Requirement] = []
    if case.filed_at:
        out.append(_requirement("filing_approval"))
    if case.inspection_id or AvActivity.ONSITE_INSPECTION in activities:
        out.append(_requirement("inspection_record"))
    if AvActivity.INQUIRY in activities:
        out.append(_requirement("inquiry_record"))
    if case.inspection_id and case.inspection.rectification_order:
        out.append(_requirement("rectification_order"))
    if "submit_review" in fired:
        out.append(_requirement("investigation_report"))
    for check in case.legal_checks.order_by("concluded_at", "pk"):
        out.append(
            _requirement(
                "legal_opinion",
                f"check:{check.pk}",
                stage=legal_opinion_stage(check.stage),
                label=f"法制审核意见书（{check.get_stage_display()}·第{check.level}级·{check.get_outcome_display()}）",
            )
        )
    if "notice" in entered:
        out.append(_requirement("penalty_notice"))
        if hearing_right_applies(case, policy) or hasattr(case, "hearing"):
            out.append(_requirement("hearing_notice"))
    hearing = getattr(case, "hearing", None)
    if hearing is not None and hearing.held_on:
        out.append(_requirement("hearing_record"))
    for deliberation in case.deliberations.order_by("pk"):
        out.append(_requirement("deliberation_record", f"deliberation:{deliberation.pk}"))
    if case.decided_at and case.decision_kind in (Case.DecisionKind.PENALTY, Case.DecisionKind.NO_PENALTY):
        out.append(_requirement("penalty_decision"))
    if "serve_notice" in fired:
        out.append(
            _requirement("service_receipt", "notice", stage="notice", label="送达回执（行政处罚告知书）")
        )
    if case.decision_served_on:
        out.append(_requirement("service_receipt", "decision", label="送达回执（行政处罚决定书）"))
    if case.closed_at:
        out.append(_requirement("closure_approval"))
    return sorted(out, key=lambda r: r.order)


def _satisfied(requirement: Requirement, documents: list[CaseDocument]) -> CaseDocument | None:
    return next(
        (
            d
            for d in documents
            if d.doc_type == requirement.doc_type and (not requirement.key or d.key == requirement.key)
        ),
        None,
    )


def missing_documents(
    *, case: Case, policy: Policy | None = None, up_to: str = "archive"
) -> list[Requirement]:
    """Required documents neither generated, uploaded nor marked not applicable. `up_to="close"`:
    only those closing the case needs (the closure approval comes with the closing itself)."""
    documents = list(CaseDocument.objects.filter(case=case))
    return [
        r
        for r in required_documents(case=case, policy=policy)
        if (up_to == "archive" or r.required_by == "close") and _satisfied(r, documents) is None
    ]


def missing_labels(requirements: list[Requirement]) -> list[str]:
    return [f"{r.label}（{STAGE_LABELS[r.stage]}）" for r in requirements]


def documents_of(*, case: Case) -> QuerySet[CaseDocument]:
    """The case's documents in the order of the file: stage, then catalogue position, then date."""
    stage_rank = models.Case(
        *(models.When(stage=code, then=i) for code, i in STAGE_INDEX.items()),
        output_field=models.IntegerField(),
    )
    type_rank = models.Case(
        *(models.When(doc_type=code, then=i) for code, i in POSITION.items()),
        output_field=models.IntegerField(),
    )
    return (
        CaseDocument.objects.filter(case=case)
        .select_related("evidence", "created_by")
        .annotate(stage_rank=stage_rank, type_rank=type_rank)
        .order_by("stage_rank", "type_rank", "issued_on", "pk")
    )


def latest_document(*, case: Case, doc_type: str) -> CaseDocument | None:
    return (
        CaseDocument.objects.filter(case=case, doc_type=doc_type, source__in=PRESENT)
        .order_by("-issued_on", "-pk")
        .first()
    )


def casefile_of(*, case: Case) -> CaseFile | None:
    return CaseFile.objects.filter(case=case).first()


def template_for(*, organisation_id: int, path: str, doc_type: str) -> DocumentTemplate | None:
    """The newest version of the template of the nearest organisation up the tree (self first)."""
    chain = [int(part) for part in path.strip("/").split("/") if part] or [organisation_id]
    candidates = DocumentTemplate.objects.filter(organisation_id__in=chain, doc_type=doc_type).defer(
        "content"
    )
    best = None
    for template in candidates:
        rank = (chain.index(template.organisation_id), template.version)
        if best is None or rank > best[0]:
            best = (rank, template)
    return best[1] if best else None


# --- the findings case-file review reads -----------------------------------------------------------------

MISSING, OUT_OF_ORDER, NOT_APPLICABLE = "document_missing", "document_out_of_order", "document_not_applicable"


@dataclass(frozen=True)
class CasefileFinding:
    """An automatic finding about a case file. `code` is stable (document_missing,
    document_out_of_order, document_not_applicable); `severity` is fail / warning / info."""

    code: str
    severity: str
    doc_type: str
    stage: str
    title: str
    detail: str
    document_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def casefile_findings(case: Case) -> list[CasefileFinding]:
    """What the checklist finds in this case's file, for case-file review (案卷评查):

    - document_missing (fail): a document the path the case took requires is neither generated,
      uploaded nor marked not applicable;
    - document_out_of_order (warning): a procedural milestone dated before one the law puts ahead
      of it (e.g. the decision before the notice, the receipt before the decision);
    - document_not_applicable (info): a required document marked not applicable, with the reason,
      for the reviewer to judge.
    """
    findings: list[CasefileFinding] = []
    documents = list(CaseDocument.objects.filter(case=case).order_by("pk"))
    for requirement in required_documents(case=case):
        found = _satisfied(requirement, documents)
        if found is None:
            findings.append(
                CasefileFinding(
                    code=MISSING,
                    severity="fail",
                    doc_type=requirement.doc_type,
                    stage=requirement.stage,
                    title=requirement.label,
                    detail=f"案卷缺少{requirement.label}（{STAGE_LABELS[requirement.stage]}阶段）",
                )
            )
        elif found.source == CaseDocument.Source.NOT_APPLICABLE:
            findings.append(
                CasefileFinding(
                    code=NOT_APPLICABLE,
                    severity="info",
                    doc_type=requirement.doc_type,
                    stage=requirement.stage,
                    title=requirement.label,
                    detail=f"{requirement.label}标注为不适用：{found.reason}",
                    document_id=found.pk,
                )
            )
    findings += _order_findings(documents)
    return findings


def _order_findings(documents: list[CaseDocument]) -> list[CasefileFinding]:
    """Walk the latest dated milestone of each (type, stage) in statutory order: each must be dated
    no earlier than every one before it. Latest, because a returned case legitimately repeats its
    investigation report and notice; the last round is the one the decision rests on."""
    latest: dict[tuple[str, str], CaseDocument] = {}
    for d in documents:
        if d.source not in PRESENT or d.issued_on is None or not BY_CODE[d.doc_type].milestone:
            continue
        slot = (d.doc_type, d.stage)
        if slot not in latest or (d.issued_on, d.pk) > (latest[slot].issued_on, latest[slot].pk):
            latest[slot] = d
    ordered = sorted(latest.values(), key=lambda d: (STAGE_INDEX[d.stage], POSITION[d.doc_type]))
    findings = []
    before: CaseDocument | None = None
    for d in ordered:
        assert d.issued_on is not None
        if before is not None and before.issued_on is not None and d.issued_on < before.issued_on:
            findings.append(
                CasefileFinding(
                    code=OUT_OF_ORDER,
                    severity="warning",
                    doc_type=d.doc_type,
                    stage=d.stage,
                    title=d.title,
                    detail=f"《{d.title}》{_num(d)}日期为{d.issued_on:%Y-%m-%d}，早于按法定顺序应在其前的"
                    f"《{before.title}》{_num(before)}（{before.issued_on:%Y-%m-%d}）",
                    document_id=d.pk,
                )
            )
        if before is None or (d.issued_on or date.min) >= (before.issued_on or date.min):
            before = d
    return findings


def _num(document: CaseDocument) -> str:
    return f"（{document.number}）" if document.number else ""


def catalogue_for_api() -> list[dict[str, object]]:
    return [
        {
            "code": d.code,
            "name": d.name,
            "stage": d.stage,
            "stage_label": d.stage_label,
            "procedure": d.procedure,
            "origin": d.origin,
            "numbered": d.numbered,
            "issued_by": list(d.issued_by),
            "required_by": d.required_by,
        }
        for d in CATALOGUE
    ]
