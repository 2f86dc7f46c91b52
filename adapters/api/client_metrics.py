"""The page's timings of its own API calls, taken into the metrics (SPEC §12)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from adapters.api.operation import API_PREFIX, Operation, operation
from adapters.caller_limit import CallerLimit
from adapters.client_metrics import routes
from adapters.metrics import METRICS
from adapters.schemas.client_metrics import ClientMetricsSchema

bp = Blueprint("client_metrics", __name__, url_prefix=API_PREFIX)

#: About 90 samples of the page's (its batches hold 50); the other bound besides 100 samples.
MAX_BODY_BYTES = 16 * 1024
#: Per token (per worker process under ``serve``): a page sends a batch every ten seconds, or
#: sooner when it has fifty samples, and one more when it is hidden.
RATE_LIMIT = "30/minute"


_LIMIT = "statusboard_client_metrics_limit"
bp.record_once(lambda setup: setup.app.extensions.setdefault(_LIMIT, CallerLimit(RATE_LIMIT)))


@bp.before_request
def limited() -> None:
    """Counted before the token is checked or the body read, as STATUSBOARD_RATE_LIMIT is."""
    current_app.extensions[_LIMIT].check()
    request.max_content_length = MAX_BODY_BYTES


@operation(
    bp,
    "/client-metrics",
    Operation(
        "POST",
        "Report the page's API timings",
        None,
        status=204,
        role="viewer",
        body=ClientMetricsSchema,
        tag="operations",
    ),
)
def record(body: dict[str, Any]) -> Response:
    """Up to 100 calls, each by route (ids as {id}), method, status (0: no answer), duration
    in ms with the retries included, retries and the X-Request-ID sent; a body of at most
    16 KiB; 30 reports a minute per token. Nothing is stored: they are counted in
    statusboard_client_request_duration_seconds, statusboard_client_errors_total and
    statusboard_client_retries_total."""
    metrics = current_app.extensions[METRICS]
    metrics.client.record(body["samples"], routes(current_app, API_PREFIX))
    answer = Response(status=204)
    del answer.headers["Content-Type"]  # no content, so no type of it
    return answer
