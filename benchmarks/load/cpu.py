"""Where the CPU went during a run: the web server (gunicorn workers), the projection runner,
the database backends serving this database, and the load generator."""

from __future__ import annotations

import resource
from dataclasses import dataclass

import psutil


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0.0
    return float(times.user + times.system)


def server_seconds(pid: int) -> dict[str, float]:
    """CPU seconds of `statusboard serve`: its projection runner, and everything else."""
    found = {"web": 0.0, "runner": 0.0}
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
        found["runner" if runner else "web"] += _cpu(process)
    return found


def database_seconds(database: str) -> float:
    """CPU seconds of the PostgreSQL backends connected to ``database``."""
    total = 0.0
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info.get("cmdline") or [])
        if command.startswith("postgres:") and f" {database} " in f"{command} ":
            total += _cpu(process)
    return total


@dataclass
class CpuMeter:
    server_pid: int | None
    database: str | None

    def read(self) -> dict[str, float]:
        found = {}
        if self.server_pid:
            found.update(server_seconds(self.server_pid))
        if self.database:
            found["database"] = database_seconds(self.database)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        found["this process"] = usage.ru_utime + usage.ru_stime
        found["machine"] = machine_busy_seconds()
        return found


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
