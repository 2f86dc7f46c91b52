"""What every test folder stocks its catalog with: one haircut, as the booking tests book it;
and the records a logger writes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from application.statusboard import StatusBoard
from domain.stamp import Stamp

#: The fields of the catalog's haircut, the service ``{"code": "CUT"}`` bookings name.
HAIRCUT: dict[str, Any] = {
    "code": "CUT",
    "name": "Haircut",
    "category": "hair",
    "price_cents": 2500,
    "duration_minutes": 30,
}


def add_haircut(board: StatusBoard, stamp: Stamp) -> None:
    """Put the haircut in ``board``'s catalog, added by ``stamp``'s actor."""
    board.add_service(**HAIRCUT, stamp=stamp)


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def log_records(name: str, level: int = logging.INFO) -> Iterator[list[logging.LogRecord]]:
    """What the logger ``name`` writes within the block, at ``level`` and above."""
    logger, kept = logging.getLogger(name), _Kept()
    before = logger.level
    logger.setLevel(level)
    logger.addHandler(kept)
    try:
        yield kept.records
    finally:
        logger.removeHandler(kept)
        logger.setLevel(before)
