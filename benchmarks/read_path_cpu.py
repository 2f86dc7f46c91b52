"""CPU time of one request in one process, through Flask's test client: no gunicorn, no
database server (SQLite), no network — the code of the request path alone. Best of three runs.

    PYTHONPATH=TREE .venv/bin/python -m benchmarks.read_path_cpu [N]

Run it with ``PYTHONPATH`` at each source tree to compare them.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from typing import Any

DAY = "2030-01-07"
WHERE = f"date={DAY}&location=main"
URLS = {
    "healthz": "/healthz",
    "board": f"/api/admin/appointments/board?{WHERE}",
    "stats": f"/api/admin/dashboard/stats?{WHERE}",
    "services": "/api/admin/services?limit=50",
}
SERVICE = {"code": "CUT", "name": "Cut", "category": "hair", "price_cents": 100}


def booking(i: int) -> dict[str, Any]:
    return {
        "location_id": "main",
        "starts_at": f"{DAY}T{8 + i % 10:02d}:{(i * 7) % 60:02d}:00+00:00",
        "customer": {"name": f"C{i}"},
        "services": [{"code": "CUT"}],
    }


def client() -> Any:
    """An app on a scratch SQLite file, auth off, with 40 bookings projected."""
    os.environ.update(
        STATUSBOARD_AUTH="off",
        STATUSBOARD_LOG_LEVEL="ERROR",
        DATABASE_URL=f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3",
    )
    from adapters.app import create_app  # after the environment is set

    test_client = create_app().test_client()
    logging.disable(logging.CRITICAL)
    test_client.post("/api/admin/services", json={**SERVICE, "duration_minutes": 30})
    position = 0
    for i in range(40):
        answer = test_client.post("/api/admin/appointments", json=booking(i))
        position = int(answer.headers["X-Event-Position"])
    for url in (URLS["board"], URLS["stats"]):
        test_client.get(f"{url}&min_position={position}")
    return test_client


def microseconds_per_request(test_client: Any, url: str, count: int) -> float:
    for _ in range(200):
        test_client.get(url)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(count):
            test_client.get(url)
        best = min(best, (time.process_time() - started) / count * 1e6)
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    test_client = client()
    for name, url in URLS.items():
        print(f"{name:9s} {microseconds_per_request(test_client, url, count):7.0f} µs/request")
    os._exit(0)  # the embedded projection thread need not be waited for


if __name__ == "__main__":
    main()
