# ruff: noqa: F811 - fixtures arrive as arguments named like their imports
"""Edits in the drawer: time, staff, services, cancel with a reason, collisions, and the past."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Locator, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.desk_support import book, found_services, open_drawer, shortest_services
from tests.e2e.test_web_conflicts import hold_still, second_context  # noqa: F401 - a fixture
from tests.e2e.web_support import DAY, Site, open_board, screenshot

pytestmark = pytest.mark.browser

ROBIN = {"id": "s2", "name": "Robin"}
SAM = {"id": "s1", "name": "Sam"}


def history(site: Site, ident: str) -> list[dict]:
    return list(site.call("GET", f"/appointments/{ident}/history")["items"])


@pytest.fixture
def booked(site: Site) -> dict:
    """An appointment of the seeded day with Robin, 08:00 to 08:30, and Sam known too."""
    book(site, "Sam's first", "19:00", "19:30", SAM)
    return book(site, "Edit Ed", "08:00", "08:30", ROBIN)


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
        form.get_by_role("button", name="Assign").click()
        expect(drawer.locator("#drawer-facts")).to_contain_text("Unassigned")
        assert site.appointment(booked["id"])["staff"] is None

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

        drawer.get_by_role("button", name=f"Remove {added['name']}").click()
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


class TestWhoSeesWhat:
    def test_a_past_version_opens_from_its_link_read_only_with_its_changes_marked(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        body = {"expected_version": 1, "staff": SAM}
        site.call("PATCH", f"/appointments/{booked['id']}", json=body)
        site.call(
            "PATCH", f"/appointments/{booked['id']}", json={"expected_version": 2, "notes": "Later"}
        )
        page = context.new_page()
        page.goto(f"{site.board_url('sam')}#appointment={booked['id']}&version=2")
        drawer = page.get_by_role("dialog", name="Edit Ed")
        banner = drawer.locator("#drawer-past")
        expect(banner).to_contain_text("As it was at version 2")
        expect(banner).to_contain_text("by sam")
        expect(drawer.locator("dt.is-changed")).to_have_text(re.compile(r"^Staff\s*changed$"))
        expect(drawer.locator("#drawer-facts")).to_contain_text("Sam")
        expect(drawer.get_by_role("textbox", name="Notes")).to_have_value("")
        expect(drawer.get_by_role("textbox", name="Notes")).not_to_be_editable()
        for name in ("Reschedule", "Assign", "Save notes", "Checked in"):
            expect(drawer.get_by_role("button", name=name)).to_have_count(0)
        expect(drawer.locator("#drawer-timeline li[aria-current]")).to_contain_text("version 2")
        screenshot(page, "drawer-past.png")

        drawer.get_by_role("button", name="Show current").click()
        expect(banner).to_be_hidden()
        expect(drawer.get_by_role("textbox", name="Notes")).to_have_value("Later")
        expect(drawer.get_by_role("button", name="Reschedule")).to_be_visible()
        assert "version=" not in page.url

    def test_a_viewer_gets_no_edit_controls(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        tokens = site.runtime.components.tokens
        assert tokens is not None
        site.tokens["vic"] = tokens.issue("vic", "viewer")[1]
        page = open_board(context, site, "vic")
        drawer = open_drawer(page, booked["id"], "Edit Ed")
        expect(drawer.locator("#drawer-total")).not_to_be_empty()
        for name in (
            "Reschedule",
            "Assign",
            "Cancelled",
            f"Remove {booked['service_lines'][0]['name']}",
        ):
            expect(drawer.get_by_role("button", name=name)).to_have_count(0)
        expect(drawer.get_by_role("combobox", name="Add a service")).to_have_count(0)
        expect(drawer.get_by_role("textbox", name="Notes")).not_to_be_editable()

    def test_the_drawer_in_edit_mode_passes_axe(
        self, site: Site, context: BrowserContext, booked: dict
    ) -> None:
        page = open_board(context, site)
        drawer = open_drawer(page, booked["id"], "Edit Ed")
        drawer.get_by_role("combobox", name="Add a service").fill("a")
        expect(found_services(drawer).first).to_be_visible()
        screenshot(page, "drawer-edit.png")
        assert_accessible(page, "#drawer")

        drawer.locator("#drawer-moves").get_by_role("button", name="No-show").click()
        expect(drawer.get_by_label("Why mark it a no-show?")).to_be_focused()
        drawer.get_by_role("button", name="Mark no-show").click()
        expect(drawer.get_by_label("Why mark it a no-show?")).to_have_attribute(
            "aria-invalid", "true"
        )
        assert_accessible(page, "#drawer")
