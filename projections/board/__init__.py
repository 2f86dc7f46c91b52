"""The board read model: one row per appointment, the cards of the status columns."""

from projections.board.projection import APPOINTMENT_EVENTS, BOARD, BoardProjection, with_lines
from projections.board.query import (
    Board,
    BoardMark,
    BoardRead,
    Card,
    Pairs,
    Unknown,
    board,
    board_if_changed,
    everything,
)

PROJECTION = BoardProjection

__all__ = [
    "APPOINTMENT_EVENTS",
    "BOARD",
    "PROJECTION",
    "Board",
    "BoardMark",
    "BoardProjection",
    "BoardRead",
    "Card",
    "Pairs",
    "Unknown",
    "board",
    "board_if_changed",
    "everything",
    "with_lines",
]
