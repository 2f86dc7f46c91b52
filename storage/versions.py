"""Events stored by a newer release than this code are refused as they are read.

The library upcasts an older stored version to its class's, but reads a newer one as if it
were the class's own, silently dropping what it does not know. A release rolled back past an
event version it cannot read must not fold or replay such events half-understood: reading
one raises, so a projection stops there and names it, and a command on that aggregate fails.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

#: Where the library writes an event's version into its JSON state (from version 2 on).
_VERSION = re.compile(rb'"class_version":\s*(\d+)')


class NewerEventVersionError(ValueError):
    def __init__(self, topic: str, stored: int, known: int) -> None:
        super().__init__(
            f"{topic} was stored at version {stored}; this release reads it up to version"
            f" {known}: run the release that wrote it"
        )
        self.topic = topic
        self.stored = stored
        self.known = known


class VersionCheckingMapper(Mapper[UUID]):
    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        state = stored_event.state
        # Most events are at version 1, which the library does not write: one byte search.
        if b'"class_version"' in state and self.cipher is None and self.compressor is None:
            found = _VERSION.search(state)
            if found is not None:
                _check(stored_event.topic, int(found.group(1)))
        return Mapper.to_domain_event(self, stored_event)


def _check(topic: str, stored: int) -> None:
    known = getattr(resolve_topic(topic), "class_version", 1)
    if stored > known:
        raise NewerEventVersionError(topic, stored, known)


#: The mapper every application of this code uses (the library's MAPPER_TOPIC setting).
MAPPER_TOPIC = get_topic(VersionCheckingMapper)
