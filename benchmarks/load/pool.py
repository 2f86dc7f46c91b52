"""A closed-loop HTTP client pool: N threads, each with one keep-alive connection, each sending
its next request as soon as the last one is answered. The same client measures every endpoint,
so their throughputs can be compared with each other and with ``/healthz``."""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from benchmarks.load.cpu import per_unit

#: What a client thread sends next: (method, path, body or None).
Request = tuple[str, str, Any]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Connection:
    """One keep-alive connection with the bearer token on every request."""

    def __init__(self, base_url: str, token: str | None, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.timeout = timeout
        self._http: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: Any = None) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if self._http is None:
                self._http = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._http.request(method, path, body=data, headers=headers)
                response = self._http.getresponse()
                payload = response.read()
                return Answer(response.status, dict(response.getheaders()), payload)
            except (ConnectionError, http.client.HTTPException):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None


@dataclass
class PoolResult:
    name: str
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0
    #: CPU milliseconds per request of each metered part, over the measured window.
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)
    #: Cores the rest of the machine used meanwhile.
    others_cores: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=1000, method="inclusive")[
            round(q * 1000) - 1
        ]

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "rate": round(self.rate, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p95_ms": round(self.percentile(0.95), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failures": self.failures,
            "cpu_ms_per_request": self.cpu_ms_per_request,
            "others_cores": self.others_cores,
        }


def run_pool(
    name: str,
    base_url: str,
    token: str | None,
    make_client: Callable[[int], Callable[[Connection], Answer]],
    *,
    clients: int = 16,
    seconds: float = 10.0,
    warmup: float = 1.0,
    max_requests: int = 2_000_000,
    meter: Callable[[], dict[str, float]] | None = None,
) -> PoolResult:
    """Runs ``clients`` threads for ``warmup + seconds``; only the last ``seconds`` count.

    ``make_client(i)`` gives thread ``i`` its step: a function that sends one request on the
    connection and returns the answer (it may keep state, such as a card's version).
    ``meter`` (CPU seconds by part) is read as the measured window opens and closes.
    """
    result = PoolResult(name, clients, seconds)
    lock = threading.Lock()
    started = time.monotonic()
    measure_from, stop_at = started + warmup, started + warmup + seconds

    def work(index: int) -> None:
        step, connection = make_client(index), Connection(base_url, token)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        failures = 0
        try:
            for _ in range(max_requests):
                before = time.monotonic()
                if before >= stop_at:
                    break
                try:
                    status = step(connection).status
                except OSError:
                    status, failures = 0, failures + 1
                if before >= measure_from:
                    latencies.append((time.monotonic() - before) * 1000)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            connection.close()
        with lock:
            result.latencies_ms.extend(latencies)
            result.failures += failures
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    if meter is not None:
        time.sleep(max(0.0, measure_from - time.monotonic()))
        before = meter()
        time.sleep(max(0.0, stop_at - time.monotonic()))
        after = meter()
    for thread in threads:
        thread.join(warmup + seconds + 60)
    if meter is not None and result.requests:
        result.cpu_ms_per_request, result.others_cores = per_unit(
            before, after, result.requests, seconds
        )
    return result


def fixed(
    method: str, path: str, body: Any = None
) -> Callable[[int], Callable[[Connection], Answer]]:
    """Every thread sends the same request."""
    return lambda _index: lambda connection: connection.call(method, path, body)
