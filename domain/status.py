"""The columns of the board and the moves between them."""

from __future__ import annotations

SCHEDULED = "scheduled"
CHECKED_IN = "checked_in"
IN_PROGRESS = "in_progress"
READY = "ready"
COMPLETED = "completed"
CANCELLED = "cancelled"
NO_SHOW = "no_show"

#: Board order of the columns.
STATUSES: tuple[str, ...] = (
    SCHEDULED,
    CHECKED_IN,
    IN_PROGRESS,
    READY,
    COMPLETED,
    CANCELLED,
    NO_SHOW,
)

TITLES: dict[str, str] = {
    SCHEDULED: "Scheduled",
    CHECKED_IN: "Checked in",
    IN_PROGRESS: "In progress",
    READY: "Ready",
    COMPLETED: "Completed",
    CANCELLED: "Cancelled",
    NO_SHOW: "No-show",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    SCHEDULED: (CHECKED_IN, CANCELLED, NO_SHOW),
    CHECKED_IN: (IN_PROGRESS, SCHEDULED, CANCELLED),
    IN_PROGRESS: (READY, CHECKED_IN, CANCELLED),
    READY: (COMPLETED, IN_PROGRESS),
    COMPLETED: (READY,),
    CANCELLED: (SCHEDULED,),
    NO_SHOW: (SCHEDULED, CHECKED_IN),
}

#: Statuses whose every way out reopens the appointment and so needs a reason.
REOPENED_FROM: frozenset[str] = frozenset({COMPLETED, CANCELLED, NO_SHOW})

#: Statuses whose length of stay the dashboard averages.
TIMED: tuple[str, ...] = (CHECKED_IN, IN_PROGRESS, READY)

#: Statuses that do not count towards booked revenue.
UNBILLED: frozenset[str] = frozenset({CANCELLED, NO_SHOW})


def allowed_targets(from_status: str) -> tuple[str, ...]:
    return TRANSITIONS[from_status]


def needs_reason(from_status: str) -> bool:
    return from_status in REOPENED_FROM
