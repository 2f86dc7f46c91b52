"""The availability read model: the intervals staff hold and the locations' opening hours, read
as the free start times of a location's staff on a day (SPEC §12)."""

from projections.availability.projection import HOLDS, HOURS, SCHEDULES, AvailabilityProjection
from projections.availability.query import Availability, StaffFree, Wanted, availability

PROJECTION = AvailabilityProjection

__all__ = [
    "HOLDS",
    "HOURS",
    "PROJECTION",
    "SCHEDULES",
    "Availability",
    "AvailabilityProjection",
    "StaffFree",
    "Wanted",
    "availability",
]
