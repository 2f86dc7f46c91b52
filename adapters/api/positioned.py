"""An encoded answer kept around its position, which each request fills in.

A read model's answer changes less often than its position does (the position moves past
events the answer has nothing to do with), so a kept answer is encoded once and each request
puts in the position it read. This is the only way an answer's position is put in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Dumps = Callable[[Any], str]

#: The member of an answer that each request fills in.
MEMBER = "position"


@dataclass(frozen=True)
class Positioned:
    """``head + str(position) + tail`` is the JSON text of the answer at that position."""

    head: bytes
    tail: bytes

    def render(self, position: int) -> bytes:
        return b"".join((self.head, str(position).encode(), self.tail))

    def __len__(self) -> int:
        return len(self.head) + len(self.tail)


def positioned(document: dict[str, Any], dumps: Dumps) -> Positioned:
    """``document`` as ``dumps`` encodes it, cut where its ``position`` member's value is.

    The members before and after ``position`` are encoded apart and joined with the
    encoder's default punctuation (``", "`` and ``": "``) in the document's order, which is
    what ``dumps`` of the whole document writes when it keeps keys in order.
    """
    keys = list(document)
    at = keys.index(MEMBER)
    before = {key: document[key] for key in keys[:at]}
    after = {key: document[key] for key in keys[at + 1 :]}
    head = dumps(before)[:-1] + (", " if before else "") + f'"{MEMBER}": '
    tail = ", " + dumps(after)[1:] if after else "}"
    return Positioned(head.encode(), tail.encode())
