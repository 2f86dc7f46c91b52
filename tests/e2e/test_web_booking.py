"""Booking at the front desk: the New appointment dialog, by keyboard and by mouse."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.desk_support import (
    add_service,
    booking_dialog,
    book,
    fill_booking,
    found_services,
    named,
    open_booking,
    open_drawer,
    service,
)
from tests.e2e.web_support import DAY, Site, open_board, screenshot, toasts

pytestmark = pytest.mark.browser


class TestBooking:
    def test_a_walk_in_booked_by_keyboard_shows_its_card_at_once(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site, "kim")
        page.get_by_role("button", name="New appointment").focus()
        page.keyboard.press("Enter")
        dialog = booking_dialog(page)
        expect(dialog.get_by_label("Customer name")).to_be_focused()
        expect(dialog.get_by_label("Day")).to_have_value(DAY.isoformat())
        page.keyboard.type("Walk In Wanda")
        dialog.get_by_label("Start", exact=True).fill("19:00")
        picker = dialog.get_by_role("combobox", name="Add a service")
        picker.focus()
        wanted = service(site, 1)
        page.keyboard.type(wanted["name"])
        first = found_services(dialog).first
        expect(first).to_contain_text(wanted["code"])
        expect(picker).to_have_attribute("aria-activedescendant", first.get_attribute("id") or "")
        page.keyboard.press("Enter")
        expect(dialog.locator("#booking-lines tr")).to_have_count(1)
        expect(dialog.locator("#booking-summary")).to_contain_text("ends")
        dialog.get_by_label("Customer name").focus()
        page.keyboard.press("Enter")

        expect(dialog).to_be_hidden()
        expect(toasts(page).filter(has_text="Booked Walk In Wanda")).to_be_visible()
        expect(page.locator(".card", has_text="Walk In Wanda")).to_be_visible()
        assert len(named(site, "Walk In Wanda")) == 1
