# ruff: noqa: F811 - fixtures arrive as arguments named like their imports
"""Edits in the drawer: time, staff, services, cancel with a reason, and two people's collisions."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Locator, expect

from tests.e2e.desk_support import (  # noqa: F401 - booked is a fixture
    ROBIN,
    SAM,
    book,
    booked,
    found_services,
    history,
    open_drawer,
    shortest_services,
)
from tests.e2e.test_web_conflicts import hold_still, second_context  # noqa: F401 - a fixture
from tests.e2e.web_support import DAY, Site, open_board

pytestmark = pytest.mark.browser


class TestEdits:
    def test_a_reschedule_by_keyboard_keeps_its_reason(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        page = open_board(context, site, "sam")
        drawer = open_drawer(page, booked["id"], "Edit Ed")
        form = drawer.get_by_role("form", name="Reschedule")
        expect(form.get_by_label("Start", exact=True)).to_have_value("08:00")
        form.get_by_label("Start", exact=True).fill("09:00")
        form.get_by_label("End", exact=True).fill("09:45")
        reason = form.get_by_label("Reason for the new time")
        reason.fill("Customer asked for later")
        reason.press("Enter")

        expect(drawer.locator("#drawer-facts")).to_contain_text("9:00")
        expect(drawer.locator("#drawer-timeline")).to_contain_text(
            "Reason: Customer asked for later"
        )
        saved = site.appointment(booked["id"])
        assert (saved["starts_at"], saved["ends_at"]) == (
            f"{DAY}T09:00:00+00:00",
            f"{DAY}T09:45:00+00:00",
        )
        assert history(site, booked["id"])[-1]["reason"] == "Customer asked for later"

    def test_staff_is_assigned_and_taken_off(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        page = open_board(context, site, "kim")
        drawer = open_drawer(page, booked["id"], "Edit Ed")
        form = drawer.get_by_role("form", name="Assign staff")
        form.get_by_label("Staff", exact=True).select_option(label="Sam")
        form.get_by_role("button", name="Assign").click()
        expect(drawer.locator("#drawer-facts")).to_contain_text("Sam")
        assert site.appointment(booked["id"])["staff"] == SAM

        form.get_by_label("Staff", exact=True).select_option(label="Unassigned")
        form.get_by_role("button", name="Assign").press("Enter")
        expect(drawer.locator("#drawer-facts")).to_contain_text("Unassigned")
        assert site.appointment(booked["id"])["staff"] is None

    def test_assigning_someone_busy_names_the_holder_and_may_go_ahead(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        book(site, "Alex Kim", "08:00", "09:00", {"id": "s3", "name": "Pat"})
        page = open_board(context, site, "kim")
        drawer = open_drawer(page, booked["id"], "Edit Ed")
        form = drawer.get_by_role("form", name="Assign staff")
        form.get_by_label("Staff", exact=True).select_option(label="Pat")
        form.get_by_role("button", name="Assign").click()
        expect(form.get_by_role("alert")).to_contain_text("Pat already has Alex Kim")
        assert site.appointment(booked["id"])["staff"] == ROBIN

        form.get_by_role("button", name="Assign anyway").click()
        expect(drawer.locator("#drawer-facts")).to_contain_text("Pat")
        assert site.appointment(booked["id"])["staff"] == {"id": "s3", "name": "Pat"}

    def test_a_service_line_is_added_with_the_picker_and_removed(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        page = open_board(context, site, "kim")
        drawer = open_drawer(page, booked["id"], "Edit Ed")
        added = next(
            s for s in shortest_services(site) if s["code"] != booked["service_lines"][0]["code"]
        )
        picker = drawer.get_by_role("combobox", name="Add a service")
        picker.fill(added["code"])
        expect(found_services(drawer).first).to_contain_text(added["code"])
        picker.press("ArrowDown")
        picker.press("Enter")
        expect(drawer.locator("#drawer-lines tr")).to_have_count(2)
        assert [line["code"] for line in site.appointment(booked["id"])["service_lines"]] == [
            booked["service_lines"][0]["code"],
            added["code"],
        ]

        drawer.get_by_role("button", name=f"Remove {added['name']}").press("Enter")
        expect(drawer.get_by_role("combobox", name="Add a service")).to_be_focused()
        expect(drawer.locator("#drawer-lines tr")).to_have_count(1)
        expect(
            drawer.get_by_role("button", name=f"Remove {booked['service_lines'][0]['name']}")
        ).to_be_disabled()
        assert len(site.appointment(booked["id"])["service_lines"]) == 1

    def test_cancelling_asks_why_and_keeps_the_reason(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        page = open_board(context, site, "kim")
        drawer = open_drawer(page, booked["id"], "Edit Ed")
        drawer.locator("#drawer-moves").get_by_role("button", name="Cancelled").click()
        reason = drawer.get_by_label("Why cancel it?")
        expect(reason).to_be_focused()
        drawer.get_by_role("button", name="Cancel appointment").click()
        expect(reason).to_have_attribute("aria-invalid", "true")
        assert site.appointment(booked["id"])["status"] == "scheduled"

        reason.fill("Caught a cold")
        reason.press("Enter")
        expect(drawer.locator("#drawer-chip")).to_have_text("Cancelled")
        assert site.appointment(booked["id"])["status"] == "cancelled"
        assert history(site, booked["id"])[-1]["reason"] == "Caught a cold"


@pytest.fixture
def desks(
    site: Site, context: BrowserContext, second_context: BrowserContext, booked: dict
) -> tuple[Locator, Locator]:
    """Sam's drawer and Kim's on the booked appointment; Kim's page holds still (no polling)."""
    kim = open_board(second_context, site, "kim")
    hold_still(kim)
    kims = open_drawer(kim, booked["id"], "Edit Ed")
    sam = open_board(context, site, "sam")
    return open_drawer(sam, booked["id"], "Edit Ed"), kims


class TestTwoPeople:
    def test_an_assignment_that_collides_shows_the_other_change_and_keeps_mine(
        self, site: Site, booked: dict, desks: tuple[Locator, Locator]
    ) -> None:
        sams, kims = desks
        sams.get_by_label("Staff", exact=True).select_option(label="Sam")
        sams.get_by_role("button", name="Assign").click()
        expect(sams.locator("#drawer-facts")).to_contain_text("Sam")

        kims.get_by_label("Staff", exact=True).select_option(label="Unassigned")
        kims.get_by_role("button", name="Assign").click()
        conflict = kims.locator("#edit-conflict")
        expect(conflict).to_contain_text("sam assigned it to Sam")
        expect(conflict.locator("blockquote")).to_have_text("Sam")
        assert site.appointment(booked["id"])["staff"] == SAM
        kims.get_by_role("button", name="Keep mine").click()
        expect(kims.locator("#drawer-facts")).to_contain_text("Unassigned")
        assert site.appointment(booked["id"])["staff"] is None

    def test_using_theirs_drops_mine_and_an_edit_of_another_field_is_merged(
        self, site: Site, booked: dict, desks: tuple[Locator, Locator]
    ) -> None:
        sams, kims = desks
        sams.get_by_label("Start", exact=True).fill("10:00")
        sams.get_by_label("End", exact=True).fill("10:30")
        sams.get_by_role("button", name="Reschedule").click()
        expect(sams.locator("#drawer-facts")).to_contain_text("10:00")

        kims.get_by_label("Start", exact=True).fill("11:00")
        kims.get_by_label("End", exact=True).fill("11:30")
        kims.get_by_role("button", name="Reschedule").click()
        expect(kims.locator("#edit-conflict")).to_contain_text("sam moved the time")
        kims.get_by_role("button", name="Use theirs").click()
        expect(kims.get_by_label("Start", exact=True)).to_have_value("10:00")
        assert site.appointment(booked["id"])["starts_at"] == f"{DAY}T10:00:00+00:00"

        notes = sams.get_by_role("textbox", name="Notes")
        notes.fill("Sam's note")
        sams.get_by_role("button", name="Save notes").click()
        expect(sams.locator("#notes-state")).to_have_text("Saved")
        kims.get_by_label("Staff", exact=True).select_option(label="Sam")
        kims.get_by_role("button", name="Assign").click()
        expect(kims.locator("#drawer-facts")).to_contain_text("Sam")
        expect(kims.get_by_role("textbox", name="Notes")).to_have_value("Sam's note")
        expect(kims.locator("#edit-conflict")).to_be_hidden()
        saved = site.appointment(booked["id"])
        assert (saved["staff"], saved["notes"]) == (SAM, "Sam's note")
