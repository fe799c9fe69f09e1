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
