"""The front desk's forms in the browser tests: the booking dialog and the drawer's edits."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.e2e.web_support import DAY, LOCATION, Site, card


def booking_dialog(page: Page) -> Locator:
    return page.get_by_role("dialog", name="New appointment")


def open_booking(page: Page) -> Locator:
    """Opens the dialog from the top bar's button, with the location's staff loaded."""
    page.get_by_role("button", name="New appointment").click()
    dialog = booking_dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Location")).to_have_value(LOCATION)
    return dialog


def add_service(dialog: Locator, search: str, name: str | None = None) -> None:
    """Searches the catalog in the picker and clicks the service named ``name`` (or the first)."""
    picker = dialog.get_by_role("combobox", name="Add a service")
    picker.fill(search)
    options = found_services(dialog)
    chosen = options.filter(has_text=name).first if name else options.first
    chosen.click()
    expect(picker).to_have_value("")


def found_services(root: Locator) -> Locator:
    """The picker's options (the selects' options are options too)."""
    return root.get_by_role("listbox", name="Services found").get_by_role("option")


def fill_booking(dialog: Locator, name: str, start: str, staff: str | None = None) -> None:
    dialog.get_by_label("Customer name").fill(name)
    dialog.get_by_label("Day").fill(DAY.isoformat())
    dialog.get_by_label("Start", exact=True).fill(start)
    if staff:
        dialog.get_by_label("Staff").select_option(label=staff)


def service(site: Site, index: int = 0) -> dict[str, Any]:
    """An active service of the catalog, by name order."""
    items = site.call("GET", "/services", query_string={"active": "true", "limit": 50})["items"]
    return dict(items[index])


def shortest_services(site: Site) -> list[dict[str, Any]]:
    """The catalog's active services, shortest first."""
    items = site.call("GET", "/services", query_string={"active": "true", "limit": 50})["items"]
    return sorted(items, key=lambda item: (item["duration_minutes"], item["code"]))


def named(site: Site, customer: str) -> list[dict[str, Any]]:
    """The cards of the seeded day booked for ``customer``, in every column."""
    return [
        found
        for column in site.board()["columns"]
        for found in column["cards"]
        if found["customer_name"] == customer
    ]


def expect_booked(page: Page, site: Site, customer: str) -> dict[str, Any]:
    """The dialog has closed, the card shows on the board, and the API has it once."""
    expect(booking_dialog(page)).to_be_hidden()
    expect(page.locator(".card", has_text=customer)).to_be_visible()
    (found,) = named(site, customer)
    return found


def book(site: Site, customer: str, start: str, end: str, staff: dict[str, str]) -> dict[str, Any]:
    """Books over the API, and waits until the staff list and the free starts know of it."""
    body = {
        "location_id": LOCATION,
        "starts_at": f"{DAY}T{start}:00Z",
        "ends_at": f"{DAY}T{end}:00Z",
        "customer": {"name": customer},
        "staff": staff,
        "services": [{"code": service(site)["code"]}],
    }
    booked: dict[str, Any] = site.call("POST", "/appointments", json=body)
    head = site.runtime.components.board.head_position()
    site.call("GET", "/staff", query_string={"location": LOCATION, "min_position": head})
    wanted = {"location": LOCATION, "date": DAY.isoformat(), "duration_minutes": 30}
    site.call("GET", "/availability", query_string={**wanted, "min_position": head})
    return booked


def open_drawer(page: Page, ident: str, customer: str) -> Locator:
    card(page, ident).locator(".card-details").click()
    drawer = page.get_by_role("dialog", name=customer)
    expect(drawer.locator("#drawer-content")).to_be_visible()
    return drawer
