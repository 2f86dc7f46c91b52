"""The page's reports under `statusboard serve`: whichever worker takes one, every scrape has it."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import statusboard
from tests.e2e.serve_support import metric, serve

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BOARD = "/api/admin/appointments/board"
COUNT = f'statusboard_client_request_duration_seconds_count{{method="GET",route="{BOARD}"}}'
SAMPLE = {
    "route": BOARD,
    "method": "GET",
    "status": 200,
    "duration_ms": 35,
    "retries": 0,
    "request_id": "report-1",
}


def test_reports_taken_by_either_worker_are_in_every_scrape(postgres_url: str) -> None:
    with serve(postgres_url, "--workers", "2") as (url, _):
        created = statusboard(
            "tokens", "create", "--name", "desk", "--role", "viewer", database_url=postgres_url
        )
        headers = {"Authorization": f"Bearer {created.stdout.strip().splitlines()[-1]}"}
        workers = []
        for _ in range(20):  # each on a fresh connection, so both workers take some
            answer = requests.post(
                f"{url}/api/admin/client-metrics",
                json={"samples": [SAMPLE, SAMPLE]},
                headers=headers,
                timeout=10,
            )
            assert answer.status_code == 204, answer.text
            workers.append(answer.headers["X-Worker"])

        scrapes = [metric(url, COUNT) for _ in range(6)]

    assert len(set(workers)) == 2
    assert scrapes == [40.0] * 6
