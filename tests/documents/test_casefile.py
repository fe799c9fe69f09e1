"""The electronic case file (电子卷宗): cover, contents with correct page ranges, every document in
statutory order, the audio-video list with SHA-256, page numbers on every page — checked with pypdf;
stored once in object storage with its hash, recorded in the case history."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import time

import pytest
from pypdf import PdfReader

from casefiles.models import Case, CaseEvent, Evidence
from casefiles.storage import get_store
from core.errors import Conflict
from documents.catalogue import STAGE_INDEX
from documents.models import CaseFile
from documents.services import casefile_assemble, casefile_file
from documents.tasks import assemble_casefile
from tests.documents.conftest import run_major_case
from tests.factories import World, at

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return "".join(text.split())


def test_assembled_file_has_cover_contents_with_page_ranges_and_numbered_pages(major_case: Case) -> None:
    started = time.monotonic()
    casefile = casefile_assemble(case_id=major_case.pk)
    elapsed = time.monotonic() - started
    data = b"".join(get_store().read(casefile.object_key))
    assert hashlib.sha256(data).hexdigest() == casefile.sha256 and len(data) == casefile.size_bytes

    reader = PdfReader(io.BytesIO(data))
    pages = [flat(page.extract_text()) for page in reader.pages]
    assert len(pages) == casefile.pages

    # Page numbers on every page.
    for number, text in enumerate(pages, 1):
        assert f"-{number}-" in text, f"page {number} has no page number"

    # The cover.
    cover = pages[0]
    for value in (
        "行政处罚案卷",
        "案卷封面",
        major_case.number,
        "闽江化工有限公司",
        major_case.title,
        "罚款人民币陆万元整",
        "2026年3月3日",
        "2026年4月16日",
        "officer1",
        "永久",
        f"共{len(casefile.toc) - 2}件{casefile.pages}页",
    ):
        assert flat(value) in cover, value

    # The contents: every entry's range is where its document really is.
    assert "卷内目录" in pages[1]
    entries = casefile.toc
    assert entries[0]["first_page"] == 3 and entries[-1]["last_page"] == casefile.pages
    for before, after in itertools.pairwise(entries):
        assert after["first_page"] == before["last_page"] + 1
    contents = "".join(pages[1 : entries[0]["first_page"] - 1])
    for entry in entries:
        assert flat(entry["title"]) in contents and entry["pages_label"] in contents
        first = pages[entry["first_page"] - 1]
        assert flat(entry["title"]) in first, f"{entry['title']} does not start on page {entry['first_page']}"
        if entry["number"]:
            assert flat(entry["number"]) in first

    # Statutory order: 立案 → 调查 → 审查 → 告知 → 听证 → 决定 → 送达 → 执行 → 结案.
    stages = [STAGE_INDEX[e["stage"]] for e in entries if e["stage"]]
    assert stages == sorted(stages)
    titles = [e["title"] for e in entries]
    assert titles[0] == "立案审批表" and titles[-3] == "结案审批表"
    assert titles.index("行政处罚告知书") < titles.index("听证笔录") < titles.index("行政处罚决定书")

    # The audio-video list with every recording's SHA-256.
    av = entries[-2]
    assert av["title"] == "音像记录清单"
    av_text = "".join(pages[av["first_page"] - 1 : av["last_page"]])
    recordings = Evidence.objects.filter(case=major_case, kind__in=Evidence.AV_KINDS)
    assert recordings.count() == 2
    for recording in recordings:
        assert recording.sha256 in av_text

    assert casefile.missing == []
    event = CaseEvent.objects.filter(case=major_case, transition="casefile_assembled").get()
    assert event.data["sha256"] == casefile.sha256
    print(f"\ncase file of the demo case: {casefile.pages} pages, assembled in {elapsed:.1f} s")


def test_assembled_once_immutable_and_served(major_case: Case) -> None:
    first = casefile_assemble(case_id=major_case.pk)
    assert casefile_assemble(case_id=major_case.pk).pk == first.pk, "a second run finds the file made"
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        first.delete()
    served = casefile_file(case=major_case)
    assert hashlib.sha256(b"".join(served.chunks)).hexdigest() == first.sha256
    assert CaseEvent.objects.filter(case=major_case, transition="casefile_assembled").count() == 1


def test_archiving_queues_the_assembly_on_commit(world: World, django_capture_on_commit_callbacks) -> None:
    case = run_major_case(world, archive=False)
    with django_capture_on_commit_callbacks(execute=True):
        world.fire(case, "archive", world.head, at(2026, 4, 16))
    casefile = CaseFile.objects.get(case=case)
    assert assemble_casefile.delay(case.pk).get() == casefile.sha256, "the task run twice does its work once"
    assert CaseFile.objects.filter(case=case).count() == 1


def test_no_file_before_archive(world: World) -> None:
    case = run_major_case(world, archive=False)
    with pytest.raises(Conflict) as refused:
        casefile_file(case=case)
    assert "归档时组卷" in refused.value.detail
    with pytest.raises(Conflict):
        casefile_assemble(case_id=case.pk)


def test_page_label_format() -> None:
    from documents.casefile import _entry

    assert _entry(1, "x", "", "", 3, 1, "", "")["pages_label"] == "3"
    assert re.fullmatch(r"3-5", _entry(1, "x", "", "", 3, 3, "", "")["pages_label"])
