"""The booking dialog's help while it is filled (free starts, the catalog's pages) and retries."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Route, expect

from tests.e2e.desk_support import (
    add_service,
    book,
    expect_booked,
    fill_booking,
    found_services,
    named,
    open_booking,
    service,
    shortest_services,
)
from tests.e2e.web_support import DAY, Site, open_board

pytestmark = pytest.mark.browser


class TestFreeStarts:
    def test_a_taken_start_suggests_the_next_free_ones(
        self, site: Site, context: BrowserContext
    ) -> None:
        book(site, "Alex Kim", "10:00", "11:00", {"id": "s1", "name": "Sam"})
        page = open_board(context, site)
        dialog = open_booking(page)
        fill_booking(dialog, "Suggested Sue", "10:30")
        add_service(dialog, shortest_services(site)[0]["code"])
        free = dialog.locator("#booking-availability")
        expect(free).to_contain_text("Free at 10:30:")
        expect(free.get_by_role("button", name="Assign Sam")).to_have_count(0)

        dialog.get_by_label("Staff").select_option(label="Sam")
        expect(free).to_contain_text("Sam is not free at 10:30. Next free starts:")
        free.get_by_role("button", name="Start at 11:00").click()
        expect(dialog.get_by_label("Start", exact=True)).to_have_value("11:00")
        expect(free).to_contain_text("11:00 is free for Sam.")
        dialog.get_by_role("button", name="Book").click()
        booked = expect_booked(page, site, "Suggested Sue")
        assert booked["starts_at"] == f"{DAY}T11:00:00+00:00"

    def test_without_the_free_starts_endpoint_the_dialog_books_without_suggestions(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        asked: list[str] = []

        def missing(route: Route) -> None:
            asked.append(route.request.url)
            route.fulfill(status=404, content_type="application/problem+json", body="{}")

        page.route(lambda url: "/api/admin/availability" in url, missing)
        dialog = open_booking(page)
        fill_booking(dialog, "Plain Pia", "16:00")
        with page.expect_response(lambda response: "/api/admin/availability" in response.url):
            add_service(dialog, service(site)["name"])
        dialog.get_by_label("Start", exact=True).fill("16:30")
        dialog.get_by_role("button", name="Book").click()

        booked = expect_booked(page, site, "Plain Pia")
        assert booked["starts_at"] == f"{DAY}T16:30:00+00:00"
        expect(dialog.locator("#booking-availability")).to_be_hidden()
        assert len(asked) == 1


class TestThePicker:
    def test_more_results_pages_on_by_keyboard(self, site: Site, context: BrowserContext) -> None:
        page = open_board(context, site)
        dialog = open_booking(page)
        picker = dialog.get_by_role("combobox", name="Add a service")
        picker.focus()
        page.keyboard.press("ArrowDown")
        options = found_services(dialog)
        expect(options).to_have_count(8)
        expect(picker).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Tab")
        expect(dialog.get_by_role("button", name="More results")).to_be_focused()
        page.keyboard.press("Enter")
        expect(options).to_have_count(16)
        expect(picker).to_be_focused()
        expect(options.nth(8)).to_have_attribute("aria-selected", "true")
        page.keyboard.press("Enter")
        expect(dialog.locator("#booking-lines")).to_contain_text(service(site, 8)["code"])
        page.keyboard.press("ArrowDown")
        expect(picker).to_have_attribute("aria-expanded", "true")
        page.keyboard.press("Escape")
        expect(picker).to_have_attribute("aria-expanded", "false")
        expect(dialog).to_be_visible()


class TestTheNetwork:
    def test_booking_again_after_no_answer_sends_the_same_key_and_books_once(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        keys: list[str] = []

        def answer_lost(route: Route) -> None:
            keys.append(route.request.headers["idempotency-key"])
            route.fetch()
            route.abort("connectionreset")

        page.route(lambda url: url.endswith("/api/admin/appointments"), answer_lost)
        dialog = open_booking(page)
        fill_booking(dialog, "Lost Lou", "16:00")
        add_service(dialog, service(site)["name"])
        dialog.get_by_role("button", name="Book").click()
        expect(dialog.locator("#booking-problems")).to_contain_text("Not booked", timeout=30_000)
        assert len(named(site, "Lost Lou")) == 1

        page.unroute_all()
        with page.expect_request(lambda request: request.url.endswith("/appointments")) as sent:
            dialog.get_by_role("button", name="Book").click()
        expect_booked(page, site, "Lost Lou")
        assert set(keys) == {sent.value.headers["idempotency-key"]}
