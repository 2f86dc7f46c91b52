"""The board cache keeps the most recently used boards, up to its size."""

from __future__ import annotations

from datetime import date

from adapters.api.board_cache import BoardCache, Key, Rendered, content_tag
from adapters.api.positioned import Positioned
from projections.board import BoardMark

DAY = date(2030, 3, 4)


def rendered(position: int = 1, fingerprint: bytes = b"f") -> Rendered:
    mark = BoardMark(1, position, fingerprint)
    return Rendered(mark, Positioned(b'{"position": ', b"}"), content_tag(("a", DAY, None), mark))


def test_the_least_recently_used_board_makes_room() -> None:
    cache = BoardCache(size=2)
    first: Key = ("a", DAY, None)
    second: Key = ("b", DAY, None)
    third: Key = ("a", DAY, "sam")
    cache.put(first, rendered())
    cache.put(second, rendered())
    assert cache.get(first) is not None

    cache.put(third, rendered())

    assert len(cache) == 2
    assert cache.get(second) is None
    assert cache.get(first) is not None and cache.get(third) is not None


def test_a_board_confirmed_at_a_new_position_is_kept_at_it() -> None:
    cache = BoardCache()
    key: Key = ("a", DAY, None)
    old = rendered(position=1)
    cache.put(key, old)

    moved = cache.seen(key, old, BoardMark(1, 9, b"f"))

    assert cache.get(key) == moved and moved.mark.position == 9
    assert moved.body == old.body and moved.tag == old.tag
    assert moved.body.render(9) == b'{"position": 9}'


def test_the_tag_tells_apart_staff_days_locations_generations_and_cards() -> None:
    mark = BoardMark(1, 5, b"f")
    tags = {
        content_tag(("a", DAY, None), mark),
        content_tag(("a", DAY, ""), mark),
        content_tag(("a", DAY, "sam"), mark),
        content_tag(("b", DAY, None), mark),
        content_tag(("a", date(2030, 3, 5), None), mark),
        content_tag(("a", DAY, None), BoardMark(2, 5, b"f")),
        content_tag(("a", DAY, None), BoardMark(1, 5, b"g")),
    }

    assert len(tags) == 7
    assert content_tag(("a", DAY, None), BoardMark(1, 6, b"f")) in tags


def test_boards_beyond_the_byte_budget_make_room_but_the_newest_stays() -> None:
    cache = BoardCache(size=10, max_bytes=30)
    big = Rendered(rendered().mark, Positioned(b"x" * 12, b"}"), "t")
    keys: list[Key] = [("a", DAY, None), ("b", DAY, None), ("c", DAY, None)]
    for key in keys:
        cache.put(key, big)
    cache.put(keys[2], big)  # a replaced entry is not counted twice

    assert len(cache) == 2 and cache.get(keys[0]) is None
    huge: Key = ("d", DAY, None)
    cache.put(huge, Rendered(big.mark, Positioned(b"x" * 100, b"}"), "t"))
    assert len(cache) == 1 and cache.get(huge) is not None
