"""The sweep's steps summarised: medians over repeats, the knee, and the printed table."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

#: The knee: the first offered load at which the server's move p95 is more than this many
#: times its value at the lowest load, or fewer moves than offered were made (10 % short).
KNEE_GROWTH = 2.0
KNEE_SHORTFALL = 0.9
PARTS = ("web", "runner", "database", "load generator")


def _median(values: list[Any]) -> Any:
    """The median of each number across the values (dicts alike), with its range."""
    first = values[0]
    if isinstance(first, dict):
        keys = {key for value in values for key in value}
        return {
            key: _median([value[key] for value in values if key in value]) for key in sorted(keys)
        }
    numbers = [value for value in values if isinstance(value, int | float)]
    if len(numbers) != len(values) or isinstance(first, bool):
        return first
    return statistics.median(numbers)


def variant(step: dict[str, Any]) -> str:
    """How a step's load was generated: the load generator's launcher and the paced users'
    arrivals (steps recorded before arrivals were a choice were in lockstep), or closed loop."""
    if not step.get("offered"):
        return f"{step['loadgen']}/closed"
    return f"{step['loadgen']}/{step.get('arrivals') or 'lockstep'}"


def medians(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for step in steps:
        grouped[(variant(step), step["name"])].append(step)
    found = []
    for (_variant, _name), group in grouped.items():
        middle = _median([{k: v for k, v in s.items() if k != "repeat"} for s in group])
        middle["variant"] = _variant
        middle["repeats"] = len(group)
        middle["spread"] = {
            side: [s[side]["move"].get("p95_ms") for s in group if "move" in s[side]]
            for side in ("client",)
        }
        middle["spread"]["server"] = [
            s["server"]["move"].get("total", {}).get("p95_ms") for s in group
        ]
        found.append(middle)
    return found


def summarised(steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The steps' medians over their repeats, and the knee of each variant's."""
    middles = medians(steps)
    variants = dict.fromkeys(variant(step) for step in steps)
    return {"medians": middles, "knee": {name: knee(middles, name) for name in variants}}


def paced_steps(middles: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    chosen = [m for m in middles if m["variant"] == name and m.get("offered")]
    return sorted(chosen, key=lambda m: m["offered"])


def knee(middles: list[dict[str, Any]], name: str) -> int | None:
    steps = paced_steps(middles, name)
    if not steps:
        return None
    base = _server_p95(steps[0])
    for step in steps:
        short = step["achieved"].get("move", 0.0) < KNEE_SHORTFALL * step["offered"]
        grown = base and _server_p95(step) > KNEE_GROWTH * base
        if short or grown:
            return int(step["offered"])
    return None


def _server_p95(step: dict[str, Any]) -> float:
    return float(step["server"].get("move", {}).get("total", {}).get("p95_ms") or 0.0)


def print_steps(results: dict[str, Any]) -> None:
    print(
        f"\n{'loadgen/arrivals':<17} {'step':<14} {'req/s':>8} | client move p50/p95/p99"
        " | server move p50/p95/p99 | board client/server p95 | queued/conn/handler p95"
        " | lag p95 | CPU ms/move web,runner,db,locust"
    )
    for m in results["medians"]:
        client, server = m["client"].get("move", {}), m["server"].get("move", {})
        total, board = server.get("total", {}), m["client"].get("board", {})
        board_server = m["server"].get("board", {}).get("total", {})
        cpu = [m["cpu_ms_per_move"].get(part, 0.0) for part in PARTS]
        # Moves a second, or boards a second for the closed-loop board step (no moves).
        rate = m["achieved"].get("move") or m["achieved"].get("board", 0.0)
        phases = [
            _ms(server.get(phase, {}), "p95") for phase in ("queued", "connection", "handler")
        ]
        print(
            f"{m['variant']:<17} {m['name']:<14} {rate:>8.1f}"
            f" | {_ms(client, 'p50')}/{_ms(client, 'p95')}/{_ms(client, 'p99')}"
            f" | {_ms(total, 'p50')}/{_ms(total, 'p95')}/{_ms(total, 'p99')}"
            f" | {_ms(board, 'p95')}/{_ms(board_server, 'p95')}"
            f" | {'/'.join(phases)}"
            f" | {m['lag_p95_ms'].get('board') or 0:.0f}"
            f" | {','.join(f'{used:.2f}' for used in cpu)}"
        )
        if m.get("wakes_per_move"):
            wakes = m["wakes_per_move"]
            print(
                "    wakes a move (voluntary context switches) web, runner, db: "
                + ",".join(f"{wakes.get(part, 0.0):.1f}" for part in ("web", "runner", "database"))
            )
        if m.get("dispersion") is not None:
            print(f"    requests started per 10 ms: index of dispersion {m['dispersion']:.1f}")
        collections = m.get("gc", {})
        if collections:
            print(
                "    gc pauses: "
                + ", ".join(
                    f"gen {gen} {c['count']:.0f}x p99 {c['p99_ms']:.1f} ms, {c['total_s']:.2f} s"
                    for gen, c in collections.items()
                )
            )
    print(f"knee: {results['knee']}")
    for line in cpu_ratios(results["medians"]):
        print(line)


#: The service's parts whose CPU a move is compared, paced against closed loop.
SERVICE = ("web", "runner", "database")


def cpu_ratios(middles: list[dict[str, Any]]) -> list[str]:
    """Each paced step's CPU a move (web, runner and database) against the closed-loop move
    step's of the same load generator."""
    lines = []
    for closed in (m for m in middles if not m.get("offered") and m["name"] == "move"):
        ceiling = sum(closed["cpu_ms_per_move"].get(part, 0.0) for part in SERVICE)
        launcher = closed["variant"].split("/")[0]
        for step in middles:
            if step.get("offered") and step["variant"].startswith(f"{launcher}/") and ceiling:
                used = sum(step["cpu_ms_per_move"].get(part, 0.0) for part in SERVICE)
                lines.append(
                    f"CPU a move, {step['variant']} {step['name']}: {used:.2f} ms against"
                    f" {ceiling:.2f} in closed loop, ratio {used / ceiling:.2f}"
                )
    return lines


def _ms(figures: dict[str, Any], key: str) -> str:
    value = figures.get(f"{key}_ms")
    return "-" if value is None else f"{value:.0f}"
