"""Who acts in the application-level tests, and the booking they make."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.stamp import Stamp

ANN = Stamp(actor="ann", request_id="req-ann")
BOB = Stamp(actor="bob", request_id="req-bob")
BOOKING: dict[str, Any] = {
    "location_id": "main-street",
    "starts_at": datetime(2030, 3, 4, 9, 0, tzinfo=UTC),
    "customer": {"name": "Ada Lovelace"},
    "services": [{"code": "CUT"}],
}
