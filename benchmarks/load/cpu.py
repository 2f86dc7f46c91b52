"""Where the CPU went during a run: the web server (gunicorn workers), the projection runner,
the database backends serving this database, and the load generator; and how often each part
went to sleep and was woken again (its voluntary context switches)."""

from __future__ import annotations

import resource
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import psutil

#: The parts of the service whose wakes are counted.
WOKEN = ("web", "runner", "database")


def _usage(process: psutil.Process) -> tuple[float, int]:
    """CPU seconds, and the times one of its threads waited (for a socket, a lock, a sleep)
    and was woken (of the threads alive now)."""
    try:
        times = process.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0, 0
    return float(times.user + times.system), voluntary_switches(process.pid)


def voluntary_switches(pid: int) -> int:
    """Summed over the process's threads (psutil reads its main thread's only)."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            text = status.read_text()
        except OSError:  # the thread ended meanwhile
            continue
        for line in text.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                total += int(line.split()[1])
    return total


def server_usage(pid: int) -> dict[str, tuple[float, int]]:
    """`statusboard serve`: its projection runner, and everything else (the web workers)."""
    found = {"web": (0.0, 0), "runner": (0.0, 0)}
    try:
        root = psutil.Process(pid)
        family = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return found
    for process in family:
        try:
            runner = "projections run" in " ".join(process.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        part = "runner" if runner else "web"
        found[part] = _add(found[part], _usage(process))
    return found


def database_usage(database: str, leave_out: Collection[int] = ()) -> tuple[float, int]:
    """The PostgreSQL backends connected to ``database``, but those in ``leave_out``."""
    total = (0.0, 0)
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info.get("cmdline") or [])
        if (
            command.startswith("postgres:")
            and f" {database} " in f"{command} "
            and process.pid not in leave_out
        ):
            total = _add(total, _usage(process))
    return total


def database_seconds(database: str, leave_out: Collection[int] = ()) -> float:
    """CPU seconds of the PostgreSQL backends connected to ``database``, but ``leave_out``."""
    return database_usage(database, leave_out)[0]


def _add(a: tuple[float, int], b: tuple[float, int]) -> tuple[float, int]:
    return a[0] + b[0], a[1] + b[1]


@dataclass
class CpuMeter:
    server_pid: int | None
    database: str | None
    #: Backends whose work is the measurement's own (the lag sampler's polling).
    measuring: Callable[[], Collection[int]] = field(default=lambda: ())

    def read(self) -> dict[str, float]:
        """CPU seconds so far by part."""
        return self.read_with_wakes()[0]

    def read_with_wakes(self) -> tuple[dict[str, float], dict[str, int]]:
        """CPU seconds so far by part, and the wakes so far of the service's parts."""
        usage: dict[str, tuple[float, int]] = {}
        if self.server_pid:
            usage.update(server_usage(self.server_pid))
        if self.database:
            usage["database"] = database_usage(self.database, self.measuring())
        cpu = {name: used for name, (used, _) in usage.items()}
        own = resource.getrusage(resource.RUSAGE_SELF)
        cpu["this process"] = own.ru_utime + own.ru_stime
        cpu["machine"] = machine_busy_seconds()
        return cpu, {name: usage[name][1] for name in WOKEN if name in usage}


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (all cores), as it is now."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def shares(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Cores used on average by each part (1.0 = one core fully busy); ``others`` is what the
    rest of the machine used meanwhile (other people's work on a shared machine)."""
    if seconds <= 0:
        return {}
    used = {name: (after[name] - before.get(name, 0.0)) / seconds for name in after}
    machine = used.pop("machine", None)
    if machine is not None:
        used["others"] = max(0.0, machine - sum(used.values()))
    return {name: round(value, 2) for name, value in used.items()}


def per_unit(
    before: dict[str, float], after: dict[str, float], units: int, seconds: float
) -> tuple[dict[str, float], float]:
    """CPU milliseconds per request (or move) by part, and the cores others used meanwhile."""
    used = {name: after[name] - before.get(name, 0.0) for name in after}
    machine = used.pop("machine", 0.0)
    others = max(0.0, machine - sum(used.values())) / seconds if seconds > 0 else 0.0
    return {name: round(value * 1000 / units, 3) for name, value in used.items()}, round(others, 2)
