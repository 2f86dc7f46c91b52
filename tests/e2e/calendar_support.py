"""The calendar view in the browser tests: opening it, finding its cards and slots, dragging."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.e2e.web_support import DAY, LOCATION, Site, new_context

OPEN = (8 * 60, 20 * 60)
STEP = 15


def calendar_url(site: Site, person: str = "sam", extra: str = "") -> str:
    return f"{site.board_url(person)}&view=calendar{extra}"


def open_calendar(
    context: BrowserContext, site: Site, person: str = "sam", extra: str = ""
) -> Page:
    """The calendar of the seeded day, signed in by a link, once it shows the day's cards."""
    page = context.new_page()
    page.goto(calendar_url(site, person, extra))
    expect(page.locator("#sync-state")).to_have_attribute("data-kind", "live")
    if "span=week" not in extra:
        expect(page.locator("#calendar .cal-card").first).to_be_visible()
    return page


def cal_card(page: Page, ident: str) -> Locator:
    return page.locator(f'#calendar .cal-card[data-id="{ident}"]')


def cal_column(page: Page, staff_id: str | None) -> Locator:
    return page.locator(f'#calendar .cal-column[data-staff="{staff_id or ""}"]')


def slot(page: Page, staff_id: str | None, clock: str) -> Locator:
    return cal_column(page, staff_id).locator(f'.cal-slot[data-start="{clock}"]')


def column_order(page: Page) -> list[str | None]:
    found = page.locator("#calendar .cal-column").evaluate_all(
        "columns => columns.map(column => column.dataset.staff)"
    )
    return [staff or None for staff in found]


def minutes(iso: str) -> int:
    """Minutes after midnight (UTC, the tests' time zone) of the seeded day."""
    moment = datetime.fromisoformat(iso).astimezone(UTC)
    return (moment.date() - DAY).days * 1440 + moment.hour * 60 + moment.minute


def at(clock_minutes: int) -> datetime:
    return datetime.combine(DAY, time(), UTC) + timedelta(minutes=clock_minutes)


def clock(clock_minutes: int) -> str:
    return f"{clock_minutes // 60:02d}:{clock_minutes % 60:02d}"


def all_cards(site: Site) -> list[dict[str, Any]]:
    return [card for column in site.board()["columns"] for card in column["cards"]]


def movable(site: Site, longest: int = 90) -> list[dict[str, Any]]:
    """Scheduled cards with a staff member, starting before 16:00, short enough to go anywhere
    in the open hours from 8:00 to 18:30."""
    return [
        card
        for card in site.cards("scheduled")
        if card["staff_id"]
        and minutes(card["starts_at"]) < 16 * 60
        and minutes(card["ends_at"]) - minutes(card["starts_at"]) <= longest
    ]


def free_slot(site: Site, staff_id: str | None) -> str:
    """A quarter hour in the open hours when ``staff_id``'s column has no card."""
    taken = [
        (minutes(card["starts_at"]), minutes(card["ends_at"]))
        for card in all_cards(site)
        if card["staff_id"] == staff_id
    ]
    for start in range(OPEN[0], OPEN[1], STEP):
        if all(end <= start or begin >= start + STEP for begin, end in taken):
            return clock(start)
    raise AssertionError(f"no free slot for {staff_id}")


def free_at(site: Site, staff_id: str, start: int, length: int) -> bool:
    """Whether ``staff_id`` could take ``length`` minutes from ``start`` (the demo holds the
    time of every active appointment with staff on its schedule)."""
    head = site.runtime.components.board.head_position()
    query = {
        "location": LOCATION,
        "date": DAY.isoformat(),
        "duration_minutes": length,
        "staff": staff_id,
        "step_minutes": 5,  # the demo books on five-minute starts
        "min_position": head,
    }
    found = site.call("GET", "/availability", query_string=query)["staff"]
    return bool(found) and clock(start) in found[0]["free"]


def length_of(card: dict[str, Any]) -> int:
    return minutes(card["ends_at"]) - minutes(card["starts_at"])


def free_elsewhere(site: Site, card: dict[str, Any]) -> int:
    """A start in the open hours, clear of the card's own time, free for its staff member."""
    length, begin, end = length_of(card), minutes(card["starts_at"]), minutes(card["ends_at"])
    for start in range(OPEN[0], OPEN[1] - length + 1, STEP):
        clear = start >= end or start + length <= begin
        if clear and free_at(site, card["staff_id"], start, length):
            return start
    raise AssertionError(f"no free time for {card['id']}")


def drag_to(page: Page, ident: str, staff_id: str | None, to: str | None) -> None:
    """Drags a card by mouse so that its top lands on the slot ``to`` of ``staff_id``'s column
    (straight across, at the time it has, without ``to``)."""
    source = cal_card(page, ident).bounding_box()
    target = cal_column(page, staff_id).bounding_box()
    assert source and target
    grip = 4
    if to is not None:
        found = slot(page, staff_id, to).bounding_box()
        assert found
        target["y"] = found["y"]
    else:
        target["y"] = source["y"]
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + grip)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + grip, steps=8)
    page.mouse.up()


@pytest.fixture
def tall(browser: Browser) -> Iterator[BrowserContext]:
    """A desktop tall enough to show the whole day's grid without scrolling it."""
    with new_context(browser, viewport={"width": 1280, "height": 1400}) as found:
        yield found
