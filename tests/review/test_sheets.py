"""Score sheets (issue 8 items 4, 5, 7): automatic findings pre-filled as suggestions the reviewer
confirms or dismisses, the second reviewer for a 不合格 file, rectification items to the handling
organisation, and two people at one sheet at once."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import Conflict, DomainError, Forbidden, InvalidInput
from documents.models import CaseDocument
from notifications.models import Notification
from review import services
from review.findings import SOURCES, deadline_findings, findings_for, precheck_findings
from review.models import Deduction, Grade, Rectification, ScoreSheet, SheetEvent, Suggestion, VetoFinding
from review.scoring import sheet_score
from tests.factories import World, at, user
from tests.review.factories import (
    campaign,
    closed_major,
    closed_summary,
    default_standard,
    manager,
    reviewer,
    single_reviewer_campaign,
    started,
)
from tests.workflow.test_legal_check import to_pre_notice_check

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_sources_know_av_gaps_late_service_and_overridden_precheck_failures(world: World) -> None:
    w = world
    assert list(SOURCES) == ["av_records", "deadlines", "precheck", "checklist", "documents"]
    gaps = closed_summary(w, av_gaps=2)
    (av,) = findings_for(gaps)
    assert (av.source, av.code, av.occurrences) == ("av_records", "av_record_missing", 2)
    assert "现场检查" in av.message

    late = closed_major(w, served_on=date(2026, 4, 10))
    assert [(f.code, f.source) for f in findings_for(late)] == [
        ("service_late", "deadlines"),
        ("publication_late", "deadlines"),
    ]
    assert not findings_for(closed_summary(w)), "a clean file has nothing to suggest"

    case = to_pre_notice_check(w, fine="120000")
    w.fire(
        case,
        "approve",
        w.legal,
        at(2026, 3, 9),
        opinion="同意",
        override_reason="当事人逾期未改正，适用加重档次",
    )
    (fine,) = precheck_findings(case)
    assert fine.code == "precheck.fine_range"
    assert "超过法定上限" in fine.message and "当事人逾期未改正" in fine.message
    # A decision after its deadline, from the columns the workflow keeps.
    case.decided_at = at(2026, 7, 1)
    case.decision_deadline = date(2026, 6, 1)
    assert [f.code for f in deadline_findings(case)] == ["decision_overdue"]


def test_the_electronic_case_files_document_checklist_is_a_source(world: World) -> None:
    w = world
    case = closed_major(w)
    assert not findings_for(case)
    # Scaffolding: a file whose 立案审批表 is gone, as if it had never been drawn up.
    CaseDocument.objects.filter(case=case, doc_type="filing_approval").delete()
    (missing,) = findings_for(case)
    assert (missing.source, missing.code) == ("documents", "documents.document_missing")
    assert "立案审批表" in missing.message, (
        "reported once, by the documents source, not again by the checklist"
    )

    rev = reviewer(w.district)
    admin = manager(w.district)
    c = campaign(actor=admin, organiser=w.district, organisations=[w.district], reviewers=[rev])
    started(c, admin)
    suggestion = Suggestion.objects.select_related("item").get(sheet__campaign=c)
    assert (suggestion.code, suggestion.item.code) == ("documents.document_missing", "D03")


@pytest.fixture
def review(world: World):  # type: ignore[no-untyped-def]
    w = world
    gaps = closed_summary(w, av_gaps=2)
    late = closed_major(w, served_on=date(2026, 4, 10))
    first, second = reviewer(w.district, "first"), reviewer(w.district, "second")
    admin = manager(w.district)
    c = campaign(actor=admin, organiser=w.district, organisations=[w.district], reviewers=[first])
    started(c, admin)
    return w, c, admin, first, second, gaps, late


def test_findings_are_prefilled_as_suggestions_mapped_to_the_standard(review) -> None:  # type: ignore[no-untyped-def]
    _, c, _, first, _, gaps, late = review
    on_gaps = Suggestion.objects.select_related("item").get(sheet__case=gaps)
    assert (on_gaps.code, on_gaps.item.code, on_gaps.occurrences, on_gaps.status) == (
        "av_record_missing",
        "R01",
        2,
        "pending",
    )
    on_late = Suggestion.objects.select_related("item").filter(sheet__case=late).order_by("pk")
    assert [(s.code, s.item.code) for s in on_late] == [("service_late", "P04"), ("publication_late", "P06")]

    sheet = ScoreSheet.objects.get(campaign=c, case=gaps)
    with pytest.raises(Conflict) as refused:
        services.sheet_submit(sheet_id=sheet.pk, actor=first)
    assert refused.value.reasons[0].code == "suggestions_pending"

    services.suggestion_confirm(sheet_id=sheet.pk, suggestion_id=on_gaps.pk, actor=first)
    deduction = Deduction.objects.get(sheet=sheet)
    assert (deduction.item.code, deduction.occurrences, deduction.points) == ("R01", 2, D("2.00"))
    assert deduction.suggestion_id == on_gaps.pk and "现场检查" in deduction.reason
    with pytest.raises(Conflict):
        services.suggestion_confirm(sheet_id=sheet.pk, suggestion_id=on_gaps.pk, actor=first)

    # Removing the deduction puts the suggestion back to be decided; dismissing needs a reason.
    services.sheet_deduction_remove(sheet_id=sheet.pk, deduction_id=deduction.pk, actor=first)
    on_gaps.refresh_from_db()
    assert on_gaps.status == "pending"
    with pytest.raises(InvalidInput):
        services.suggestion_dismiss(sheet_id=sheet.pk, suggestion_id=on_gaps.pk, actor=first, note=" ")
    services.suggestion_dismiss(
        sheet_id=sheet.pk, suggestion_id=on_gaps.pk, actor=first, note="音像记录已在卷内光盘中，系统未登记"
    )
    done = services.sheet_submit(sheet_id=sheet.pk, actor=first)
    assert (done.score, done.grade, done.status) == (D("100.00"), Grade.EXCELLENT, "completed")


def test_a_suggestion_can_be_confirmed_under_another_item_or_as_a_veto(review) -> None:  # type: ignore[no-untyped-def]
    _, c, _, first, _, _, late = review
    sheet = ScoreSheet.objects.get(campaign=c, case=late)
    suggestion = Suggestion.objects.get(sheet=sheet, code="service_late")
    with pytest.raises(InvalidInput):
        services.suggestion_confirm(
            sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=first, item_code="P05"
        )
    services.suggestion_confirm(
        sheet_id=sheet.pk,
        suggestion_id=suggestion.pk,
        actor=first,
        item_code="P05",
        points_each=D("1.5"),
        reason="留置送达无见证人签名，且超期",
    )
    assert Deduction.objects.get(sheet=sheet).item.code == "P05"
    other = Suggestion.objects.get(sheet=sheet, code="publication_late")
    services.suggestion_confirm(
        sheet_id=sheet.pk,
        suggestion_id=other.pk,
        actor=first,
        veto_code="V08",
        reason="决定未公示即执行，且公示内容缺少处罚依据",
    )
    assert VetoFinding.objects.get(sheet=sheet).suggestion_id == other.pk
    assert sheet_score(sheet=sheet).grade == Grade.FAIL


def test_a_failed_file_goes_to_a_second_reviewer_who_confirms_or_returns_it(review) -> None:  # type: ignore[no-untyped-def]
    _, c, admin, first, second, gaps, _ = review
    sheet = ScoreSheet.objects.get(campaign=c, case=gaps)
    services.suggestion_dismiss(
        sheet_id=sheet.pk, suggestion_id=sheet.suggestions.get().pk, actor=first, note="已核实"
    )
    services.sheet_veto_add(
        sheet_id=sheet.pk, actor=first, veto_code="V05", reason="未附任何证明违法事实的证据"
    )

    # Nobody else in the campaign may review it second: submitting is refused, and says why.
    with pytest.raises(Conflict) as refused:
        services.sheet_submit(sheet_id=sheet.pk, actor=first)
    assert refused.value.reasons[0].code == "no_second_reviewer"
    sheet.refresh_from_db()
    assert sheet.status == "draft"

    services.campaign_update(campaign_id=c.pk, actor=admin, changes={"reviewers": [first, second]})
    submitted = services.sheet_submit(sheet_id=sheet.pk, actor=first, opinion="主要证据不足")
    assert (submitted.status, submitted.grade, submitted.second_reviewer_id) == (
        "second_review",
        Grade.FAIL,
        second.pk,
    )
    assert submitted.completed_at is None
    assert Notification.objects.filter(user=second, title__startswith="案卷评查复核").count() == 1
    with pytest.raises(Conflict):
        services.sheet_veto_remove(sheet_id=sheet.pk, finding_id=VetoFinding.objects.get().pk, actor=first)
    with pytest.raises(Forbidden):
        services.sheet_second_review(sheet_id=sheet.pk, actor=first, agree=True)

    with pytest.raises(InvalidInput):
        services.sheet_second_review(sheet_id=sheet.pk, actor=second, agree=False, opinion="")
    returned = services.sheet_second_review(
        sheet_id=sheet.pk, actor=second, agree=False, opinion="卷内有现场照片，证据不足依据不充分"
    )
    assert (returned.status, returned.score, returned.grade) == ("draft", None, "")
    assert Notification.objects.filter(user=first, title__startswith="案卷评查复核退回").exists()

    # The first reviewer revises and submits again; the same second reviewer confirms.
    services.sheet_veto_remove(sheet_id=sheet.pk, finding_id=VetoFinding.objects.get().pk, actor=first)
    services.sheet_veto_add(sheet_id=sheet.pk, actor=first, veto_code="V06", reason="违法行为定性错误")
    again = services.sheet_submit(sheet_id=sheet.pk, actor=first)
    assert again.second_reviewer_id == second.pk and again.status == "second_review"
    done = services.sheet_second_review(sheet_id=sheet.pk, actor=second, agree=True, opinion="同意")
    assert (done.status, done.grade, done.vetoed) == ("completed", Grade.FAIL, True)
    assert list(SheetEvent.objects.filter(sheet=sheet).values_list("action", flat=True)) == [
        "assigned",
        "suggestion_dismissed",
        "veto_added",
        "submitted",
        "second_review_returned",
        "veto_removed",
        "veto_added",
        "submitted",
        "second_review_confirmed",
    ]


def test_without_the_second_review_rule_a_failed_file_completes_at_once(world: World) -> None:
    closed_summary(world)
    c, rev, _ = single_reviewer_campaign(world, [world.district])
    sheet = ScoreSheet.objects.get(campaign=c)
    for code, times, reason in (("F05", 9, "证据均未经核对原件"), ("L03", 4, "处罚与情节不相当")):
        services.sheet_deduction_add(
            sheet_id=sheet.pk, actor=rev, item_code=code, occurrences=times, points_each=D("5"), reason=reason
        )
    done = services.sheet_submit(sheet_id=sheet.pk, actor=rev)
    # 事实证据 loses its whole 30 (45 recorded), 法律适用 its whole 20: 50 points, 不合格.
    assert (done.score, done.grade, done.status, done.second_reviewer) == (
        D("50.00"),
        Grade.FAIL,
        "completed",
        None,
    )


def test_rectification_items_go_to_the_handling_organisation_and_are_tracked_to_done(review) -> None:  # type: ignore[no-untyped-def]
    w, c, admin, first, _, gaps, _ = review
    sheet = ScoreSheet.objects.get(campaign=c, case=gaps)
    services.suggestion_confirm(sheet_id=sheet.pk, suggestion_id=sheet.suggestions.get().pk, actor=first)
    services.sheet_deduction_add(sheet_id=sheet.pk, actor=first, item_code="D05", reason="无案卷封面")
    with pytest.raises(Conflict):
        services.rectification_issue(sheet_id=sheet.pk, actor=admin)  # not completed yet
    services.sheet_submit(sheet_id=sheet.pk, actor=first)

    with pytest.raises(InvalidInput):
        services.rectification_issue(sheet_id=sheet.pk, actor=admin, due_on=date(2020, 1, 1))
    with pytest.raises(Forbidden):
        services.rectification_issue(sheet_id=sheet.pk, actor=first)
    items = services.rectification_issue(sheet_id=sheet.pk, actor=admin, due_on=date(2027, 1, 15))
    assert len(items) == 2 and {i.organisation_id for i in items} == {w.district.pk}
    assert "R01" in items[0].description and "D05" in items[1].description
    with pytest.raises(Conflict):
        services.rectification_issue(sheet_id=sheet.pk, actor=admin)  # once per sheet from its deductions
    extra = services.rectification_issue(
        sheet_id=sheet.pk, actor=admin, items=[services.RectificationSpec("组织全体执法人员学习音像记录制度")]
    )
    assert len(extra) == 1

    told = set(
        Notification.objects.filter(key=f"review:rectification:{items[0].pk}").values_list("user", flat=True)
    )
    assert told == {w.officer1.pk, w.officer2.pk, w.head.pk, w.agency_head.pk}

    outsider = user("other_head", w.other_district, "division_head")
    with pytest.raises(Forbidden):
        services.rectification_complete(rectification_id=items[0].pk, actor=outsider, note="已整改")
    done = services.rectification_complete(
        rectification_id=items[0].pk, actor=w.head, note="已补录音像记录说明并组织学习"
    )
    assert (done.status, done.done_by_id) == ("done", w.head.pk)
    with pytest.raises(Conflict):
        services.rectification_complete(rectification_id=items[0].pk, actor=w.head, note="再次")
    assert Notification.objects.filter(user=admin, key=f"review:rectification-done:{items[0].pk}").exists()
    assert Rectification.objects.filter(sheet=sheet, status="open").count() == 2


def test_a_perfect_file_needs_no_rectification(world: World) -> None:
    closed_summary(world)
    rev = reviewer(world.district)
    admin = manager(world.district)
    c = campaign(actor=admin, organiser=world.district, organisations=[world.district], reviewers=[rev])
    started(c, admin)
    sheet = services.sheet_submit(sheet_id=ScoreSheet.objects.get(campaign=c).pk, actor=rev)
    with pytest.raises(Conflict):
        services.rectification_issue(sheet_id=sheet.pk, actor=admin)


def test_finishing_a_campaign_needs_every_sheet_completed(review) -> None:  # type: ignore[no-untyped-def]
    _, c, admin, first, _, _, _ = review
    with pytest.raises(Conflict) as refused:
        services.campaign_finish(campaign_id=c.pk, actor=admin)
    assert "还有 2 份评查表未完成" in refused.value.detail
    for sheet in ScoreSheet.objects.filter(campaign=c):
        for suggestion in sheet.suggestions.all():
            services.suggestion_confirm(
                sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=first, points_each=D("1")
            )
        services.sheet_submit(sheet_id=sheet.pk, actor=first)
    finished = services.campaign_finish(campaign_id=c.pk, actor=admin)
    assert finished.status == "finished" and finished.finished_at
    with pytest.raises(Conflict):
        services.campaign_update(campaign_id=c.pk, actor=admin, changes={"name": "改名"})


# --- two people at one sheet -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_sheet_at_once_lock_it_once(postgres_only) -> None:  # type: ignore[no-untyped-def]
    default_standard()  # a transactional test starts from an emptied database
    w = World()
    closed_summary(w)
    rev = reviewer(w.district, "racer")
    admin = manager(w.district)
    c = campaign(actor=admin, organiser=w.district, organisations=[w.district], reviewers=[rev])
    started(c, admin)
    sheet = ScoreSheet.objects.get(campaign=c)
    services.sheet_deduction_add(sheet_id=sheet.pk, actor=rev, item_code="S02", reason="未记录出示证件")

    barrier = threading.Barrier(2)
    results: list[object] = []

    def act(action) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            action()
            results.append("ok")
        except DomainError as error:
            results.append(error)
        finally:
            connection.close()

    actions = [
        lambda: services.sheet_submit(sheet_id=sheet.pk, actor=rev),
        lambda: services.sheet_deduction_add(sheet_id=sheet.pk, actor=rev, item_code="S02", reason="又一处"),
    ]
    threads = [threading.Thread(target=act, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    sheet.refresh_from_db()
    deductions = Deduction.objects.filter(sheet=sheet).count()
    assert sheet.status == "completed"
    # Either the deduction came first and is in the submitted score, or the submission came first and
    # the deduction was refused: never a deduction after the score was fixed.
    if results.count("ok") == 2:
        assert deductions == 2 and sheet.score == D("98.00")
    else:
        (refused,) = [r for r in results if r != "ok"]
        assert refused.status == 409 and deductions == 1 and sheet.score == D("99.00")
