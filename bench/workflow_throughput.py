"""Workflow throughput, side by side in one run (issue 11, SPEC §11 "Speed").

Carries cases through the general procedure (filing → … → closure, 13 state changes and records)
three ways on the same PostgreSQL server:

  ours      workflow.services.case_transition: row lock, role / scope / separation checks, the step's
            form, every guard, the recorded data, django-fsm, update_fields, hash-chained history.
  viewflow  the same states as a plain django-viewflow 2.x `fsm.State` flow (the cookbook pattern:
            atomic, lock the row, fire, save, write a log row) — far less work per step.
  raw SQL   the floor: the same lock, update and history insert (with the same SHA-256 chain)
            through psycopg, no ORM.

Prints transitions per second for each and our ratio to each, and the SQL statements each sends per
transition (creating the case included; BEGIN and COMMIT not counted). SPEC §11 aims at ≥ 0.6× the raw floor
("a plain viewflow.fsm flow doing less work reaches 0.44× on these machines").

    pip install -e ".[bench]"        # django-viewflow, for this benchmark only
    python bench/workflow_throughput.py --cases 200
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATES = [
    "draft",
    "filing_review",
    "investigating",
    "initial_review",
    "notice",
    "pending_decision",
    "decided",
    "served",
    "published",
    "executing",
    "closed",
]
# (transition, source, target) of the non-major general procedure, as the viewflow and raw runs model it.
PATH = [
    ("submit_filing", "draft", "filing_review"),
    ("approve_filing", "filing_review", "investigating"),
    ("update_details", "investigating", "investigating"),
    ("submit_review", "investigating", "initial_review"),
    ("approve", "initial_review", "notice"),
    ("serve_notice", "notice", "notice"),
    ("record_statement", "notice", "notice"),
    ("conclude_notice", "notice", "pending_decision"),
    ("decide", "pending_decision", "decided"),
    ("serve_decision", "decided", "served"),
    ("publish", "served", "published"),
    ("start_execution", "published", "executing"),
    ("close", "executing", "closed"),
]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    # As production runs: DEBUG on would make Django record every query of every lane.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def chain(prev: str, content: dict) -> str:
    return hashlib.sha256(
        (prev + json.dumps(content, sort_keys=True, ensure_ascii=False)).encode()
    ).hexdigest()


class StatementCount:
    """Counts the statements Django sends (a database execute wrapper; BEGIN/COMMIT do not pass it)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.n += 1
        return execute(sql, params, many, context)


# --- ours ------------------------------------------------------------------------------------------------


_WORLD = None


def run_ours(cases: int) -> tuple[int, float, int]:
    """Through the product's services, with the organisations and people of the test world (built once)."""
    from decimal import Decimal

    from django.db import connection

    from tests.factories import World, at

    global _WORLD
    w = _WORLD = _WORLD or World()
    fired = 0
    count = StatementCount()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        for _ in range(cases):
            case = w.case(now=at(2026, 3, 2))
            w.fire(case, "submit_filing", w.officer1, at(2026, 3, 2))
            w.fire(case, "approve_filing", w.head, at(2026, 3, 3))
            w.propose(case, at(2026, 3, 4), fine=Decimal("8000"))
            w.fire(case, "submit_review", w.officer1, at(2026, 3, 5))
            w.fire(case, "approve", w.head, at(2026, 3, 6))
            w.fire(case, "serve_notice", w.officer1, at(2026, 3, 9), served_on="2026-03-09", method="direct")
            w.fire(
                case, "record_statement", w.officer1, at(2026, 3, 9), statement_on="2026-03-09", waived=True
            )
            w.fire(case, "conclude_notice", w.officer1, at(2026, 3, 10))
            w.fire(case, "decide", w.agency_head, at(2026, 3, 11), decision_kind="penalty", fine="8000")
            w.fire(
                case, "serve_decision", w.officer1, at(2026, 3, 12), served_on="2026-03-12", method="direct"
            )
            w.fire(
                case, "publish", w.officer1, at(2026, 3, 13), published_on="2026-03-13", channel="门户网站"
            )
            w.fire(case, "start_execution", w.officer1, at(2026, 3, 13))
            w.fire(
                case,
                "close",
                w.officer1,
                at(2026, 3, 20),
                outcome="paid",
                paid_on="2026-03-20",
                paid_amount="8000",
            )
            fired += len(PATH)
        seconds = time.perf_counter() - started
    return fired, seconds, count.n


# --- viewflow --------------------------------------------------------------------------------------------


def run_viewflow(cases: int) -> tuple[int, float, int]:
    from django.db import connection, models, transaction
    from django.utils import timezone
    from viewflow import fsm

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_vf_case (id bigserial PRIMARY KEY, state varchar(30) NOT NULL, "
            "version integer NOT NULL DEFAULT 0, head varchar(64) NOT NULL DEFAULT '')"
        )
        cursor.execute(
            "CREATE TABLE bench_vf_event (id bigserial PRIMARY KEY, case_id bigint NOT NULL "
            "REFERENCES bench_vf_case(id), seq integer NOT NULL, transition varchar(40) NOT NULL, "
            "from_state varchar(30) NOT NULL, to_state varchar(30) NOT NULL, at timestamptz NOT NULL, "
            "data jsonb NOT NULL, prev_hash varchar(64) NOT NULL, hash varchar(64) NOT NULL, UNIQUE (case_id, seq))"
        )

    class VfCase(models.Model):
        state = models.CharField(max_length=30)
        version = models.IntegerField(default=0)
        head = models.CharField(max_length=64, default="")

        class Meta:
            app_label = "core"
            managed = False
            db_table = "bench_vf_case"

        def __str__(self) -> str:
            return f"case {self.pk}"

    class VfEvent(models.Model):
        case = models.ForeignKey(VfCase, on_delete=models.PROTECT)
        seq = models.IntegerField()
        transition = models.CharField(max_length=40)
        from_state = models.CharField(max_length=30)
        to_state = models.CharField(max_length=30)
        at = models.DateTimeField()
        data = models.JSONField()
        prev_hash = models.CharField(max_length=64)
        hash = models.CharField(max_length=64)

        class Meta:
            app_label = "core"
            managed = False
            db_table = "bench_vf_event"

        def __str__(self) -> str:
            return f"{self.case_id}#{self.seq}"

    class CaseFlow:
        state = fsm.State(STATES, default="draft")

        def __init__(self, case: VfCase) -> None:
            self.case = case

        @state.getter()
        def _get(self) -> str:
            return self.case.state

        @state.setter()
        def _set(self, value: str) -> None:
            self.case.state = value

        @state.on_success()
        def _saved(self, descriptor, source, target, **kwargs) -> None:  # type: ignore[no-untyped-def]
            case = self.case
            content = {"transition": descriptor.label, "from": str(source), "to": str(target)}
            digest = chain(case.head, content)
            case.version += 1
            VfEvent.objects.create(
                case=case,
                seq=case.version,
                transition=content["transition"],
                from_state=content["from"],
                to_state=content["to"],
                at=timezone.now(),
                data=content,
                prev_hash=case.head,
                hash=digest,
            )
            case.head = digest
            case.save(update_fields=["state", "version", "head"])

    def add(code: str, source: str, target: str) -> None:
        def method(self) -> None:  # type: ignore[no-untyped-def]
            return None

        method.__name__ = code
        if source == target:
            setattr(CaseFlow, f"{code}_{source}", CaseFlow.state.transition(source=source)(method))
        else:
            setattr(
                CaseFlow, f"{code}_{source}", CaseFlow.state.transition(source=source, target=target)(method)
            )

    for code, source, target in PATH:
        add(code, source, target)

    fired = 0
    count = StatementCount()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        for _ in range(cases):
            pk = VfCase.objects.create(state="draft").pk
            for code, source, _target in PATH:
                with transaction.atomic():
                    flow = CaseFlow(VfCase.objects.select_for_update().get(pk=pk))
                    getattr(flow, f"{code}_{source}")()
                fired += 1
        seconds = time.perf_counter() - started
    return fired, seconds, count.n


# --- raw SQL floor ---------------------------------------------------------------------------------------


def run_raw(cases: int, database_url: str) -> tuple[int, float, int]:
    import psycopg
    from psycopg.types.json import Jsonb

    fired = 0
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "CREATE TABLE bench_raw_case (id bigserial PRIMARY KEY, state varchar(30) NOT NULL, "
            "version integer NOT NULL DEFAULT 0, head varchar(64) NOT NULL DEFAULT '')"
        )
        conn.execute(
            "CREATE TABLE bench_raw_event (id bigserial PRIMARY KEY, case_id bigint NOT NULL "
            "REFERENCES bench_raw_case(id), seq integer NOT NULL, transition varchar(40) NOT NULL, "
            "from_state varchar(30) NOT NULL, to_state varchar(30) NOT NULL, at timestamptz NOT NULL, "
            "data jsonb NOT NULL, prev_hash varchar(64) NOT NULL, hash varchar(64) NOT NULL, UNIQUE (case_id, seq))"
        )
        conn.commit()
        started = time.perf_counter()
        for _ in range(cases):
            pk = conn.execute("INSERT INTO bench_raw_case (state) VALUES ('draft') RETURNING id").fetchone()[
                0
            ]
            conn.commit()
            for code, source, target in PATH:
                with conn.transaction():
                    state, version, head = conn.execute(
                        "SELECT state, version, head FROM bench_raw_case WHERE id = %s FOR UPDATE", (pk,)
                    ).fetchone()
                    assert state == source
                    content = {"transition": code, "from": source, "to": target}
                    digest = chain(head, content)
                    conn.execute(
                        "INSERT INTO bench_raw_event (case_id, seq, transition, from_state, to_state, at, data, "
                        "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                        (
                            pk,
                            version + 1,
                            code,
                            source,
                            target,
                            datetime.now().astimezone(),
                            Jsonb(content),
                            head,
                            digest,
                        ),
                    )
                    conn.execute(
                        "UPDATE bench_raw_case SET state = %s, version = %s, head = %s WHERE id = %s",
                        (target, version + 1, digest, pk),
                    )
                fired += 1
        elapsed = time.perf_counter() - started
    # Statements sent: the case insert, then per transition the lock, the history insert, the update.
    return fired, elapsed, cases + 3 * fired


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="cases per contender (default 200)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds, alternating the contenders (median kept)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zhifa_bench_flow"),
        help="a PostgreSQL database this benchmark may drop and re-create",
    )
    args = parser.parse_args()
    import importlib.util

    if importlib.util.find_spec("viewflow") is None:
        sys.exit('django-viewflow is not installed: pip install -e ".[bench]"')
    setup_django(args.database_url)
    import viewflow as vf

    results: dict[str, list[float]] = {"ours": [], "viewflow": [], "raw": []}
    per_transition: dict[str, float] = {}
    for round_no in range(args.rounds):
        for name in results:
            if name == "ours":
                fired, seconds, statements = run_ours(args.cases)
            elif name == "viewflow":
                fired, seconds, statements = run_viewflow(args.cases)
            else:
                fired, seconds, statements = run_raw(args.cases, args.database_url)
            results[name].append(fired / seconds)
            per_transition[name] = statements / fired
        from django.db import connection

        with connection.cursor() as cursor:  # the next round builds its tables afresh
            cursor.execute("DROP TABLE bench_vf_event, bench_vf_case, bench_raw_event, bench_raw_case")
        print(
            f"round {round_no + 1}: " + ", ".join(f"{k} {v[-1]:.0f}/s" for k, v in results.items()),
            flush=True,
        )

    median = {name: statistics.median(values) for name, values in results.items()}
    print()
    print(
        f"Workflow throughput, {args.cases} cases × {len(PATH)} steps per contender, median of {args.rounds} rounds"
    )
    print(
        f"PostgreSQL at {args.database_url.rsplit('@', 1)[-1]}; django-viewflow {vf.__version__ if hasattr(vf, '__version__') else '2.x'}"
    )
    for name, label in (
        ("ours", "ours (services)"),
        ("viewflow", "viewflow.fsm flow"),
        ("raw", "raw SQL floor"),
    ):
        print(
            f"  {label:<20} {median[name]:8.0f} transitions/s   {median[name] / len(PATH):6.1f} cases/s"
            f"   {per_transition[name]:5.1f} statements/transition"
        )
    print(f"  ours / raw SQL       {median['ours'] / median['raw']:.2f}×")
    print(f"  ours / viewflow      {median['ours'] / median['viewflow']:.2f}×")
    print(f"  viewflow / raw SQL   {median['viewflow'] / median['raw']:.2f}×")


if __name__ == "__main__":
    main()
