"""The state engine (core.engine): what may be done now and why not, refusals with stable codes, and
one audited fire; the state field that only the engine changes; and the append-only audit rows
(core.audit) it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from core.audit import chain_problems
from core.engine import NOT_AVAILABLE, Context, Machine, Transition
from core.errors import Conflict, Forbidden, Reason
from review import services
from review.models import ScoreSheet, SheetEvent
from tests.factories import World
from tests.review.factories import campaign, closed_summary, manager, reviewer, started

# --- a thing of our own, in memory ------------------------------------------------------------------------


@dataclass
class Doc:
    state: str = "draft"
    title: str = ""
    saved: list[list[str]] = field(default_factory=list)

    def save(self, *, update_fields: list[str]) -> None:
        self.saved.append(update_fields)


def _editor(doc: Doc, actor: str) -> Reason | None:
    return None if actor == "editor" else Reason("role_required", "需要编辑")


def _titled(doc: Doc, ctx: Context) -> Reason | None:
    return None if doc.title else Reason("title_missing", "请填写标题")


def machine(audit: list[dict[str, Any]]) -> Machine:
    def write(thing: Any, **row: Any) -> dict[str, Any]:
        audit.append(row)
        return row

    return Machine(
        state_field="state",
        transitions=[
            Transition("publish", ("draft",), "published", "发布", permission=_editor, guards=(_titled,)),
            Transition(
                "withdraw",
                ("draft", "published"),
                "withdrawn",
                "撤回",
                event="withdrawn",
                not_here=lambda d: "已撤回的稿件不能再撤回",
                not_here_reasons=(Reason("already_withdrawn", "已撤回"),),
            ),
            Transition("archive", ("published",), "archived", "归档", permission=_editor),
        ],
        audit=write,
    )


NOW = datetime(2026, 5, 1, 9, tzinfo=timezone.get_fixed_timezone(480))


def test_options_say_what_may_be_done_from_here_and_why_not() -> None:
    flow = machine([])
    doc = Doc()
    options = {o.code: o for o in flow.options(doc, actor="editor", now=NOW)}
    assert list(options) == ["publish", "withdraw"], "only the transitions from the current state"
    assert (options["publish"].allowed, [r.code for r in options["publish"].unmet]) == (
        False,
        ["title_missing"],
    )
    assert options["publish"].permitted, "blocked by a guard only: the editor may, once it holds"
    assert options["withdraw"].allowed and options["withdraw"].targets == ("withdrawn",)

    stranger = {o.code: o for o in flow.options(doc, actor="reader", now=NOW)}["publish"]
    assert [r.code for r in stranger.unmet] == ["role_required", "title_missing"]
    assert not stranger.permitted and not stranger.allowed

    doc.title = "公告"
    assert {o.code: o.allowed for o in flow.options(doc, actor="editor", now=NOW)}["publish"]


def test_refusals_carry_stable_codes_in_order_state_permission_guards() -> None:
    flow = machine([])
    doc = Doc()
    with pytest.raises(Conflict) as elsewhere:
        flow.check(doc, "archive", actor="editor", now=NOW)
    assert [r.code for r in elsewhere.value.reasons] == [NOT_AVAILABLE]
    assert elsewhere.value.status == 409 and elsewhere.value.detail == "当前状态“draft”下不能归档"

    with pytest.raises(Conflict) as unknown:
        flow.check(doc, "no_such_step", actor="editor", now=NOW)
    assert [r.code for r in unknown.value.reasons] == [NOT_AVAILABLE]

    with pytest.raises(Forbidden) as forbidden:
        flow.check(doc, "publish", actor="reader", now=NOW)
    assert [r.code for r in forbidden.value.reasons] == ["role_required"]

    with pytest.raises(Conflict) as unmet:
        flow.check(doc, "publish", actor="editor", now=NOW)
    assert [r.code for r in unmet.value.reasons] == ["title_missing"] and unmet.value.detail == "请填写标题"

    doc.state = "withdrawn"
    with pytest.raises(Conflict) as again:
        flow.check(doc, "withdraw", actor="editor", now=NOW)
    assert again.value.detail == "已撤回的稿件不能再撤回"
    assert [r.code for r in again.value.reasons] == ["already_withdrawn", NOT_AVAILABLE]


def test_fire_checks_sets_the_state_saves_and_appends_the_audit_row() -> None:
    audit: list[dict[str, Any]] = []
    flow = machine(audit)
    doc = Doc(title="公告")
    row = flow.fire(
        doc, "publish", actor="editor", now=NOW, note="发布", data={"n": 1}, update_fields=["title"]
    )
    assert doc.state == "published" and doc.saved == [["state", "title"]]
    assert row is audit[0]
    assert (
        row["from_state"],
        row["transition"].target,
        row["actor"],
        row["at"],
        row["note"],
        row["data"],
    ) == (
        "draft",
        "published",
        "editor",
        NOW,
        "发布",
        {"n": 1},
    )
    flow.fire(doc, "withdraw", actor="editor", now=NOW)
    assert audit[1]["transition"].action == "withdrawn"

    with pytest.raises(Conflict):
        flow.fire(doc, "archive", actor="editor", now=NOW)
    assert doc.state == "withdrawn" and len(doc.saved) == 2 and len(audit) == 2, "a refusal changes nothing"


# --- on the database: the state field and the audit rows --------------------------------------------------


@pytest.fixture
def sheet(world: World) -> ScoreSheet:
    closed_summary(world)
    rev, admin = reviewer(world.district), manager(world.district)
    c = campaign(actor=admin, organiser=world.district, organisations=[world.district], reviewers=[rev])
    started(c, admin)
    return ScoreSheet.objects.get(campaign=c)


@pytest.mark.django_db
def test_the_state_field_is_set_by_the_engine_only(sheet: ScoreSheet) -> None:
    with pytest.raises(AttributeError, match="只能通过状态转换"):
        sheet.status = ScoreSheet.Status.COMPLETED
    sheet.status = ScoreSheet.Status.DRAFT  # the same value: nothing changes
    ScoreSheet.objects.filter(pk=sheet.pk).update(
        status=ScoreSheet.Status.COMPLETED, score=100, grade="excellent", submitted_at=NOW, completed_at=NOW
    )
    sheet.refresh_from_db()  # the row may be read back
    assert sheet.status == ScoreSheet.Status.COMPLETED


@pytest.mark.django_db
def test_fire_on_a_model_saves_and_appends_a_chained_row(sheet: ScoreSheet) -> None:
    def audit(thing: ScoreSheet, *, transition: Transition, actor: Any, at: datetime, note: str, **_: Any):
        (event,) = services.sheet_event_append(
            sheets=[thing], action=transition.action, actor=actor, at=at, note=note
        )
        return event

    flow = Machine(
        state_field="status",
        transitions=[Transition("close", ("draft",), "completed", "结束", event="closed")],
        audit=audit,
    )
    sheet.completed_at = sheet.submitted_at = NOW
    sheet.score, sheet.grade = 100, "excellent"
    event = flow.fire(
        sheet,
        "close",
        actor=sheet.reviewer,
        now=NOW,
        note="测试",
        update_fields=["completed_at", "submitted_at", "score", "grade"],
    )
    sheet.refresh_from_db()
    assert sheet.status == "completed" and (sheet.event_seq, sheet.event_head) == (2, event.hash)
    rows = list(SheetEvent.objects.filter(sheet=sheet).order_by("seq"))
    assert [(e.seq, e.action) for e in rows] == [(1, "assigned"), (2, "closed")]
    assert rows[1].prev_hash == rows[0].hash and rows[1].actor_name == str(sheet.reviewer)
    assert chain_problems(rows, head=sheet.event_head, count=sheet.event_seq) == []


@pytest.mark.django_db
def test_audit_rows_are_written_once(sheet: ScoreSheet) -> None:
    event = SheetEvent.objects.get(sheet=sheet)
    event.note = "改写"
    with pytest.raises(PermissionError, match="只追加"):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SheetEvent.objects.filter(sheet=sheet).update(note="改写")
    with pytest.raises(PermissionError):
        SheetEvent.objects.filter(sheet=sheet).delete()
    with pytest.raises(PermissionError):
        sheet.events.all().delete()
