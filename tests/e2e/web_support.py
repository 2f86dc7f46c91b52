"""The browser tests' world: the app served from a thread on a seeded SQLite file, and Chromium.

Test modules import the fixtures they use by name.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from werkzeug.serving import make_server

from adapters.app import create_app
from adapters.runtime import EXTENSION, Runtime
from adapters.settings import Settings
from application.demo import DemoPlan, seed_demo
from projections.catalog import NAMES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
API = "/api/admin"
LOCATION = "downtown"
#: Yesterday, with the demo day played up to noon: every event lies in the past.
DAY = datetime.now(UTC).date() - timedelta(days=1)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}
#: Who uses the board in these tests, and the role of their token.
PEOPLE = {"sam": "admin", "ada": "admin", "kim": "staff", "vic": "viewer", "sue": "support"}

expect.set_options(timeout=10_000)


def _required() -> bool:
    flags = (
        os.environ.get(name, "").strip().lower() for name in ("CI", "STATUSBOARD_REQUIRE_POSTGRES")
    )
    return any(flag not in ("", "0", "false", "no") for flag in flags)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium; its absence fails the run in CI and skips loudly elsewhere."""
    if not CHROMIUM.exists():
        message = (
            f"!!! CHROMIUM MISSING at {CHROMIUM}: the browser tests did NOT run. "
            "Install it with `apt-get install -y chromium`. !!!"
        )
        if _required():
            pytest.fail(f"{message} It is required here (CI or STATUSBOARD_REQUIRE_POSTGRES).")
        pytest.skip(message)
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield found
        found.close()


@dataclass
class Site:
    """The service on a seeded day, reachable at ``url``, with a token per person."""

    url: str
    app: Flask
    tokens: dict[str, str]
    token_ids: dict[str, int]

    @property
    def runtime(self) -> Runtime:
        found: Runtime = self.app.extensions[EXTENSION]
        return found

    def revoke(self, person: str) -> None:
        store = self.runtime.components.tokens
        assert store is not None
        assert store.revoke(self.token_ids[person])

    def call(self, method: str, path: str, person: str = "sam", **kwargs: Any) -> Any:
        """The JSON API as ``person``; asserts success and returns the body."""
        client = self.app.test_client()
        secret = self.tokens.get(person)
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        response = client.open(f"{API}{path}", method=method, headers=headers, **kwargs)
        assert response.status_code < 300, response.get_data(as_text=True)
        return response.json

    def board(self) -> dict[str, Any]:
        head = self.runtime.components.board.head_position()
        query = {"date": DAY.isoformat(), "location": LOCATION, "min_position": head}
        return dict(self.call("GET", "/appointments/board", query_string=query))

    def cards(self, status: str) -> list[dict[str, Any]]:
        column = next(c for c in self.board()["columns"] if c["status"] == status)
        return list(column["cards"])

    def appointment(self, ident: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/appointments/{ident}"))

    def board_url(self, person: str = "sam") -> str:
        """A sign-in link to the seeded day; without a token when auth is off."""
        secret = self.tokens.get(person)
        return f"{self.url}/?location={LOCATION}&date={DAY}" + (
            f"&token={secret}" if secret else ""
        )


@contextmanager
def serve(database_url: str, **settings: Any) -> Iterator[Site]:
    """The app on a fresh database, served on a free port from a thread, one demo day seeded."""
    app = create_app(
        Settings(
            database_url=database_url,
            create_table=True,
            embedded_projections=True,
            log_level="WARNING",
            **settings,
        )
    )
    services = app.extensions[EXTENSION].components
    plan = DemoPlan(locations=1, days=1, per_day=14, services=20, first_day=DAY)
    seed_demo(services.board, plan, datetime.combine(DAY, time(12), UTC))
    head = services.board.head_position()
    for projection in NAMES:  # every read model has the seeded day before the page opens
        assert services.read_side.wait_for(projection, head, 10)
    issued = {}
    if services.tokens is not None:
        issued = {person: services.tokens.issue(person, role) for person, role in PEOPLE.items()}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Its shutdown waits for the serving loop's next look at the flag: look often.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield Site(
            f"http://127.0.0.1:{server.server_port}",
            app,
            {person: secret for person, (_, secret) in issued.items()},
            {person: record.id for person, (record, _) in issued.items()},
        )
    finally:
        server.shutdown()
        thread.join()
        app.extensions[EXTENSION].close()


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Site]:
    """The service with auth on, on a fresh SQLite file with one demo day."""
    with serve(sqlite_url) as found:
        yield found


@contextmanager
def new_context(browser: Browser, **options: Any) -> Iterator[BrowserContext]:
    """A fresh browser profile; an uncaught script error in any of its pages fails the test."""
    found = browser.new_context(**options)
    errors: list[str] = []
    found.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        yield found
    finally:
        found.close()
    assert not errors, errors


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile at desktop size."""
    with new_context(browser, viewport=DESKTOP) as found:
        yield found


def open_board(context: BrowserContext, site: Site, person: str = "sam") -> Page:
    """The board of the seeded day, signed in by a link, once it shows live data."""
    page = context.new_page()
    page.goto(site.board_url(person))
    expect(page.locator("#sync-state")).to_have_attribute("data-kind", "live")
    return page


def column(page: Page, status: str) -> Locator:
    return page.locator(f'.column[data-status="{status}"]')


def card(page: Page, ident: str) -> Locator:
    return page.locator(f'.card[data-id="{ident}"]')


def expect_in_column(page: Page, ident: str, status: str) -> None:
    expect(column(page, status).locator(f'.card[data-id="{ident}"]')).to_have_count(1)
    expect(card(page, ident)).not_to_contain_class("is-pending")


def drag(page: Page, ident: str, status: str) -> None:
    """Drags a card by mouse and drops it on a column's heading."""
    card(page, ident).drag_to(column(page, status).locator(".column-head"))


def toasts(page: Page) -> Locator:
    return page.locator("#toasts .toast")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path
