"""What every test folder stocks its catalog with: one haircut, as the booking tests book it."""

from __future__ import annotations

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
