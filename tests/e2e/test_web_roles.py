"""What each role is offered on the page: the server refuses the rest, and the page does not
offer it. A viewer's keys and drags write nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.e2e.web_support import Site, card, drag, expect_in_column, open_board

pytestmark = pytest.mark.browser

#: person → (Catalog link, Activity link, New appointment, Move buttons on cards)
OFFERED = {
    "sam": (True, True, True, True),
    "kim": (False, False, True, True),
    "sue": (False, True, False, False),
    "vic": (False, False, False, False),
}


def writes(page: Page) -> list[str]:
    """Every request the page sends from now on that is not a read."""
    sent: list[str] = []

    def note(request: Request) -> None:
        if request.method not in ("GET", "HEAD"):
            sent.append(f"{request.method} {request.url}")

    page.on("request", note)
    return sent


def shown(page: Page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


class TestWhatEachRoleIsOffered:
    @pytest.mark.parametrize("person", OFFERED)
    def test_the_page_offers_only_what_the_role_may_do(
        self, site: Site, context: BrowserContext, person: str
    ) -> None:
        page = open_board(context, site, person)
        expect(page.locator(".card").first).to_be_visible()
        offered = (
            shown(page, '[data-view-tab="catalog"]'),
            shown(page, '[data-view-tab="activity"]'),
            shown(page, "#new-appointment"),
            shown(page, ".card .card-move"),
        )
        assert offered == OFFERED[person]
        expect(page.locator(".card .card-details").first).to_be_visible()

    def test_a_view_the_role_may_not_see_falls_back_to_the_board(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = context.new_page()
        page.goto(f"{site.board_url('kim')}&view=catalog")
        expect(page.locator("#board")).to_be_visible()
        expect(page.locator("#catalog")).to_be_hidden()


class TestAViewer:
    def test_the_drawer_opens_read_only(self, site: Site, context: BrowserContext) -> None:
        chosen = site.cards("scheduled")[0]
        page = open_board(context, site, "vic")
        card(page, chosen["id"]).click()
        drawer = page.get_by_role("dialog", name=chosen["customer_name"])
        expect(drawer.locator("#drawer-total")).not_to_be_empty()
        expect(drawer.get_by_role("textbox", name="Notes")).not_to_be_editable()
        editing = drawer.locator('.move-button:visible, [data-needs="staff"]:visible')
        expect(editing).to_have_count(0)
        expect(drawer.get_by_role("button", name="Save notes")).to_be_disabled()

    def test_keys_and_drags_write_nothing(self, site: Site, context: BrowserContext) -> None:
        chosen = site.cards("scheduled")[0]
        page = open_board(context, site, "vic")
        sent = writes(page)
        drag(page, chosen["id"], "checked_in")
        card(page, chosen["id"]).focus()
        for key in ("m", "M"):
            page.keyboard.press(key)
            expect(page.locator("#move-menu")).to_be_hidden()
        page.keyboard.press("Enter")
        drawer = page.get_by_role("dialog", name=chosen["customer_name"])
        expect(drawer).to_be_visible()
        page.keyboard.press("Escape")
        expect(card(page, chosen["id"])).to_be_focused()

        expect_in_column(page, chosen["id"], "scheduled")
        assert site.appointment(chosen["id"])["version"] == chosen["version"]
        assert sent == []
