"""The locations read model: locations with today's bookings, and the staff seen at each.

One model, not two: both are folded from the same appointment events, keyed by location, and
read together by the front desk, so they share one position, one rebuild and one status.
"""

from projections.locations.projection import LOCATIONS, STAFF, VISITS, LocationsProjection
from projections.locations.query import (
    Location,
    LocationList,
    StaffList,
    StaffMember,
    locations,
    staff,
)

PROJECTION = LocationsProjection

__all__ = [
    "LOCATIONS",
    "PROJECTION",
    "STAFF",
    "VISITS",
    "Location",
    "LocationList",
    "LocationsProjection",
    "StaffList",
    "StaffMember",
    "locations",
    "staff",
]
