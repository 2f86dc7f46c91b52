"""`statusboard serve` with several workers: one server to Prometheus, and load on every worker."""

from __future__ import annotations

import http.client
import os
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from tests.e2e.serve_support import get, metric, runner_pids, serve

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WORKERS = 2
HEALTHZ_COUNT = (
    'statusboard_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}'
)


@pytest.fixture(scope="module")
def server(postgres_server_url: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """One `serve` of two workers for the module's tests, on a database of its own."""
    name = f"statusboard_test_{uuid.uuid4().hex}"
    with psycopg.connect(f"{postgres_server_url}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with serve(f"{postgres_server_url}/{name}", "--workers", str(WORKERS)) as running:
            yield running
    finally:
        with psycopg.connect(f"{postgres_server_url}/postgres", autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def worker_of_fresh_requests(url: str, count: int) -> Counter[str]:
    """Which worker answered each of ``count`` requests, each on a new connection."""
    return Counter(get(f"{url}/healthz")[0]["X-Worker"] for _ in range(count))


def worker_of_kept_connections(url: str, connections: int, requests: int) -> list[Counter[str]]:
    """Per connection (all opened before any is used), which worker answered its requests."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    opened = [http.client.HTTPConnection(host, port) for _ in range(connections)]
    for connection in opened:
        connection.connect()
    answered: list[Counter[str]] = [Counter() for _ in opened]
    try:
        for _ in range(requests):
            for connection, workers in zip(opened, answered, strict=True):
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                workers[response.getheader("X-Worker", "")] += 1
    finally:
        for connection in opened:
            connection.close()
    return answered


def share_of_busiest(counts: Counter[str]) -> float:
    return max(counts.values()) / sum(counts.values())


class TestMetricsOfTheWholeServer:
    def test_every_scrape_counts_the_requests_of_every_worker(
        self, server: tuple[str, subprocess.Popen[str]]
    ) -> None:
        url, _ = server
        before = metric(url, HEALTHZ_COUNT) or 0.0

        answered = worker_of_fresh_requests(url, 40)
        scrapes = [metric(url, HEALTHZ_COUNT) for _ in range(8)]

        assert len(answered) == WORKERS
        assert scrapes == [before + 40] * 8

    def test_the_runner_restarts_are_scraped_from_every_worker(
        self, server: tuple[str, subprocess.Popen[str]]
    ) -> None:
        url, _ = server

        scrapes = {metric(url, "statusboard_runner_restarts_total") for _ in range(6)}

        assert len(scrapes) == 1 and None not in scrapes

    def test_the_projection_gauges_are_reported_once_by_whichever_worker_answers(
        self, server: tuple[str, subprocess.Popen[str]]
    ) -> None:
        url, _ = server

        scrapes = [get(f"{url}/metrics") for _ in range(16)]

        assert len({headers["X-Worker"] for headers, _ in scrapes}) == WORKERS
        for _, body in scrapes:
            assert body.decode().count('statusboard_projection_running{projection="board"}') == 1

    def test_the_metrics_directory_is_fresh_and_removed_when_the_server_stops(
        self, postgres_url: str
    ) -> None:
        with serve(postgres_url, "--workers", "1") as (_, running):
            environ = Path(f"/proc/{runner_pids(running)[0]}/environ").read_bytes()
            shared = dict(entry.split(b"=", 1) for entry in environ.split(b"\0") if b"=" in entry)[
                b"PROMETHEUS_MULTIPROC_DIR"
            ].decode()
            assert any(Path(shared).glob("*.db"))

        assert not os.path.exists(shared)


class TestBalance:
    def test_fresh_connections_are_spread_over_the_workers(
        self, server: tuple[str, subprocess.Popen[str]]
    ) -> None:
        url, _ = server

        answered = worker_of_fresh_requests(url, 400)

        assert len(answered) == WORKERS
        assert share_of_busiest(answered) <= 0.6

    def test_connections_opened_together_and_kept_alive_are_spread_over_the_workers(
        self, server: tuple[str, subprocess.Popen[str]]
    ) -> None:
        url, _ = server

        per_connection = worker_of_kept_connections(url, connections=64, requests=5)

        assert all(len(workers) == 1 for workers in per_connection)  # kept alive throughout
        answered = sum(per_connection, Counter[str]())
        assert len(answered) == WORKERS
        assert share_of_busiest(answered) <= 0.75
