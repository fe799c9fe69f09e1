"""The production stack's definition (no Docker engine runs here, so its structure is what we can check):
the compose file parses, every long-running service has a health check, the app services depend on
healthy backing services, and the env example covers every variable the settings read."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_parses_and_every_service_has_a_health_check() -> None:
    services = compose()["services"]
    expected = {
        "postgres",
        "redis",
        "minio",
        "minio-init",
        "migrate",
        "web",
        "worker",
        "beat",
        "nginx",
        "static",
    }
    assert expected <= set(services)
    for name, service in services.items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"
    for name in ("web", "worker", "beat", "migrate"):
        service = services[name]
        assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert service["env_file"] == "../.env"
    assert services["web"]["healthcheck"]["test"][-1].endswith("/readyz")
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    backing = services["migrate"]["depends_on"]
    assert backing["postgres"]["condition"] == backing["redis"]["condition"] == "service_healthy"
    assert backing["minio-init"]["condition"] == "service_completed_successfully"
    assert set(compose()["volumes"]) >= {"pgdata", "redisdata", "miniodata", "media", "static"}


def test_the_evidence_bucket_is_created_with_object_lock_and_versioning() -> None:
    script = " ".join(compose()["services"]["minio-init"]["command"])
    assert "mc mb --with-lock" in script and "mc version enable" in script


def test_nginx_streams_large_uploads_and_passes_range_through() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"client_max_body_size\s+50g;", conf)
    assert "proxy_request_buffering off;" in conf
    assert "proxy_set_header Range $http_range;" in conf
    assert "location /static/" in conf


def settings_variables() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(re.findall(r"""env(?:_bool|_list)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", path.read_text()))
    return names


def test_the_env_example_covers_every_variable_the_settings_and_compose_read() -> None:
    example = {
        line.split("=", 1)[0]
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    read = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "S3_BUCKET", "ALLOWED_HOSTS"} <= read
    assert not read - example, f"missing from deploy/env.example: {sorted(read - example)}"
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (DEPLOY / "compose.yaml").read_text()))
    assert not interpolated - example, f"compose variables missing: {sorted(interpolated - example)}"
