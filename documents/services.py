"""Every write about documents: issuing them inside the transitions that decide them, generating the
field records on request, attaching signed scans, marking a document not applicable, rendering
(.docx / .pdf, stored once in object storage), template versions, and the electronic case file.

Issuing happens in the transition's own transaction (workflow.steps wraps the step): the 文号 is drawn
from the gap-free sequence per organisation, year and type under its row lock, so a step that is
refused or fails issues nothing and gives its number back. Rendering is not done there — the
document's data is kept with it, and the .docx is filled from that data the first time someone needs
it — so a transition costs one sequence row and one insert, not a Word file.
"""

from __future__ import annotations

import io
import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.policy import Policy
from accounts.roles import Role
from accounts.selectors import organisation_policy
from casefiles.evidence import EvidenceMeta, evidence_upload
from casefiles.kernel import case_lock, case_log_change
from casefiles.models import Case, Evidence
from casefiles.services import number_next
from casefiles.storage import StorageError, get_store
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason, TooLarge
from core.queue import enqueue_on_commit
from documents import casefile as assembly
from documents.catalogue import BY_CODE, CHOICES, ON_REQUEST, DocType
from documents.context import Source, build_context, sample_context
from documents.models import CaseDocument, CaseFile, DocumentTemplate
from documents.pdf import ConversionFailed, docx_to_pdf
from documents.render import TemplateProblem, default_template, render_docx, sha256_of
from documents.selectors import (
    documents_of,
    legal_opinion_stage,
    missing_documents,
    missing_labels,
    required_documents,
    template_for,
)
from law.predicates import hearing_right_applies
from law.states import CaseState

logger = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
MAGIC = {b"%PDF": PDF, b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}


# --- numbering ---------------------------------------------------------------------------------------


def number_base(organisation: Organisation) -> str:
    """The organisation's part of a 文号: its case-number prefix without the trailing 罚
    (区应急罚 → 区应急, so 区应急罚告〔2026〕3号, 区应急立〔2026〕5号)."""
    prefix = organisation.case_number_prefix
    return prefix[:-1] if prefix.endswith("罚") and len(prefix) > 1 else prefix


def document_number(*, case: Case, entry: DocType, year: int) -> tuple[int | None, str]:
    """Draw the next 文号 of this type for the case's organisation and year. Runs in the caller's
    transaction: the sequence row stays locked until it commits; a rollback gives the number back."""
    if entry.number_code == "case":
        return None, case.decision_number or case.number
    if not entry.numbered:
        return None, ""
    seq = number_next(organisation=case.organisation, year=year, kind=f"doc:{entry.code}")
    return seq, f"{number_base(case.organisation)}{entry.number_code}〔{year}〕{seq}号"


# --- making a document from the case ------------------------------------------------------------------


def _title(entry: DocType, case: Case) -> str:
    if entry.code == "penalty_decision" and case.decision_kind == Case.DecisionKind.NO_PENALTY:
        return "不予行政处罚决定书"
    return entry.name


def _stage(entry: DocType, key: str, record: Any = None) -> str:
    if entry.code == "legal_opinion" and record is not None:
        return legal_opinion_stage(record.stage)
    if entry.code == "service_receipt" and key == "notice":
        return "notice"
    return entry.stage


def _generate(
    *,
    case: Case,
    entry: DocType,
    issued_on: date,
    actor: User | None,
    now: datetime,
    key: str = "",
    data: dict[str, Any] | None = None,
    record: Any = None,
    policy: Policy | None = None,
) -> CaseDocument:
    """Number and fill one document from the case as it stands (the caller holds the case row lock).
    `policy`: the organisation's, when the caller has read it already (a transition has)."""
    policy = policy or organisation_policy(organisation=case.organisation)
    seq, number = document_number(case=case, entry=entry, year=issued_on.year)
    title = _title(entry, case)
    source = Source(
        case=case,
        policy=policy,
        issued_on=issued_on,
        number=number,
        title=title,
        actor=actor,
        data=data or {},
        record=record,
    )
    template = template_for(
        organisation_id=case.organisation_id, path=case.organisation.path, doc_type=entry.code
    )
    return CaseDocument.objects.create(
        case=case,
        doc_type=entry.code,
        key=key,
        source=CaseDocument.Source.GENERATED,
        stage=_stage(entry, key, record),
        title=title,
        year=issued_on.year if seq else None,
        seq=seq,
        number=number,
        issued_on=issued_on,
        context=build_context(entry.code, source),
        template=template,
        template_sha256=template.sha256 if template else sha256_of(default_template(entry.code)),
        created_by=actor,
        created_at=now,
    )


def documents_issue(
    *, case: Case, ctx: Any, doc_types: Iterable[str], data: dict[str, Any]
) -> list[CaseDocument]:
    """Issue the documents a step decides (called by workflow.steps inside the transition, after the
    step recorded its input). `doc_types` entries are catalogue codes, "service_receipt:notice" for
    a keyed one. Records that already have their document (a legal check, a deliberation) are skipped."""
    issued = []
    for spec in doc_types:
        code, _, key = spec.partition(":")
        entry = BY_CODE[code]
        common = {"case": case, "entry": entry, "actor": ctx.actor, "now": ctx.now, "policy": ctx.policy}
        if code == "legal_opinion":
            done = set(CaseDocument.objects.filter(case=case, doc_type=code).values_list("key", flat=True))
            for check in case.legal_checks.order_by("pk"):
                if f"check:{check.pk}" not in done:
                    day = timezone.localtime(check.concluded_at).date()
                    issued.append(_generate(**common, issued_on=day, key=f"check:{check.pk}", record=check))
        elif code == "deliberation_record":
            done = set(CaseDocument.objects.filter(case=case, doc_type=code).values_list("key", flat=True))
            for deliberation in case.deliberations.select_related("meeting", "meeting__chair").order_by("pk"):
                if f"deliberation:{deliberation.pk}" not in done:
                    day = timezone.localtime(deliberation.concluded_at).date()
                    issued.append(
                        _generate(
                            **common,
                            issued_on=day,
                            key=f"deliberation:{deliberation.pk}",
                            record=deliberation,
                        )
                    )
        elif code == "hearing_notice":
            if hearing_right_applies(case, ctx.policy):
                issued.append(_generate(**common, issued_on=ctx.today))
        elif code == "penalty_decision":
            if case.decision_kind in (Case.DecisionKind.PENALTY, Case.DecisionKind.NO_PENALTY):
                issued.append(_generate(**common, issued_on=ctx.today))
        elif code == "service_receipt":
            served = (
                "penalty_notice"
                if key == "notice"
                else ("onsite_decision" if case.procedure == Case.Procedure.SUMMARY else "penalty_decision")
            )
            day = data.get("served_on") or ctx.today
            issued.append(_generate(**common, issued_on=day, key=key, data={**data, "served_type": served}))
        elif code == "hearing_record":
            issued.append(_generate(**common, issued_on=case.hearing.held_on or ctx.today))
        else:
            issued.append(_generate(**common, issued_on=ctx.today, key=key, data=data))
    return issued


# --- on request: field records, and issued documents a legacy case lacks ----------------------------------


class InspectionRecordInput(forms.Form):
    inspected_at = forms.DateTimeField(label="检查时间", required=False)
    place = forms.CharField(label="检查地点", max_length=200, required=False)
    content = forms.CharField(label="检查情况", max_length=20000, required=False)


class InquiryRecordInput(forms.Form):
    inquired_at = forms.DateTimeField(label="询问时间", required=False)
    place = forms.CharField(label="询问地点", max_length=200, required=False)
    interviewee = forms.CharField(label="被询问人", max_length=100, required=False)
    relation = forms.CharField(label="与本案关系", max_length=50, required=False)
    content = forms.CharField(label="询问内容（问答）", max_length=50000)


class RectificationOrderInput(forms.Form):
    items = forms.CharField(label="存在的问题（每行一项）", max_length=20000)
    deadline = forms.DateField(label="整改期限")


INPUTS: dict[str, type[forms.Form]] = {
    "inspection_record": InspectionRecordInput,
    "inquiry_record": InquiryRecordInput,
    "rectification_order": RectificationOrderInput,
}


def _lock_for_documents(case_id: int, actor: User, *, roles: tuple[str, ...] = (Role.OFFICER,)) -> Case:
    case = case_lock(case_id=case_id, actor=actor)
    if case.state == CaseState.ARCHIVED:
        raise Conflict("案件已归档，案卷不可更改", reasons=[Reason("case_archived", "案件已归档")])
    handler = actor.has_role(Role.OFFICER) and case.officers.filter(pk=actor.pk).exists()
    if not (handler or any(r != Role.OFFICER and actor.has_role(r) for r in roles)):
        raise Forbidden(
            "只有本案承办人员可以制作、上传或标注本案文书",
            reasons=[Reason("not_a_handler", "只有本案承办人员可以办理本案文书")],
        )
    return case


def _invalid(form: forms.Form) -> InvalidInput:
    errors = {name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()}
    return InvalidInput("输入有误：" + "；".join(m for msgs in errors.values() for m in msgs), errors=errors)


def _known_type(doc_type: str) -> DocType:
    entry = BY_CODE.get(doc_type)
    if entry is None:
        raise InvalidInput(
            f"未知的文书类型：{doc_type}", errors={"doc_type": [f"应为：{'、'.join(c for c, _ in CHOICES)}"]}
        )
    return entry


def _log(case: Case, *, actor: User, what: str, now: datetime, document: CaseDocument) -> None:
    data = {"document": document.pk, "doc_type": document.doc_type, "source": document.source}
    if document.number:
        data["number"] = document.number
    if document.reason:
        data["reason"] = document.reason
    case_log_change(case, actor=actor, what=what, now=now, data=data)


@transaction.atomic
def document_generate(
    *,
    case_id: int,
    actor: User,
    doc_type: str,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> list[CaseDocument]:
    """Generate a document on request: a field record (现场检查记录, 询问笔录, 责令限期整改指令书) from the
    case and the officer's input, or a document the case should have been issued and lacks (a case
    that went through a step before the catalogue existed)."""
    now = now or timezone.now()
    entry = _known_type(doc_type)
    case = _lock_for_documents(case_id, actor)
    if entry.procedure != case.procedure:
        raise Conflict(
            f"{entry.name}不适用于{case.get_procedure_display()}案件",
            reasons=[Reason("wrong_procedure", f"{entry.name}不适用于本案程序")],
        )
    today = timezone.localtime(now).date()
    if entry.origin == ON_REQUEST:
        form = INPUTS[entry.code](data=data or {})
        if not form.is_valid():
            raise _invalid(form)
        cleaned = form.cleaned_data
        if entry.code == "rectification_order" and cleaned["deadline"] < today:
            raise InvalidInput("整改期限不能早于今天", errors={"deadline": ["不能早于今天"]})
        if entry.code == "rectification_order":
            cleaned["items"] = [line.strip() for line in cleaned["items"].splitlines() if line.strip()]
        documents = [_generate(case=case, entry=entry, issued_on=today, actor=actor, now=now, data=cleaned)]
    else:
        wanted = [r for r in missing_documents(case=case) if r.doc_type == entry.code]
        if not wanted:
            raise Conflict(
                f"本案不需要补充生成{entry.name}：它由相应的办案环节自动生成，本案已有或尚未到该环节",
                reasons=[Reason("not_due", f"本案无需补充生成{entry.name}")],
            )
        ctx = _IssueContext(actor=actor, now=now, policy=organisation_policy(organisation=case.organisation))
        specs = [f"{r.doc_type}:{r.key}" if r.doc_type == "service_receipt" else r.doc_type for r in wanted]
        data = {
            "served_on": case.notice_served_on
            if "notice" in {r.key for r in wanted}
            else case.decision_served_on
        }
        documents = documents_issue(case=case, ctx=ctx, doc_types=dict.fromkeys(specs), data=data)
    for document in documents:
        _log(case, actor=actor, what="document_generate", now=now, document=document)
    return documents


@dataclass
class _IssueContext:
    actor: User
    now: datetime
    policy: Any

    @property
    def today(self) -> date:
        return timezone.localtime(self.now).date()


class _Prefixed(io.RawIOBase):
    """A stream whose first bytes were already read (to check the file type) and are given back."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if self._head:
            if n is None or n < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:n], self._head[n:]
            return data
        return self._rest.read(n)


def _key_for(case: Case, entry: DocType, key: str) -> str:
    keys = {r.key for r in required_documents(case=case) if r.doc_type == entry.code}
    if key and key not in keys:
        allowed = "、".join(sorted(k for k in keys if k)) or "（无）"
        raise InvalidInput(f"{entry.name}的对应事项“{key}”不属于本案", errors={"key": [f"可选：{allowed}"]})
    return key


def document_upload(
    *,
    case_id: int,
    actor: User,
    doc_type: str,
    stream: BinaryIO,
    length: int,
    filename: str = "",
    key: str = "",
    number: str = "",
    issued_on: date | None = None,
    client_address: str = "",
    now: datetime | None = None,
) -> CaseDocument:
    """Attach a signed scan (PDF, JPEG or PNG) to a catalogue entry. The file goes into the evidence
    store like any evidence (streamed, hashed, locked, with its chain of custody)."""
    now = now or timezone.now()
    entry = _known_type(doc_type)
    limit = settings.DOCUMENTS_MAX_UPLOAD_BYTES
    if length > limit:
        raise TooLarge(
            f"文件大小 {length} 字节超过上限 {limit} 字节", errors={"file": [f"上限 {limit} 字节"]}
        )
    if length <= 0:
        raise InvalidInput("文件为空", errors={"file": ["文件为空"]})
    if issued_on is not None and issued_on > timezone.localtime(now).date():
        raise InvalidInput("文书日期不能晚于今天", errors={"issued_on": ["不能晚于今天"]})
    with transaction.atomic():  # refuse early, before any byte is stored
        case = _lock_for_documents(case_id, actor)
        key = _key_for(case, entry, key)
    head = stream.read(8)
    content_type = next((t for magic, t in MAGIC.items() if head.startswith(magic)), None)
    if content_type is None:
        raise InvalidInput("扫描件须为 PDF、JPEG 或 PNG 文件", errors={"file": ["仅支持 PDF、JPEG、PNG"]})
    evidence = evidence_upload(
        case_id=case_id,
        actor=actor,
        stream=_Prefixed(head, stream),  # type: ignore[arg-type]
        length=length,
        meta=EvidenceMeta(
            title=f"{entry.name}（签字扫描件）",
            kind=Evidence.Kind.DOCUMENT,
            content_type=content_type,
            filename=filename[:255],
        ),
        client_address=client_address,
        now=now,
    )
    with transaction.atomic():
        case = _lock_for_documents(case_id, actor)
        record = None
        if entry.code == "legal_opinion" and key.startswith("check:"):
            record = case.legal_checks.filter(pk=int(key.split(":")[1])).first()
        document = CaseDocument.objects.create(
            case=case,
            doc_type=entry.code,
            key=key,
            source=CaseDocument.Source.UPLOADED,
            stage=_stage(entry, key, record),
            title=entry.name,
            number=number.strip()[:60],
            issued_on=issued_on or timezone.localtime(now).date(),
            evidence=evidence,
            created_by=actor,
            created_at=now,
        )
        _log(case, actor=actor, what="document_upload", now=now, document=document)
    return document


@transaction.atomic
def document_mark_not_applicable(
    *, case_id: int, actor: User, doc_type: str, reason: str, key: str = "", now: datetime | None = None
) -> CaseDocument:
    """Mark a document the checklist requires as not applicable to this case, with the reason (the
    handler, or the division head who approves the file). Review sees every such mark."""
    now = now or timezone.now()
    entry = _known_type(doc_type)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("标注不适用须写明理由", errors={"reason": ["必填"]})
    case = _lock_for_documents(case_id, actor, roles=(Role.OFFICER, Role.DIVISION_HEAD))
    wanted = [
        r for r in missing_documents(case=case) if r.doc_type == entry.code and (not key or r.key == key)
    ]
    if not wanted:
        raise Conflict(
            f"{entry.name}不是本案当前缺少的文书，无需标注不适用",
            reasons=[Reason("not_missing", f"{entry.name}不是本案缺少的文书")],
        )
    requirement = wanted[0]
    document = CaseDocument.objects.create(
        case=case,
        doc_type=entry.code,
        key=requirement.key,
        source=CaseDocument.Source.NOT_APPLICABLE,
        stage=requirement.stage,
        title=entry.name,
        reason=reason[:2000],
        created_by=actor,
        created_at=now,
    )
    _log(case, actor=actor, what="document_not_applicable", now=now, document=document)
    return document


# --- files --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFile:
    chunks: Iterator[bytes]
    filename: str
    content_type: str
    size: int | None = None


def _template_bytes(document: CaseDocument) -> bytes:
    if document.template_id is None:
        return default_template(document.doc_type)
    return bytes(DocumentTemplate.objects.values_list("content", flat=True).get(pk=document.template_id))


def _store(key: str, data: bytes, content_type: str) -> None:
    get_store().put_stream(key, io.BytesIO(data), length=len(data), content_type=content_type)


def _read(key: str) -> bytes:
    return b"".join(get_store().read(key))


def document_docx(*, document_id: int) -> bytes:
    """The .docx of a generated document: filled from its kept data the first time, then kept."""
    with transaction.atomic():
        document = CaseDocument.objects.select_for_update().get(pk=document_id)
        if document.source != CaseDocument.Source.GENERATED:
            raise Conflict(
                "该文书不是系统生成的文书", reasons=[Reason("not_generated", "不是系统生成的文书")]
            )
        if document.docx_key:
            return _read(document.docx_key)
        try:
            data = render_docx(_template_bytes(document), document.context)
        except TemplateProblem as exc:
            raise Conflict(f"文书模板无法填充：{exc}", reasons=[Reason("template_broken", str(exc))]) from exc
        key = f"documents/{document.case_id}/{document.pk}/{uuid.uuid4().hex}.docx"
        _store(key, data, DOCX)
        CaseDocument.objects.filter(pk=document.pk).update(docx_key=key, docx_sha256=sha256_of(data))
        return data


def documents_pdf(*, document_ids: list[int], extra: dict[str, bytes] | None = None) -> dict[Any, bytes]:
    """PDFs of generated documents (by id), converting those not yet converted in one LibreOffice run
    — with `extra` Word files of the caller's, returned under their names: one start-up for all."""
    out: dict[Any, bytes] = {}
    todo: dict[int, bytes] = {}
    for document in CaseDocument.objects.filter(pk__in=document_ids):
        if document.pdf_key:
            out[document.pk] = _read(document.pdf_key)
        else:
            todo[document.pk] = document_docx(document_id=document.pk)
    if todo or extra:
        try:
            converted = docx_to_pdf({**{str(pk): data for pk, data in todo.items()}, **(extra or {})})
        except ConversionFailed as exc:
            raise Conflict(f"生成 PDF 失败：{exc}", reasons=[Reason("pdf_failed", str(exc))]) from exc
        out.update({name: converted[name] for name in extra or {}})
        for pk in todo:
            data = converted[str(pk)]
            with transaction.atomic():
                locked = CaseDocument.objects.select_for_update().get(pk=pk)
                if not locked.pdf_key:
                    key = f"documents/{locked.case_id}/{pk}/{uuid.uuid4().hex}.pdf"
                    _store(key, data, PDF)
                    CaseDocument.objects.filter(pk=pk).update(
                        pdf_key=key, pdf_sha256=sha256_of(data), pdf_pages=assembly.page_count(data)
                    )
            out[pk] = data
    return out


def document_file(*, document: CaseDocument, fmt: str) -> DocumentFile:
    """The file of one document of a case the caller may see: a generated one as .docx or .pdf, an
    uploaded scan as it was uploaded."""
    base = f"{document.title}-{document.number or document.pk}"
    if document.source == CaseDocument.Source.NOT_APPLICABLE:
        raise Conflict("该文书标注为不适用，没有文件", reasons=[Reason("not_applicable", "标注为不适用")])
    if document.source == CaseDocument.Source.UPLOADED:
        evidence = document.evidence
        if evidence is None or evidence.status != Evidence.Status.VERIFIED:
            raise Conflict(
                "扫描件不可用（未校验或已到期销毁）", reasons=[Reason("scan_unavailable", "扫描件不可用")]
            )
        extension = {PDF: "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(evidence.content_type, "bin")
        return DocumentFile(
            get_store().read(evidence.object_key),
            f"{base}.{extension}",
            evidence.content_type or "application/octet-stream",
            evidence.size_bytes,
        )
    if fmt == "pdf":
        data = documents_pdf(document_ids=[document.pk])[document.pk]
        return DocumentFile(iter([data]), f"{base}.pdf", PDF, len(data))
    data = document_docx(document_id=document.pk)
    return DocumentFile(iter([data]), f"{base}.docx", DOCX, len(data))


# --- templates ----------------------------------------------------------------------------------------


def template_check(*, doc_type: str, content: bytes) -> None:
    """Fill the template with every field of its type (placeholders); a tag naming anything else, a
    broken tag or a file that is not Word is refused with the reason."""
    try:
        render_docx(content, sample_context(doc_type))
    except TemplateProblem as exc:
        raise InvalidInput(f"模板无法使用：{exc}", errors={"content": [str(exc)]}) from exc


@transaction.atomic
def template_version_create(
    *,
    organisation: Organisation,
    doc_type: str,
    content: bytes,
    actor: User,
    note: str = "",
    now: datetime | None = None,
) -> DocumentTemplate:
    """A new version of an organisation's template for a document type (admins; the older versions
    stay, each generated document names its own)."""
    if not (actor.is_superuser or actor.has_role(Role.ADMIN)):
        raise Forbidden("只有管理员可以修改文书模板", reasons=[Reason("role_required", "需要管理员角色")])
    entry = _known_type(doc_type)
    if len(content) > 10 * 1024 * 1024:
        raise TooLarge("模板文件超过 10 MB", errors={"content": ["模板文件超过 10 MB"]})
    template_check(doc_type=entry.code, content=content)
    # The organisation row serialises versions of its templates.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    last = (
        DocumentTemplate.objects.filter(organisation=organisation, doc_type=entry.code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return DocumentTemplate.objects.create(
        organisation=organisation,
        doc_type=entry.code,
        version=(last or 0) + 1,
        content=content,
        sha256=sha256_of(content),
        note=note[:200],
        uploaded_by=actor,
        created_at=now or timezone.now(),
    )


# --- the legal opinion (法制审核意见书) ------------------------------------------------------------------


def legal_opinion_docx(*, check: Any) -> bytes:
    """The opinion of one legal check as Word: the document issued with the check, or — for a check
    concluded before the catalogue existed — filled now from the check (not kept)."""
    document = CaseDocument.objects.filter(
        case_id=check.case_id,
        doc_type="legal_opinion",
        key=f"check:{check.pk}",
        source=CaseDocument.Source.GENERATED,
    ).first()
    if document is not None:
        return document_docx(document_id=document.pk)
    case = check.case
    entry = BY_CODE["legal_opinion"]
    source = Source(
        case=case,
        policy=organisation_policy(organisation=case.organisation),
        issued_on=timezone.localtime(check.concluded_at).date(),
        number="",
        title=entry.name,
        record=check,
    )
    template = template_for(
        organisation_id=case.organisation_id, path=case.organisation.path, doc_type=entry.code
    )
    content = bytes(template.content) if template else default_template(entry.code)
    return render_docx(content, build_context(entry.code, source))


# --- the electronic case file (电子卷宗) ------------------------------------------------------------------


def retention_of(case: Case) -> tuple[str, date]:
    if case.procedure == Case.Procedure.SUMMARY:
        label, years = settings.DOCUMENTS_RETENTION["summary"]
    elif case.is_major or case.decided_major:
        label, years = settings.DOCUMENTS_RETENTION["major"]
    else:
        label, years = settings.DOCUMENTS_RETENTION["general"]
    start = timezone.localtime(case.archived_at or timezone.now()).date()
    years = years or settings.DOCUMENTS_PERMANENT_YEARS
    try:
        return label, start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return label, start.replace(year=start.year + years, day=28)


def casefile_assemble(*, case_id: int, now: datetime | None = None) -> CaseFile:
    """Assemble the archived case's file once: cover, contents with page ranges, every document in
    statutory order, the audio-video list with SHA-256, the remarks sheet, page numbers on every
    page; store it in object storage, locked for its retention period, and record its hash in the
    case history. Safe to run twice: a case has one file."""
    now = now or timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        # The case row lock makes concurrent runs queue; the second finds the file made.
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("organisation", "party", "violation_type")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFound("案件不存在")
        existing = CaseFile.objects.filter(case=case).first()
        if existing is not None:
            return existing
        if case.state != CaseState.ARCHIVED:
            raise Conflict(
                "案件尚未归档：电子卷宗在归档时组卷", reasons=[Reason("not_archived", "案件尚未归档")]
            )
        documents = list(documents_of(case=case))
        generated = [d.pk for d in documents if d.source == CaseDocument.Source.GENERATED]
        recordings = list(
            Evidence.objects.filter(
                case=case, kind__in=Evidence.AV_KINDS, status__in=Evidence.RECORDED_STATUSES
            )
            .select_related("activity", "officer")
            .order_by("captured_at", "pk")
        )
        pdfs = documents_pdf(document_ids=generated, extra={"av": assembly.av_list_docx(recordings)})
        missing = missing_labels(missing_documents(case=case))
        label, until = retention_of(case)
        parts = []
        for d in documents:
            if d.source == CaseDocument.Source.GENERATED:
                parts.append(assembly.Part.of(d, pdf=pdfs[d.pk]))
            elif d.source == CaseDocument.Source.UPLOADED:
                scan = (
                    _read(d.evidence.object_key)
                    if d.evidence and d.evidence.status == Evidence.Status.VERIFIED
                    else b""
                )
                parts.append(assembly.Part.of(d, scan=scan))
            else:
                parts.append(assembly.Part.of(d))
        try:
            built = assembly.assemble(
                cover=assembly.cover_of(case, retention=label, archived_at=case.archived_at or now),
                parts=parts,
                av_pdf=pdfs["av"],
                recordings=len(recordings),
                missing=missing,
            )
        except ConversionFailed as exc:
            raise Conflict(f"组卷失败：{exc}", reasons=[Reason("pdf_failed", str(exc))]) from exc
        store = get_store()
        key = f"casefiles/{case.pk}/{uuid.uuid4().hex}.pdf"
        stored = store.put_stream(key, io.BytesIO(built.pdf), length=len(built.pdf), content_type=PDF)
        # Locked in the store before the record exists: if the commit then fails, the bytes are merely
        # kept longer (the same order as evidence).
        store.lock(
            key,
            until=timezone.make_aware(datetime.combine(until, datetime.min.time())),
            version_id=stored.version_id,
        )
        casefile = CaseFile.objects.create(
            case=case,
            object_key=key,
            backend=store.backend,
            version_id=stored.version_id,
            sha256=stored.sha256,
            size_bytes=stored.size,
            pages=built.pages,
            toc=built.toc,
            missing=missing,
            retention=label,
            retention_until=until,
            assembled_at=now,
            assembly_seconds=round(time.monotonic() - started, 3),
        )
        case_log_change(
            case,
            actor=None,
            what="casefile_assembled",
            now=now,
            data={
                "casefile": casefile.pk,
                "sha256": casefile.sha256,
                "pages": casefile.pages,
                "missing": missing,
            },
        )
    return casefile


def casefile_file(*, case: Case) -> DocumentFile:
    """The archived file of a case the caller may see (assembled now if the archive's task has not
    run yet, or the case was archived before the catalogue existed)."""
    casefile = CaseFile.objects.filter(case=case).first()
    if casefile is None:
        if case.state != CaseState.ARCHIVED:
            raise Conflict(
                f"案件处于“{case.get_state_display()}”状态：电子卷宗在归档时组卷",
                reasons=[Reason("not_archived", "案件尚未归档")],
            )
        casefile = casefile_assemble(case_id=case.pk)
    try:
        chunks = get_store().read(casefile.object_key)
    except StorageError as exc:
        raise Conflict(f"电子卷宗读取失败：{exc}", reasons=[Reason("storage", str(exc))]) from exc
    return DocumentFile(chunks, f"电子卷宗-{case.number or case.pk}.pdf", PDF, casefile.size_bytes)


def casefile_queue(*, case_id: int) -> None:
    """Queue the file's assembly once the archiving commits (the archive step calls this).

    With DOCUMENTS_ASSEMBLE_ON_ARCHIVE off (the demo data turns it off while seeding: a few
    seconds of LibreOffice per case would make seed_demo take minutes), the file is assembled
    when it is first asked for instead."""
    if not settings.DOCUMENTS_ASSEMBLE_ON_ARCHIVE:
        return

    enqueue_on_commit("documents.tasks.assemble_casefile", case_id, robust=True)


def checklist_summary(*, case: Case) -> dict[str, Any]:
    missing = missing_documents(case=case)
    return {
        "complete": not missing,
        "missing": [
            {
                "doc_type": r.doc_type,
                "key": r.key,
                "stage": r.stage,
                "label": r.label,
                "required_by": r.required_by,
            }
            for r in missing
        ],
    }
