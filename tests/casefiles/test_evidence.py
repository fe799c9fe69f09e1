"""Evidence in the store (SPEC §6): streamed, hashed, verified, immutable, resumable, logged.

Runs against every configured backend: local disk always, and a real S3 server (SeaweedFS,
started by the `s3_store` fixture) when the `weed` binary is installed — as it is in CI.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from datetime import timedelta
from urllib.request import Request, urlopen

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.policy import AvActivity
from casefiles import evidence as ev
from casefiles.models import CaseEvent, CustodyEvent, Evidence, UploadSession
from casefiles.storage import StorageError, get_store
from core.errors import Conflict, InvalidInput
from tests.factories import World, at, upload
from tests.streams import PatternStream, pattern_sha256
from tests.workflow.test_history import tamper
from workflow import services

pytestmark = pytest.mark.django_db


def open_case(w: World):
    case = w.case()
    w.fire(case, "submit_filing", w.officer1, None)
    w.fire(case, "approve_filing", w.head, None)
    return case


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_streamed_upload_over_the_api_is_verified_and_logged(world: World, backend) -> None:
    case = open_case(world)
    content = b"body-camera video " * 5000
    response = api(world.officer1).post(
        f"/api/v1/cases/{case.pk}/evidence/?title=询问录像&kind=video&filename=inquiry.mp4",
        data=content,
        content_type="video/mp4",
        HTTP_X_CONTENT_SHA256=hashlib.sha256(content).hexdigest(),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "verified" and body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["size_bytes"] == len(content) and body["content_type"] == "video/mp4"
    evidence = Evidence.objects.get(pk=body["id"])
    assert get_store().sha256(evidence.object_key) == evidence.sha256
    actions = list(evidence.custody_events.order_by("seq").values_list("action", flat=True))
    assert actions == ["upload_started", "uploaded", "verified"]
    assert CaseEvent.objects.filter(case=case, transition="add_evidence").count() == 1
    assert ev.custody_problems(evidence) == []


def test_declared_hash_mismatch_is_400_and_keeps_nothing(world: World, backend) -> None:
    case = open_case(world)
    response = api(world.officer1).post(
        f"/api/v1/cases/{case.pk}/evidence/?title=照片&kind=photo",
        data=b"actual bytes",
        content_type="image/jpeg",
        HTTP_X_CONTENT_SHA256="0" * 64,
    )
    assert response.status_code == 400 and "SHA-256 不符" in response.json()["detail"]
    evidence = Evidence.objects.get(case=case)
    assert evidence.status == "failed" and not Evidence.objects.filter(status="verified").exists()
    with pytest.raises(StorageError):
        get_store().size(evidence.object_key)


def test_too_large_is_413_before_reading(world: World, settings) -> None:
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1000
    case = open_case(world)
    response = api(world.officer1).post(
        f"/api/v1/cases/{case.pk}/evidence/?title=大文件&kind=video",
        data=b"x" * 1001,
        content_type="video/mp4",
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not Evidence.objects.exists()


def test_large_upload_keeps_memory_flat(world: World, backend, settings) -> None:
    settings.EVIDENCE_PART_SIZE = 5 * 2**20  # 3 parts in flight: far under the bound asserted below
    case = open_case(world)
    peaks = {}
    for size in (40 * 2**20, 300 * 2**20):
        tracemalloc.start()
        evidence = ev.evidence_upload(
            case_id=case.pk,
            actor=world.officer1,
            stream=PatternStream(size),
            length=size,
            meta=ev.EvidenceMeta(title=f"{size}", kind="video", content_type="video/mp4"),
            declared_sha256=pattern_sha256(size),
        )
        peaks[size] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert evidence.status == "verified" and evidence.size_bytes == size
    # Memory does not grow with the file: 7.5× the bytes, about the same peak, far below the size.
    assert peaks[300 * 2**20] < 64 * 2**20
    assert peaks[300 * 2**20] < peaks[40 * 2**20] * 1.5 + 4 * 2**20


def test_interrupted_resumable_upload_resumes_and_abandoned_ones_are_cleaned(
    world: World, backend, settings
) -> None:
    settings.EVIDENCE_PART_SIZE = 5 * 2**20
    case = open_case(world)
    size = 12 * 2**20 + 12345
    data = PatternStream(size).read(size)
    sha = hashlib.sha256(data).hexdigest()
    client = api(world.officer1)
    started = client.post(
        f"/api/v1/cases/{case.pk}/evidence/uploads/",
        {"title": "现场检查全程录像", "kind": "video", "size": size, "sha256": sha},
        format="json",
    )
    assert started.status_code == 201, started.json()
    eid, part = started.json()["evidence"], started.json()["part_size"]
    assert started.json()["parts_total"] == 3
    base = f"/api/v1/cases/{case.pk}/evidence/{eid}/upload"
    for n in (1, 2):
        chunk = data[(n - 1) * part : n * part]
        assert (
            client.put(f"{base}/parts/{n}/", data=chunk, content_type="application/octet-stream").status_code
            == 200
        )
    # The connection drops half-way through part 3: the server gets fewer bytes than announced.
    ev_obj = Evidence.objects.get(pk=eid)
    with pytest.raises(InvalidInput, match="中断"):
        ev.evidence_upload_part(
            evidence_id=eid,
            actor=world.officer1,
            number=3,
            stream=io.BytesIO(data[2 * part : 2 * part + 1000]),
            length=size - 2 * part,
        )
    assert (
        Evidence.objects.get(pk=eid).status == "pending"
        and not Evidence.objects.filter(status="verified").exists()
    )
    incomplete = client.post(f"{base}/complete/")
    assert incomplete.status_code == 409 and incomplete.json()["errors"]["missing"] == [3]
    status = client.get(f"{base}/").json()
    assert status["received"] == [1, 2] and status["missing"] == [3]
    # Resume: send only what is missing, then complete; the server re-reads and checks the hash.
    assert (
        client.put(
            f"{base}/parts/3/", data=data[2 * part :], content_type="application/octet-stream"
        ).status_code
        == 200
    )
    done = client.post(f"{base}/complete/")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "verified" and done.json()["sha256"] == sha
    assert get_store().sha256(ev_obj.object_key) == sha

    # An abandoned upload: parts left behind, the session expires, the clean-up job removes them.
    abandoned = client.post(
        f"/api/v1/cases/{case.pk}/evidence/uploads/",
        {"title": "未传完的录像", "kind": "video", "size": size, "sha256": sha},
        format="json",
    ).json()["evidence"]
    client.put(
        f"/api/v1/cases/{case.pk}/evidence/{abandoned}/upload/parts/1/",
        data=data[:part],
        content_type="application/octet-stream",
    )
    session = UploadSession.objects.get(evidence_id=abandoned)
    later = timezone.now() + timedelta(hours=settings.EVIDENCE_UPLOAD_SESSION_HOURS, minutes=1)
    assert ev.evidence_cleanup_abandoned(now=later) == 1
    assert ev.evidence_cleanup_abandoned(now=later) == 0, "running it twice does nothing twice"
    gone = Evidence.objects.get(pk=abandoned)
    assert gone.status == "failed" and gone.custody_events.filter(action="cleaned_up").count() == 1
    with pytest.raises(StorageError):
        get_store().list_parts(gone.object_key, session.upload_id)


def test_verified_record_cannot_be_overwritten_or_deleted(world: World, backend) -> None:
    case = open_case(world)
    evidence = upload(case, world.officer1, b"original recording")
    store = get_store()
    with pytest.raises(StorageError, match="不能覆盖"):
        store.put_stream(evidence.object_key, io.BytesIO(b"forged"), length=6, content_type="video/mp4")
    with pytest.raises(Conflict, match="保存期限"):
        ev.evidence_delete(evidence_id=evidence.pk, actor=world.officer1)
    if backend == "s3":
        # The store itself refuses: the version is under object lock until its retention date.
        with pytest.raises(StorageError):
            store.delete(evidence.object_key, version_id=evidence.version_id)
    assert store.sha256(evidence.object_key) == hashlib.sha256(b"original recording").hexdigest()


def test_a_case_under_litigation_keeps_its_evidence(world: World) -> None:
    case = open_case(world)
    evidence = upload(case, world.officer1, b"x")
    Evidence.objects.filter(pk=evidence.pk).update(retention_until=timezone.localdate() - timedelta(days=1))
    from casefiles.models import Litigation

    Litigation.objects.create(
        case=case, filed_on=timezone.localdate(), court="区法院", recorded_by=world.legal
    )
    with pytest.raises(Conflict, match="诉讼"):
        ev.evidence_delete(evidence_id=evidence.pk, actor=world.officer1)


def test_tampered_object_is_found_by_verify_evidence(world: World, capsys) -> None:
    case = open_case(world)
    evidence = upload(case, world.officer1, b"the real recording")
    call_command("verify_evidence")
    path = get_store()._path(evidence.object_key)
    path.chmod(0o644)
    path.write_bytes(b"the fake recording")
    with pytest.raises(CommandError, match="1 处"):
        call_command("verify_evidence")
    assert f"证据 {evidence.pk}" in capsys.readouterr().err
    assert evidence.custody_events.filter(action=CustodyEvent.Action.INTEGRITY_FAILED).count() == 1


def test_range_playback_and_custody_rows_for_each_access(world: World, backend, live_server) -> None:
    case = open_case(world)
    content = bytes(range(256)) * 64
    evidence = upload(case, world.officer1, content, title="听证录像")
    client = api(world.head)
    access = client.post(f"/api/v1/cases/{case.pk}/evidence/{evidence.pk}/access/", {}, format="json").json()
    url = access["url"]
    if url.startswith("http://testserver"):
        url = live_server.url + url.removeprefix("http://testserver")
    with urlopen(Request(url, headers={"Range": "bytes=1000-1099"})) as response:
        assert response.status == 206 and response.read() == content[1000:1100]
    client.post(f"/api/v1/cases/{case.pk}/evidence/{evidence.pk}/access/", {"download": True}, format="json")
    custody = client.get(f"/api/v1/cases/{case.pk}/evidence/{evidence.pk}/custody/").json()["results"]
    assert [c["action"] for c in custody] == [
        "upload_started",
        "uploaded",
        "verified",
        "viewed",
        "downloaded",
    ]
    assert custody[3]["actor_name"] == str(world.head) and custody[3]["client_address"]
    evidence.refresh_from_db()
    assert ev.custody_problems(evidence) == []


def test_edited_custody_row_breaks_the_chain(world: World) -> None:
    case = open_case(world)
    evidence = upload(case, world.officer1, b"x")
    # The table refuses UPDATE (queryset and, on PostgreSQL, a trigger): tamper as a DBA could.
    tamper(
        "UPDATE casefiles_custodyevent SET client_address = %s WHERE evidence_id = %s AND seq = 2",
        ["10.0.0.99", evidence.pk],
    )
    evidence.refresh_from_db()
    assert ev.custody_problems(evidence) == ["第 2 条保管记录被修改"]


def test_av_guard_needs_a_verified_recording_of_that_activity(world: World) -> None:
    w = world
    case = open_case(w)
    activity = services.activity_record(
        case_id=case.pk, actor=w.officer1, kind=AvActivity.INQUIRY, occurred_at=at(2026, 3, 4)
    )
    from decimal import Decimal

    w.propose(case, None, fine=Decimal("1000"))
    upload(case, w.officer1, b"a photo, not a recording", kind="photo", activity=activity)
    with pytest.raises(Conflict, match="询问"):
        w.fire(case, "submit_review", w.officer1, None)
    upload(case, w.officer1, b"the inquiry on video", activity=activity)
    assert w.fire(case, "submit_review", w.officer1, None).state == "initial_review"


def test_retention_can_only_be_extended_and_is_logged(world: World, backend) -> None:
    from datetime import date

    case = open_case(world)
    evidence = upload(case, world.officer1, b"keep me")
    with pytest.raises(InvalidInput, match="只能延长"):
        ev.evidence_extend_retention(
            evidence_id=evidence.pk, actor=world.legal, until=date(2030, 1, 1), reason="诉讼"
        )
    later = evidence.retention_until + timedelta(days=365)
    kept = ev.evidence_extend_retention(
        evidence_id=evidence.pk, actor=world.legal, until=later, reason="进入行政诉讼"
    )
    assert kept.retention_until == later
    event = kept.custody_events.get(action="retention_changed")
    assert event.data["reason"] == "进入行政诉讼" and event.actor == world.legal
    assert ev.custody_problems(kept) == []


def test_case_output_shows_which_listed_activities_lack_a_recording(world: World) -> None:
    w = world
    case = open_case(w)
    inquiry = services.activity_record(
        case_id=case.pk, actor=w.officer1, kind=AvActivity.INQUIRY, occurred_at=at(2026, 3, 4)
    )
    services.activity_record(
        case_id=case.pk, actor=w.officer1, kind=AvActivity.SEIZURE, occurred_at=at(2026, 3, 5)
    )
    upload(case, w.officer1, b"inquiry video", activity=inquiry)
    coverage = api(w.officer1).get(f"/api/v1/cases/{case.pk}/").json()["av_coverage"]
    assert [(c["label"], c["covered"]) for c in coverage] == [("询问", True), ("查封扣押", False)]
