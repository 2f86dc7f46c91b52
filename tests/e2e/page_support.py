"""The browser tests' way to the pages beside the board (the catalog, the activity trail)."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.web_support import Site


def open_view(
    context: BrowserContext, site: Site, view: str, person: str = "sam", query: str = ""
) -> Page:
    """``view`` (catalog or activity) signed in as ``person``, with ``query`` in its address."""
    page = context.new_page()
    page.goto(f"{site.board_url(person)}&view={view}{query}")
    expect(page.locator(f"#{view}")).to_be_visible()
    return page


def caught_up(site: Site, *models: str) -> None:
    """The read models have every event written so far."""
    components = site.runtime.components
    head = components.board.head_position()
    for model in models:
        assert components.read_side.wait_for(model, head, 10), model
