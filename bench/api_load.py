#!/usr/bin/env python
"""The API under load (issue 11, SPEC §11 "API p99 < 100 ms at 50 concurrent clients with 1M cases").

Serves the product with gunicorn and the production settings (config.settings.production, the
deploy/gunicorn.conf.py of the containers, persistent database connections as deploy/env.example
sets them) on a free loopback port, against the database of bench/annual_report.py — the same
synthetic city of N cases (default 1,000,000) with their history, inspections, legal checks,
activities and AV evidence — and drives it with wrk, 50 connections, first a warm-up and then a
fixed duration per endpoint:

  tasks    GET /api/v1/tasks/?page=P         the work queue, as officers, division heads, legal
                                             reviewers and an agency head at street, district and
                                             city level (valid pages only: mostly page 1)
  detail   GET /api/v1/cases/<id>/           case detail, random cases each user may see

Prints per endpoint requests/s, latency p50/p90/p95/p99/max and the non-2xx count (which must be 0:
the run fails otherwise), and the size of the database.

    python bench/api_load.py                          # 1,000,000 cases in zhifa_bench: loaded if it
                                                      # does not hold them yet (~12 min), else reused
    python bench/api_load.py --cases 20000 --database zhifa_bench_api_small --duration 5 --warmup 2

Why wrk: it is a C event loop that keeps 50 connections busy from one core with little CPU of its
own, which matters on a 2-core machine that also runs gunicorn and PostgreSQL (a Python load tool
such as locust needs several processes to sustain the same rate and would take the cores the server
needs). Its latency histogram gives the percentiles directly; bench/api_load.lua replays a request
list (different users, case ids and pages) and counts non-2xx responses. wrk measures closed-loop
(each connection sends its next request when the previous one is answered), so the latencies are
those of 50 clients with no think time — a heavier load than 50 people — and it does not correct
for coordinated omission. Debian: `apt-get install wrk` (this script installs it when it can).

The annual bench's loader writes no case-officer assignments and no users that can log in; a small
idempotent step here adds what the endpoints read: two officers on every case (the law's minimum,
drawn from the case's organisation), a deadline on every open case (the queue orders by it), and
passwords and API tokens for a handful of the loaded (active) people (see BENCH_USERS). None of it
changes a §9 figure, so the annual bench can go on reusing the same database.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.annual_report import city_ready, database_url  # noqa: E402

LUA = ROOT / "bench" / "api_load.lua"
PASSWORD = "bench-api-load"  # the loginable bench users' password (a benchmark database only)
PAGE_SIZE = 50  # api.pagination.PagePagination
# Who asks (role, organisation level, which organisation of that level by case count: 0 = busiest).
BENCH_USERS = [
    ("officer", "street", 0),
    ("officer", "street", 1),
    ("officer", "district", 0),
    ("officer", "district", 1),
    ("division_head", "street", 0),
    ("division_head", "district", 0),
    ("legal_reviewer", "district", 0),
    ("legal_reviewer", "city", 0),
    ("agency_head", "district", 1),
    ("agency_head", "city", 0),
]
# States from which no clock runs: the queue's deadline is only set on the others.
FINAL_STATES = ("closed", "archived", "not_filed", "withdrawn", "transferred")


# --- the extra rows the endpoints read ----------------------------------------------------------------------


def prepare(url: str) -> list[dict[str, Any]]:
    """Idempotent: officer assignments and open-case deadlines once per load; the bench users'
    passwords and tokens every time (cheap). Returns the bench users."""
    import psycopg
    from django.contrib.auth.hashers import make_password
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_api_meta (step text PRIMARY KEY, done_at timestamptz)")
        done = {row[0] for row in conn.execute("SELECT step FROM bench_api_meta")}
        if "officers" not in done:
            started = time.perf_counter()
            with conn.transaction():
                conn.execute('DELETE FROM "casefiles_case_officers"')
                # Two officers of the case's own organisation on every case, spread evenly.
                conn.execute(
                    """
                    WITH o AS (
                        SELECT u.id, u.organisation_id,
                               row_number() OVER (PARTITION BY u.organisation_id ORDER BY u.id) - 1 AS rn,
                               count(*) OVER (PARTITION BY u.organisation_id) AS n
                        FROM accounts_user u JOIN accounts_userrole r ON r.user_id = u.id
                        WHERE r.role = 'officer'
                    )
                    INSERT INTO casefiles_case_officers (case_id, user_id)
                    SELECT c.id, o.id FROM casefiles_case c
                    JOIN o ON o.organisation_id = c.organisation_id
                          AND (o.rn = c.id % o.n OR o.rn = (c.id + 1) % o.n)
                    """
                )
                conn.execute("INSERT INTO bench_api_meta VALUES ('officers', now())")
            conn.execute('VACUUM ANALYZE "casefiles_case_officers"')
            print(f"  officer assignments: {time.perf_counter() - started:.1f} s", flush=True)
        if "deadlines" not in done:
            started = time.perf_counter()
            with conn.transaction():
                # The loader leaves current_deadline empty; an open case has a running clock
                # (30 days from its last step here: the figure matters less than that it is set).
                conn.execute(
                    """
                    UPDATE casefiles_case c SET current_deadline = (
                        SELECT (max(e.at) AT TIME ZONE 'Asia/Shanghai')::date + 30
                        FROM workflow_caseevent e WHERE e.case_id = c.id
                    ), current_deadline_kind = 'decision'
                    WHERE c.state <> ALL(%s) AND c.current_deadline IS NULL
                    """,
                    [list(FINAL_STATES)],
                )
                conn.execute("INSERT INTO bench_api_meta VALUES ('deadlines', now())")
            conn.execute('VACUUM ANALYZE "casefiles_case"')
            print(f"  open-case deadlines: {time.perf_counter() - started:.1f} s", flush=True)

        users, picked = [], set()
        for role, level, rank in BENCH_USERS:
            row = conn.execute(
                """
                WITH busy AS (
                    SELECT o.id, count(c.id) AS n FROM accounts_organisation o
                    LEFT JOIN casefiles_case c ON c.organisation_id = o.id
                    WHERE o.level = %s GROUP BY o.id ORDER BY n DESC, o.id OFFSET %s LIMIT 1
                )
                SELECT u.id FROM accounts_user u
                JOIN accounts_userrole r ON r.user_id = u.id AND r.role = %s
                JOIN busy ON busy.id = u.organisation_id
                WHERE u.is_active AND u.id <> ALL(%s) ORDER BY u.id LIMIT 1
                """,
                [level, rank, role, list(picked)],
            ).fetchone()
            if row is None:
                raise SystemExit(f"no {role} at a {level} organisation (rank {rank}) in the loaded data")
            picked.add(row[0])
            users.append({"id": row[0], "role": role, "level": level})
    password = make_password(PASSWORD)
    for entry in users:
        user = User.objects.select_related("organisation").get(pk=entry["id"])
        # Only the password: is_active stays as loaded (the annual figures count active people).
        User.objects.filter(pk=user.pk).update(password=password)
        entry["username"] = user.username
        entry["organisation"] = user.organisation.name
        entry["token"] = Token.objects.get_or_create(user=user)[0].key
    return users


def request_lists(users: list[dict[str, Any]], workdir: Path, seed: int) -> dict[str, Path]:
    """One request file per endpoint: "<token> <path>" lines, shuffled."""
    from django.utils import timezone

    from accounts.models import User
    from casefiles.selectors import cases_visible_to
    from workflow.selectors import tasks_for

    rng = random.Random(seed)
    today = timezone.localdate()
    tasks, detail = [], []
    for entry in users:
        user = User.objects.select_related("organisation").get(pk=entry["id"])
        entry["queue"] = tasks_for(user=user, today=today).count()
        pages = max(1, math.ceil(entry["queue"] / PAGE_SIZE))
        # Mostly the first page; the second and third now and then when there are that many.
        weights = [70, 20, 10][: min(pages, 3)]
        for _ in range(400):
            page = rng.choices(range(1, len(weights) + 1), weights)[0]
            tasks.append(f"{entry['token']} /api/v1/tasks/?page={page}")
        visible = cases_visible_to(user=user)
        entry["visible"] = visible.count()
        ids = list(visible.order_by("?").values_list("pk", flat=True)[:1000])
        detail += [f"{entry['token']} /api/v1/cases/{pk}/" for pk in ids]
    files = {}
    for name, lines in (("tasks", tasks), ("detail", detail)):
        rng.shuffle(lines)
        files[name] = workdir / f"{name}.txt"
        files[name].write_text("\n".join(lines) + "\n")
    return files


# --- gunicorn and wrk ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_gunicorn(url: str, workers: int, threads: int, workdir: Path) -> Server:
    from urllib.request import urlopen

    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "EVIDENCE_", "S3_"))
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-api-load-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": url,
        "DATABASE_CONN_MAX_AGE": "60",  # as deploy/env.example
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "EVIDENCE_STORAGE": "local",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
    }
    log = workdir / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            urlopen(f"{server.base}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise SystemExit(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: apt-get install -y wrk …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: sudo apt-get install wrk")
    return found


def parse_result(output: str) -> dict[str, Any]:
    """The JSON line bench/api_load.lua's done() prints."""
    for line in output.splitlines():
        if line.startswith("API_LOAD_RESULT "):
            return json.loads(line.removeprefix("API_LOAD_RESULT "))
    raise ValueError(f"no API_LOAD_RESULT line in wrk's output:\n{output[-2000:]}")


def run_wrk(
    wrk: str, url: str, requests: Path, *, seconds: float, connections: int, threads: int, think_ms: int
) -> dict:
    completed = subprocess.run(
        [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
        ],
        env={**os.environ, "API_LOAD_REQUESTS": str(requests), "API_LOAD_THINK_MS": str(think_ms)},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    return parse_result(completed.stdout)


def database_size(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]


# --- main ----------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cases", type=int, default=1_000_000, help="cases in the database (default 1,000,000)"
    )
    parser.add_argument(
        "--database", default="zhifa_bench", help="database name (the annual bench's by default)"
    )
    parser.add_argument("--database-url", default="", help="full URL instead of --database")
    parser.add_argument(
        "--seed", type=int, default=20251231, help="the loader's seed (as bench/annual_report.py)"
    )
    parser.add_argument(
        "--reload", action="store_true", help="drop and load the database even if it holds these cases"
    )
    parser.add_argument("--reuse", action="store_true", help="accepted for symmetry: reusing is the default")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3 on 2 cores)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of warm-up per endpoint")
    parser.add_argument("--duration", type=float, default=30, help="measured seconds per endpoint")
    parser.add_argument("--endpoints", default="tasks,detail")
    parser.add_argument(
        "--think-ms",
        type=int,
        default=0,
        help="each client pauses 0.5–1.5× this long before each request (default 0: back to back)",
    )
    args = parser.parse_args()

    wrk = ensure_wrk()
    url = database_url(args)
    name = url.rsplit("/", 1)[1]
    city_ready(url, cases=args.cases, seed=args.seed, reuse=not args.reload)
    users = prepare(url)
    size = database_size(url)

    with tempfile.TemporaryDirectory(prefix="api_load_") as tmp:
        workdir = Path(tmp)
        files = request_lists(users, workdir, args.seed)
        print(f"\nBench users ({len(users)}, password {PASSWORD!r}):")
        for entry in users:
            print(
                f"  {entry['username']:<8} {entry['role']:<15} {entry['organisation']:<22} "
                f"sees {entry['visible']:>9,} cases, {entry['queue']:>6,} in the work queue"
            )
        load_before = os.getloadavg()[0]
        server = start_gunicorn(url, args.workers, args.threads, workdir)
        results: dict[str, dict] = {}
        try:
            for endpoint in args.endpoints.split(","):
                requests = files[endpoint]
                common = {
                    "connections": args.connections,
                    "threads": args.wrk_threads,
                    "think_ms": args.think_ms,
                }
                run_wrk(wrk, server.base + "/", requests, seconds=args.warmup, **common)
                results[endpoint] = result = run_wrk(
                    wrk, server.base + "/", requests, seconds=args.duration, **common
                )
                print(
                    f"  {endpoint}: {result['requests']:,} requests in {result['seconds']:.1f} s, "
                    f"non-2xx {result['non2xx']}, socket errors {result['socket_errors']}",
                    flush=True,
                )
        finally:
            server.stop()

    pacing = (
        f"each pausing {args.think_ms // 2}–{args.think_ms * 3 // 2} ms between requests"
        if args.think_ms
        else "back to back (closed loop, no think time)"
    )
    print(
        f"\nAPI under load: {args.cases:,} cases, database {name} {size / 2**30:.2f} GiB; gunicorn "
        f"{args.workers} workers × {args.threads} threads (production settings); wrk {args.connections} "
        f"connections, {pacing}, {args.warmup:g} s warm-up + {args.duration:g} s per endpoint; "
        f"{os.cpu_count()} cores, "
        f"load average {load_before:.2f} before the run (other processes share the machine: figures are noisy)"
    )
    print(
        f"  {'endpoint':<8} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  non-2xx"
    )
    for endpoint, r in results.items():
        print(
            f"  {endpoint:<8} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p90_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['p99_ms']:>8.1f} {r['max_ms']:>8.1f}  {r['non2xx']}"
        )
    bad = {e: r for e, r in results.items() if r["non2xx"] or r["socket_errors"]}
    if bad:
        for endpoint, r in bad.items():
            print(
                f"  FAILED {endpoint}: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors "
                f"(connect {r['connect_errors']}, read {r['read_errors']}, write {r['write_errors']}, "
                f"timeout {r['timeouts']}); "
                f"e.g. {r['first_bad']}",
                file=sys.stderr,
            )
        raise SystemExit(1)


if __name__ == "__main__":
    main()
