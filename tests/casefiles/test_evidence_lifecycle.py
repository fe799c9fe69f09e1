"""Evidence over time (SPEC §6, issue 5): retention expiry unless on hold, holds, scheduled integrity
re-verification. Runs on local disk and on the real S3 server, whose object lock must have run out
before the store lets the bytes go."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from casefiles import evidence as ev
from casefiles.evidence import EvidenceMeta, evidence_upload
from casefiles.models import Evidence, Reconsideration
from casefiles.storage import StorageError, get_store
from casefiles.tasks import cleanup_abandoned_uploads, expire_evidence, verify_evidence_integrity
from core.errors import Conflict, Forbidden, InvalidInput
from notifications.models import Notification
from tests.casefiles.test_evidence import open_case
from tests.factories import World, upload, user

pytestmark = pytest.mark.django_db


def routine_record(case, officer, content: bytes, *, lock_seconds: int = 2) -> Evidence:
    """A routine recording (kept 183 days) uploaded so long ago that its retention — and the
    store's object lock — ends `lock_seconds` from now."""
    days = settings.EVIDENCE_RETENTION_DAYS[Evidence.Category.ROUTINE_RECORD]
    long_ago = timezone.now() - timedelta(days=days) + timedelta(seconds=lock_seconds)
    return evidence_upload(
        case_id=case.pk,
        actor=officer,
        stream=io.BytesIO(content),
        length=len(content),
        meta=EvidenceMeta(
            title="日常巡查记录",
            kind="video",
            content_type="video/mp4",
            category=Evidence.Category.ROUTINE_RECORD,
            filename="patrol.mp4",
        ),
        now=long_ago,
    )


def after_retention(evidence: Evidence, backend: str):
    """The day after the record's last day, once the store's lock has really run out."""
    if backend == "s3":
        time.sleep(3)
    return evidence.retention_until + timedelta(days=1)


def test_expired_routine_record_is_destroyed_once_and_its_record_kept(world: World, backend) -> None:
    case = open_case(world)
    kept = upload(case, world.officer1, b"case evidence, kept 30 years")
    old = routine_record(case, world.officer1, b"routine patrol footage")
    assert old.retention_until == timezone.localdate() or old.retention_until < kept.retention_until
    assert ev.evidence_retention_expire(today=old.retention_until) == 0, "not on its last day"

    day_after = after_retention(old, backend)
    assert ev.evidence_retention_expire(today=day_after) == 1
    assert ev.evidence_retention_expire(today=day_after) == 0, "a second run destroys nothing twice"

    old.refresh_from_db()
    assert old.status == "expired" and old.expired_at is not None
    assert old.sha256 and old.custody_events.filter(action="expired").count() == 1
    assert ev.custody_problems(old) == [], "the custody chain stays whole"
    with pytest.raises(StorageError):
        get_store().size(old.object_key)
    assert get_store().size(kept.object_key) > 0, "records under retention are untouched"
    with pytest.raises(Conflict, match="已到期销毁"):
        ev.evidence_access_url(evidence_id=old.pk, actor=world.officer1, download=False)


def test_a_hold_keeps_a_record_past_retention_until_released(world: World, backend) -> None:
    case = open_case(world)
    old = routine_record(case, world.officer1, b"footage wanted in a complaint")
    with pytest.raises(Forbidden):
        ev.evidence_hold_place(evidence_id=old.pk, actor=world.officer1, reason="投诉核查")
    with pytest.raises(InvalidInput, match="保全理由"):
        ev.evidence_hold_place(evidence_id=old.pk, actor=world.legal, reason="  ")
    ev.evidence_hold_place(evidence_id=old.pk, actor=world.legal, reason="群众投诉核查需要")
    with pytest.raises(Conflict, match="已在保全中"):
        ev.evidence_hold_place(evidence_id=old.pk, actor=world.legal, reason="再次保全")

    day_after = after_retention(old, backend)
    assert ev.evidence_retention_expire(today=day_after) == 0
    with pytest.raises(Conflict, match="证据保全：群众投诉核查需要"):
        ev.evidence_delete(evidence_id=old.pk, actor=world.officer1, now=timezone.now() + timedelta(days=1))
    assert get_store().size(old.object_key) > 0

    ev.evidence_hold_release(evidence_id=old.pk, actor=world.agency_head, reason="核查完毕")
    assert ev.evidence_retention_expire(today=day_after) == 1
    actions = list(Evidence.objects.get(pk=old.pk).custody_events.values_list("action", flat=True))
    assert actions[-3:] == ["hold_placed", "hold_released", "expired"]


def test_a_pending_reconsideration_holds_the_case_evidence(world: World) -> None:
    case = open_case(world)
    old = routine_record(case, world.officer1, b"footage")
    review = Reconsideration.objects.create(
        case=case, filed_on=timezone.localdate(), authority="市人民政府", recorded_by=world.legal
    )
    day_after = old.retention_until + timedelta(days=1)
    assert ev.evidence_retention_expire(today=day_after) == 0
    Reconsideration.objects.filter(pk=review.pk).update(outcome="upheld", decided_on=timezone.localdate())
    assert ev.evidence_retention_expire(today=day_after) == 1


def test_scheduled_reverification_tells_the_administrators_once(world: World) -> None:
    w = world
    district_admin = user("district_admin", w.district, Role.ADMIN)
    other_admin = user("other_admin", w.other_district, Role.ADMIN)
    case = open_case(w)
    evidence = upload(case, w.officer1, b"the real recording")
    assert verify_evidence_integrity.delay().get() == 0  # eager without a broker
    assert not Notification.objects.filter(kind="integrity").exists()

    path = get_store()._path(evidence.object_key)
    path.chmod(0o644)
    path.write_bytes(b"a forged recording")
    assert verify_evidence_integrity.delay().get() == 1
    told = Notification.objects.get(kind="integrity")
    assert told.user == district_admin and "哈希不符" in told.body and told.case_id == case.pk
    assert verify_evidence_integrity.delay().get() == 1, "still broken"
    assert Notification.objects.filter(kind="integrity").count() == 1, "the same fault is told once"
    assert not Notification.objects.filter(user=other_admin).exists(), "outside his subtree"


def test_expiry_and_cleanup_tasks_run_eagerly(world: World) -> None:
    case = open_case(world)
    routine_record(case, world.officer1, b"x", lock_seconds=-86400 * 2)
    assert expire_evidence.delay().get() == 1
    assert cleanup_abandoned_uploads.delay().get() == 0
