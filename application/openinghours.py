"""Opening hours per location (SPEC §12): set by admins, versioned like every other record."""

from __future__ import annotations

from application import conflicts
from application.base import Command, CommandApplication, Outcome, storage_guarded
from application.errors import NotFoundError, VersionAheadError
from application.loading import Attempt
from domain import values
from domain.hours import OpeningHours, closed_date_list, hours_id_for, weekly_hours
from domain.stamp import Stamp


class OpeningHoursCommands(CommandApplication):
    @storage_guarded
    def set_opening_hours(
        self,
        location_id: object,
        *,
        weekly: object,
        closed_dates: object,
        expected_version: int | None = None,
        stamp: Stamp,
    ) -> Outcome[OpeningHours]:
        """Replaces the location's hours; the first time, establishes them (version 1).

        A client that saw the hours at a version conflicts with a change it has not seen that
        left other hours; without ``expected_version`` the last write wins.
        """
        location = values.location_id(location_id)
        requested: dict[str, object] = {
            "weekly": weekly_hours(weekly),
            "closed_dates": closed_date_list(closed_dates),
        }

        def decide(attempt: Attempt) -> tuple[OpeningHours, bool]:
            hours = self.opening_hours(location)
            if hours is None:
                if expected_version is not None:
                    raise VersionAheadError(hours_id_for(location), expected_version, 0)
                return OpeningHours.establish(location_id=location, **requested, stamp=stamp), True
            hours, unseen = attempt.load(OpeningHours, hours.id, expected_version)
            conflicts.refuse_lost_updates(hours, unseen, requested)
            return hours, hours.set_hours(requested["weekly"], requested["closed_dates"], stamp)

        arguments = {"expected_version": expected_version, **requested}
        target = hours_id_for(location)
        return self.execute(Command("set_hours", target, arguments, stamp), decide)

    @storage_guarded
    def opening_hours(self, location_id: object) -> OpeningHours | None:
        """The location's hours as set, or None when an admin never set them (the defaults)."""
        try:
            return self.loader.get(OpeningHours, hours_id_for(values.location_id(location_id)))
        except NotFoundError:
            return None
