#!/usr/bin/env python
"""Annual figures at scale (issue 9, SPEC §11 "all §9 figures for a 1M-case city in < 1 s").

Loads a city of N cases (default 1,000,000) over two years into a PostgreSQL database of its own —
the cases with their hash-chained history rows and every related row the §9 figures read
(inspections, legal checks, meetings and deliberations, hearings, transfers, reconsiderations,
litigations, blacklist entries, enforcement activities and their AV evidence, people and their
enforcement certificates) — then, side by side on the same rows:

  database   reports.selectors.annual_figures(city, 2025): every §9 figure by aggregate queries,
             timed on a new connection ("first run") and warm (median of --repeat runs), with
             EXPLAIN (ANALYZE, BUFFERS) of each query: the plan nodes, the indexes used, the buffers.
  naive      the same figures counted in Python over the same rows, loaded with the ORM
             (Model.objects.iterator()) — what "counting in Python what the database can count"
             costs. Above --naive-full-max cases it runs over a sample (the rows of the first
             fraction of cases, inspections and people by id) and the time is extrapolated
             linearly to all rows, and the output says so. On a full run its figures are
             compared with the database's, figure by figure: an independent check of the selectors.

Also times the whole annual report (figures, breakdown by district, months) for the city, for one
district and for one street — the basis of the inline/background rule of reports.services.

    python bench/annual_report.py                       # 1,000,000 cases (loading takes minutes)
    python bench/annual_report.py --cases 20000         # a smoke run, well under a minute
    python bench/annual_report.py --reuse               # time again without reloading

The data are synthetic and seeded (--seed): one city bureau, 12 district bureaus, 6–14 street
offices each; 2024 and 2025 with ~8% growth; origins, procedures, fines (log-normal around
15,000 yuan, a share of exactly 50,000), major cases (≥ 50,000 yuan), legal checks (both checks for
major cases, one for most others, some returns), deliberations, hearings, transfers, appeals and
blacklisting at the rates bureaus report; 2 inspections per case; ~11 history rows per case.
Rows are written with COPY (psycopg) with foreign-key triggers off for the load
(session_replication_role = replica: the rows are consistent by construction), then VACUUM ANALYZE,
as autovacuum would leave a production table. History hashes are random (the chain is not what is
measured here); case officers (M2M) and document rows are not loaded (no figure reads them).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BEIJING = ZoneInfo("Asia/Shanghai")
YEAR = 2025
FIRST_DAY = date(2024, 1, 1)
NOW = datetime(2026, 1, 15, 10, tzinfo=BEIJING)  # the data end here: 2025 is a full year
DISTRICTS = ("鼓楼", "台江", "仓山", "晋安", "马尾", "长乐", "闽侯", "连江", "罗源", "闽清", "永泰", "平潭")


# --- the database ------------------------------------------------------------------------------------------


def database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return args.database_url
    base = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    return base.rsplit("/", 1)[0] + "/" + args.database


def create_database(url: str, *, drop: bool) -> None:
    import psycopg

    admin, name = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- COPY ----------------------------------------------------------------------------------------------------


class Copier:
    """COPY rows into one model's table on its own connection. Columns not given get the model
    field's default (every NOT NULL column must be covered: Django sets no database defaults)."""

    def __init__(self, stack: ExitStack, url: str, model: Any, columns: list[str]) -> None:
        import psycopg

        self.conn = stack.enter_context(psycopg.connect(url))
        self.conn.execute("SET session_replication_role = replica")  # no FK triggers during the load
        extra_columns, extra_values = [], []
        for f in model._meta.concrete_fields:
            if f.column in columns or f.primary_key or f.null:
                continue
            if not f.has_default() and not f.empty_strings_allowed:
                raise SystemExit(f"{model.__name__}.{f.name} needs a value")
            value = f.get_default() if f.has_default() else ""
            if isinstance(value, dict | list):
                value = json.dumps(value)
            extra_columns.append(f.column)
            extra_values.append(value)
        self.extra = tuple(extra_values)
        names = ", ".join(f'"{c}"' for c in [*columns, *extra_columns])
        self.cursor = self.conn.cursor()
        self._copy_cm = self.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN')
        self.copy = self._copy_cm.__enter__()
        self.rows = 0

    def row(self, *values: Any) -> None:
        self.copy.write_row(values + self.extra)
        self.rows += 1

    def finish(self) -> None:
        self._copy_cm.__exit__(None, None, None)
        self.conn.commit()


# --- the synthetic city ---------------------------------------------------------------------------------------


def epoch(day: date, hour: float) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=BEIJING).timestamp() + hour * 3600


def moment(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def local_day(ts: float) -> date:
    return datetime.fromtimestamp(ts, BEIJING).date()


def hexes(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


class History:
    """A case's history rows as it moves on: each step later than the one before, never after NOW."""

    def __init__(self, start: float, end: float) -> None:
        self.t, self.end = start, end
        self.trail: list[tuple[str, str, str, float]] = []

    def step(self, name: str, source: str, target: str, hours: float) -> float:
        self.t = min(self.t + hours * 3600, self.end - 60)
        self.trail.append((name, source, target, self.t))
        return self.t


@dataclass
class Org:
    pk: int
    level: str
    prefix: str
    weight: float
    officers: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    legal: list[int] = field(default_factory=list)
    agency: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    district: int = 0


def build_tree(rng: random.Random) -> list[Org]:
    from accounts.models import Organisation
    from accounts.services import organisation_create

    city = organisation_create(
        code="FZ",
        name="福州市应急管理局",
        level=Organisation.Level.CITY,
        parent=None,
        case_number_prefix="榕应急罚",
    )
    orgs = [Org(city.pk, "city", "榕应急罚", 3.0)]
    for d, name in enumerate(DISTRICTS, 1):
        prefix = f"{name[0]}应急罚"
        district = organisation_create(
            code=f"FZ{d:02d}",
            name=f"{name}{'区' if d <= 6 else '县'}应急管理局",
            level=Organisation.Level.DISTRICT,
            parent=city,
            case_number_prefix=prefix,
        )
        size = rng.paretovariate(2.0)  # some districts are far busier than others
        orgs.append(Org(district.pk, "district", prefix, 2.5 * size, district=district.pk))
        for s in range(1, rng.randint(6, 14) + 1):
            street = organisation_create(
                code=f"FZ{d:02d}{s:02d}",
                name=f"{name}第{s}街道办事处",
                level=Organisation.Level.STREET,
                parent=district,
                case_number_prefix=f"{name[0]}{s}街应急罚",
            )
            orgs.append(
                Org(
                    street.pk,
                    "street",
                    f"{name[0]}{s}街应急罚",
                    0.6 * size * rng.uniform(0.3, 1.7),
                    district=district.pk,
                )
            )
    return orgs


def load(url: str, n_cases: int, seed: int) -> dict[str, Any]:
    """Every row of the synthetic city; returns what the timings need (the city, a district, a street)."""
    from accounts.models import Certificate, User, UserRole
    from accounts.roles import Role
    from casefiles.models import (
        BlacklistEntry,
        Case,
        CaseActivity,
        CaseEvent,
        Deliberation,
        Evidence,
        Hearing,
        Inspection,
        LegalCheck,
        Litigation,
        Meeting,
        Party,
        Reconsideration,
        Transfer,
        ViolationType,
    )

    rng = random.Random(seed)
    started = time.perf_counter()
    orgs = build_tree(rng)
    violation_types = ViolationType.objects.bulk_create(
        ViolationType(
            code=f"AQ-{i:03d}",
            name=f"安全生产违法行为{i}",
            legal_basis="《安全生产法》",
            penalty_basis="《安全生产法》",
        )
        for i in range(1, 31)
    )
    vt_ids = [v.pk for v in violation_types]

    with ExitStack() as stack:
        # People: officers, heads, legal reviewers, agency heads, committee members, report viewers.
        users = Copier(
            stack,
            url,
            User,
            [
                "id",
                "password",
                "username",
                "full_name",
                "organisation_id",
                "is_active",
                "is_superuser",
                "is_staff",
                "date_joined",
            ],
        )
        roles = Copier(stack, url, UserRole, ["user_id", "role"])
        certificates = Copier(
            stack, url, Certificate, ["user_id", "number", "valid_from", "valid_to", "issued_by"]
        )
        uid = 0
        joined = moment(epoch(FIRST_DAY, 9))
        for org in orgs:
            plan = {"city": (20, 5), "district": (20, 5), "street": (6, 0)}[org.level]
            people = [("officer", plan[0]), ("division_head", 2), ("legal_reviewer", 2), ("agency_head", 1)]
            people += [("committee_member", plan[1]), ("report_viewer", 1)]
            for role, count in people:
                for _ in range(count):
                    uid += 1
                    users.row(
                        uid,
                        "!",
                        f"u{uid}",
                        f"执法人员{uid}",
                        org.pk,
                        rng.random() > 0.02,
                        False,
                        False,
                        joined,
                    )
                    roles.row(uid, role)
                    {
                        "officer": org.officers,
                        "division_head": org.heads,
                        "legal_reviewer": org.legal,
                        "agency_head": org.agency,
                        "committee_member": org.members,
                    }.get(role, []).append(uid)
                    if role != Role.REPORT_VIEWER and rng.random() < 0.93:
                        ends = date(2025, 12, 31) + timedelta(days=rng.randint(-400, 1500))
                        certificates.row(uid, f"ZF{uid:08d}", date(2020, 1, 1), ends, "福州市人民政府")
        for copier in (users, roles, certificates):
            copier.finish()

        parties = Copier(stack, url, Party, ["id", "kind", "name", "credit_code", "created_at"])
        n_parties = max(100, n_cases // 3)
        for pk in range(1, n_parties + 1):
            parties.row(pk, "entity", f"某某企业{pk}有限公司", f"91350{pk:012d}X", joined)
        parties.finish()

        inspections = Copier(
            stack,
            url,
            Inspection,
            [
                "id",
                "organisation_id",
                "inspected_on",
                "party_id",
                "violations_found",
                "rectification_order",
                "documents_issued",
                "created_by_id",
                "created_at",
            ],
        )
        cases = Copier(
            stack,
            url,
            Case,
            [
                "id",
                "organisation_id",
                "procedure",
                "origin",
                "party_id",
                "violation_type_id",
                "title",
                "is_major",
                "state",
                "created_by_id",
                "created_at",
                "year",
                "seq",
                "number",
                "filed_at",
                "proposed_penalty",
                "decision_kind",
                "decided_penalty",
                "decided_fine",
                "decided_at",
                "decided_major",
                "decision_served_on",
                "published_on",
                "publication_late",
                "pre_notice_approved",
                "pre_decision_approved",
                "closed_at",
                "archived_at",
                "version",
                "history_head",
            ],
        )
        events = Copier(
            stack,
            url,
            CaseEvent,
            [
                "case_id",
                "seq",
                "transition",
                "from_state",
                "to_state",
                "actor_id",
                "actor_name",
                "at",
                "prev_hash",
                "hash",
            ],
        )
        checks = Copier(
            stack,
            url,
            LegalCheck,
            [
                "case_id",
                "stage",
                "level",
                "organisation_id",
                "reviewer_id",
                "outcome",
                "opinion",
                "concluded_at",
            ],
        )
        meetings = Copier(
            stack, url, Meeting, ["id", "organisation_id", "held_at", "chair_id", "minutes", "committee_size"]
        )
        deliberations = Copier(
            stack, url, Deliberation, ["meeting_id", "case_id", "conclusion", "concluded_at"]
        )
        hearings = Copier(
            stack,
            url,
            Hearing,
            ["case_id", "requested_on", "notified_on", "hearing_date", "place", "held_on"],
        )
        transfers = Copier(
            stack,
            url,
            Transfer,
            ["case_id", "authority_kind", "authority_name", "persons", "reason", "transferred_at"],
        )
        reconsiderations = Copier(
            stack,
            url,
            Reconsideration,
            ["case_id", "filed_on", "authority", "outcome", "decided_on", "recorded_by_id"],
        )
        litigations = Copier(
            stack,
            url,
            Litigation,
            ["case_id", "filed_on", "court", "outcome", "decided_on", "recorded_by_id"],
        )
        blacklist = Copier(
            stack, url, BlacklistEntry, ["party_id", "case_id", "listed_on", "reason", "recorded_by_id"]
        )
        activities = Copier(
            stack,
            url,
            CaseActivity,
            ["id", "case_id", "kind", "occurred_at", "recorded_by_id", "av_recorded"],
        )
        evidence = Copier(
            stack,
            url,
            Evidence,
            [
                "case_id",
                "activity_id",
                "kind",
                "status",
                "title",
                "officer_id",
                "captured_at",
                "size_bytes",
                "sha256",
                "backend",
                "category",
                "retention_until",
                "created_at",
                "verified_at",
            ],
        )

        weights = [o.weight for o in orgs]
        days_2024, days_2025 = 366, 365
        # 2025 has ~8% more cases than 2024 (the year-on-year the report states).
        p_2025 = 1.08 * days_2025 / (1.08 * days_2025 + days_2024)
        seqs: dict[tuple[int, int], int] = {}
        meeting_ids: dict[tuple[int, int, int], int] = {}
        end = NOW.timestamp()
        inspection_id = activity_id = 0
        for pk in range(1, n_cases + 1):
            org = rng.choices(orgs, weights)[0]
            officer = rng.choice(org.officers)
            in_2025 = rng.random() < p_2025
            day = (
                date(2025, 1, 1) + timedelta(days=rng.randrange(days_2025))
                if in_2025
                else FIRST_DAY + timedelta(days=rng.randrange(days_2024))
            )
            created = epoch(day, rng.uniform(8, 18))
            party = rng.randint(1, n_parties)
            for _ in range(
                2
            ):  # two inspections for every case (检查企业家次 / 立案 ≈ 2 in the reference reports)
                inspection_id += 1
                inspected = day - timedelta(days=rng.randint(0, 20))
                if inspected < FIRST_DAY:
                    inspected = FIRST_DAY
                found = 0 if rng.random() < 0.3 else 1 + int(rng.expovariate(1 / 4))
                inspections.row(
                    inspection_id,
                    org.pk,
                    inspected,
                    rng.randint(1, n_parties),
                    found,
                    found > 0 and rng.random() < 0.5,
                    found,
                    officer,
                    moment(epoch(inspected, 17)),
                )
            summary = rng.random() < 0.2
            origin = rng.choices(("inspection", "complaint", "referral", "accident"), (65, 17, 6, 12))[0]
            history = History(created, end)
            trail, step = history.trail, history.step

            filed_at = decided_at = closed_at = archived_at = None
            year = seq = None
            number = ""
            fine: int | None = None
            kind = ""
            major = False
            notice_ok = decision_ok = False  # approving legal checks on record (Case flags)
            published = None
            late = False
            served = None
            state = "draft"
            if summary:
                fine = rng.choice((50, 100, 200, 200, 500, 1000, 2000, 3000))
                decided_at = step("record_onsite_decision", "draft", "onsite_decided", 0.5)
                kind, state = "penalty", "onsite_decided"
                year = local_day(decided_at).year
                step("serve_decision", "onsite_decided", "served", 0.1)
                served, state = local_day(history.t), "served"
                if history.t + 86400 * 30 < end:
                    step("close", "served", "closed", 24 * 3)
                    closed_at, state = history.t, "closed"
                    step("archive", "closed", "archived", 24 * 10)
                    archived_at, state = history.t, "archived"
            else:
                step("submit_filing", "draft", "filing_review", rng.uniform(0.5, 6))
                state = "filing_review"
                if history.t + 86400 * 2 < end or rng.random() < 0.5:
                    if rng.random() < 0.02:
                        step("reject_filing", "filing_review", "not_filed", rng.uniform(2, 48))
                        state = "not_filed"
                    else:
                        filed_at = step(
                            "approve_filing", "filing_review", "investigating", rng.uniform(2, 72)
                        )
                        state, year = "investigating", local_day(filed_at).year
                        proposed = int(
                            min(1_000_000, max(1000, rng.lognormvariate(math.log(15000), 1.0))) // 100 * 100
                        )
                        if rng.random() < 0.05:
                            proposed = 50_000  # exactly the 5万元 line
                        major = proposed >= 50_000
                        step("update_details", "investigating", "investigating", rng.uniform(24, 24 * 20))
                        decide_after = rng.uniform(20, 110) * 86400
                        if filed_at + decide_after < end:
                            step("submit_review", "investigating", "initial_review", 24)
                            step("approve", "initial_review", "pre_notice_check" if major else "notice", 24)
                            if major:
                                if rng.random() < 0.12:
                                    checks.row(
                                        pk,
                                        "pre_notice",
                                        1,
                                        org.pk,
                                        rng.choice(org.legal),
                                        "returned",
                                        "请补正",
                                        moment(step("return", "pre_notice_check", "investigating", 48)),
                                    )
                                    step("submit_review", "investigating", "initial_review", 72)
                                    step("approve", "initial_review", "pre_notice_check", 24)
                                checks.row(
                                    pk,
                                    "pre_notice",
                                    1,
                                    org.pk,
                                    rng.choice(org.legal),
                                    "approved",
                                    "同意告知",
                                    moment(step("approve", "pre_notice_check", "notice", 48)),
                                )
                                notice_ok = True
                            step("serve_notice", "notice", "notice", 24)
                            step("record_statement", "notice", "notice", 72)
                            if major and rng.random() < 0.3:
                                step("request_hearing", "notice", "hearing", 24)
                                held = local_day(step("hold_hearing", "hearing", "hearing", 24 * 10))
                                hearings.row(
                                    pk,
                                    held - timedelta(days=10),
                                    held - timedelta(days=8),
                                    held,
                                    "听证室",
                                    held,
                                )
                            checked = major or rng.random() < 0.6
                            if checked:
                                step("conclude_notice", "notice", "pre_decision_check", 24)
                                if rng.random() < 0.08:
                                    checks.row(
                                        pk,
                                        "pre_decision",
                                        1,
                                        org.pk,
                                        rng.choice(org.legal),
                                        "returned",
                                        "裁量理由不充分",
                                        moment(step("return", "pre_decision_check", "investigating", 48)),
                                    )
                                    step("submit_review", "investigating", "initial_review", 48)
                                    step("approve", "initial_review", "pre_decision_check", 24)
                                after = "deliberation" if major else "pending_decision"
                                checks.row(
                                    pk,
                                    "pre_decision",
                                    1,
                                    org.pk,
                                    rng.choice(org.legal),
                                    "approved",
                                    "同意",
                                    moment(step("approve", "pre_decision_check", after, 48)),
                                )
                                decision_ok = True
                            else:
                                step("conclude_notice", "notice", "pending_decision", 24)
                            if major:
                                held_ts = step("conclude", "deliberation", "decided", 24 * 3)
                                held_day = local_day(held_ts)
                                key = (org.pk, held_day.year, held_day.month)
                                if key not in meeting_ids:
                                    meeting_ids[key] = len(meeting_ids) + 1
                                    members = org.members or org.agency
                                    meetings.row(
                                        meeting_ids[key],
                                        org.pk,
                                        moment(held_ts),
                                        org.agency[0],
                                        "案审委员会会议纪要",
                                        max(5, len(members)),
                                    )
                                deliberations.row(meeting_ids[key], pk, "同意", moment(held_ts))
                                decided_at = held_ts
                            else:
                                decided_at = step("decide", "pending_decision", "decided", 24 * 2)
                            roll = rng.random()
                            if (origin == "accident" and roll < 0.15) or roll < 0.03:
                                kind, state = "transfer", "transferred"
                                police = rng.random() < 0.7
                                transfers.row(
                                    pk,
                                    "police" if police else "other",
                                    "福州市公安局" if police else "福州市市场监督管理局",
                                    rng.randint(1, 3) if police else 0,
                                    "涉嫌犯罪，依法移送",
                                    moment(decided_at),
                                )
                            elif roll < 0.11:
                                kind, state = "no_penalty", "decided"
                            else:
                                kind, state, fine = "penalty", "decided", proposed
                        else:
                            state = rng.choice(
                                ("investigating", "initial_review", "notice", "pending_decision")
                            )
                if kind == "penalty":
                    step("serve_decision", "decided", "served", 24 * 2)
                    served, state = local_day(history.t), "served"
                    if rng.random() < 0.92:
                        delay = rng.choice((2, 3, 4, 5, 6, 7, 8, 12))
                        step("publish", "served", "published", 24 * delay)
                        published, late, state = local_day(history.t), delay > 9, "published"
                    if history.t + 86400 * 40 < end:
                        step("record_execution", state, "executing", 24 * 15)
                        step("close", "executing", "closed", 24 * 5)
                        closed_at, state = history.t, "closed"
                        if history.t + 86400 * 20 < end:
                            step("archive", "closed", "archived", 24 * 10)
                            archived_at, state = history.t, "archived"
            if year is not None:
                seqs[(org.pk, year)] = seq = seqs.get((org.pk, year), 0) + 1
                number = f"{org.prefix}〔{year}〕{seq}号"
            penalty = json.dumps({"fine": str(fine)}) if fine is not None else None
            cases.row(
                pk,
                org.pk,
                "summary" if summary else "general",
                origin,
                party,
                rng.choice(vt_ids),
                "未按规定开展安全生产教育培训",
                major,
                state,
                officer,
                moment(created),
                year,
                seq,
                number,
                moment(filed_at) if filed_at else None,
                "{}",
                kind,
                penalty,
                fine,
                moment(decided_at) if decided_at else None,
                major and kind == "penalty",
                served,
                published,
                late,
                notice_ok,
                decision_ok,
                moment(closed_at) if closed_at else None,
                moment(archived_at) if archived_at else None,
                len(trail),
                hexes(rng),
            )
            previous = "0" * 64
            for number_, (name, source, target, at) in enumerate(trail, 1):
                digest = hexes(rng)
                events.row(
                    pk, number_, name, source, target, officer, "执法人员", moment(at), previous, digest
                )
                previous = digest

            # Activities (on the AV list) and their recordings, for general cases once filed.
            if filed_at is not None:
                stop = decided_at or min(filed_at + 60 * 86400, end - 3600)
                for kind_, share in (
                    ("onsite_inspection", 0.8),
                    ("inquiry", 0.9),
                    ("investigation", 0.3),
                    ("seizure", 0.03),
                    ("leave_service", 0.02),
                    ("announcement_service", 0.01),
                ):
                    if rng.random() >= share:
                        continue
                    activity_id += 1
                    when = rng.uniform(filed_at, max(filed_at + 3600, stop))
                    roll = rng.random()
                    if roll < 0.9:
                        media = "video" if roll < 0.75 else "audio"
                        status = "verified" if rng.random() < 0.98 else "failed"
                        # As the upload that verifies a recording marks its activity.
                        activities.row(activity_id, pk, kind_, moment(when), officer, status == "verified")
                        evidence.row(
                            pk,
                            activity_id,
                            media,
                            status,
                            "执法记录仪视频",
                            officer,
                            moment(when),
                            80_000_000,
                            hexes(rng),
                            "s3",
                            "case_evidence",
                            date(2055, 1, 1),
                            moment(when + 7200),
                            moment(when + 7200) if status == "verified" else None,
                        )
                    else:
                        activities.row(activity_id, pk, kind_, moment(when), officer, False)
                    if 0.9 <= roll < 0.95:
                        evidence.row(
                            pk,
                            activity_id,
                            "photo",
                            "verified",
                            "现场照片",
                            officer,
                            moment(when),
                            3_000_000,
                            hexes(rng),
                            "s3",
                            "case_evidence",
                            date(2055, 1, 1),
                            moment(when + 3600),
                            moment(when + 3600),
                        )

            if kind == "penalty" and decided_at is not None:
                decided_day = local_day(decided_at)
                legal = rng.choice(org.legal)
                if rng.random() < 0.015:
                    filed_on = decided_day + timedelta(days=rng.randint(10, 60))
                    outcome = rng.choices(
                        ("upheld", "changed", "overturned", "confirmed_illegal", "withdrawn", "pending"),
                        (70, 8, 5, 2, 10, 5),
                    )[0]
                    reconsiderations.row(
                        pk,
                        filed_on,
                        "福州市人民政府",
                        outcome,
                        None if outcome == "pending" else filed_on + timedelta(days=60),
                        legal,
                    )
                if rng.random() < 0.005:
                    filed_on = decided_day + timedelta(days=rng.randint(15, 180))
                    outcome = rng.choices(("won", "lost", "withdrawn", "pending"), (75, 10, 5, 10))[0]
                    litigations.row(
                        pk,
                        filed_on,
                        "福州市中级人民法院",
                        outcome,
                        None if outcome == "pending" else filed_on + timedelta(days=120),
                        legal,
                    )
                if major and rng.random() < 0.08:
                    blacklist.row(
                        party,
                        pk,
                        decided_day + timedelta(days=rng.randint(5, 40)),
                        "严重违法失信",
                        rng.choice(org.agency),
                    )
            if pk % 100_000 == 0:
                print(f"  … {pk:,} cases generated ({time.perf_counter() - started:.0f} s)", flush=True)

        # Commit order: the rows a later table points at first (no FK triggers during the load, but
        # the data must be whole before anyone reads it).
        for copier in (
            inspections,
            cases,
            events,
            activities,
            evidence,
            checks,
            meetings,
            deliberations,
            hearings,
            transfers,
            reconsiderations,
            litigations,
            blacklist,
        ):
            copier.finish()
        counts = {
            "cases": cases.rows,
            "history rows": events.rows,
            "inspections": inspection_id,
            "activities": activities.rows,
            "evidence": evidence.rows,
            "legal checks": checks.rows,
            "deliberations": deliberations.rows,
            "hearings": hearings.rows,
            "transfers": transfers.rows,
            "reconsiderations": reconsiderations.rows,
            "litigations": litigations.rows,
            "blacklist entries": blacklist.rows,
            "people": uid,
            "parties": n_parties,
        }

    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for model in (
            User,
            UserRole,
            Certificate,
            Party,
            Inspection,
            Case,
            CaseEvent,
            LegalCheck,
            Meeting,
            Deliberation,
            Hearing,
            Transfer,
            Reconsideration,
            Litigation,
            BlacklistEntry,
            CaseActivity,
            Evidence,
        ):
            table = model._meta.db_table
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT max(id) FROM \"{table}\"), 1))"
            )
        print(f"  loaded in {time.perf_counter() - started:.0f} s; VACUUM ANALYZE …", flush=True)
        vacuum = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (cases int, seed int, counts jsonb)")
        conn.execute("DELETE FROM bench_meta")
        conn.execute("INSERT INTO bench_meta VALUES (%s, %s, %s)", [n_cases, seed, json.dumps(counts)])
        print(f"  VACUUM ANALYZE {time.perf_counter() - vacuum:.0f} s", flush=True)
    return counts


def loaded(url: str) -> dict[str, Any] | None:
    import psycopg

    with psycopg.connect(url) as conn:
        if not conn.execute("SELECT to_regclass('bench_meta')").fetchone()[0]:
            return None
        row = conn.execute("SELECT cases, seed, counts FROM bench_meta").fetchone()
        return None if row is None else {"cases": row[0], "seed": row[1], "counts": row[2]}


# --- the naive count ----------------------------------------------------------------------------------------------


def naive_figures(city: Any, fraction: float) -> dict[str, Any]:
    """The §9 figures counted in Python, row by row, over model instances loaded with the ORM.

    With fraction < 1, only the rows of the first `fraction` of cases (and inspections and people)
    by id are read: the time is for that share of the rows, the counts are partial."""
    from accounts.models import Certificate, Organisation, User
    from accounts.policy import DEFAULT_POLICY
    from casefiles.models import (
        BlacklistEntry,
        Case,
        CaseActivity,
        Deliberation,
        Evidence,
        Hearing,
        Inspection,
        LegalCheck,
        Litigation,
        Reconsideration,
        Transfer,
    )
    from reports.selectors import FINE_GE_THRESHOLD, REPORT_TZ, percent, yuan_to_wan

    def local_year(moment_: datetime | None) -> int | None:
        return None if moment_ is None else moment_.astimezone(REPORT_TZ).year

    def upto(model: Any) -> int:
        top = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return int(top * fraction)

    subtree = {o.pk for o in Organisation.objects.all() if o.path.startswith(city.path)}
    last_case, last_inspection, last_user = upto(Case), upto(Inspection), upto(User)
    f: dict[str, Any] = dict.fromkeys(("inspections", "violations_found", "rectification_orders"), 0)
    for inspection in Inspection.objects.filter(pk__lte=last_inspection).iterator(chunk_size=5000):
        if inspection.organisation_id in subtree and inspection.inspected_on.year == YEAR:
            f["inspections"] += 1
            f["violations_found"] += inspection.violations_found
            f["rectification_orders"] += inspection.rectification_order

    case_org: dict[int, int] = {}
    major_decided: set[int] = set()
    counts = dict.fromkeys(
        (
            "cases_filed",
            "prior_filed",
            "preventive_cases",
            "summary_decisions",
            "penalty_decisions",
            "fined",
            "fines_ge_50k",
            "major_decisions",
            "published",
            "on_time",
        ),
        0,
    )
    fines = prior_fines = Decimal(0)
    for case in Case.objects.filter(pk__lte=last_case).iterator(chunk_size=5000):
        if case.organisation_id not in subtree:
            continue
        case_org[case.pk] = case.organisation_id
        filed, decided = local_year(case.filed_at), local_year(case.decided_at)
        if case.procedure == "general" and filed == YEAR:
            counts["cases_filed"] += 1
            counts["preventive_cases"] += case.origin != "accident"
        if case.procedure == "general" and filed == YEAR - 1:
            counts["prior_filed"] += 1
        if decided == YEAR - 1 and case.decision_kind == "penalty":
            prior_fines += case.decided_fine or 0
        if decided != YEAR:
            continue
        major = case.is_major or case.decided_major
        if major:
            major_decided.add(case.pk)
        if case.published_on is not None:
            counts["published"] += 1
            counts["on_time"] += not case.publication_late
        if case.decision_kind == "penalty":
            counts["penalty_decisions"] += 1
            counts["summary_decisions"] += case.procedure == "summary"
            fine = case.decided_fine or Decimal(0)
            fines += fine
            counts["fined"] += fine > 0
            counts["fines_ge_50k"] += fine >= FINE_GE_THRESHOLD
            counts["major_decisions"] += major
    f.update(
        {
            k: counts[k]
            for k in (
                "cases_filed",
                "preventive_cases",
                "summary_decisions",
                "penalty_decisions",
                "fines_ge_50k",
                "major_decisions",
                "published",
            )
        }
    )
    f["fines_total_wan"] = yuan_to_wan(fines)
    f["avg_fine_wan"] = yuan_to_wan(fines / counts["fined"]) if counts["fined"] else None
    f["published_on_time_pct"] = percent(counts["on_time"], counts["published"])
    f["prior"] = (counts["prior_filed"], yuan_to_wan(prior_fines))

    checked_cases: set[int] = set()
    returns = 0
    approved: dict[int, set[str]] = {}
    for check in LegalCheck.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000):
        if check.case_id not in case_org:
            continue
        if check.outcome == "approved":
            approved.setdefault(check.case_id, set()).add(check.stage)
        if local_year(check.concluded_at) == YEAR:
            checked_cases.add(check.case_id)
            returns += check.outcome == "returned"
    f["legal_check_cases"], f["legal_check_returns"] = len(checked_cases), returns
    f["major_double_checked"] = sum(
        1 for pk in major_decided if approved.get(pk, set()) >= {"pre_notice", "pre_decision"}
    )
    f["deliberations"] = sum(
        1
        for d in Deliberation.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000)
        if d.case_id in case_org and local_year(d.concluded_at) == YEAR
    )
    f["hearings"] = sum(
        1
        for h in Hearing.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000)
        if h.case_id in case_org and h.held_on and h.held_on.year == YEAR
    )
    police = [
        t
        for t in Transfer.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000)
        if t.case_id in case_org and t.authority_kind == "police" and local_year(t.transferred_at) == YEAR
    ]
    f["transfers_to_police"], f["persons_transferred"] = len(police), sum(t.persons for t in police)
    f["blacklisted"] = len(
        {
            b.party_id
            for b in BlacklistEntry.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000)
            if b.case_id in case_org and b.listed_on.year == YEAR
        }
    )
    appeals = [
        r
        for r in Reconsideration.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000)
        if r.case_id in case_org and r.filed_on.year == YEAR
    ]
    f["reconsiderations"] = len(appeals)
    f["reconsiderations_overturned"] = sum(r.outcome in Reconsideration.AGAINST_BUREAU for r in appeals)
    suits = [
        s
        for s in Litigation.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000)
        if s.case_id in case_org and s.filed_on.year == YEAR
    ]
    f["litigations"], f["litigations_lost"] = len(suits), sum(s.outcome == "lost" for s in suits)

    recorded = {
        e.activity_id
        for e in Evidence.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000)
        if e.activity_id and e.status in Evidence.RECORDED_STATUSES and e.kind in Evidence.AV_KINDS
    }
    listed = set(DEFAULT_POLICY.av_activities)  # the bench sets no organisation's own AV list
    required = covered = 0
    for activity in CaseActivity.objects.filter(case_id__lte=last_case).iterator(chunk_size=5000):
        if (
            activity.case_id in case_org
            and activity.kind in listed
            and local_year(activity.occurred_at) == YEAR
        ):
            required += 1
            covered += activity.pk in recorded
    f["av_required"], f["av_covered_pct"] = required, percent(covered, required)

    valid: set[int] = set()
    last_day = date(YEAR, 12, 31)
    for certificate in Certificate.objects.filter(user_id__lte=last_user).iterator(chunk_size=5000):
        if certificate.valid_from <= last_day <= certificate.valid_to:
            valid.add(certificate.user_id)
    f["certified_officers"] = sum(
        1
        for u in User.objects.filter(pk__lte=last_user).iterator(chunk_size=5000)
        if u.is_active and u.organisation_id in subtree and u.pk in valid
    )
    return f


def compare(db: dict[str, Any], naive: dict[str, Any]) -> list[str]:
    from reports.selectors import change_percent

    prior_filed, prior_fines = naive.pop("prior")
    naive["cases_filed_yoy_pct"] = change_percent(naive["cases_filed"], prior_filed)
    naive["fines_yoy_pct"] = change_percent(naive["fines_total_wan"], prior_fines)
    return [f"{k}: database {db[k]!r}, naive {v!r}" for k, v in naive.items() if db.get(k) != v]


# --- timing -----------------------------------------------------------------------------------------------------


@contextmanager
def fresh_connection() -> Iterator[None]:
    from django.db import connection

    connection.close()
    yield


def calibrate() -> float:
    """A fixed piece of PostgreSQL work (about 0.4–0.5 s on an idle core of a current server), to
    read the timings against how busy the machine was during the run; median of 3, in ms."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0; SET jit = off")
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM generate_series(1, 5000000)")
            cursor.fetchone()
            times.append(time.perf_counter() - started)
        cursor.execute("RESET max_parallel_workers_per_gather; RESET jit")
    return statistics.median(times) * 1000


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


def query_labels() -> list[str]:
    """What each query of annual_figures computes, in the order it runs them."""
    from reports.selectors import FIGURE_GROUPS

    groups = [g.__name__.strip("_") for g in FIGURE_GROUPS]
    return ["the subtree", *groups, "prior-year baseline"]


def explain(queries: list[str]) -> list[dict[str, Any]]:
    """EXPLAIN (ANALYZE, BUFFERS) of each query: time, the scans (index names), buffers."""
    from django.db import connection

    summaries = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
            nodes: list[str] = []

            def walk(node: dict[str, Any], nodes: list[str]) -> None:
                kind = node["Node Type"]
                if "Scan" in kind:
                    target = node.get("Index Name") or node.get("Relation Name") or ""
                    loops = node.get("Actual Loops", 1)
                    nodes.append(
                        f"{kind} {target} ({node.get('Actual Rows', 0):,} rows{f' × {loops:,}' if loops > 1 else ''})"
                    )
                for child in node.get("Plans", []):
                    walk(child, nodes)

            walk(plan["Plan"], nodes)
            top = plan["Plan"]
            summaries.append(
                {
                    "ms": plan["Execution Time"],
                    "scans": nodes,
                    "hit": top.get("Shared Hit Blocks", 0),
                    "read": top.get("Shared Read Blocks", 0),
                }
            )
    return summaries


def bench(args: argparse.Namespace, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Organisation
    from reports.selectors import annual_figures, annual_report

    city = Organisation.objects.get(code="FZ")
    district = Organisation.objects.filter(level="district").order_by("code").first()
    street = Organisation.objects.filter(level="street", parent=district).order_by("code").first()
    meta = loaded(url)
    print(f"\nData: {json.dumps(meta['counts'], ensure_ascii=False)}" if meta else "")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    print(f"PostgreSQL {version}, shared_buffers {buffers}, {os.cpu_count()} CPUs")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the start: {load} (other work on this machine slows every timing below)")
    print(f"machine speed check, count(*) of generate_series(1, 5000000) on one core: {calibrate():.0f} ms")

    print(f"\n== All §9 figures of {city.name} (whole city), {YEAR}: reports.selectors.annual_figures ==")
    with fresh_connection():
        first, figures = timed(lambda: annual_figures(organisation=city, year=YEAR))
    warm = [timed(lambda: annual_figures(organisation=city, year=YEAR))[0] for _ in range(args.repeat)]
    print(f"first run on a new connection: {first * 1000:8.0f} ms")
    print(
        f"warm, median of {args.repeat}:        {statistics.median(warm) * 1000:8.0f} ms   (min {min(warm) * 1000:.0f}, max {max(warm) * 1000:.0f})"
    )
    with CaptureQueriesContext(connection) as captured:
        annual_figures(organisation=city, year=YEAR)
    print(f"queries: {len(captured.captured_queries)} (with the transaction's BEGIN and COMMIT)")
    print(
        f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}; speed check again: {calibrate():.0f} ms"
    )
    shown = {
        k: str(figures[k])
        for k in (
            "inspections",
            "cases_filed",
            "cases_filed_yoy_pct",
            "penalty_decisions",
            "fines_total_wan",
            "fines_yoy_pct",
            "legal_check_cases",
            "major_double_checked",
            "av_covered_pct",
            "certified_officers",
        )
    }
    print(f"figures: {json.dumps(shown, ensure_ascii=False)}")

    print("\n== EXPLAIN (ANALYZE, BUFFERS) of each query ==")
    labels = query_labels()
    # The figure queries themselves, explained in the session settings they run with (JIT off, the
    # report's work_mem): not the transaction statements nor the settings' own SELECT.
    figure_sql = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and "set_config(" not in q["sql"]
    ]
    from reports.selectors import statistics_session

    with statistics_session():
        summaries = explain(figure_sql)
    for n, summary in enumerate(summaries, 1):
        label = labels[n - 1] if len(labels) == len(summaries) else "?"
        print(
            f"Q{n:<2} {summary['ms']:7.1f} ms  {label:<20} buffers hit {summary['hit']:>8,} read {summary['read']:>8,}"
        )
        for scan in summary["scans"]:
            print(f"        {scan}")

    print("\n== The whole annual report (figures + breakdown by sub-organisation + months), median of 3 ==")
    for org in (city, district, street):
        from reports.selectors import annual_case_count

        size = annual_case_count(organisation=org, year=YEAR)
        times = [timed(lambda org=org: annual_report(organisation=org, year=YEAR))[0] for _ in range(3)]
        print(
            f"{org.name:<16} {size:>9,} cases filed or decided in {YEAR}: {statistics.median(times) * 1000:8.0f} ms"
        )
    if args.docx:
        from reports.word import annual_report_docx

        for org in (district, street):
            seconds, content = timed(lambda org=org: annual_report_docx(organisation=org, year=YEAR))
            print(f"Word report of {org.name}: {seconds * 1000:.0f} ms ({len(content) // 1024} KiB)")

    if not args.naive:
        return
    cases = meta["cases"] if meta else 0
    fraction = 1.0 if cases <= args.naive_full_max else min(1.0, args.naive_full_max / cases)
    label = (
        "all rows" if fraction == 1 else f"a {fraction:.1%} sample of the rows (by id), extrapolated linearly"
    )
    print(f"\n== Naive: the same figures counted in Python over ORM instances — {label} ==")
    with fresh_connection():
        seconds, naive = timed(lambda: naive_figures(city, fraction))
    estimate = seconds / fraction
    print(
        f"naive Python count: {seconds:8.1f} s"
        + ("" if fraction == 1 else f" for the sample → ≈ {estimate:.0f} s for all rows (extrapolated)")
    )
    print(
        f"database aggregates (warm median): {statistics.median(warm):.3f} s → {estimate / statistics.median(warm):,.0f}× faster"
    )
    if fraction == 1:
        problems = compare(figures, naive)
        print(
            "naive figures = database figures: "
            + ("yes, every one" if not problems else "NO:\n  " + "\n  ".join(problems))
        )
        if problems:
            raise SystemExit(1)


def city_ready(url: str, *, cases: int, seed: int, reuse: bool) -> bool:
    """Set up Django on the database at `url` with the city of `cases` cases loaded: kept when
    `reuse` and it holds the same cases and seed (migrated: new indexes are built), else created
    anew and loaded. Returns whether it was loaded now. Shared with bench/api_load.py."""
    create_database(url, drop=False)
    meta = loaded(url)
    fresh = not (reuse and meta and meta["cases"] == cases and meta["seed"] == seed)
    if fresh:
        create_database(url, drop=True)
    setup_django(url)
    from django.core.management import call_command

    name = url.rsplit("/", 1)[1]
    if fresh:
        print(f"Loading {cases:,} cases into {name} (seed {seed}) …", flush=True)
        call_command("migrate", verbosity=0)
        load(url, cases, seed)
    else:
        print(f"Reusing the {cases:,} cases already in {name} (migrating: new indexes are built)", flush=True)
        call_command("migrate", verbosity=0)
    return fresh


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to load (default 1,000,000)")
    parser.add_argument(
        "--database",
        default="zhifa_bench",
        help="database name (created; dropped and re-created unless --reuse)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="full URL instead of --database (BENCH_DATABASE_URL names the server)",
    )
    parser.add_argument("--seed", type=int, default=20251231)
    parser.add_argument("--repeat", type=int, default=5, help="warm repetitions (median)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the loaded data if it has the same --cases and --seed"
    )
    parser.add_argument(
        "--naive-full-max",
        type=int,
        default=100_000,
        help="above this many cases the naive count runs on a sample",
    )
    parser.add_argument("--no-docx", dest="docx", action="store_false", help="skip timing the Word report")
    parser.add_argument("--no-naive", dest="naive", action="store_false", help="skip the naive Python count")
    args = parser.parse_args()
    url = database_url(args)
    city_ready(url, cases=args.cases, seed=args.seed, reuse=args.reuse)
    bench(args, url)


if __name__ == "__main__":
    main()
