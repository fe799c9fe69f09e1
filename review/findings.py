"""Automatic findings (issue 8 item 7): what the system already knows is wrong with a closed file.

A finding source is a function `(case) -> list[AutoFinding]` registered with `@finding_source(name)`.
Each finding carries a stable code; the scoring standard maps codes to its items and veto items
(`finding_codes` in review/data/penalty_standard.json), and when a score sheet is created every
finding becomes a suggestion (a Suggestion row) that the reviewer confirms as a deduction or veto,
or dismisses with a note. A finding whose code no item of the standard names is still shown, and the
reviewer picks the item when confirming it.

Sources now (codes):
- av_records: `av_record_missing` — an activity on the AV list with no verified recording
  (casefiles.selectors.av_activities_covered, as workflow.guards.av_gaps), one occurrence per activity;
- deadlines: `decision_overdue` (decided after the decision deadline), `service_late`,
  `publication_late` (the flags the workflow set when it happened);
- precheck: `precheck.<rule code>` — a pre-check point that failed in the last legal check of each
  stage (LegalCheck.findings), i.e. a failure the legal reviewer let pass with a written reason;
- checklist: `checklist_missing` — a record the steps keep that workflow.checklist.missing_items
  finds missing (AV gaps and catalogue documents excluded: the av_records and documents sources
  count those one by one);
- documents: `documents.<code>` — documents.selectors.casefile_findings, the document checklist of
  the electronic case file (issue 7): `documents.document_missing`, `documents.document_out_of_order`,
  `documents.document_not_applicable` (the last for the reviewer to judge: no item is suggested).

A new source is one more function here with `@finding_source(name)`; the standard names its codes
(`finding_codes` of an item or veto item, in a new version of the data file) to suggest an item.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from accounts.selectors import organisation_policy
from casefiles.models import Case, LegalCheck
from core.dates import local_date
from documents.selectors import casefile_findings, missing_documents, missing_labels
from law import rules as law_rules
from law.findings import FAIL
from workflow import checklist
from workflow.context import StepContext
from workflow.precheck import POINT_OF_RULE


@dataclass(frozen=True)
class AutoFinding:
    code: str
    message: str
    occurrences: int = 1
    source: str = ""


FindingSource = Callable[[Case], list[AutoFinding]]
SOURCES: dict[str, FindingSource] = {}


def finding_source(name: str) -> Callable[[FindingSource], FindingSource]:
    def register(source: FindingSource) -> FindingSource:
        assert name not in SOURCES, f"duplicate finding source {name}"
        SOURCES[name] = source
        return source

    return register


def findings_for(case: Case) -> list[AutoFinding]:
    """Every source's findings for the case, each tagged with its source's name."""
    found: list[AutoFinding] = []
    for name, source in SOURCES.items():
        found += [dataclasses.replace(f, source=name) for f in source(case)]
    return found


def _law_context(case: Case) -> StepContext:
    """The file judged as it stands today under its organisation's rules, by no one in particular."""
    return StepContext(
        actor=None,  # type: ignore[arg-type]
        now=timezone.now(),
        policy=organisation_policy(organisation=case.organisation),
        data={},
    )


@finding_source("av_records")
def av_record_findings(case: Case) -> list[AutoFinding]:
    """The law's rule av_record_missing (law.rules), one occurrence per activity without a record."""
    ctx = _law_context(case)
    verdict = law_rules.get("av_record_missing")(case, ctx)
    if not verdict.failed:
        return []
    gaps = ctx.facts.av_gaps(case, ctx.policy)
    return [AutoFinding("av_record_missing", verdict.message, len(gaps))]


@finding_source("deadlines")
def deadline_findings(case: Case) -> list[AutoFinding]:
    found = []
    if case.decided_at and case.decision_deadline and local_date(case.decided_at) > case.decision_deadline:
        found.append(
            AutoFinding(
                "decision_overdue",
                f"处罚决定于 {local_date(case.decided_at):%Y-%m-%d} 作出，超过办案期限 "
                f"{case.decision_deadline:%Y-%m-%d}",
            )
        )
    if case.service_late:
        served = f"于 {case.decision_served_on:%Y-%m-%d} " if case.decision_served_on else ""
        found.append(AutoFinding("service_late", f"处罚决定书{served}送达，超过法定送达期限"))
    if case.publication_late:
        published = f"于 {case.published_on:%Y-%m-%d} " if case.published_on else ""
        found.append(AutoFinding("publication_late", f"行政处罚决定{published}公示，超过公示期限"))
    return found


# Rules of law.rules that a closed file can still be judged by (the others concern a stage that passed).
RULES_JUDGED_ON_THE_FILE = (
    "penalty_heavier_than_notice",
    "officers_uncertified_when_acting",
    "criminal_suspicion",
)

# Measured directly (and more precisely) by the sources above: not repeated from the pre-check.
PRECHECK_COVERED_ELSEWHERE = frozenset({"av_records", "deadline"})


@finding_source("precheck")
def precheck_findings(case: Case) -> list[AutoFinding]:
    last_per_stage: dict[str, LegalCheck] = {}
    for check in LegalCheck.objects.filter(case=case).order_by("concluded_at", "pk"):
        last_per_stage[check.stage] = check
    found: dict[str, AutoFinding] = {}
    for check in last_per_stage.values():
        for finding in check.findings or []:
            if not isinstance(finding, dict) or finding.get("result") != FAIL:
                continue
            rule = str(finding.get("code", ""))
            if not rule or rule in PRECHECK_COVERED_ELSEWHERE or f"precheck.{rule}" in found:
                continue
            reason = f"（审核人处理理由：{check.override_reason}）" if check.override_reason else ""
            found[f"precheck.{rule}"] = AutoFinding(
                f"precheck.{rule}",
                f"{check.get_stage_display()}自动预审“{finding.get('title', rule)}”不通过："
                f"{finding.get('detail', '')}{reason}",
            )
    # The rules that still hold of a closed file, judged now: a failure no legal check recorded (a
    # decision heavier than the notice, officers without a certificate when they acted, a suspected
    # crime settled with a fine) is suggested under the pre-check point the standard names.
    ctx = _law_context(case)
    for rule_code in RULES_JUDGED_ON_THE_FILE:
        point = POINT_OF_RULE[rule_code]
        if f"precheck.{point}" in found:
            continue
        verdict = law_rules.get(rule_code)(case, ctx)
        if verdict.failed:
            rule = law_rules.get(rule_code)
            found[f"precheck.{point}"] = AutoFinding(
                f"precheck.{point}", f"{rule.title}（{rule.article}）：{verdict.message}"
            )
    return list(found.values())


@finding_source("checklist")
def checklist_findings(case: Case) -> list[AutoFinding]:
    policy = dataclasses.replace(organisation_policy(organisation=case.organisation), av_activities=())
    items = checklist.missing_items(case, policy)
    for label in missing_labels(missing_documents(case=case, policy=policy)):
        if label in items:
            items.remove(label)  # the documents source reports these, with their stage
    return [AutoFinding("checklist_missing", f"案卷缺少：{item}") for item in items]


@finding_source("documents")
def documents_findings(case: Case) -> list[AutoFinding]:
    return [AutoFinding(f"documents.{f.code}", f.detail) for f in casefile_findings(case)]
