# ruff: noqa: F811 - fixtures arrive as arguments named like their imports
"""The calendar view in a real browser: the day's grid by staff, the week, and the address."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.calendar_support import (  # noqa: F401 - tall is a fixture
    all_cards,
    cal_card,
    cal_column,
    free_slot,
    open_calendar,
    slot,
    tall,
)
from tests.e2e.web_support import DAY, LOCATION, Site, open_board, screenshot

pytestmark = pytest.mark.browser
WEEKLY = {
    day: [{"opens": "00:00", "closes": "24:00"}]
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
}


class TestTheDay:
    def test_each_appointment_is_in_its_staff_column_at_its_time(
        self, site: Site, tall: BrowserContext
    ) -> None:
        page = open_calendar(tall, site)
        cards = all_cards(site)
        expect(page.locator("#calendar .cal-card")).to_have_count(len(cards))
        for card in cards:
            shown = cal_column(page, card["staff_id"]).locator(f'.cal-card[data-id="{card["id"]}"]')
            expect(shown).to_have_count(1)
            expect(shown.locator("time")).to_have_attribute("datetime", card["starts_at"])
        staff = {card["staff_name"] for card in cards if card["staff_name"]}
        heads = page.locator("#calendar .cal-staff").all_inner_texts()
        assert heads == [*sorted(staff), "Unassigned"]
        expect(page.locator("#calendar .cal-now")).to_be_hidden()
        assert_accessible(page, "#calendar")
        screenshot(page, "calendar-day.png")

    def test_a_card_opens_the_drawer_and_an_empty_slot_the_booking_dialog(
        self, site: Site, tall: BrowserContext
    ) -> None:
        chosen = all_cards(site)[0]
        page = open_calendar(tall, site, "kim")
        cal_card(page, chosen["id"]).click()
        drawer = page.get_by_role("dialog", name=chosen["customer_name"])
        expect(drawer).to_be_visible()
        drawer.get_by_role("button", name="Close details").click()
        expect(cal_card(page, chosen["id"])).to_be_focused()

        slot(page, None, free_slot(site, None)).click()
        expect(page.locator("#booking-dialog")).to_have_attribute("open", "")

    def test_the_slots_are_reached_and_booked_by_keyboard(
        self, site: Site, tall: BrowserContext
    ) -> None:
        page = open_calendar(tall, site, "kim")
        first = page.locator('#calendar .cal-slot[tabindex="0"]')
        expect(first).to_have_count(1)
        first.focus()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowRight")
        focused = page.locator("#calendar .cal-slot:focus")
        expect(focused).to_have_attribute("data-start", "08:30")
        expect(focused).to_have_attribute("tabindex", "0")
        page.keyboard.press("Enter")
        expect(page.locator("#booking-dialog")).to_have_attribute("open", "")

    def test_a_closed_day_says_so_and_is_greyed(self, site: Site, tall: BrowserContext) -> None:
        site.call(
            "PUT",
            f"/locations/{LOCATION}/hours",
            json={"weekly": WEEKLY, "closed_dates": [DAY.isoformat()]},
        )
        page = open_calendar(tall, site, "kim")
        expect(page.locator("#calendar .cal-closed")).to_have_text("Closed on this day")
        expect(page.locator("#calendar .cal-day")).to_contain_class("is-closed")
        expect(page.locator("#calendar .cal-hours")).to_have_text("Closed")
        expect(page.locator("#calendar .cal-slot")).to_have_count(0)

    def test_today_has_a_line_at_the_time_now(self, site: Site, tall: BrowserContext) -> None:
        site.call(
            "PUT", f"/locations/{LOCATION}/hours", json={"weekly": WEEKLY, "closed_dates": []}
        )
        page = tall.new_page()
        page.goto(f"{site.url}/?location={LOCATION}&view=calendar&token={site.tokens['sam']}")
        line = page.locator("#calendar .cal-now")
        expect(line).to_be_visible()
        now = datetime.now(UTC)
        expected = (now.hour * 60 + now.minute) / 1440 * 100
        top = float(line.evaluate("node => node.style.top").rstrip("%"))
        assert abs(top - expected) < 1


class TestTheWeek:
    def test_it_counts_each_day_and_a_day_opens_that_day(
        self, site: Site, tall: BrowserContext
    ) -> None:
        page = open_calendar(tall, site)
        page.locator("#calendar").get_by_role("button", name="Week").click()
        assert "span=week" in page.url
        days = page.locator("#calendar .cal-week-day")
        expect(days).to_have_count(7)
        monday = DAY - timedelta(days=DAY.weekday())
        for offset in range(7):
            day = monday + timedelta(days=offset)
            count = len(all_cards(site)) if day == DAY else 0
            shown = page.locator(f'#calendar .cal-week-day[data-date="{day}"]')
            expect(shown.locator(".cal-week-count")).to_have_text(str(count))
        assert_accessible(page, "#calendar")
        screenshot(page, "calendar-week.png")

        other = monday if monday != DAY else monday + timedelta(days=1)
        page.locator(f'#calendar .cal-week-day[data-date="{other}"]').click()
        expect(page.locator("#day")).to_have_value(other.isoformat())
        expect(page.locator("#calendar .cal-day")).to_be_visible()
        assert f"date={other}" in page.url and "span=week" not in page.url

    def test_the_week_is_kept_by_a_reload_and_left_by_keyboard(
        self, site: Site, tall: BrowserContext
    ) -> None:
        page = open_calendar(tall, site, extra="&span=week")
        expect(page.locator("#calendar .cal-week-day")).to_have_count(7)
        page.locator("#calendar").get_by_role("button", name="Next week").click()
        expect(page.locator("#day")).to_have_value((DAY + timedelta(days=7)).isoformat())
        page.locator("#calendar").get_by_role("button", name="Previous week").click()
        expect(page).to_have_url(re.compile(rf"date={DAY}.*span=week|span=week.*date={DAY}"))
        page.reload()
        chosen = page.locator(f'#calendar .cal-week-day[data-date="{DAY}"]')
        expect(chosen).to_have_attribute("aria-current", "date")
        chosen.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#calendar .cal-card").first).to_be_visible()
        assert "span=week" not in page.url


class TestTheAddress:
    def test_switching_views_and_reloading_keep_the_view_day_and_location(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        page.get_by_role("link", name="Calendar", exact=True).click()
        expect(page.locator("#calendar .cal-card").first).to_be_visible()
        for part in ("view=calendar", f"location={LOCATION}", f"date={DAY}"):
            assert part in page.url
        page.reload()
        expect(page.locator("#calendar .cal-card").first).to_be_visible()
        expect(page.locator("#board")).to_be_hidden()
        page.get_by_role("link", name="Board", exact=True).click()
        expect(page.locator("#board .card").first).to_be_visible()
        assert "view=" not in page.url and f"date={DAY}" in page.url
        page.reload()
        expect(page.locator("#board .card").first).to_be_visible()

    def test_a_shared_link_opens_the_calendar_of_that_location_and_day(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = context.new_page()
        page.goto(
            f"{site.url}/?view=calendar&location={LOCATION}&date={DAY}&token={site.tokens['kim']}"
        )
        expect(page.locator("#calendar .cal-card")).to_have_count(len(all_cards(site)))
        expect(page.locator("#location")).to_have_value(LOCATION)
        expect(page.locator("#day")).to_have_value(DAY.isoformat())
        expect(page.get_by_role("link", name="Calendar", exact=True)).to_have_attribute(
            "aria-current", "page"
        )
