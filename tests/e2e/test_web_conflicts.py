"""Two people on one board in real browsers, and a network that drops a request."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.e2e.web_support import (
    DESKTOP,
    Site,
    card,
    drag,
    expect_in_column,
    new_context,
    open_board,
    screenshot,
    toasts,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def second_context(browser: Browser) -> Iterator[BrowserContext]:
    """Another person's browser, whose clock the test holds still: their page does not poll."""
    with new_context(browser, viewport=DESKTOP) as found:
        found.clock.install()
        yield found


def hold_still(page: Page) -> None:
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))


class TestTwoPeople:
    def test_the_later_move_snaps_back_and_says_who_moved_the_card_first(
        self, site: Site, context: BrowserContext, second_context: BrowserContext
    ) -> None:
        moving = site.cards("scheduled")[0]
        kim = open_board(second_context, site, "kim")
        hold_still(kim)
        sam = open_board(context, site, "sam")
        drag(sam, moving["id"], "checked_in")
        expect_in_column(sam, moving["id"], "checked_in")

        drag(kim, moving["id"], "cancelled")
        expect(toasts(kim).filter(has_text="sam moved this to Checked in")).to_contain_text(
            f"Your move of {moving['customer_name']} to Cancelled was not made."
        )
        expect_in_column(kim, moving["id"], "scheduled")
        screenshot(kim, "conflict.png")
        kim.clock.resume()
        expect_in_column(kim, moving["id"], "checked_in")
        assert site.appointment(moving["id"])["status"] == "checked_in"

    def test_notes_changed_meanwhile_can_be_kept_or_replaced(
        self, site: Site, context: BrowserContext
    ) -> None:
        chosen = site.cards("scheduled")[0]
        path = f"/appointments/{chosen['id']}"
        kim = open_board(context, site, "kim")
        card(kim, chosen["id"]).click()
        drawer = kim.get_by_role("dialog", name=chosen["customer_name"])
        notes = drawer.get_by_role("textbox", name="Notes")
        expect(notes).to_be_editable()
        site.call("PATCH", path, json={"expected_version": 1, "notes": "Sam: call first"})

        notes.fill("Kim: window seat")
        drawer.get_by_role("button", name="Save notes").click()
        conflict = drawer.locator("#notes-conflict")
        expect(conflict).to_contain_text("sam changed the notes")
        expect(conflict.locator("blockquote")).to_have_text("Sam: call first")
        drawer.get_by_role("button", name="Keep mine").click()
        expect(drawer.locator("#notes-state")).to_have_text("Saved")
        assert site.appointment(chosen["id"])["notes"] == "Kim: window seat"

        version = site.appointment(chosen["id"])["version"]
        site.call("PATCH", path, json={"expected_version": version, "notes": "Sam: paid upfront"})
        notes.fill("Kim: running late")
        drawer.get_by_role("button", name="Save notes").click()
        drawer.get_by_role("button", name="Use theirs").click()
        expect(notes).to_have_value("Sam: paid upfront")
        assert site.appointment(chosen["id"])["notes"] == "Sam: paid upfront"

    def test_the_history_is_left_out_for_a_token_without_the_support_role(
        self, site: Site, context: BrowserContext
    ) -> None:
        chosen = site.cards("scheduled")[0]
        kim = open_board(context, site, "kim")
        with kim.expect_response(lambda response: response.url.endswith("/history")) as answer:
            card(kim, chosen["id"]).click()
        assert answer.value.status == 403
        drawer = kim.get_by_role("dialog", name=chosen["customer_name"])
        expect(drawer.locator("#drawer-total")).not_to_be_empty()
        expect(drawer.locator("#drawer-history")).to_be_hidden()


class TestAFlakyNetwork:
    def test_a_move_whose_answer_is_lost_is_sent_again_with_the_same_key_and_applies_once(
        self, site: Site, context: BrowserContext
    ) -> None:
        moving = site.cards("scheduled")[0]
        page = open_board(context, site)
        keys: list[str] = []

        def lose_the_first_answer(route: Route) -> None:
            keys.append(route.request.headers["idempotency-key"])
            if len(keys) == 1:
                route.fetch()  # the server applies it; the answer never reaches the page
                route.abort("connectionreset")
            else:
                route.continue_()

        page.route("**/move", lose_the_first_answer)
        drag(page, moving["id"], "checked_in")
        expect_in_column(page, moving["id"], "checked_in")
        expect(toasts(page).last).to_contain_text("Checked in")
        assert len(keys) == 2 and keys[0] == keys[1]
        after = site.appointment(moving["id"])
        assert (after["status"], after["version"]) == ("checked_in", moving["version"] + 1)
