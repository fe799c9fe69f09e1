"""Evidence services (SPEC §6): streamed upload with SHA-256, resumable upload, verification,
retention and lock, access through short-lived URLs, and the hash-chained chain of custody.

A record is `pending` while its bytes travel; it becomes `verified` only when the bytes are in
the store and their hash is known (and equals the uploader's, when one was declared). Long
uploads run outside any database transaction: the case row is locked only for the short steps
that begin and finish the record.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from casefiles.kernel import case_lock, case_log_change
from casefiles.models import (
    Case,
    CaseActivity,
    CustodyEvent,
    Evidence,
    Litigation,
    Reconsideration,
    UploadSession,
)
from casefiles.selectors import cases_visible_to
from casefiles.storage import StorageError, Stored, get_store
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason, TooLarge
from core.hashchain import GENESIS, canonical, chain_breaks, chain_hash
from law.states import TERMINAL_STATES, CaseState
from notifications.models import Notification
from notifications.services import Message, notifications_send

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
AV_KINDS = {Evidence.Kind.VIDEO, Evidence.Kind.AUDIO}


# --- chain of custody ----------------------------------------------------------------------------------


def custody_append(
    *,
    evidence: Evidence,
    action: str,
    actor: User | None,
    at: datetime,
    client_address: str = "",
    data: dict[str, Any] | None = None,
) -> CustodyEvent:
    """Append to the evidence's custody chain. The caller holds the evidence row lock."""
    event = CustodyEvent(
        evidence=evidence,
        seq=evidence.custody_seq + 1,
        action=action,
        actor=actor,
        actor_name=str(actor) if actor else "系统",
        at=at,
        client_address=client_address[:100],
        data=canonical(data or {}),
        prev_hash=evidence.custody_head or GENESIS,
    )
    event.hash = chain_hash(event.prev_hash, event.content())
    event.save()
    evidence.custody_seq, evidence.custody_head = event.seq, event.hash
    Evidence.objects.filter(pk=evidence.pk).update(custody_seq=event.seq, custody_head=event.hash)
    return event


def custody_problems(evidence: Evidence) -> list[str]:
    events = list(CustodyEvent.objects.filter(evidence=evidence).order_by("seq"))
    messages = {
        "missing": "第 {seq} 条保管记录缺失",
        "relinked": "第 {seq} 条保管记录被修改",
        "edited": "第 {seq} 条保管记录被修改",
        "count": "保管记录条数或末条哈希与证据记录不符：末尾记录被删除",
        "head": "保管记录条数或末条哈希与证据记录不符：末尾记录被删除",
    }
    problems = [
        messages[kind].format(seq=seq)
        for seq, kind in chain_breaks(events, head=evidence.custody_head, count=evidence.custody_seq)
    ]
    return list(dict.fromkeys(problems))


# --- who may do what -------------------------------------------------------------------------------------


def _lock_case_for_evidence(case_id: int, actor: User) -> Case:
    case = case_lock(case_id=case_id, actor=actor)
    if case.state in TERMINAL_STATES and case.state != CaseState.ARCHIVED:
        raise Conflict("案件已终结，不能再添加证据", reasons=[Reason("case_closed", "案件已终结")])
    if case.state == CaseState.ARCHIVED:
        raise Conflict("案件已归档，案卷不可更改", reasons=[Reason("case_archived", "案件已归档")])
    if not case.officers.filter(pk=actor.pk).exists():
        raise Forbidden(
            "只有本案承办人员可以上传证据", reasons=[Reason("not_a_handler", "只有本案承办人员可以上传证据")]
        )
    return case


def evidence_visible(*, evidence_id: int, actor: User) -> Evidence:

    evidence = (
        Evidence.objects.select_related("case", "activity")
        .filter(pk=evidence_id, case__in=cases_visible_to(user=actor))
        .first()
    )
    if evidence is None:
        raise NotFound("证据不存在")
    return evidence


# --- upload ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceMeta:
    title: str
    kind: str
    content_type: str = "application/octet-stream"
    activity_id: int | None = None
    captured_at: datetime | None = None
    device: str = ""
    duration_seconds: int | None = None
    category: str = Evidence.Category.CASE_EVIDENCE
    filename: str = ""


def _check_meta(meta: EvidenceMeta, size: int, declared_sha256: str) -> None:
    errors: dict[str, list[str]] = {}
    if not meta.title.strip():
        errors["title"] = ["请填写证据名称"]
    if meta.kind not in Evidence.Kind.values:
        errors["kind"] = [f"类型应为 {', '.join(Evidence.Kind.values)}"]
    if meta.category not in Evidence.Category.values:
        errors["category"] = [f"类别应为 {', '.join(Evidence.Category.values)}"]
    if declared_sha256 and not SHA256_RE.match(declared_sha256):
        errors["sha256"] = ["SHA-256 应为 64 位小写十六进制"]
    if size < 0:
        errors["size"] = ["大小不能为负"]
    if errors:
        raise InvalidInput("输入有误：" + "；".join(m for v in errors.values() for m in v), errors=errors)
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if size > limit:
        raise TooLarge(f"文件大小 {size} 字节超过上限 {limit} 字节", errors={"size": [f"上限 {limit} 字节"]})


@transaction.atomic
def _begin(
    *,
    case_id: int,
    actor: User,
    meta: EvidenceMeta,
    size: int,
    declared_sha256: str,
    client_address: str,
    now: datetime,
) -> Evidence:
    _check_meta(meta, size, declared_sha256)
    case = _lock_case_for_evidence(case_id, actor)
    activity = None
    if meta.activity_id is not None:
        activity = CaseActivity.objects.filter(pk=meta.activity_id, case=case).first()
        if activity is None:
            raise InvalidInput("该执法活动不属于本案", errors={"activity": ["不属于本案"]})
    safe_name = re.sub(r"[^\w.\-]+", "_", meta.filename or meta.title)[:80] or "evidence"
    store = get_store()
    evidence = Evidence.objects.create(
        case=case,
        activity=activity,
        kind=meta.kind,
        status=Evidence.Status.PENDING,
        title=meta.title.strip()[:200],
        device=meta.device[:100],
        officer=actor,
        captured_at=meta.captured_at,
        duration_seconds=meta.duration_seconds,
        size_bytes=size,
        content_type=meta.content_type[:100],
        declared_sha256=declared_sha256,
        object_key=f"cases/{case.pk}/{uuid.uuid4().hex}/{safe_name}",
        backend=store.backend,
        original_filename=meta.filename[:255],
        category=meta.category,
    )
    custody_append(
        evidence=evidence,
        action=CustodyEvent.Action.UPLOAD_STARTED,
        actor=actor,
        at=now,
        client_address=client_address,
        data={"size": size, "declared_sha256": declared_sha256},
    )
    return evidence


def _fail(evidence: Evidence, *, actor: User | None, reason: str, client_address: str, now: datetime) -> None:
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if locked.status != Evidence.Status.PENDING:
            return
        locked.status, locked.failure_reason = Evidence.Status.FAILED, reason
        locked.save(update_fields=["status", "failure_reason"])
        custody_append(
            evidence=locked,
            action=CustodyEvent.Action.UPLOAD_FAILED,
            actor=actor,
            at=now,
            client_address=client_address,
            data={"reason": reason},
        )


def _finish(
    evidence: Evidence, stored: Stored, *, actor: User, client_address: str, now: datetime
) -> Evidence:
    declared = evidence.declared_sha256
    if declared and declared != stored.sha256:
        get_store().delete(evidence.object_key, version_id=stored.version_id)
        reason = f"SHA-256 不符：上传方声明 {declared}，实收 {stored.sha256}"
        _fail(evidence, actor=actor, reason=reason, client_address=client_address, now=now)
        raise InvalidInput(reason, errors={"sha256": ["与实际上传内容的 SHA-256 不符，文件未保存"]})
    if evidence.size_bytes is not None and evidence.size_bytes != stored.size:
        get_store().delete(evidence.object_key, version_id=stored.version_id)
        reason = f"大小不符：声明 {evidence.size_bytes} 字节，实收 {stored.size} 字节"
        _fail(evidence, actor=actor, reason=reason, client_address=client_address, now=now)
        raise InvalidInput(reason, errors={"size": [reason]})
    retention_days = settings.EVIDENCE_RETENTION_DAYS[evidence.category]
    until = now + timedelta(days=retention_days)
    # Lock in the store first: if the database step then fails, the bytes are merely kept longer.
    get_store().lock(evidence.object_key, until=until, version_id=stored.version_id)
    with transaction.atomic():
        case = case_lock(case_id=evidence.case_id, actor=actor)
        evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
        evidence.status, evidence.sha256, evidence.size_bytes = (
            Evidence.Status.VERIFIED,
            stored.sha256,
            stored.size,
        )
        evidence.version_id, evidence.verified_at = stored.version_id, now
        evidence.retention_until = timezone.localtime(until).date()
        evidence.save(
            update_fields=["status", "sha256", "size_bytes", "version_id", "verified_at", "retention_until"]
        )
        if evidence.activity_id and evidence.kind in Evidence.AV_KINDS:
            # The activity is now recorded (SPEC §6), for good: see CaseActivity.av_recorded.
            CaseActivity.objects.filter(pk=evidence.activity_id, av_recorded=False).update(av_recorded=True)
        custody_append(
            evidence=evidence,
            action=CustodyEvent.Action.UPLOADED,
            actor=actor,
            at=now,
            client_address=client_address,
            data={"size": stored.size, "backend": evidence.backend},
        )
        custody_append(
            evidence=evidence,
            action=CustodyEvent.Action.VERIFIED,
            actor=actor,
            at=now,
            client_address=client_address,
            data={"sha256": stored.sha256, "retention_until": evidence.retention_until},
        )
        case_log_change(
            case,
            actor=actor,
            what="add_evidence",
            now=now,
            data={
                "evidence": evidence.pk,
                "kind": evidence.kind,
                "sha256": stored.sha256,
                "activity": evidence.activity_id,
            },
        )
    return evidence


def evidence_upload(
    *,
    case_id: int,
    actor: User,
    stream: BinaryIO,
    length: int,
    meta: EvidenceMeta,
    declared_sha256: str = "",
    client_address: str = "",
    now: datetime | None = None,
) -> Evidence:
    """Stream one file into the store in constant memory, hashing it on the way, and verify it."""
    now = now or timezone.now()
    evidence = _begin(
        case_id=case_id,
        actor=actor,
        meta=meta,
        size=length,
        declared_sha256=declared_sha256,
        client_address=client_address,
        now=now,
    )
    try:
        stored = get_store().put_stream(
            evidence.object_key, stream, length=length, content_type=meta.content_type
        )
    except (StorageError, OSError) as exc:
        _fail(evidence, actor=actor, reason=str(exc), client_address=client_address, now=now)
        raise InvalidInput(f"上传未完成，证据未保存：{exc}", errors={"file": [str(exc)]}) from exc
    return _finish(evidence, stored, actor=actor, client_address=client_address, now=now)


# --- resumable upload --------------------------------------------------------------------------------------


def evidence_upload_start(
    *,
    case_id: int,
    actor: User,
    size: int,
    sha256: str,
    meta: EvidenceMeta,
    client_address: str = "",
    now: datetime | None = None,
) -> UploadSession:
    now = now or timezone.now()
    if not sha256:
        raise InvalidInput("断点续传须声明整个文件的 SHA-256", errors={"sha256": ["必填"]})
    if size <= 0:
        raise InvalidInput("文件大小须大于 0", errors={"size": ["须大于 0"]})
    evidence = _begin(
        case_id=case_id,
        actor=actor,
        meta=meta,
        size=size,
        declared_sha256=sha256,
        client_address=client_address,
        now=now,
    )
    try:
        upload_id = get_store().start_multipart(evidence.object_key, content_type=meta.content_type)
    except StorageError as exc:
        _fail(evidence, actor=actor, reason=str(exc), client_address=client_address, now=now)
        raise
    return UploadSession.objects.create(
        evidence=evidence,
        upload_id=upload_id,
        part_size=settings.EVIDENCE_PART_SIZE,
        declared_size=size,
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(hours=settings.EVIDENCE_UPLOAD_SESSION_HOURS),
    )


def _open_session(evidence_id: int, actor: User, now: datetime) -> UploadSession:
    evidence = evidence_visible(evidence_id=evidence_id, actor=actor)
    session = UploadSession.objects.filter(evidence=evidence).select_related("evidence").first()
    if session is None:
        raise NotFound("上传会话不存在")
    if session.closed_at is not None or evidence.status != Evidence.Status.PENDING:
        raise Conflict("上传会话已结束", reasons=[Reason("upload_closed", "上传会话已结束")])
    if session.expires_at <= now:
        raise Conflict("上传会话已过期，请重新上传", reasons=[Reason("upload_expired", "上传会话已过期")])
    if session.created_by_id != actor.pk:
        raise Forbidden(
            "只有发起上传的人员可以续传", reasons=[Reason("not_uploader", "只有发起上传的人员可以续传")]
        )
    return session


def evidence_upload_part(
    *, evidence_id: int, actor: User, number: int, stream: BinaryIO, length: int, now: datetime | None = None
) -> dict[str, int]:
    now = now or timezone.now()
    session = _open_session(evidence_id, actor, now)
    total = session.parts_total
    if not 1 <= number <= total:
        raise InvalidInput(f"分片号应在 1 到 {total} 之间", errors={"part": [f"1–{total}"]})
    expected = (
        session.part_size if number < total else session.declared_size - session.part_size * (total - 1)
    )
    if length != expected:
        raise InvalidInput(
            f"第 {number} 片应为 {expected} 字节，收到 {length} 字节",
            errors={"part": [f"应为 {expected} 字节"]},
        )
    try:
        part = get_store().put_part(
            session.evidence.object_key, session.upload_id, number, stream, length=length
        )
    except StorageError as exc:
        raise InvalidInput(f"分片未保存，请重传：{exc}", errors={"part": [str(exc)]}) from exc
    return {"part": part.number, "size": part.size}


def evidence_upload_status(*, evidence_id: int, actor: User, now: datetime | None = None) -> dict[str, Any]:
    session = _open_session(evidence_id, actor, now or timezone.now())
    received = {p.number for p in get_store().list_parts(session.evidence.object_key, session.upload_id)}
    return {
        "evidence": session.evidence_id,
        "part_size": session.part_size,
        "parts_total": session.parts_total,
        "received": sorted(received),
        "missing": [n for n in range(1, session.parts_total + 1) if n not in received],
        "expires_at": session.expires_at,
    }


def evidence_upload_complete(
    *, evidence_id: int, actor: User, client_address: str = "", now: datetime | None = None
) -> Evidence:
    now = now or timezone.now()
    status = evidence_upload_status(evidence_id=evidence_id, actor=actor, now=now)
    if status["missing"]:
        raise Conflict(
            f"还有 {len(status['missing'])} 个分片未上传：{status['missing'][:20]}",
            reasons=[Reason("parts_missing", "分片不全")],
            errors={"missing": status["missing"]},
        )
    session = UploadSession.objects.select_related("evidence").get(evidence_id=evidence_id)
    try:
        stored = get_store().complete_multipart(session.evidence.object_key, session.upload_id)
    except StorageError as exc:
        raise Conflict(f"合并分片失败：{exc}", reasons=[Reason("complete_failed", str(exc))]) from exc
    UploadSession.objects.filter(pk=session.pk).update(closed_at=now)
    return _finish(session.evidence, stored, actor=actor, client_address=client_address, now=now)


def evidence_upload_abort(
    *, evidence_id: int, actor: User, client_address: str = "", now: datetime | None = None
) -> None:
    now = now or timezone.now()
    session = _open_session(evidence_id, actor, now)
    get_store().abort_multipart(session.evidence.object_key, session.upload_id)
    UploadSession.objects.filter(pk=session.pk).update(closed_at=now)
    _fail(session.evidence, actor=actor, reason="上传人取消", client_address=client_address, now=now)


def evidence_cleanup_abandoned(*, now: datetime | None = None) -> int:
    """Abort expired upload sessions and remove their parts. Safe to run twice."""
    now = now or timezone.now()
    count = 0
    store = get_store()
    for session in UploadSession.objects.filter(closed_at__isnull=True, expires_at__lte=now).select_related(
        "evidence"
    ):
        with contextlib.suppress(StorageError):  # already gone in the store: still close the record
            store.abort_multipart(session.evidence.object_key, session.upload_id)
        with transaction.atomic():
            if UploadSession.objects.filter(pk=session.pk, closed_at__isnull=True).update(closed_at=now) == 0:
                continue
            locked = Evidence.objects.select_for_update().get(pk=session.evidence_id)
            if locked.status == Evidence.Status.PENDING:
                locked.status, locked.failure_reason = (
                    Evidence.Status.FAILED,
                    "上传会话过期，已清理未完成的分片",
                )
                locked.save(update_fields=["status", "failure_reason"])
            custody_append(evidence=locked, action=CustodyEvent.Action.CLEANED_UP, actor=None, at=now)
        count += 1
    return count


# --- access, retention, integrity ----------------------------------------------------------------------------


def evidence_access_url(
    *, evidence_id: int, actor: User, download: bool, client_address: str = "", now: datetime | None = None
) -> dict[str, Any]:
    """A short-lived URL to play (seekable: HTTP Range) or download a verified record; logged."""
    now = now or timezone.now()
    evidence = evidence_visible(evidence_id=evidence_id, actor=actor)
    if evidence.status == Evidence.Status.EXPIRED:
        raise Conflict(
            f"证据已于 {timezone.localtime(evidence.expired_at):%Y-%m-%d} 保存期限届满，已到期销毁，不能查看",
            reasons=[Reason("expired", "证据已到期销毁")],
        )
    if evidence.status != Evidence.Status.VERIFIED:
        raise Conflict("证据尚未校验完成，不能查看", reasons=[Reason("not_verified", "证据尚未校验")])
    ttl = timedelta(seconds=settings.EVIDENCE_URL_TTL_SECONDS)
    url = get_store().playback_url(
        evidence.object_key,
        expires=ttl,
        filename=evidence.original_filename or evidence.title,
        download=download,
    )
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        action = CustodyEvent.Action.DOWNLOADED if download else CustodyEvent.Action.VIEWED
        custody_append(evidence=locked, action=action, actor=actor, at=now, client_address=client_address)
    return {"url": url, "expires_at": now + ttl}


def evidence_delete(*, evidence_id: int, actor: User, now: datetime | None = None) -> Evidence:
    """Destroy a record's bytes — a failed upload's leftovers, or a verified record past its retention
    period and not on hold. The record itself is kept (status `expired`) with its custody chain."""
    now = now or timezone.now()
    evidence = evidence_visible(evidence_id=evidence_id, actor=actor)
    with transaction.atomic():
        locked = Evidence.objects.select_for_update(of=("self",)).select_related("case").get(pk=evidence.pk)
        if locked.status == Evidence.Status.PENDING:
            raise Conflict("证据正在上传，不能删除", reasons=[Reason("uploading", "正在上传")])
        if locked.status == Evidence.Status.EXPIRED:
            raise Conflict("证据已到期销毁", reasons=[Reason("already_expired", "已销毁")])
        if locked.status == Evidence.Status.VERIFIED:
            _check_destroyable(locked, today=timezone.localtime(now).date())
        _destroy(locked, actor=actor, now=now, reason="人工删除")
    return locked


def _check_destroyable(evidence: Evidence, *, today: date) -> None:
    if evidence.retention_until is None or evidence.retention_until >= today:
        until = f"（至 {evidence.retention_until:%Y-%m-%d}）" if evidence.retention_until else ""
        raise Conflict(
            f"已校验的证据在保存期限{until}内不得删除",
            reasons=[Reason("under_retention", "保存期限内不得删除")],
        )
    hold = hold_reasons(evidence)
    if hold:
        raise Conflict(
            f"证据处于保全状态，不得删除：{'；'.join(hold)}", reasons=[Reason("legal_hold", hold[0])]
        )


def _destroy(evidence: Evidence, *, actor: User | None, now: datetime, reason: str) -> None:
    """The caller holds the row lock and has checked retention and holds. Deleting bytes that are
    already gone is not an error, so a job interrupted between the store and the commit can rerun."""
    if evidence.object_key:
        try:
            get_store().delete(evidence.object_key, version_id=evidence.version_id)
        except StorageError as exc:
            if "不存在" not in str(exc) and "NoSuch" not in str(exc):
                raise
    if evidence.status == Evidence.Status.VERIFIED:
        evidence.status, evidence.expired_at = Evidence.Status.EXPIRED, now
        evidence.save(update_fields=["status", "expired_at"])
    custody_append(
        evidence=evidence,
        action=CustodyEvent.Action.EXPIRED,
        actor=actor,
        at=now,
        data={"reason": reason, "retention_until": evidence.retention_until, "sha256": evidence.sha256},
    )


def evidence_retention_expire(*, today: date | None = None, now: datetime | None = None) -> int:
    """Destroy the bytes of verified records whose retention period ended before `today` and that are
    not on hold (daily job). Returns how many were destroyed; 0 when run again."""
    now = now or timezone.now()
    today = today or timezone.localtime(now).date()
    destroyed = 0
    due = Evidence.objects.filter(status=Evidence.Status.VERIFIED, retention_until__lt=today, hold_reason="")
    for evidence_id in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            locked = (
                Evidence.objects.select_for_update(of=("self",))
                .select_related("case")
                .filter(pk=evidence_id, status=Evidence.Status.VERIFIED)
                .first()
            )
            if locked is None:
                continue
            try:
                _check_destroyable(locked, today=today)
            except Conflict:
                continue  # on hold since the list was taken (or the case is under review): keep it
            _destroy(locked, actor=None, now=now, reason="保存期限届满")
        destroyed += 1
    return destroyed


def _may_manage_retention(actor: User) -> None:
    if not (
        actor.has_role(Role.LEGAL_REVIEWER) or actor.has_role(Role.AGENCY_HEAD) or actor.has_role(Role.ADMIN)
    ):
        raise Forbidden(
            "需要法制审核人员、机关负责人或管理员",
            reasons=[Reason("role_required", "无权变更保存期限或保全")],
        )


def evidence_hold_place(
    *, evidence_id: int, actor: User, reason: str, client_address: str = "", now: datetime | None = None
) -> Evidence:
    """证据保全: keep a record beyond its retention period until the hold is released."""
    now = now or timezone.now()
    evidence = evidence_visible(evidence_id=evidence_id, actor=actor)
    _may_manage_retention(actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("须说明保全理由", errors={"reason": ["必填"]})
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if locked.status != Evidence.Status.VERIFIED:
            raise Conflict(
                f"只有已校验的证据可以保全（当前：{locked.get_status_display()}）",
                reasons=[Reason("not_verified", "证据不是已校验状态")],
            )
        if locked.hold_reason:
            raise Conflict(
                f"证据已在保全中：{locked.hold_reason}", reasons=[Reason("already_held", "已保全")]
            )
        locked.hold_reason = reason[:300]
        locked.save(update_fields=["hold_reason"])
        custody_append(
            evidence=locked,
            action=CustodyEvent.Action.HOLD_PLACED,
            actor=actor,
            at=now,
            client_address=client_address,
            data={"reason": locked.hold_reason},
        )
    return locked


def evidence_hold_release(
    *, evidence_id: int, actor: User, reason: str, client_address: str = "", now: datetime | None = None
) -> Evidence:
    now = now or timezone.now()
    evidence = evidence_visible(evidence_id=evidence_id, actor=actor)
    _may_manage_retention(actor)
    if not reason.strip():
        raise InvalidInput("须说明解除保全的理由", errors={"reason": ["必填"]})
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if not locked.hold_reason:
            raise Conflict("证据未在保全中", reasons=[Reason("not_held", "未保全")])
        previous, locked.hold_reason = locked.hold_reason, ""
        locked.save(update_fields=["hold_reason"])
        custody_append(
            evidence=locked,
            action=CustodyEvent.Action.HOLD_RELEASED,
            actor=actor,
            at=now,
            client_address=client_address,
            data={"hold": previous, "reason": reason.strip()},
        )
    return locked


def evidence_extend_retention(
    *,
    evidence_id: int,
    actor: User,
    until: Any,
    reason: str,
    client_address: str = "",
    now: datetime | None = None,
) -> Evidence:
    """Keep a record longer (never shorter): in the store's lock and in the record, logged."""
    now = now or timezone.now()
    evidence = evidence_visible(evidence_id=evidence_id, actor=actor)
    _may_manage_retention(actor)
    if evidence.status != Evidence.Status.VERIFIED:
        raise Conflict("只有已校验的证据有保存期限", reasons=[Reason("not_verified", "证据尚未校验")])
    if not reason.strip():
        raise InvalidInput("须说明延长理由", errors={"reason": ["必填"]})
    if evidence.retention_until and until <= evidence.retention_until:
        raise InvalidInput(
            f"保存期限只能延长：现为 {evidence.retention_until:%Y-%m-%d}",
            errors={"until": ["须晚于现有期限"]},
        )
    moment = timezone.make_aware(datetime.combine(until, datetime.min.time()))
    get_store().lock(evidence.object_key, until=moment, version_id=evidence.version_id)
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
        previous, locked.retention_until = locked.retention_until, until
        locked.save(update_fields=["retention_until"])
        custody_append(
            evidence=locked,
            action=CustodyEvent.Action.RETENTION_CHANGED,
            actor=actor,
            at=now,
            client_address=client_address,
            data={"from": previous, "to": until, "reason": reason},
        )
    return locked


def hold_reasons(evidence: Evidence) -> list[str]:
    """Why a record must be kept past its retention period: an explicit hold (证据保全), or a
    reconsideration or suit about its case that is still pending."""
    reasons = [f"证据保全：{evidence.hold_reason}"] if evidence.hold_reason else []
    if Reconsideration.objects.filter(
        case_id=evidence.case_id, outcome=Reconsideration.Outcome.PENDING
    ).exists():
        reasons.append("案件行政复议中")
    if Litigation.objects.filter(case_id=evidence.case_id, outcome=Litigation.Outcome.PENDING).exists():
        reasons.append("案件行政诉讼中")
    return reasons


@dataclass(frozen=True)
class IntegrityProblem:
    evidence_id: int
    message: str


def evidence_verify_all(*, now: datetime | None = None) -> Iterator[IntegrityProblem]:
    """Re-read every verified object and compare its SHA-256; check every custody chain."""
    now = now or timezone.now()
    store = get_store()
    for evidence in (
        Evidence.objects.filter(status=Evidence.Status.VERIFIED).order_by("pk").iterator(chunk_size=500)
    ):
        for message in custody_problems(evidence):
            yield IntegrityProblem(evidence.pk, message)
        try:
            actual = store.sha256(evidence.object_key)
        except StorageError as exc:
            actual, error = "", str(exc)
        else:
            error = ""
        ok = actual == evidence.sha256
        with transaction.atomic():
            locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
            custody_append(
                evidence=locked,
                action=CustodyEvent.Action.INTEGRITY_CHECKED if ok else CustodyEvent.Action.INTEGRITY_FAILED,
                actor=None,
                at=now,
                data={"expected": evidence.sha256, "actual": actual, "error": error},
            )
        if not ok:
            yield IntegrityProblem(evidence.pk, error or f"哈希不符：应为 {evidence.sha256}，实为 {actual}")


def evidence_integrity_run(*, now: datetime | None = None) -> int:
    """The scheduled re-verification: check every record and tell the administrators over each
    broken one. Each distinct problem is told once (a rerun finding the same fault is silent)."""
    problems = list(evidence_verify_all(now=now))
    if not problems:
        return 0
    by_id = {
        e.pk: e
        for e in Evidence.objects.select_related("case__organisation").filter(
            pk__in={p.evidence_id for p in problems}
        )
    }
    admins = list(
        User.objects.filter(role_assignments__role=Role.ADMIN, is_active=True)
        .select_related("organisation")
        .distinct()
    )
    messages = []
    for problem in problems:
        evidence = by_id[problem.evidence_id]
        case = evidence.case
        fingerprint = canonical({"message": problem.message})
        key = f"evidence:{evidence.pk}:integrity:{chain_hash(GENESIS, fingerprint)[:16]}"
        for admin in admins:
            org = admin.organisation
            if not (admin.is_superuser or (org and case.organisation.path.startswith(org.path))):
                continue
            messages.append(
                Message(
                    admin,
                    Notification.Kind.INTEGRITY,
                    key,
                    f"【证据完整性异常】{case.number or case.title}：{evidence.title}",
                    f"证据“{evidence.title}”（编号 {evidence.pk}）复核不通过：{problem.message}。"
                    "请核查存储与保管记录，必要时报告机关负责人。",
                    case.pk,
                )
            )
    notifications_send(messages=messages)
    return len(problems)
