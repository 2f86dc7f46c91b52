"""Each request's phases under `statusboard serve`: timed by the worker, summed over workers."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.serve_support import metric, serve

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PHASE = 'statusboard_http_request_phase_seconds_count{{phase="{}",route="/healthz"}}'


def test_every_phase_of_every_request_is_in_every_scrape(postgres_url: str) -> None:
    with serve(postgres_url, "--workers", "2") as (url, _):
        workers = set()
        for _ in range(20):  # each on a fresh connection, so both workers take some
            answer = requests.get(f"{url}/healthz", timeout=10)
            workers.add(answer.headers["X-Worker"])

        scrapes = {
            phase: [metric(url, PHASE.format(phase)) for _ in range(4)]
            for phase in ("queued", "connection", "handler", "total")
        }

    assert len(workers) == 2
    assert scrapes == {phase: [20.0] * 4 for phase in scrapes}
