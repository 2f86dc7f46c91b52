"""The admin board in a real browser: what it shows, and moving cards by mouse and keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Request, Response, expect

from domain.status import STATUSES
from tests.e2e.web_support import (
    DESKTOP,
    LOCATION,
    TABLET,
    Site,
    card,
    column,
    drag,
    expect_in_column,
    new_context,
    open_board,
    screenshot,
    serve,
    toasts,
)

pytestmark = pytest.mark.browser


class TestThePage:
    def test_it_needs_no_token_and_runs_only_its_own_scripts(self, site: Site) -> None:
        response = site.app.test_client().get("/")
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert site.app.test_client().get("/web/static/js/main.js").status_code == 200

    def test_a_sign_in_link_keeps_the_token_for_the_tab_and_clears_the_address_bar(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        assert "token" not in page.url
        assert f"location={LOCATION}" in page.url
        assert page.evaluate("sessionStorage.getItem('statusboard.token')") == site.tokens["sam"]

    def test_a_revoked_token_brings_back_the_sign_in_form(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        site.revoke("sam")
        page.reload()
        expect(page.locator("#sign-in")).to_be_visible()
        expect(page.locator("#board")).to_be_hidden()
        page.get_by_label("Access token").fill(site.tokens["kim"])
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator("#sync-state")).to_have_attribute("data-kind", "live")
        expect(page.locator("#sign-in")).to_be_hidden()


class TestTheBoard:
    def test_every_column_shows_the_cards_and_count_of_the_api(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        expected = {c["status"]: c for c in site.board()["columns"]}
        shown = page.locator(".column")
        expect(shown).to_have_count(len(STATUSES))
        assert [shown.nth(i).get_attribute("data-status") for i in range(7)] == list(STATUSES)
        for status, expected_column in expected.items():
            expect(column(page, status).locator(".count")).to_have_text(
                str(expected_column["count"])
            )
            ids = (
                column(page, status)
                .locator(".card")
                .evaluate_all("cards => cards.map(card => card.dataset.id)")
            )
            assert ids == [c["id"] for c in expected_column["cards"]], status
        total = page.locator(".tile", has_text="Appointments").locator("dd")
        expect(total).to_have_text(str(sum(c["count"] for c in expected.values())))
        first = expected["scheduled"]["cards"][0]
        expect(card(page, first["id"])).to_contain_text(first["customer_name"])
        expect(card(page, first["id"]).locator(".card-age")).to_have_text(
            re.compile(r"\d+ (s|min|h|d)")
        )
        screenshot(page, "board.png")

    def test_at_tablet_width_the_columns_scroll_sideways(
        self, site: Site, browser: Browser
    ) -> None:
        with new_context(browser, viewport=TABLET) as tablet:
            page = open_board(tablet, site)
            columns = page.locator("#columns")
            assert columns.evaluate("node => node.scrollWidth > node.clientWidth")
            assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
            screenshot(page, "board-tablet.png")


class TestMovingCards:
    def test_a_dragged_card_stays_in_its_new_column_after_a_reload(
        self, site: Site, context: BrowserContext
    ) -> None:
        moving = site.cards("scheduled")[0]
        page = open_board(context, site)
        drag(page, moving["id"], "checked_in")
        expect_in_column(page, moving["id"], "checked_in")
        expect(toasts(page).last).to_contain_text("Checked in")
        page.reload()
        expect(page.locator("#sync-state")).to_have_attribute("data-kind", "live")
        expect_in_column(page, moving["id"], "checked_in")
        after = site.appointment(moving["id"])
        assert (after["status"], after["version"]) == ("checked_in", moving["version"] + 1)

    def test_an_invalid_drop_snaps_back_and_lists_the_allowed_columns(
        self, site: Site, context: BrowserContext
    ) -> None:
        moving = site.cards("scheduled")[0]
        page = open_board(context, site)
        drag(page, moving["id"], "completed")
        message = toasts(page).filter(has_text="cannot go to Completed")
        expect(message).to_contain_text("Allowed from Scheduled: Checked in, Cancelled, No-show")
        expect_in_column(page, moving["id"], "scheduled")
        assert site.appointment(moving["id"])["version"] == moving["version"]

    def test_a_focused_card_moves_with_its_menu_from_the_keyboard(
        self, site: Site, context: BrowserContext
    ) -> None:
        moving = site.cards("scheduled")[0]
        page = open_board(context, site)
        card(page, moving["id"]).focus()
        page.keyboard.press("m")
        menu = page.get_by_role("menu")
        expect(menu.get_by_role("menuitem")).to_have_text(["Checked in", "Cancelled", "No-show"])
        expect(menu.get_by_role("menuitem", name="Checked in")).to_be_focused()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")
        expect(menu).to_be_hidden()
        expect_in_column(page, moving["id"], "checked_in")
        expect(card(page, moving["id"])).to_be_focused()
        assert site.appointment(moving["id"])["status"] == "checked_in"

    def test_reopening_a_finished_card_asks_for_the_reason(
        self, site: Site, context: BrowserContext
    ) -> None:
        finished = site.cards("completed")[0]
        page = open_board(context, site)
        drag(page, finished["id"], "ready")
        dialog = page.get_by_role("dialog", name="Why reopen it?")
        expect(dialog).to_be_visible()
        dialog.get_by_label("Reason").fill("Customer came back for a touch-up")
        dialog.get_by_role("button", name="Move").click()
        expect_in_column(page, finished["id"], "ready")
        history = site.call("GET", f"/appointments/{finished['id']}/history")["items"]
        assert history[-1]["reason"] == "Customer came back for a touch-up"


class TestTheDrawer:
    def test_notes_edited_in_the_drawer_are_kept_and_appear_in_the_history(
        self, site: Site, context: BrowserContext
    ) -> None:
        chosen = site.cards("scheduled")[0]
        page = open_board(context, site)
        card(page, chosen["id"]).locator(".card-details").click()
        drawer = page.get_by_role("dialog", name=chosen["customer_name"])
        expect(drawer).to_be_visible()
        expect(drawer.locator("#drawer-total")).not_to_be_empty()
        notes = drawer.get_by_role("textbox", name="Notes")
        notes.fill("Prefers the quiet room; pays by card")
        drawer.get_by_role("button", name="Save notes").click()
        expect(drawer.locator("#notes-state")).to_have_text("Saved")
        expect(drawer.locator("#drawer-timeline")).to_contain_text("sam edited the notes")
        screenshot(page, "drawer.png")
        assert site.appointment(chosen["id"])["notes"] == "Prefers the quiet room; pays by card"
        page.reload()
        card(page, chosen["id"]).click()
        expect(page.get_by_role("textbox", name="Notes")).to_have_value(
            "Prefers the quiet room; pays by card"
        )


class TestStayingCurrent:
    def test_a_move_made_elsewhere_shows_up_at_the_next_refresh(
        self, site: Site, browser: Browser
    ) -> None:
        moving = site.cards("scheduled")[0]
        with new_context(browser, viewport=DESKTOP) as clocked:
            clocked.clock.install()
            page = open_board(clocked, site)
            body = {"to_status": "checked_in", "expected_version": moving["version"]}
            site.call("POST", f"/appointments/{moving['id']}/move", "kim", json=body)
            page.clock.run_for(5000)
            expect_in_column(page, moving["id"], "checked_in")
            expect(column(page, "checked_in").locator(".count")).to_have_text(
                str(len(site.cards("checked_in")))
            )

    def test_reads_after_a_move_ask_for_at_least_its_position(
        self, site: Site, context: BrowserContext
    ) -> None:
        moving = site.cards("scheduled")[0]
        page = open_board(context, site)
        moved_at: list[int] = []
        reads_after_the_move: list[str] = []

        def on_response(response: Response) -> None:
            if response.url.endswith("/move"):
                moved_at.append(int(response.headers["x-event-position"]))

        def on_request(request: Request) -> None:
            is_read = "/api/admin/" in request.url and not request.url.endswith("/me")
            if moved_at and request.method == "GET" and is_read:
                reads_after_the_move.append(request.url)

        page.on("response", on_response)
        page.on("request", on_request)
        drag(page, moving["id"], "checked_in")
        expect_in_column(page, moving["id"], "checked_in")
        with page.expect_request(lambda request: "/appointments/board" in request.url):
            page.reload()  # the position outlives a reload of the tab
        assert moved_at and reads_after_the_move
        for url in reads_after_the_move:
            asked = re.search(r"min_position=(\d+)", url)
            assert asked and int(asked.group(1)) >= moved_at[0], url

    def test_with_auth_off_the_board_opens_without_a_token(
        self, sqlite_url: str, context: BrowserContext
    ) -> None:
        with serve(sqlite_url, auth=False) as open_site:
            page = open_board(context, open_site)
            expect(page.locator("#sign-in")).to_be_hidden()
            expect(page.locator("#sign-out")).to_be_hidden()
            expect(column(page, "scheduled").locator(".card")).not_to_have_count(0)
