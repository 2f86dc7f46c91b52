# ruff: noqa: F811 - fixtures arrive as arguments named like their imports
"""Rescheduling and reassigning on the calendar by pointer and keyboard, and what a refusal says."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from tests.e2e.calendar_support import (  # noqa: F401 - tall is a fixture
    at,
    cal_card,
    cal_column,
    column_order,
    drag_to,
    free_at,
    free_elsewhere,
    length_of,
    minutes,
    movable,
    open_calendar,
    tall,
)
from tests.e2e.web_support import DAY, LOCATION, Site, new_context, serve, toasts

pytestmark = pytest.mark.browser
KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def still(browser: Browser) -> Iterator[BrowserContext]:
    """A tall desktop whose clock the test holds still: its page does not poll."""
    with new_context(browser, viewport={"width": 1280, "height": 1400}) as found:
        found.clock.install()
        yield found


def hold_still(page: Page) -> None:
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))


def expect_moved(
    site: Site, before: dict[str, Any], start: int, staff: str | None, events: int = 1
) -> None:
    """Rescheduled to ``start`` with its length kept, and with ``staff``, by ``events`` events."""
    after = site.appointment(before["id"])
    assert datetime.fromisoformat(after["starts_at"]) == at(start)
    length = minutes(before["ends_at"]) - minutes(before["starts_at"])
    assert datetime.fromisoformat(after["ends_at"]) == at(start + length)
    assert (after["staff"] or {}).get("id") == staff
    assert after["version"] == before["version"] + events


class TestByPointer:
    def test_a_card_dragged_to_another_time_is_rescheduled(
        self, site: Site, tall: BrowserContext
    ) -> None:
        chosen = movable(site)[0]
        page = open_calendar(tall, site, "kim")
        target = free_elsewhere(site, chosen)
        drag_to(page, chosen["id"], chosen["staff_id"], f"{target // 60:02d}:{target % 60:02d}")
        expect(toasts(page).last).to_contain_text(chosen["customer_name"])
        expect_moved(site, chosen, target, chosen["staff_id"])
        expect(cal_card(page, chosen["id"])).not_to_contain_class("is-pending")
        history = site.call("GET", f"/appointments/{chosen['id']}/history")["items"]
        assert history[-1]["reason"] == "moved in the calendar"

    def test_a_card_dragged_to_another_column_is_reassigned(
        self, site: Site, tall: BrowserContext
    ) -> None:
        page = open_calendar(tall, site, "kim")
        chosen, other = next(
            (card, staff)
            for card in movable(site)
            for staff in column_order(page)
            if staff
            and staff != card["staff_id"]
            and free_at(site, staff, minutes(card["starts_at"]), length_of(card))
        )
        drag_to(page, chosen["id"], other, None)
        expect(
            cal_column(page, other).locator(f'.cal-card[data-id="{chosen["id"]}"]')
        ).to_have_count(1)
        expect(toasts(page).last).to_contain_text(chosen["customer_name"])
        after = site.appointment(chosen["id"])
        assert after["staff"]["id"] == other and after["version"] == chosen["version"] + 1
        assert after["starts_at"] == chosen["starts_at"]

    def test_a_slot_someone_else_holds_snaps_the_card_back_and_says_who(
        self, site: Site, tall: BrowserContext
    ) -> None:
        chosen = movable(site)[0]
        page = open_calendar(tall, site, "kim")
        other = next(staff for staff in column_order(page) if staff and staff != chosen["staff_id"])
        code = site.call("GET", "/services", query_string={"active": "true"})["items"][0]["code"]
        holder = site.call(
            "POST",
            "/appointments",
            json={
                "location_id": LOCATION,
                "starts_at": at(18 * 60).isoformat(),
                "ends_at": at(19 * 60).isoformat(),
                "customer": {"name": "Holder Person", "phone": "+44 7700 900001"},
                "staff": {"id": other, "name": "Them"},
                "services": [{"code": code}],
            },
        )
        expect(cal_card(page, holder["id"])).to_be_visible()
        drag_to(page, chosen["id"], other, "18:00")
        expect(toasts(page).last).to_contain_text("is already booked then: Holder Person")
        expect(
            cal_column(page, chosen["staff_id"]).locator(f'.cal-card[data-id="{chosen["id"]}"]')
        ).to_have_count(1)
        assert site.appointment(chosen["id"])["version"] == chosen["version"]

    def test_a_card_changed_meanwhile_says_what_changed_and_shows_it(
        self, site: Site, still: BrowserContext
    ) -> None:
        chosen = movable(site)[0]
        page = open_calendar(still, site, "kim")
        hold_still(page)
        theirs = at(8 * 60)
        site.call(
            "PATCH",
            f"/appointments/{chosen['id']}",
            json={
                "expected_version": chosen["version"],
                "starts_at": theirs.isoformat(),
                "ends_at": (theirs + timedelta(minutes=30)).isoformat(),
            },
        )
        drag_to(page, chosen["id"], chosen["staff_id"], "18:00")
        expect(toasts(page).filter(has_text="sam moved the time to")).to_contain_text(
            f"Your change to {chosen['customer_name']} was not made"
        )
        expect(cal_card(page, chosen["id"]).locator("time")).to_have_attribute(
            "datetime", theirs.isoformat()
        )
        assert site.appointment(chosen["id"])["version"] == chosen["version"] + 1


def keyboard_move(
    site: Site, order: list[str | None]
) -> tuple[dict[str, Any], int, int, str | None]:
    """A card, a neighbouring column (-1 or 1) and a number of quarter hours later (from the
    quarter it starts in; earlier when negative) where that column's staff member is free."""
    for card in movable(site):
        here = order.index(card["staff_id"])
        for side in (1, -1):
            if not 0 <= here + side < len(order):
                continue
            staff = order[here + side]
            for quarters in (*range(1, 13), *range(-1, -21, -1)):
                start = minutes(card["starts_at"]) // 15 * 15 + 15 * quarters
                if staff is None or free_at(site, staff, start, length_of(card)):
                    return card, side, quarters, staff
    raise AssertionError("no card has a free neighbouring column")


class TestByKeyboard:
    def test_arrow_keys_move_a_ghost_and_enter_places_the_card(
        self, site: Site, tall: BrowserContext
    ) -> None:
        page = open_calendar(tall, site, "kim")
        chosen, side, quarters, staff = keyboard_move(site, column_order(page))
        cal_card(page, chosen["id"]).focus()
        across = "ArrowRight" if side > 0 else "ArrowLeft"
        # Down goes to the next quarter, Up first to the quarter the card starts in.
        if quarters > 0:
            keys = ["ArrowDown"] * (quarters + 1) + ["ArrowUp", across]
        else:
            keys = ["ArrowUp"] * (1 - quarters) + ["ArrowDown", "ArrowUp", across]
        for key in keys:
            page.keyboard.press(key)
        expect(page.locator("#calendar .cal-ghost")).to_be_visible()
        expect(page.locator("#calendar-live")).to_contain_text("Enter places it here")
        page.keyboard.press("Enter")
        expect(toasts(page).last).to_contain_text(chosen["customer_name"])
        expect(cal_card(page, chosen["id"])).to_be_focused()
        # Rescheduled and reassigned: two events.
        start = minutes(chosen["starts_at"]) // 15 * 15 + 15 * quarters
        expect_moved(site, chosen, start, staff, events=2)

    def test_escape_puts_the_ghost_away_and_sends_nothing(
        self, site: Site, tall: BrowserContext
    ) -> None:
        chosen = movable(site)[0]
        page = open_calendar(tall, site, "kim")
        sent: list[Request] = []
        page.on(
            "request", lambda request: sent.append(request) if request.method == "PATCH" else None
        )
        cal_card(page, chosen["id"]).focus()
        page.keyboard.press("ArrowDown")
        expect(page.locator("#calendar .cal-ghost")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator("#calendar .cal-ghost")).to_have_count(0)
        expect(page.locator("#drawer")).not_to_have_attribute("open", "")
        assert not sent and site.appointment(chosen["id"])["version"] == chosen["version"]


class TestAViewer:
    def test_sees_the_calendar_without_ways_to_move_or_book(
        self, site: Site, tall: BrowserContext
    ) -> None:
        chosen = movable(site)[0]
        page = open_calendar(tall, site, "vic")
        sent: list[Request] = []
        page.on(
            "request", lambda request: sent.append(request) if request.method != "GET" else None
        )
        expect(page.locator("#calendar .cal-slot")).to_have_count(0)
        expect(page.locator("#new-appointment")).to_be_hidden()
        card = cal_card(page, chosen["id"])
        assert card.get_attribute("aria-describedby") is None
        box = card.bounding_box()
        assert box
        page.mouse.move(box["x"] + 10, box["y"] + 4)
        page.mouse.down()
        page.mouse.move(box["x"] + 10, box["y"] + 200, steps=8)
        expect(page.locator("#calendar .cal-ghost")).to_have_count(0)
        page.mouse.up()
        card.focus()
        page.keyboard.press("ArrowDown")
        expect(page.locator("#calendar .cal-ghost")).to_have_count(0)
        assert not sent and site.appointment(chosen["id"])["version"] == chosen["version"]


class TestATimeZone:
    def test_the_grid_and_the_moves_are_in_the_locations_time(
        self, sqlite_url: str, tall: BrowserContext
    ) -> None:
        with serve(sqlite_url, timezone="Asia/Kolkata") as site:
            chosen = movable(site)[0]
            page = open_calendar(tall, site, "kim")
            local = datetime.fromisoformat(chosen["starts_at"]).astimezone(KOLKATA)
            label = cal_card(page, chosen["id"]).get_attribute("aria-label") or ""
            assert f"{local.hour % 12 or 12}:{local.minute:02d}" in label
            drag_to(page, chosen["id"], chosen["staff_id"], "10:00")
            expect(toasts(page).last).to_contain_text(chosen["customer_name"])
            after = site.appointment(chosen["id"])
            wanted = datetime.combine(DAY, time(10), KOLKATA)
            assert datetime.fromisoformat(after["starts_at"]) == wanted
