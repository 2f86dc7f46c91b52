from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Stamp:
    """Who asked for a change, in which request, under which idempotency key.

    Every event records these three, so the audit trail can answer "who did this?".
    """

    actor: str
    request_id: str
    idempotency_key: str | None = None

    def event_fields(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "request_id": self.request_id,
            "idempotency_key": self.idempotency_key,
        }
