"""The case-file review's requests for the permission matrix (tests/api/test_permissions.py).

Each function takes the matrix's Fixture and returns (method, url, body, probe) for one cell, building
what the cell needs through the services: a self-review campaign of the district, organised by the
district's admin, whose reviewer is the district's casefile_reviewer (the "own" actor of that role),
over a closed file of the district with one automatic finding (an on-site inspection without a
recording). Cells that change what they act on (draw, assign, submit …) get a fresh object each.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts.models import User
from casefiles.models import Case
from review import services
from review.models import (
    Campaign,
    Deduction,
    Rectification,
    ScoreSheet,
    ScoringStandard,
    Suggestion,
    VetoFinding,
)
from review.standards import DEFAULT_STANDARD_FILE
from tests.review.factories import campaign, closed_summary, default_standard, reviewer

Cell = tuple[str, str, dict | None, Callable[[], object] | None]
_n = itertools.count(1)


@dataclass
class ReviewState:
    admin: User
    reviewer: User
    file: Case
    campaign: Campaign  # draft, shared by the read-only and rename cells
    sheet: ScoreSheet  # draft, shared: the reviewer adds to it
    completed: ScoreSheet  # completed with one deduction


def state(fx: Any) -> ReviewState:
    found = fx.__dict__.get("_review")
    if found is None:
        default_standard()
        admin, rev = fx.actors[("admin", "own")], fx.actors[("casefile_reviewer", "own")]
        file = closed_summary(fx.w, av_gaps=1, day=date(2026, 3, 2))
        draft = new_campaign(fx, admin, rev)
        sheet = new_sheet(fx, admin, rev)
        completed = new_sheet(fx, admin, rev, decide=True)
        services.sheet_deduction_add(sheet_id=completed.pk, actor=rev, item_code="D05", reason="无案卷封面")
        services.sheet_submit(sheet_id=completed.pk, actor=rev)
        found = ReviewState(admin, rev, file, draft, sheet, completed)
        fx.__dict__["_review"] = found
    return found


def new_campaign(fx: Any, admin: User, reviewers: User | list[User]) -> Campaign:
    pool = reviewers if isinstance(reviewers, list) else [reviewers]
    return campaign(actor=admin, organiser=fx.w.district, organisations=[fx.w.district], reviewers=pool)


def new_sheet(fx: Any, admin: User, rev: User, *, decide: bool = False) -> ScoreSheet:
    c = new_campaign(fx, admin, rev)
    services.campaign_draw_sample(campaign_id=c.pk, actor=admin, seed="matrix")
    services.campaign_assign(campaign_id=c.pk, actor=admin)
    sheet = ScoreSheet.objects.get(campaign=c)
    if decide:
        for suggestion in Suggestion.objects.filter(sheet=sheet):
            services.suggestion_dismiss(
                sheet_id=sheet.pk, suggestion_id=suggestion.pk, actor=rev, note="已核实"
            )
    return sheet


def _status(model: type, pk: int) -> Callable[[], object]:
    return lambda: model.objects.filter(pk=pk).values_list("status", flat=True).get()


# --- standards ----------------------------------------------------------------------------------------------


def standards_list(fx: Any) -> Cell:
    return ("get", "/review/standards/", None, None)


def standard_create(fx: Any) -> Cell:
    data = json.loads(DEFAULT_STANDARD_FILE.read_text(encoding="utf-8"))
    data["code"] = f"matrix{next(_n)}"
    del data["version"]
    return ("post", "/review/standards/", data, ScoringStandard.objects.count)


def standard_detail(fx: Any) -> Cell:
    return ("get", f"/review/standards/{default_standard().pk}/", None, None)


# --- campaigns -------------------------------------------------------------------------------------------------


def campaigns_list(fx: Any) -> Cell:
    state(fx)
    return ("get", "/review/campaigns/?page_size=200", None, None)


def campaign_create(fx: Any) -> Cell:
    s = state(fx)
    body = {
        "name": f"矩阵评查{next(_n)}",
        "kind": "self",
        "organisation": fx.w.district.pk,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "standard": default_standard().pk,
        "organisations": [fx.w.district.pk],
        "reviewers": [s.reviewer.pk],
        "sample_percent": "5",
        "sample_min": 3,
    }
    return ("post", "/review/campaigns/", body, Campaign.objects.count)


def campaign_detail(fx: Any) -> Cell:
    return ("get", f"/review/campaigns/{state(fx).campaign.pk}/", None, None)


def campaign_update(fx: Any) -> Cell:
    pk = state(fx).campaign.pk
    probe = lambda: Campaign.objects.filter(pk=pk).values_list("name", flat=True).get()  # noqa: E731
    return ("patch", f"/review/campaigns/{pk}/", {"name": f"改名{next(_n)}"}, probe)


def sample_list(fx: Any) -> Cell:
    return ("get", f"/review/campaigns/{state(fx).campaign.pk}/sample/", None, None)


def sample_draw(fx: Any) -> Cell:
    s = state(fx)
    c = new_campaign(fx, s.admin, s.reviewer)
    return ("post", f"/review/campaigns/{c.pk}/sample/", {"seed": "矩阵"}, _status(Campaign, c.pk))


def campaign_assign(fx: Any) -> Cell:
    s = state(fx)
    c = new_campaign(fx, s.admin, s.reviewer)
    services.campaign_draw_sample(campaign_id=c.pk, actor=s.admin, seed="matrix")
    return ("post", f"/review/campaigns/{c.pk}/assign/", {}, _status(Campaign, c.pk))


def campaign_finish(fx: Any) -> Cell:
    s = state(fx)
    sheet = new_sheet(fx, s.admin, s.reviewer, decide=True)
    services.sheet_submit(sheet_id=sheet.pk, actor=s.reviewer)
    return (
        "post",
        f"/review/campaigns/{sheet.campaign_id}/finish/",
        {},
        _status(Campaign, sheet.campaign_id),
    )


def campaign_results(fx: Any) -> Cell:
    return ("get", f"/review/campaigns/{state(fx).completed.campaign_id}/results/", None, None)


# --- score sheets ---------------------------------------------------------------------------------------------


def sheets_list(fx: Any) -> Cell:
    state(fx)
    return ("get", "/review/scoresheets/?page_size=200", None, None)


def sheet_detail(fx: Any) -> Cell:
    return ("get", f"/review/scoresheets/{state(fx).sheet.pk}/", None, None)


def sheet_casefile(fx: Any) -> Cell:
    return ("get", f"/review/scoresheets/{state(fx).sheet.pk}/casefile/", None, None)


def deduction_add(fx: Any) -> Cell:
    sheet = state(fx).sheet
    body = {"item": "S02", "reason": "未记录出示执法证件"}
    return (
        "post",
        f"/review/scoresheets/{sheet.pk}/deductions/",
        body,
        Deduction.objects.filter(sheet=sheet).count,
    )


def deduction_remove(fx: Any) -> Cell:
    s = state(fx)
    d = services.sheet_deduction_add(
        sheet_id=s.sheet.pk, actor=s.reviewer, item_code="D01", reason="格式不规范"
    )
    return (
        "delete",
        f"/review/scoresheets/{s.sheet.pk}/deductions/{d.pk}/",
        None,
        Deduction.objects.filter(pk=d.pk).exists,
    )


def veto_add(fx: Any) -> Cell:
    sheet = state(fx).sheet
    body = {"veto": "V03", "reason": "询问时仅一名执法人员在场"}
    return (
        "post",
        f"/review/scoresheets/{sheet.pk}/vetoes/",
        body,
        VetoFinding.objects.filter(sheet=sheet).count,
    )


def veto_remove(fx: Any) -> Cell:
    s = state(fx)
    sheet = new_sheet(fx, s.admin, s.reviewer)
    v = services.sheet_veto_add(sheet_id=sheet.pk, actor=s.reviewer, veto_code="V04", reason="事实不清")
    return (
        "delete",
        f"/review/scoresheets/{sheet.pk}/vetoes/{v.pk}/",
        None,
        VetoFinding.objects.filter(pk=v.pk).exists,
    )


def _suggestion_cell(fx: Any, action: str, body: dict) -> Cell:
    s = state(fx)
    sheet = new_sheet(fx, s.admin, s.reviewer)
    suggestion = Suggestion.objects.get(sheet=sheet)
    url = f"/review/scoresheets/{sheet.pk}/suggestions/{suggestion.pk}/{action}/"
    return ("post", url, body, _status(Suggestion, suggestion.pk))


def suggestion_confirm(fx: Any) -> Cell:
    return _suggestion_cell(fx, "confirm", {})


def suggestion_dismiss(fx: Any) -> Cell:
    return _suggestion_cell(fx, "dismiss", {"note": "卷内已有光盘"})


def sheet_submit(fx: Any) -> Cell:
    s = state(fx)
    sheet = new_sheet(fx, s.admin, s.reviewer, decide=True)
    return (
        "post",
        f"/review/scoresheets/{sheet.pk}/submit/",
        {"opinion": "规范"},
        _status(ScoreSheet, sheet.pk),
    )


def second_review(fx: Any) -> Cell:
    """A failed sheet scored by another district reviewer; the "own" casefile_reviewer reviews it second."""
    s = state(fx)
    first = reviewer(fx.w.district, f"first{next(_n)}")
    sheet = new_sheet(fx, s.admin, first, decide=True)
    services.campaign_update(
        campaign_id=sheet.campaign_id, actor=s.admin, changes={"reviewers": [first, s.reviewer]}
    )
    services.sheet_veto_add(sheet_id=sheet.pk, actor=first, veto_code="V05", reason="主要证据不足")
    services.sheet_submit(sheet_id=sheet.pk, actor=first)
    body = {"agree": True, "opinion": "同意"}
    return ("post", f"/review/scoresheets/{sheet.pk}/second-review/", body, _status(ScoreSheet, sheet.pk))


def rectification_issue(fx: Any) -> Cell:
    sheet = state(fx).completed
    body = {"items": [{"description": "补齐案卷封面", "due_on": "2026-12-31"}]}
    probe = Rectification.objects.filter(sheet=sheet).count
    return ("post", f"/review/scoresheets/{sheet.pk}/rectifications/", body, probe)


def rectifications_list(fx: Any) -> Cell:
    state(fx)
    return ("get", "/review/rectifications/?page_size=200", None, None)


def rectification_complete(fx: Any) -> Cell:
    s = state(fx)
    (item,) = services.rectification_issue(
        sheet_id=s.completed.pk, actor=s.admin, items=[services.RectificationSpec("补齐案卷封面")]
    )
    body = {"note": "已补齐"}
    return ("post", f"/review/rectifications/{item.pk}/complete/", body, _status(Rectification, item.pk))
