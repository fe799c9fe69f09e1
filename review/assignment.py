"""Who may review which file (SPEC §8, §11 "no user acts on a case he handles as a reviewer"), and the
random, balanced assignment of reviewers to the sampled files.

A reviewer is never given a file in which he took part:

- handler (承办人员): one of the case's officers, or the user who recorded the case;
- legal_reviewer (法制审核人员): the reviewer of any of its legal checks;
- deciding_head (作出决定的负责人): the actor of its `decide` or `conclude` step;
- hearing_officer (听证主持人): who presided over its hearing.

And by the kind of campaign, where the reviewer's organisation R stands to the file's organisation F:

- self (自查): R is F or one of its superiors (the bureau reviews its own and its streets' files);
- cross (交叉评查): R is neither F nor in F's line (not a superior, not a subordinate): a bureau never
  reviews its own files, its streets' or its superior's — only another bureau's;
- spot_check (抽查): R is a superior of F.

Assignment: the files with the fewest eligible reviewers go first (ties in random order), each to
the eligible reviewer with the fewest files so far (ties at random), so the load is as even as the
conflicts allow. The randomness comes from the campaign's seed, so the assignment too can be redrawn.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from casefiles.models import Case, CaseEvent, Hearing, LegalCheck
from core.errors import Reason
from review.models import Campaign

CONFLICT_LABELS = {
    "handler": "本案承办人员",
    "legal_reviewer": "本案法制审核人员",
    "deciding_head": "本案作出处罚决定的负责人",
    "hearing_officer": "本案听证主持人",
}
DECIDING_STEPS = ("decide", "conclude")


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    organisation_path: str


@dataclass(frozen=True)
class FileToAssign:
    case_id: int
    label: str
    organisation_path: str


def conflicts_of(case_ids: Iterable[int]) -> dict[int, dict[int, set[str]]]:
    """case id → user id → why that user took part in the case. Four queries for all the cases."""
    ids = list(case_ids)
    found: dict[int, dict[int, set[str]]] = {pk: {} for pk in ids}

    def add(rows: Iterable[tuple[int, int | None]], reason: str) -> None:
        for case_id, user_id in rows:
            if user_id is not None:
                found[case_id].setdefault(user_id, set()).add(reason)

    add(Case.officers.through.objects.filter(case_id__in=ids).values_list("case_id", "user_id"), "handler")
    add(Case.objects.filter(pk__in=ids).values_list("pk", "created_by_id"), "handler")
    add(LegalCheck.objects.filter(case_id__in=ids).values_list("case_id", "reviewer_id"), "legal_reviewer")
    add(
        CaseEvent.objects.filter(case_id__in=ids, transition__in=DECIDING_STEPS).values_list(
            "case_id", "actor_id"
        ),
        "deciding_head",
    )
    add(
        Hearing.objects.filter(case_id__in=ids).values_list("case_id", "hearing_officer_id"),
        "hearing_officer",
    )
    return found


def organisation_reason(kind: str, reviewer_path: str, file_path: str) -> Reason | None:
    """Why a reviewer of that organisation may not review a file of this one in this kind of campaign."""
    same = reviewer_path == file_path
    superior = file_path.startswith(reviewer_path) and not same
    subordinate = reviewer_path.startswith(file_path) and not same
    if kind == Campaign.Kind.SELF and not (same or superior):
        return Reason("not_own_organisation", "自查只能由本机构或其上级机构的评查人员评查")
    if kind == Campaign.Kind.CROSS and (same or superior or subordinate):
        return Reason("own_organisation", "交叉评查不得评查本机构或其上下级机构的案卷")
    if kind == Campaign.Kind.SPOT_CHECK and not superior:
        return Reason("not_superior", "抽查只能由上级机构的评查人员评查")
    return None


def ineligibility(
    *, kind: str, candidate: Candidate, file: FileToAssign, conflicts: Mapping[int, set[str]]
) -> Reason | None:
    took_part = conflicts.get(candidate.user_id)
    if took_part:
        labels = "、".join(CONFLICT_LABELS[r] for r in sorted(took_part))
        return Reason("conflict_of_interest", f"{candidate.name}是{labels}，应当回避")
    return organisation_reason(kind, candidate.organisation_path, file.organisation_path)


class NoEligibleReviewer(Exception):
    def __init__(self, unassignable: list[tuple[FileToAssign, list[Reason]]]) -> None:
        super().__init__("no eligible reviewer")
        self.unassignable = unassignable


def assign(
    *,
    kind: str,
    files: list[FileToAssign],
    candidates: list[Candidate],
    conflicts: Mapping[int, Mapping[int, set[str]]],
    rng: random.Random,
    load: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """case id → reviewer user id, or NoEligibleReviewer naming every file nobody may review."""
    eligible: dict[int, list[Candidate]] = {}
    unassignable: list[tuple[FileToAssign, list[Reason]]] = []
    for file in files:
        reasons = []
        eligible[file.case_id] = []
        for candidate in candidates:
            reason = ineligibility(
                kind=kind, candidate=candidate, file=file, conflicts=conflicts.get(file.case_id, {})
            )
            if reason is None:
                eligible[file.case_id].append(candidate)
            else:
                reasons.append(reason)
        if not eligible[file.case_id]:
            unassignable.append((file, reasons or [Reason("no_reviewers", "评查活动尚未指定评查人员")]))
    if unassignable:
        raise NoEligibleReviewer(unassignable)

    order = list(files)
    rng.shuffle(order)
    order.sort(key=lambda f: len(eligible[f.case_id]))  # stable: the shuffle breaks ties
    counts = {c.user_id: 0 for c in candidates} | dict(load or {})
    chosen: dict[int, int] = {}
    for file in order:
        options = eligible[file.case_id]
        least = min(counts[c.user_id] for c in options)
        pick = rng.choice(sorted(c.user_id for c in options if counts[c.user_id] == least))
        chosen[file.case_id] = pick
        counts[pick] += 1
    return chosen
