"""The production settings under gunicorn, against the machine's PostgreSQL and Redis and a real S3
server (SeaweedFS, standing in for MinIO): /readyz says ready, a broken dependency makes it 503
naming the part, and the hardened headers are on every response."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def production_env(django_db_setup, s3_server, tmp_path) -> dict[str, str]:
    from minio import Minio

    from tests.s3server import ensure_bucket

    bucket = f"prod-{uuid.uuid4().hex[:10]}"
    ensure_bucket(Minio(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, secure=False), bucket)
    from django.db import connection

    db = connection.settings_dict  # the test database pytest-django created
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "CELERY_", "EVIDENCE_", "S3_"))
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "production-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "EVIDENCE_STORAGE": "s3",
        "S3_ENDPOINT": s3_server.endpoint,
        "S3_ACCESS_KEY": s3_server.access_key,
        "S3_SECRET_KEY": s3_server.secret_key,
        "S3_BUCKET": bucket,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


@contextmanager
def gunicorn(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, f"gunicorn exited:\n{log.read_text()[-3000:]}"
            try:
                urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # show the redirect itself


OPENER = build_opener(NoRedirect)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with OPENER.open(Request(url, headers=headers or {}), timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_production_settings_under_gunicorn_are_ready_and_hardened(production_env, tmp_path) -> None:
    with gunicorn(production_env, tmp_path / "gunicorn.log") as base:
        status, _, body = get(f"{base}/readyz")
        report = json.loads(body)
        assert status == 200, json.dumps(report, ensure_ascii=False)
        assert {name: check["ok"] for name, check in report["checks"].items()} == {
            "database": True,
            "broker": True,
            "object_store": True,
        }
        assert report["checks"]["database"]["detail"] == "postgresql"
        assert report["checks"]["object_store"]["detail"] == f"s3:{production_env['S3_BUCKET']}"

        status, headers, _ = get(f"{base}/login/")
        assert status == 301 and headers["Location"].startswith("https://"), "plain HTTP is redirected"
        status, headers, body = get(f"{base}/login/", {"X-Forwarded-Proto": "https"})
        assert status == 200 and "登录" in body.decode()
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
        status, _, body = get(f"{base}/api/v1/cases/", {"X-Forwarded-Proto": "https"})
        assert status == 401 and json.loads(body)["code"] == "not_authenticated"
    log = (tmp_path / "gunicorn.log").read_text()
    json_lines = [line for line in log.splitlines() if line.startswith("{")]
    assert json_lines and all(json.loads(line)["level"] for line in json_lines), "application logs are JSON"


def test_readyz_names_the_part_that_is_down(production_env, tmp_path) -> None:
    broken = {**production_env, "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0"}
    with gunicorn(broken, tmp_path / "gunicorn.log") as base:
        status, _, body = get(f"{base}/readyz")
        report = json.loads(body)
        assert status == 503 and report["status"] == "not ready"
        assert report["checks"]["broker"]["ok"] is False and report["checks"]["database"]["ok"] is True
        assert get(f"{base}/healthz")[0] == 200, "the process itself is up"


def test_production_settings_refuse_to_start_without_a_real_secret(production_env) -> None:
    env = {**production_env, "SECRET_KEY": "dev-only-insecure-key-change-me-7b1f0c9a8e"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
