"""Booking at the front desk: the New appointment dialog, by keyboard and by mouse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.desk_support import (
    add_service,
    book,
    booking_dialog,
    expect_booked,
    fill_booking,
    found_services,
    named,
    open_booking,
    open_drawer,
    service,
    shortest_services,
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

        made = expect_booked(page, site, "Walk In Wanda")
        expect(toasts(page).filter(has_text="Booked Walk In Wanda")).to_be_visible()
        page.get_by_role("link", name="Calendar").click()  # the same day's calendar has it too
        walk_in = page.locator(f'#calendar .cal-column[data-staff=""] [data-id="{made["id"]}"]')
        expect(walk_in).to_contain_text("Walk In Wanda")

    def test_a_booking_made_with_the_mouse_takes_the_staff_and_the_quantities(
        self, site: Site, context: BrowserContext
    ) -> None:
        book(site, "Early Bird", "08:00", "08:30", {"id": "s2", "name": "Robin"})
        page = open_board(context, site)
        dialog = open_booking(page)
        fill_booking(dialog, "Mouse Molly", "15:00", staff="Robin")
        first, second = shortest_services(site)[:2]
        add_service(dialog, first["name"], first["name"])
        add_service(dialog, second["code"], second["name"])
        dialog.get_by_label(f"Quantity of {second['name']}").fill("2")
        minutes = first["duration_minutes"] + 2 * second["duration_minutes"]
        expect(dialog.locator("#booking-summary")).to_contain_text(f"{minutes} min")
        screenshot(page, "booking-dialog.png")
        dialog.get_by_role("button", name="Book").click()

        booked = expect_booked(page, site, "Mouse Molly")
        saved = site.appointment(booked["id"])
        assert saved["staff"] == {"id": "s2", "name": "Robin"}
        assert [line["quantity"] for line in saved["service_lines"]] == [1, 2]

    def test_a_double_click_on_book_books_once(self, site: Site, context: BrowserContext) -> None:
        page = open_board(context, site)
        dialog = open_booking(page)
        fill_booking(dialog, "Double Dora", "17:00")
        add_service(dialog, service(site)["name"])
        dialog.get_by_role("button", name="Book").dblclick()

        expect_booked(page, site, "Double Dora")

    def test_a_busy_slot_names_the_holder_and_can_be_booked_anyway(
        self, site: Site, context: BrowserContext
    ) -> None:
        book(site, "Alex Kim", "10:00", "11:00", {"id": "s1", "name": "Sam"})
        page = open_board(context, site)
        dialog = open_booking(page)
        fill_booking(dialog, "Busy Bea", "10:30", staff="Sam")
        add_service(dialog, service(site)["name"])
        dialog.get_by_role("button", name="Book").click()

        refusal = dialog.locator("#booking-refusal")
        expect(refusal).to_contain_text("Sam already has Alex Kim")
        assert named(site, "Busy Bea") == []
        refusal.get_by_role("button", name="Book anyway").click()
        booked = expect_booked(page, site, "Busy Bea")
        assert booked["staff_name"] == "Sam"

    def test_outside_opening_hours_an_admin_may_book_anyway_and_staff_may_not(
        self, site: Site, context: BrowserContext
    ) -> None:
        kim = open_board(context, site, "kim")
        dialog = open_booking(kim)
        fill_booking(dialog, "Early Eve", "06:00")
        add_service(dialog, service(site)["name"])
        dialog.get_by_role("button", name="Book").click()
        expect(dialog.locator("#booking-refusal")).to_contain_text("not open then")
        expect(dialog.get_by_role("button", name="Book outside hours")).to_have_count(0)
        kim.close()

        sam = open_board(context, site, "sam")
        dialog = open_booking(sam)
        fill_booking(dialog, "Early Eve", "06:00")
        add_service(dialog, service(site)["name"])
        dialog.get_by_role("button", name="Book").click()
        dialog.get_by_role("button", name="Book outside hours").click()
        expect_booked(sam, site, "Early Eve")


class TestBadInput:
    def test_each_field_message_is_shown_beside_its_field_and_nothing_is_written(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        dialog = open_booking(page)
        before = len(site.board()["columns"][0]["cards"])
        fill_booking(dialog, "N" * 300, "12:00")
        picker = dialog.get_by_role("combobox", name="Add a service")
        picker.fill("NO-SUCH-CODE")
        expect(dialog.locator(".picker-status")).to_have_text("No active service matches.")
        book_button = dialog.get_by_role("button", name="Book")
        book_button.click()
        expect(dialog.locator('[data-error-for="services"]')).to_have_text(
            "Add at least one service."
        )
        expect(picker).to_have_attribute("aria-invalid", "true")

        add_service(dialog, service(site)["name"])
        end = dialog.get_by_label("End")
        end.fill("11:00")
        dialog.get_by_label("Notes").fill("<script>window.hacked = 1</script>")
        book_button.click()
        expect(end).to_have_attribute("aria-invalid", "true")
        expect(end).to_have_accessible_description(re.compile("must be after starts_at"))

        end.fill("")
        book_button.click()
        name = dialog.get_by_label("Customer name")
        expect(name).to_have_attribute("aria-invalid", "true")
        expect(name).to_have_accessible_description("must be 1 to 120 characters")
        assert len(site.board()["columns"][0]["cards"]) == before

        name.fill("Script Sid")
        book_button.click()
        booked = expect_booked(page, site, "Script Sid")
        drawer = open_drawer(page, booked["id"], "Script Sid")
        expect(drawer.get_by_role("textbox", name="Notes")).to_have_value(
            "<script>window.hacked = 1</script>"
        )
        assert page.evaluate("() => window.hacked") is None

    def test_the_dialog_passes_axe(self, site: Site, context: BrowserContext) -> None:
        page = open_board(context, site)
        dialog = open_booking(page)
        fill_booking(dialog, "", "12:00")
        add_service(dialog, service(site)["name"])
        dialog.get_by_role("combobox", name="Add a service").fill("a")
        expect(found_services(dialog).first).to_be_visible()

        assert_accessible(page, "#booking-dialog")
        dialog.get_by_role("button", name="Book").click()
        expect(dialog.get_by_label("Customer name")).to_have_attribute("aria-invalid", "true")
        assert_accessible(page, "#booking-dialog")
