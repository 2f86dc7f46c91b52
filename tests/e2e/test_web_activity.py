"""The activity page in a real browser: filters that narrow the trail and stay in the address,
and a row that opens the appointment as it was then."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.page_support import caught_up, open_view
from tests.e2e.web_support import Site, screenshot, serve

pytestmark = pytest.mark.browser


def move(site: Site, appointment: dict[str, Any], to: str, person: str) -> dict[str, Any]:
    body = {"to_status": to, "expected_version": appointment["version"]}
    moved: dict[str, Any] = site.call(
        "POST", f"/appointments/{appointment['id']}/move", person, json=body
    )["appointment"]
    return moved


def edit_notes(site: Site, ident: str, person: str, notes: str) -> None:
    version = site.appointment(ident)["version"]
    body = {"expected_version": version, "notes": notes}
    site.call("PATCH", f"/appointments/{ident}", person, json=body)


def trail(site: Site, **query: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = site.call("GET", "/activity", query_string=query)["items"]
    return items


@pytest.fixture
def moves(site: Site) -> list[dict[str, Any]]:
    """Two moves by ada (whom the demo day does not know) and one by kim, after the demo's."""
    first, second = site.cards("scheduled")[:2]
    done = [
        move(site, first, "checked_in", "ada"),
        move(site, second, "checked_in", "kim"),
    ]
    done.append(move(site, done[0], "in_progress", "ada"))
    caught_up(site, "activity")
    return done


def rows(page: Page) -> Any:
    return page.locator("#activity-rows .activity-row")


def open_activity(context: BrowserContext, site: Site, query: str = "") -> Page:
    page = open_view(context, site, "activity", "sue", query)
    expect(page.locator("#activity-count")).to_contain_text("shown")
    return page


class TestFilters:
    def test_who_and_what_narrow_the_list_and_the_address_keeps_them(
        self, site: Site, context: BrowserContext, moves: list[dict[str, Any]]
    ) -> None:
        page = open_activity(context, site)
        expect(rows(page)).to_have_count(len(trail(site)))
        assert_accessible(page, "#activity")

        page.get_by_label("Who").fill("ada")
        page.keyboard.press("Enter")
        expect(rows(page)).to_have_count(2)
        expect(rows(page).locator(".activity-who")).to_have_text(["ada", "ada"])
        expect(rows(page).first).to_contain_text("moved it from Scheduled to Checked in")
        assert "actor=ada" in page.url
        page.get_by_label("Who").fill("")
        page.get_by_label("Change").select_option("Moved")
        expect(rows(page)).to_have_count(len(trail(site, type="Moved")))
        expect(rows(page).and_(page.locator(':not([data-type="Moved"])'))).to_have_count(0)
        assert "type=Moved" in page.url and "actor=" not in page.url
        screenshot(page, "activity.png")

        page.get_by_label("Who").fill("kim")
        page.keyboard.press("Enter")
        expect(rows(page)).to_have_count(len(trail(site, type="Moved", actor="kim")))
        assert "actor=kim" in page.url and "type=Moved" in page.url
        page.reload()
        expect(page.get_by_label("Who")).to_have_value("kim")
        expect(page.get_by_label("Change")).to_have_value("Moved")
        expect(rows(page).last).to_contain_text(f"version {moves[1]['version']}")

    def test_more_pages_follow_until_the_end(self, site: Site, context: BrowserContext) -> None:
        ident = site.cards("scheduled")[0]["id"]
        for number in range(25):
            edit_notes(site, ident, "ada", f"Call {number}")
        caught_up(site, "activity")
        total = len(trail(site, limit=500))
        assert total > 50
        page = open_activity(context, site)
        expect(rows(page)).to_have_count(50)
        expect(page.locator("#activity-count")).to_have_text("50 changes shown; more follow.")
        page.get_by_role("button", name="Show more").click()
        expect(rows(page)).to_have_count(total)
        expect(page.get_by_role("button", name="Show more")).to_be_hidden()
        expect(rows(page).nth(50)).to_be_focused()

    def test_from_and_before_are_the_boards_wall_clock(
        self, sqlite_url: str, context: BrowserContext
    ) -> None:
        with serve(sqlite_url, timezone="Pacific/Auckland") as site:
            ident = str(trail(site)[0]["appointment_id"])
            started = datetime.now(ZoneInfo("Pacific/Auckland")) - timedelta(minutes=1)
            edit_notes(site, ident, "ada", "Parking at the back")
            caught_up(site, "activity")
            since = started.strftime("%Y-%m-%dT%H:%M")
            page = open_activity(context, site, f"&from={since}")
            expect(page.get_by_label("From")).to_have_value(since)
            expect(rows(page)).to_have_count(1)
            expect(rows(page).locator(".activity-who")).to_have_text("ada")

            page.get_by_label("From").fill("")
            page.get_by_label("Before").fill(since)
            page.get_by_role("button", name="Apply").click()
            expect(rows(page).first.locator(".activity-who")).to_have_text("demo")
            expect(rows(page).locator(".activity-who", has_text="ada")).to_have_count(0)


class TestOpeningAChange:
    def test_a_row_opens_the_appointment_at_that_version_by_keyboard(
        self, site: Site, context: BrowserContext, moves: list[dict[str, Any]]
    ) -> None:
        first = moves[0]
        page = open_activity(context, site, "&actor=ada&type=Moved")
        expect(rows(page)).to_have_count(2)
        row = rows(page).first
        row.focus()
        path = f"/appointments/{first['id']}?version={first['version']}"
        with page.expect_request(lambda request: request.url.endswith(path)):
            page.keyboard.press("Enter")
        drawer = page.get_by_role("dialog", name=first["customer"]["name"])
        expect(drawer).to_be_visible()
        expect(drawer).to_have_attribute("data-mode", "past")
        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()
        expect(row).to_be_focused()
