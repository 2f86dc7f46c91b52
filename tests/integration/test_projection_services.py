"""The services list: search, filters and keyset paging with an opaque cursor (SPEC §5, §6)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest

from domain.service import Service, service_id_for
from projections.paging import InvalidCursorError
from projections.services import ServiceItem
from tests.integration.test_projection_harness import ADMIN, ReadModel


@pytest.fixture
def model(database_url: str) -> Iterator[ReadModel]:
    """A status board with haircuts, washes and manicures, and its read side, on each store."""
    model = ReadModel(database_url)
    add(model, "COL-1", "Colour", "Hair")
    add(model, "PED-2", "Pedicure", "Nails")
    yield model
    model.close()


def add(model: ReadModel, code: str, name: str, category: str = "Misc") -> None:
    model.app.add_service(
        code=code,
        name=name,
        category=category,
        price_cents=1000,
        duration_minutes=30,
        stamp=ADMIN,
    )


def names(model: ReadModel, **query: object) -> list[str]:
    model.catch_up()
    page = model.read_side.services(**query)  # type: ignore[arg-type]
    assert page.total == len(page.items)
    return [item.name for item in page.items]


def walk(
    model: ReadModel, limit: int, between_pages: Callable[[int], None] | None = None
) -> list[ServiceItem]:
    """Every item, page by page, calling ``between_pages(page_number)`` after each page."""
    items: list[ServiceItem] = []
    cursor: str | None = None
    for number in range(1, 100):
        model.catch_up()
        page = model.read_side.services(limit=limit, cursor=cursor)
        assert len(page.items) <= limit
        items += page.items
        if page.next_cursor is None:
            return items
        cursor = page.next_cursor
        if between_pages is not None:
            between_pages(number)
    raise AssertionError("paging never ended")


class TestSearch:
    def test_search_matches_code_name_or_category_ignoring_case(self, model: ReadModel) -> None:
        assert names(model, search="hAiR") == ["Colour", "Haircut", "Wash"]
        assert names(model, search="nail") == ["Manicure", "Pedicure"]
        assert names(model, search="cut") == ["Haircut"]
        assert names(model, search="ped-") == ["Pedicure"]

    def test_an_omitted_or_blank_search_lists_everything(self, model: ReadModel) -> None:
        everything = ["Colour", "Haircut", "Manicure", "Pedicure", "Wash"]

        assert names(model) == everything
        assert names(model, search="") == everything
        assert names(model, search="   ") == everything

    def test_sql_wildcards_are_searched_for_literally(self, model: ReadModel) -> None:
        for wildcard in ("%", "_", "\\", "C_T", "H%t"):
            assert names(model, search=wildcard) == [], wildcard

    def test_items_show_the_catalog_as_it_is_now(self, model: ReadModel) -> None:
        model.app.update_service(
            service_id_for("WASH"),
            {"price_cents": 950, "category": "Care"},
            expected_version=1,
            stamp=ADMIN,
        )
        model.catch_up()

        (item,) = model.read_side.services(search="wash").items

        assert (item.id, item.code, item.category) == (service_id_for("WASH"), "WASH", "Care")
        assert (item.price_cents, item.duration_minutes, item.version) == (950, 15, 2)
        assert names(model, search="hair") == ["Colour", "Haircut"]


class TestFilters:
    def test_category_filter_ignores_case(self, model: ReadModel) -> None:
        assert names(model, category="NAILS") == ["Manicure", "Pedicure"]
        assert names(model, category="nails", search="pedi") == ["Pedicure"]

    def test_active_filter_separates_retired_services(self, model: ReadModel) -> None:
        model.app.retire_service(service_id_for("WASH"), stamp=ADMIN)

        assert names(model, category="hair", active=True) == ["Colour", "Haircut"]
        assert names(model, active=False) == ["Wash"]
        assert names(model, category="hair") == ["Colour", "Haircut", "Wash"]

    def test_a_reactivated_service_is_active_again(self, model: ReadModel) -> None:
        model.app.retire_service(service_id_for("WASH"), stamp=ADMIN)
        model.app.reactivate_service(service_id_for("WASH"), stamp=ADMIN)

        assert names(model, active=False) == []
        assert "Wash" in names(model, active=True)


class TestPaging:
    @pytest.fixture
    def many(self, model: ReadModel) -> ReadModel:
        """The catalog grown past a hundred items, some of them sharing a name."""
        model.app.save(
            *(
                Service.add(
                    code=f"S-{number:03d}",
                    name=f"{'ab'[number % 2]}Service {number % 60:02d}",
                    category="Misc",
                    price_cents=1000,
                    duration_minutes=30,
                    stamp=ADMIN,
                )
                for number in range(120)
            )
        )
        model.catch_up()
        return model

    def test_pages_walk_every_item_once_in_name_then_code_order(self, many: ReadModel) -> None:
        items = walk(many, limit=50)

        keys = [(item.name.casefold(), item.code) for item in items]
        assert len(items) == 125
        assert keys == sorted(keys)
        assert len({item.code for item in items}) == 125

    def test_every_page_reports_the_filtered_total(self, many: ReadModel) -> None:
        first = many.read_side.services(search="service", limit=100)
        second = many.read_side.services(search="service", limit=100, cursor=first.next_cursor)

        assert (first.total, second.total) == (120, 120)
        assert (len(first.items), len(second.items), second.next_cursor) == (100, 20, None)

    def test_items_added_between_pages_neither_repeat_nor_hide_others(
        self, many: ReadModel
    ) -> None:
        before = {item.code for item in walk(many, limit=100)}

        def add_both_sides(page_number: int) -> None:
            add(many, f"AA-{page_number}", f"AA early {page_number}")
            add(many, f"ZZ-{page_number}", f"ZZ late {page_number}")

        seen = [item.code for item in walk(many, limit=30, between_pages=add_both_sides)]

        assert len(seen) == len(set(seen))
        assert before <= set(seen)
        assert {"ZZ-1", "ZZ-2", "ZZ-3", "ZZ-4"} <= set(seen)
        assert not any(code.startswith("AA-") for code in seen)


def _encoded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class TestCursor:
    def test_a_cursor_this_service_did_not_issue_is_refused(self, model: ReadModel) -> None:
        for cursor in (
            "not a cursor!",
            "%%%",
            _encoded(b"not json"),
            _encoded(b"[1, 2]"),
            _encoded(b'["only one"]'),
            _encoded(b"null"),
            _encoded(b"\xff\xfe"),
        ):
            with pytest.raises(InvalidCursorError):
                model.read_side.services(cursor=cursor)
