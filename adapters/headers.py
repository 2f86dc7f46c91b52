"""The names of the HTTP headers the service reads and writes, each spelled once."""

from __future__ import annotations

#: The position of a command's last event in the log.
EVENT_POSITION = "X-Event-Position"
#: The position a read model answered from.
PROJECTION_POSITION = "X-Projection-Position"
REQUEST_ID = "X-Request-ID"
IDEMPOTENCY_KEY = "Idempotency-Key"
ETAG = "ETag"
LOCATION = "Location"
RETRY_AFTER = "Retry-After"
#: The process id of the server worker that answered.
WORKER = "X-Worker"
