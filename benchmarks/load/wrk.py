"""GET endpoints measured by `wrk` (Debian package ``wrk``): a C client whose own CPU is a
fraction of a Python client's, so its latencies are the server's rather than the client's
queueing for the interpreter lock. Only for requests that need no state between them."""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.load.cpu import per_unit

#: Prints the percentiles wrk keeps (in microseconds) as one line the caller parses.
REPORT = """done = function(summary, latency, requests)
  io.write(string.format("STATUSBOARD p50=%d p95=%d p99=%d requests=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests))
end
"""


@dataclass
class WrkResult:
    name: str
    clients: int
    seconds: float
    rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    not_2xx: int
    socket_errors: int
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)
    others_cores: float = 0.0

    def summary(self) -> dict[str, Any]:
        return dict(self.__dict__)


def available() -> bool:
    return shutil.which("wrk") is not None


def run_wrk(
    name: str,
    url: str,
    token: str,
    path: str,
    *,
    clients: int = 16,
    seconds: float = 8.0,
    threads: int = 2,
    meter: Callable[[], dict[str, float]] | None = None,
) -> WrkResult:
    """``clients`` keep-alive connections over ``threads`` threads for ``seconds``."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(REPORT)
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{round(seconds)}s",
            "-s",
            str(script),
            "-H",
            f"Authorization: Bearer {token}",
            url + path,
        ]
        before = {**(meter() if meter is not None else {}), "client": _children_cpu()}
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        after = {**(meter() if meter is not None else {}), "client": _children_cpu()}
    found = re.search(r"STATUSBOARD p50=(\d+) p95=(\d+) p99=(\d+) requests=(\d+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no report:\n{out}")
    p50, p95, p99, requests = (int(value) for value in found.groups())
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out)[1])  # type: ignore[index]
    not_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result = WrkResult(
        name,
        clients,
        seconds,
        rate,
        p50 / 1000,
        p95 / 1000,
        p99 / 1000,
        requests,
        int(not_2xx[1]) if not_2xx else 0,
        sum(int(n) for n in errors.groups()) if errors else 0,
    )
    if meter is not None and requests:
        before.pop("this process", None)
        after.pop("this process", None)
        result.cpu_ms_per_request, result.others_cores = per_unit(
            before, after, requests, round(seconds)
        )
    return result


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (wrk, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
