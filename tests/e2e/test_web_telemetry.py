"""The page in a real browser reports its API calls' timings, and names the failed call's id."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.web_support import Site, drag, open_board, screenshot, toasts
from tests.support import log_records

pytestmark = pytest.mark.browser

REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
BOARD_COUNT = (
    "statusboard_client_request_duration_seconds_count"
    '{method="GET",route="/api/admin/appointments/board"}'
)


def scraped(site: Site, wanted: str) -> float:
    """A sample's value in /metrics (0 when it is not there)."""
    for line in site.app.test_client().get("/metrics").get_data(as_text=True).splitlines():
        name, _, value = line.rpartition(" ")
        if name == wanted:
            return float(value)
    return 0.0


def client_routes(site: Site) -> set[str]:
    text = site.app.test_client().get("/metrics").get_data(as_text=True)
    return set(re.findall(r'^statusboard_client_\w+\{.*route="([^"]+)"', text, re.M))


def wait_for(check: Callable[[], bool], page: Page) -> None:
    """Until ``check()`` is true, letting the page's own work go on meanwhile."""
    for _ in range(100):
        if check():
            return
        page.wait_for_timeout(100)
    raise AssertionError("not within 10 s")


@pytest.fixture
def http_log() -> Iterator[list[logging.LogRecord]]:
    """The server's request log lines written while the test runs (it logs warnings only)."""
    with log_records("statusboard.http") as records:
        yield records


class TestTimings:
    def test_every_call_carries_a_request_id_the_server_answers_under(
        self, site: Site, context: BrowserContext
    ) -> None:
        sent: list[Request] = []
        context.on("request", lambda r: sent.append(r) if "/api/admin/" in r.url else None)
        open_board(context, site)

        calls = [r for r in sent if "/client-metrics" not in r.url]
        assert {"/appointments/board", "/dashboard/stats"} <= {
            r.url.split("/api/admin")[1].split("?")[0] for r in calls
        }
        ids = [r.headers["x-request-id"] for r in calls]
        assert all(REQUEST_ID.fullmatch(found) for found in ids)
        assert len(set(ids)) == len(ids)
        for request in calls:
            answer = request.response()
            assert answer is not None
            assert answer.headers["x-request-id"] == request.headers["x-request-id"]

    def test_a_flush_puts_the_pages_calls_in_the_metrics_but_not_its_reports(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)

        page.evaluate("() => window.statusboardTelemetry.flush()")
        page.evaluate("() => window.statusboardTelemetry.flush()")  # after a report went out

        assert scraped(site, BOARD_COUNT) >= 1
        routes = client_routes(site)
        assert "/api/admin/dashboard/stats" in routes
        assert not any("client-metrics" in route for route in routes)

    def test_leaving_the_page_sends_what_it_kept(self, site: Site, context: BrowserContext) -> None:
        page = open_board(context, site)
        before = scraped(site, BOARD_COUNT)

        page.goto("about:blank")

        wait_for(lambda: scraped(site, BOARD_COUNT) > before, page)


class TestFailedCalls:
    def test_the_error_toast_shows_the_request_id_the_server_logged(
        self, site: Site, context: BrowserContext, http_log: list[logging.LogRecord]
    ) -> None:
        moving = site.cards("scheduled")[0]
        context.clock.install()
        page = open_board(context, site, "kim")
        page.clock.pause_at(datetime.now() + timedelta(seconds=1))  # no polling from here
        site.call(
            "POST",
            f"/appointments/{moving['id']}/move",
            json={
                "to_status": "checked_in",
                "expected_version": moving["version"],
            },
        )

        with page.expect_response(lambda answer: answer.url.endswith("/move")) as answered:
            drag(page, moving["id"], "cancelled")
        answer = answered.value
        sent = answer.request.headers["x-request-id"]

        assert answer.status == 409
        assert answer.headers["x-request-id"] == sent
        shown = toasts(page).filter(has_text="was not made")
        expect(shown.locator(".toast-request-id")).to_have_text(sent)
        logged = [r.fields for r in http_log if r.fields["request_id"] == sent]  # type: ignore[attr-defined]
        assert [(line["route"], line["status"]) for line in logged] == [
            ("/api/admin/appointments/<uuid:appointment_id>/move", 409)
        ]
        screenshot(page, "toast-request-id.png")
        page.clock.resume()  # axe waits on timers
        assert_accessible(page, "#toasts")
