"""axe-core finds no serious or critical violation on the pages and dialogs a desk uses."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.web_support import Site, card, open_board

pytestmark = pytest.mark.browser


class TestAccessibility:
    def test_the_sign_in_form(self, site: Site, context: BrowserContext) -> None:
        page = context.new_page()
        page.goto(site.url)
        expect(page.locator("#sign-in")).to_be_visible()

        assert_accessible(page)

    def test_the_board_and_its_numbers(self, site: Site, context: BrowserContext) -> None:
        page = open_board(context, site)

        assert_accessible(page)

    def test_the_drawer(self, site: Site, context: BrowserContext) -> None:
        chosen = site.cards("scheduled")[0]
        page = open_board(context, site)
        card(page, chosen["id"]).locator(".card-details").click()
        expect(page.locator("#drawer-timeline li").first).to_be_visible()

        assert_accessible(page, "#drawer")

    def test_the_check_itself_finds_a_violation_put_there(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_board(context, site)
        page.evaluate("() => document.body.append(document.createElement('img'))")

        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page)
