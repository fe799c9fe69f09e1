"""End-to-end tests: the pages in headless Chromium (Debian's `chromium`, installed by
scripts/system-packages.sh), driven by Playwright for Python, against a live server on PostgreSQL.

Playwright is pointed at /usr/bin/chromium and never downloads a browser. Screenshots of the main
pages go to artifacts/screenshots/ (CI keeps the folder; E2E_SCREENSHOTS overrides it); the path is
printed at the end of the run.

fixtures/recording.webm: an 8-second VP8/Opus test pattern (ffmpeg testsrc + a 440 Hz tone), the
"body-worn camera recording" the officer uploads and plays back.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", django_settings.BASE_DIR / "artifacts" / "screenshots"))


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (scripts/system-packages.sh installs Debian's chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """The browser, for this package's tests only: Playwright's sync API runs an event loop in this
    thread while it is open, which must not outlive the browser tests."""
    reason = _unavailable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)  # in CI the browser tests must run, never be skipped quietly
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own database
    # calls (building the world, checking what the pages did) are ordinary synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--disable-dev-shm-usage", "--no-sandbox"]
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def screenshots() -> Path:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"E2E screenshots ({count}): {SCREENSHOTS.resolve()}")
