"""Each card's encoding, kept per process by (generation, appointment id, version), so that a
board whose day changed reads and encodes again only the cards that changed.

Within one generation a board row is fully determined by its appointment id and version (see
``BoardMark``), so a kept encoding is exact for as long as the card keeps that version; a new
version is a new key, and the old one ages out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from adapters.api.board_json import card_document
from adapters.api.positioned import MEMBER, Dumps, Positioned
from domain.status import STATUSES, TITLES
from projections.board import Card, Pairs

#: Cards kept per process (an encoded card is about 400 bytes; a 200-card board is 200).
SIZE = 20_000

CardKey = tuple[int, str, int]


@dataclass(frozen=True)
class Fragment:
    """A card as a board shows it: its column, its staff, its place, and its JSON text."""

    status: str
    staff_id: str | None
    #: Board order within a column: start, customer name by code point, id.
    order: tuple[datetime, str, str]
    text: str


def fragment(card: Card, dumps: Dumps) -> Fragment:
    return Fragment(
        card.status,
        card.staff_id,
        (card.starts_at, card.customer_name, str(card.id)),
        dumps(card_document(card)),
    )


class CardCache:
    """A bounded, thread-safe map from (generation, id, version) to the card's encoding."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[CardKey, Fragment] = OrderedDict()
        self._lock = threading.Lock()

    def hits(self, generation: int, pairs: Pairs) -> dict[str, Fragment]:
        """The kept encodings of a day's cards, by id, for those kept at their version."""
        found = {}
        with self._lock:
            for ident, version in pairs:
                key = (generation, ident, version)
                kept = self._entries.get(key)
                if kept is not None:
                    self._entries.move_to_end(key)
                    found[ident] = kept
        return found

    def add(self, generation: int, cards: Iterable[Card], dumps: Dumps) -> dict[str, Fragment]:
        """The cards encoded, by id, and kept."""
        made = {str(card.id): (card.version, fragment(card, dumps)) for card in cards}
        with self._lock:
            for ident, (version, encoded) in made.items():
                self._entries[(generation, ident, version)] = encoded
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return {ident: encoded for ident, (_version, encoded) in made.items()}

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def assemble(location: str, day: date, cards: Iterable[Fragment], dumps: Dumps) -> Positioned:
    """What ``board_json.encode`` gives for the board of these cards, from their kept
    encodings: the cards sorted into board order, and each column's joined into the members
    ``dumps`` writes around them (``", "`` and ``": "``, members in the document's order)."""
    by_status: dict[str, list[str]] = {status: [] for status in STATUSES}
    for card in sorted(cards, key=lambda card: card.order):
        column = by_status.get(card.status)
        if column is not None:
            column.append(card.text)
    columns = ", ".join(
        f'{{"status": {dumps(status)}, "title": {dumps(TITLES[status])},'
        f' "count": {len(texts)}, "cards": [{", ".join(texts)}]}}'
        for status, texts in by_status.items()
    )
    head = dumps({"date": day.isoformat(), "location": location})[:-1] + f', "{MEMBER}": '
    return Positioned(head.encode(), f', "columns": [{columns}]}}'.encode())
