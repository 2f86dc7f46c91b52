"""The top bar's Location list in a real browser: the locations booked at, with today's counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.web_support import DAY, LOCATION, Site, open_board

pytestmark = pytest.mark.browser
OTHER = "harbour"


def book(site: Site, location: str, starts_at: datetime, customer: str) -> dict[str, Any]:
    code = site.call("GET", "/services", query_string={"active": "true"})["items"][0]["code"]
    return dict(
        site.call(
            "POST",
            "/appointments",
            json={
                "location_id": location,
                "starts_at": starts_at.isoformat(),
                "customer": {"name": customer, "phone": "+44 7700 900002"},
                "services": [{"code": code}],
            },
        )
    )


class TestTheLocationList:
    def test_it_lists_the_locations_with_today_and_switching_changes_the_board(
        self, site: Site, context: BrowserContext
    ) -> None:
        there = book(site, OTHER, datetime.combine(DAY, time(12), UTC), "Harbour Yesterday")
        book(
            site, OTHER, datetime.combine(datetime.now(UTC).date(), time(12), UTC), "Harbour Today"
        )
        page = open_board(context, site, "kim")
        picker = page.get_by_role("form", name="Which board").get_by_label("Location")
        expect(picker.locator("option")).to_have_text(
            [f"{LOCATION} (0 today)", f"{OTHER} (1 today)"]
        )
        expect(picker).to_have_value(LOCATION)
        assert_accessible(page, ".topbar")

        picker.focus()
        page.keyboard.press("ArrowDown")
        expect(picker).to_have_value(OTHER)
        expect(page.locator("#board .card")).to_have_count(1)
        expect(page.locator(f'#board .card[data-id="{there["id"]}"]')).to_be_visible()
        assert f"location={OTHER}" in page.url

        page.goto(f"{site.url}/")
        expect(page.get_by_role("form", name="Which board").get_by_label("Location")).to_have_value(
            OTHER
        )  # the last one chosen here

    def test_a_link_to_a_location_not_listed_yet_still_opens_it(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = context.new_page()
        page.goto(f"{site.url}/?location=new-place&date={DAY}&token={site.tokens['kim']}")
        expect(page.locator("#sync-state")).to_have_attribute("data-kind", "live")
        picker = page.get_by_role("form", name="Which board").get_by_label("Location")
        expect(picker).to_have_value("new-place")
        expect(picker.locator("option")).to_have_text([f"{LOCATION} (0 today)", "new-place"])
        expect(page.locator("#board .card")).to_have_count(0)

    def test_with_no_locations_yet_the_page_says_how_to_book_the_first(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = context.new_page()

        def none_yet(route: Route) -> None:
            route.fulfill(
                status=200,
                content_type="application/json",
                body=json.dumps({"items": [], "position": 0}),
            )

        page.route("**/api/admin/locations", none_yet)
        page.goto(f"{site.url}/?token={site.tokens['kim']}")
        empty = page.locator("#empty-state")
        expect(empty).to_contain_text("No locations yet")
        expect(empty).to_contain_text("Book the first with New appointment")
        expect(
            page.get_by_role("form", name="Which board").get_by_label("Location").locator("option")
        ).to_have_text(["No locations yet"])
        expect(page.get_by_role("button", name="New appointment")).to_be_visible()
