# ruff: noqa: F811 - fixtures arrive as arguments named like their imports
"""Who sees which drawer: the past at a version from its link, a viewer's, and axe on edits."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.desk_support import SAM, booked, found_services, open_drawer  # noqa: F401 - a fixture
from tests.e2e.web_support import Site, open_board, screenshot

pytestmark = pytest.mark.browser


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
