"""An official at a browser: logs in once in his own browser context, opens pages, fires workflow steps
by clicking the case page's buttons and filling the step's form, and takes screenshots."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

PASSWORD = "pw-secret-123"  # tests.factories.user
FIXTURES = Path(__file__).parent / "fixtures"
_shot_numbers = itertools.count(1)


class Official:
    def __init__(
        self, browser: Any, base_url: str, username: str, shots: Path, *, viewport: dict | None = None
    ) -> None:
        self.username = username
        self.base_url = base_url
        self.shots = shots
        self.context = browser.new_context(
            locale="zh-CN",
            viewport=viewport or {"width": 1280, "height": 900},
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.script_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        self.goto("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.submit("main form button[type=submit]")
        assert self.page.url.rstrip("/") == base_url.rstrip("/"), f"{username} did not land on the home page"

    # --- navigation ----------------------------------------------------------------------------------

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 500, f"{path}: {response and response.status}"
        return response

    def submit(self, selector: str, *, timeout: float = 30_000) -> None:
        with self.page.expect_navigation(timeout=timeout):
            self.page.click(selector, timeout=timeout)

    def click_link(self, selector: str) -> None:
        self.submit(selector)

    def shot(self, name: str, *, full_page: bool = True) -> Path:
        path = self.shots / f"{next(_shot_numbers):02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def text(self, selector: str = "main") -> str:
        return self.page.inner_text(selector)

    def message(self) -> str:
        return self.text(".messages") if self.page.query_selector(".messages") else ""

    # --- cases ---------------------------------------------------------------------------------------

    def open_case(self, case_id: int) -> None:
        self.goto(f"/cases/{case_id}/")

    def state(self) -> str:
        node = self.page.query_selector(".flow .node-current") or self.page.query_selector(".flow-exit")
        assert node is not None, "the case page shows where the case stands"
        return node.get_attribute("data-state") or ""

    def blocked_reason(self, code: str) -> str:
        return self.text(f'#actions li[data-transition="{code}"]')

    def fire(
        self,
        case_id: int,
        code: str,
        *,
        fill: dict[str, str] | None = None,
        select: dict[str, str] | None = None,
        check: list[str] | tuple[str, ...] = (),
        then: str | None = None,
        shot: str | None = None,
        prepare: Any = None,
        timeout: float = 30_000,
    ) -> None:
        """From the case page, click the step's button, fill its form and submit it."""
        self.open_case(case_id)
        self.click_link(f'#actions li.allowed[data-transition="{code}"] a.button')
        for selector, value in (fill or {}).items():
            self.page.fill(selector, value)
        for selector, value in (select or {}).items():
            self.page.select_option(selector, value)
        for selector in check:
            self.page.check(selector)
        if prepare is not None:
            prepare(self.page)
        if shot:
            self.shot(shot)
        self.submit("button[name=fire]", timeout=timeout)
        assert "已办理" in self.message(), self.text()[:2000]
        if then is not None:
            assert self.state() == then, f"after {code}: {self.state()} (expected {then})"

    def close(self) -> None:
        assert not self.script_errors, f"script errors on {self.username}'s pages: {self.script_errors}"
        self.context.close()
