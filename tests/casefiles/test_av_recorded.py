"""An activity counts as recorded (SPEC §6, the annual AV-coverage figure) once a verified audio or video
record of it is on file: set by the upload that verifies it, never by a photo or a failed upload, and
kept when the record's bytes are later destroyed at the end of retention (the record stays, expired)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.policy import AvActivity
from casefiles import evidence as ev
from casefiles.models import CaseActivity, Evidence
from casefiles.selectors import av_activities_covered
from core.errors import InvalidInput
from tests.casefiles.test_evidence import open_case
from tests.factories import World, at, upload
from workflow import services

pytestmark = pytest.mark.django_db


def activity(w: World, case, minute: int) -> CaseActivity:
    return services.activity_record(
        case_id=case.pk, actor=w.officer1, kind=AvActivity.INQUIRY, occurred_at=at(2026, 3, 2, 9, minute)
    )


def recorded(a: CaseActivity) -> bool:
    return CaseActivity.objects.get(pk=a.pk).av_recorded


def test_only_a_verified_audio_or_video_record_marks_the_activity(world: World) -> None:
    w = world
    case = open_case(w)
    photo_only, failed_only, audio, video = (activity(w, case, m) for m in range(4))
    upload(case, w.officer1, b"a photo of the scene", kind="photo", activity=photo_only)
    with pytest.raises(InvalidInput):
        upload(
            case, w.officer1, b"a video", activity=failed_only, sha256=hashlib.sha256(b"other").hexdigest()
        )
    assert Evidence.objects.get(activity=failed_only).status == Evidence.Status.FAILED
    upload(case, w.officer1, b"an inquiry on tape", kind="audio", activity=audio)
    upload(case, w.officer1, b"an inquiry on video", activity=video)

    assert [recorded(a) for a in (photo_only, failed_only, audio, video)] == [False, False, True, True]
    # The flag agrees with what the guards read from the evidence itself.
    covered = dict(av_activities_covered(case=case, kinds=[AvActivity.INQUIRY]))
    assert {a.pk: c for a, c in covered.items()} == {
        a.pk: recorded(a) for a in (photo_only, failed_only, audio, video)
    }


def test_the_flag_stays_when_the_recording_expires(world: World) -> None:
    w = world
    case = open_case(w)
    a = activity(w, case, 0)
    record = upload(case, w.officer1, b"footage", activity=a)
    Evidence.objects.filter(pk=record.pk).update(retention_until=timezone.localdate() - timedelta(days=1))
    assert ev.evidence_retention_expire(today=timezone.localdate()) == 1
    assert Evidence.objects.get(pk=record.pk).status == Evidence.Status.EXPIRED
    assert recorded(a), "an expired record still shows the activity was recorded"
