"""The service catalog page in a real browser: search, add, change, retire, conflicts, paging."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.page_support import caught_up, open_view
from tests.e2e.web_support import Site, screenshot, toasts

pytestmark = pytest.mark.browser


def services(site: Site, **query: Any) -> list[dict[str, Any]]:
    caught_up(site, "services")
    page = site.call("GET", "/services", query_string={"limit": 100, **query})
    found: list[dict[str, Any]] = page["items"]
    return found


def row(page: Page, code: str) -> Locator:
    return page.locator("#catalog-rows tr", has=page.locator("th", has_text=code))


def dialog(page: Page) -> Locator:
    return page.locator("#service-dialog")


def open_catalog(context: BrowserContext, site: Site, person: str = "sam") -> Page:
    page = open_view(context, site, "catalog", person)
    expect(page.locator("#catalog-count")).to_contain_text("Showing")
    return page


class TestFinding:
    def test_the_list_narrows_as_the_admin_types(self, site: Site, context: BrowserContext) -> None:
        every = services(site)
        chosen = every[3]
        page = open_catalog(context, site)
        count = page.locator("#catalog-count")
        expect(count).to_have_text(f"Showing {len(every)} of {len(every)} services.")
        expect(page.locator("#catalog-rows tr")).to_have_count(len(every))
        assert_accessible(page, "#catalog")
        screenshot(page, "catalog.png")

        page.locator("#catalog").get_by_label("Search").press_sequentially(
            chosen["code"].lower(), delay=20
        )
        expect(page.locator("#catalog-rows tr")).to_have_count(1)
        expect(row(page, chosen["code"])).to_contain_text(chosen["name"])
        expect(count).to_have_text("Showing 1 of 1 service matching your search.")

    def test_paging_reaches_every_service_past_the_first_hundred(
        self, site: Site, context: BrowserContext
    ) -> None:
        total = len(services(site)) + 130
        for number in range(130):
            site.call(
                "POST",
                "/services",
                json={
                    "code": f"BULK-{number:03d}",
                    "name": f"Bulk service {number:03d}",
                    "category": "Bulk",
                    "price_cents": 1000 + number,
                    "duration_minutes": 30,
                },
            )
        caught_up(site, "services")
        page = open_catalog(context, site)
        expect(page.locator("#catalog-count")).to_have_text(f"Showing 100 of {total} services.")
        more = page.get_by_role("button", name=f"Show {total - 100} more")
        more.focus()
        page.keyboard.press("Enter")
        expect(page.locator("#catalog-rows tr")).to_have_count(total)
        expect(page.locator("#catalog-count")).to_have_text(f"Showing {total} of {total} services.")
        expect(more).to_be_hidden()
        shown = page.locator("#catalog-rows th").all_text_contents()
        assert {f"BULK-{number:03d}" for number in range(130)} <= set(shown)
        assert len(set(shown)) == total


class TestChanging:
    def test_a_new_service_is_added_by_keyboard_with_its_price_in_cents(
        self, site: Site, context: BrowserContext
    ) -> None:
        page = open_catalog(context, site)
        page.get_by_role("button", name="New service").focus()
        page.keyboard.press("Enter")
        expect(dialog(page)).to_be_visible()
        assert_accessible(page, "#service-dialog")
        for text in ("BEARD-30", "Beard trim", "Barber", "25.50"):
            page.keyboard.type(text)
            page.keyboard.press("Tab")
        page.keyboard.type("30")
        screenshot(page, "service-dialog.png")
        page.keyboard.press("Enter")

        expect(dialog(page)).to_be_hidden()
        expect(row(page, "BEARD-30")).to_contain_text("Beard trim")
        expect(row(page, "BEARD-30").get_by_role("button", name="Edit Beard trim")).to_be_focused()
        added = next(s for s in services(site) if s["code"] == "BEARD-30")
        assert (added["price_cents"], added["duration_minutes"]) == (2550, 30)
        assert added["active"]

    def test_a_refused_field_is_told_beside_it_and_nothing_is_written(
        self, site: Site, context: BrowserContext
    ) -> None:
        before = len(services(site))
        page = open_catalog(context, site)
        page.get_by_role("button", name="New service").click()
        dialog(page).get_by_label("Code").fill("not a code")
        dialog(page).get_by_label("Name").fill("Hot towel")
        dialog(page).get_by_label("Category").fill("Barber")
        dialog(page).get_by_label("Price").fill("12")
        dialog(page).get_by_label("Duration (minutes)").fill("30")
        with page.expect_response(lambda r: r.url.endswith("/services")) as answer:
            dialog(page).get_by_role("button", name="Save", exact=True).click()
        assert answer.value.status == 422
        code = dialog(page).get_by_label("Code")
        expect(code).to_have_attribute("aria-invalid", "true")
        expect(code).to_have_accessible_description(re.compile("2 to 32 of A-Z, 0-9 and -"))
        expect(dialog(page).locator('[data-error-for="code"]')).to_be_visible()
        expect(code).to_be_focused()
        dialog(page).get_by_label("Price").fill("twelve")
        dialog(page).get_by_role("button", name="Save", exact=True).click()
        expect(dialog(page).locator('[data-error-for="price_cents"]')).to_contain_text("like 25.00")
        expect(dialog(page).locator('[data-error-for="code"]')).to_be_hidden()

        taken = services(site)[0]["code"]
        dialog(page).get_by_label("Code").fill(taken)
        dialog(page).get_by_label("Price").fill("12")
        dialog(page).get_by_role("button", name="Save", exact=True).click()
        expect(dialog(page).locator('[data-error-for="code"]')).to_contain_text("already exists")
        assert len(services(site)) == before

    def test_a_service_is_changed_retired_and_reactivated(
        self, site: Site, context: BrowserContext
    ) -> None:
        chosen = services(site, active="true")[0]
        page = open_catalog(context, site)
        row(page, chosen["code"]).get_by_role("button", name=f"Edit {chosen['name']}").click()
        expect(dialog(page).get_by_label("Code")).to_have_js_property("readOnly", True)
        dialog(page).get_by_label("Price").fill("99.95")
        dialog(page).get_by_role("button", name="Save", exact=True).click()
        expect(row(page, chosen["code"])).to_contain_text("99.95")
        changed = next(s for s in services(site) if s["id"] == chosen["id"])
        assert (changed["price_cents"], changed["version"]) == (9995, chosen["version"] + 1)

        row(page, chosen["code"]).get_by_role("button", name=f"Retire {chosen['name']}").click()
        expect(row(page, chosen["code"])).to_contain_text("Retired")
        assert not next(s for s in services(site) if s["id"] == chosen["id"])["active"]
        shown = row(page, chosen["code"])
        reactivate = shown.get_by_role("button", name=f"Reactivate {chosen['name']}")
        reactivate.focus()
        page.keyboard.press("Enter")
        expect(row(page, chosen["code"])).to_contain_text("Active")
        after = next(s for s in services(site) if s["id"] == chosen["id"])
        assert (after["active"], after["version"]) == (True, chosen["version"] + 3)


class TestTwoAdmins:
    def start_editing(self, page: Page, service: dict[str, Any], price: str) -> None:
        row(page, service["code"]).get_by_role("button", name=f"Edit {service['name']}").click()
        dialog(page).get_by_label("Price").fill(price)

    def change(self, site: Site, service: dict[str, Any], **fields: Any) -> None:
        current = site.call("GET", f"/services/{service['id']}")
        site.call(
            "PATCH",
            f"/services/{service['id']}",
            json={"expected_version": current["version"], **fields},
        )

    def test_the_admin_sees_the_other_change_and_keeps_theirs_or_takes_the_other(
        self, site: Site, context: BrowserContext
    ) -> None:
        chosen = services(site, active="true")[0]
        path = f"/services/{chosen['id']}"
        page = open_catalog(context, site, "ada")
        self.start_editing(page, chosen, "40.00")
        self.change(site, chosen, price_cents=3300)
        dialog(page).get_by_role("button", name="Save", exact=True).click()
        conflict = page.locator("#service-conflict")
        expect(conflict).to_contain_text("sam changed this service")
        expect(conflict.locator("dd")).to_have_text(["33.00"])
        expect(page.get_by_role("button", name="Keep mine")).to_be_focused()
        page.keyboard.press("Enter")
        expect(dialog(page)).to_be_hidden()
        expect(row(page, chosen["code"])).to_contain_text("40.00")
        assert site.call("GET", path)["price_cents"] == 4000

        self.start_editing(page, chosen, "41.00")
        self.change(site, chosen, price_cents=5500)
        dialog(page).get_by_role("button", name="Save", exact=True).click()
        page.get_by_role("button", name="Use theirs").click()
        expect(dialog(page)).to_be_hidden()
        expect(row(page, chosen["code"])).to_contain_text("55.00")
        expect(toasts(page).last).to_contain_text("yours was not saved")
        assert site.call("GET", path)["price_cents"] == 5500
