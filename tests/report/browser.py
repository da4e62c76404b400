"""Driving Debian's headless Chromium with Playwright: one browser per test module, pages with their problems."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")
SKIP_PREFIX = "browser tests: "  # every skip of a browser test starts so; tests/report/conftest.py counts them


def missing_browser() -> tuple[str, str] | None:
    """(what is missing, the one command that installs it), or None when the browser tests can run."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed", "pip install -e '.[test]'"
    if not any(map(shutil.which, CHROMIUM_NAMES)):
        return "chromium not found", "apt-get install -y chromium"
    return None


def chromium_path() -> str:
    """Debian's chromium; skipped locally when absent, a failure in CI (tests must not silently skip)."""
    missing = missing_browser()
    if missing is not None:
        why, command = missing
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need a browser in CI: {why} (run: {command})")
        pytest.skip(f"{SKIP_PREFIX}{why} — run: {command}")
    return next(p for p in map(shutil.which, CHROMIUM_NAMES) if p)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A static HTTP server for `folder` on 127.0.0.1 (a free port), stopped on exit."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Problems:
    """What went wrong on a page: console errors, uncaught exceptions, dialogs, non-local requests."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def assert_none(self, where: str) -> None:
        assert not self.errors, f"{where}: console errors {self.errors}"
        assert not self.dialogs, f"{where}: dialogs opened {self.dialogs}"
        assert not self.external, f"{where}: requests off this machine {self.external}"


LOCAL = ("file://", "http://127.0.0.1", "data:", "about:")


class Tab:
    """One browser page reused across navigations; `goto` returns the problems of that navigation."""

    def __init__(self, browser: object, viewport: tuple[int, int] = (1280, 900)) -> None:
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})  # type: ignore[attr-defined]
        self.problems = Problems()
        self.page.on("console", lambda msg: self.problems.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.problems.errors.append(str(exc)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)
        self.page.route(
            "http*://**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL) else route.abort()
        )

    def _request(self, request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        if not url.startswith(LOCAL):
            self.problems.external.append(url)

    def _dialog(self, dialog: object) -> None:
        self.problems.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def goto(self, url: str) -> Problems:
        """Load `url` and wait until its charts are drawn."""
        self.problems = Problems()
        self.page.goto(url)
        wait_for_charts(self.page)
        return self.problems

    def close(self) -> None:
        """Close the page."""
        self.page.close()


def open_page(browser: object, url: str, viewport: tuple[int, int] = (1280, 900)):
    """A new page at `url` with every chart drawn; returns (page, problems)."""
    tab = Tab(browser, viewport)
    return tab.page, tab.goto(url)


def wait_for_charts(page: object) -> None:
    """Until every chart container says it was drawn (or failed: then a console error is recorded)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "Array.from(document.querySelectorAll('.chart')).every(c => c.dataset.rendered || c.textContent)",
        timeout=20_000,
    )
