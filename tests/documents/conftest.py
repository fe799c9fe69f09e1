"""The demo case of the documents tests: the major case of tests/workflow/test_case_paths.py (return by
the legal check, hearing, deliberation, decision, service, publication, payment, archive), spawned
by an inspection that issued a rectification order, with the officer's field records — so that every
general-procedure document of the catalogue is in its file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts.policy import AvActivity
from casefiles.models import Case
from casefiles.services import inspection_record, party_create
from documents.services import document_generate
from tests.factories import World, agreed, at, credit_code, inquiry_record
from tests.workflow.test_case_paths import record_av
from workflow import services


def inspected_case(w: World, *, when=None) -> Case:
    party = party_create(
        kind="entity",
        name="闽江化工有限公司",
        credit_code=credit_code(),
        legal_representative="林建国",
        address="福州市鼓楼区工业路88号",
        phone="0591-87654321",
    )
    inspection = inspection_record(
        actor=w.officer1,
        organisation=w.district,
        inspected_on=date(2026, 3, 2),
        party=party,
        officers=[w.officer1, w.officer2],
        violations_found=2,
        rectification_order=True,
        documents_issued=2,
        notes="检查发现该单位新入职的12名从业人员未经安全生产教育和培训即上岗作业。",
        now=when or at(2026, 3, 2, 9),
    )
    return services.case_create(
        actor=w.officer1,
        organisation=w.district,
        title="闽江化工有限公司未按规定开展安全生产教育培训案",
        facts="2026年3月2日，本局执法人员检查发现该单位新入职的12名从业人员未经安全生产教育和培训即上岗作业。",
        origin=Case.Origin.INSPECTION,
        party=party,
        violation_type=w.vt,
        inspection=inspection,
        officers=[w.officer1, w.officer2],
        now=when or at(2026, 3, 2, 14),
    )


def field_records(w: World, case: Case) -> None:
    """What the officer writes up during the investigation: the inspection record, the rectification
    order the inspection issued, the inquiry record."""
    document_generate(
        case_id=case.pk, actor=w.officer1, doc_type="inspection_record", data={}, now=at(2026, 3, 4)
    )
    document_generate(
        case_id=case.pk,
        actor=w.officer1,
        doc_type="rectification_order",
        data={
            "items": "新入职从业人员未经安全生产教育和培训上岗作业\n安全生产教育和培训档案缺失",
            "deadline": "2026-03-20",
        },
        now=at(2026, 3, 4, 11),
    )
    inquiry_record(w, case, at(2026, 3, 5, 11), interviewee="林建国", place="区应急管理局询问室")


def run_major_case(w: World, *, archive: bool = True) -> Case:
    case = inspected_case(w)
    w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2, 15))
    w.fire(case, "approve_filing", w.head, at(2026, 3, 3), opinion="同意立案，由officer1、officer2承办")
    record_av(w, case, AvActivity.INQUIRY, at(2026, 3, 5))
    field_records(w, case)
    w.propose(case, at(2026, 3, 9), fine=Decimal("80000"))
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 10))
    w.fire(case, "approve", w.head, at(2026, 3, 11))
    w.fire(case, "return", w.legal, at(2026, 3, 12), opinion="询问笔录未由当事人签字，请补正")
    w.fire(case, "submit_review", w.officer1, at(2026, 3, 13))
    w.fire(case, "approve", w.head, at(2026, 3, 16))
    w.fire(case, "approve", w.legal, at(2026, 3, 17), opinion="事实清楚，证据确凿，同意告知")
    w.fire(case, "serve_notice", w.officer1, at(2026, 3, 18), served_on="2026-03-18", method="direct")
    w.fire(case, "request_hearing", w.officer1, at(2026, 3, 19), requested_on="2026-03-19")
    w.schedule_hearing(case, at(2026, 3, 20), "2026-04-01", place="区应急管理局三楼听证室")
    w.hold_hearing(
        case,
        at(2026, 4, 1, 15),
        at(2026, 4, 1, 16),
        report="当事人对违法事实无异议，请求从轻处罚",
        record="主持人宣布听证开始。调查人员提出违法事实、证据和处罚建议。当事人进行申辩。",
    )
    w.fire(case, "approve", w.legal, at(2026, 4, 2), opinion="程序合法，同意提交集体讨论")
    present = w.members[:4]
    w.conclude(
        case,
        at(2026, 4, 3),
        present,
        agreed(present),
        fine="60000",
        minutes="案审委员会第3次会议纪要：听取承办人员汇报和法制审核意见，逐一发表意见后表决。",
        conclusion="同意给予罚款六万元的行政处罚",
    )
    w.serve_decision(case, at(2026, 4, 7))
    w.publish(case, at(2026, 4, 8))
    w.fire(case, "start_execution", w.officer1, at(2026, 4, 9))
    case = w.close_paid(case, at(2026, 4, 15), "60000")
    if archive:
        case = w.fire(case, "archive", w.head, at(2026, 4, 16))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def major_case(world: World) -> Case:
    return run_major_case(world)
