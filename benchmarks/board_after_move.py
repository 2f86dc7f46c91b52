"""A board read of a day that has just changed: move one of its cards, wait for the runner,
read the board. What a desk's refresh after a move costs, on an idle local stack (PostgreSQL at
127.0.0.1:5432, the load suite's seed: 200 cards a day and location).

    PYTHONPATH=TREE .venv/bin/python -m benchmarks.board_after_move [--moves 60] [--repeats 2]
    PYTHONPATH=TREE .venv/bin/python -m benchmarks.board_after_move --at-once

``--at-once`` reads as the page does after its own move: at once, with ``min_position`` at the
move's position, so the read waits for the runner (read-your-writes) and its time includes the
projection's lag as the server sees it.

Prints the median and p90 of the board reads, timed at the client. Run it with ``PYTHONPATH`` at
each source tree to compare them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.error
import urllib.request
from datetime import date
from typing import Any

from benchmarks.load.run import location_names, seeded_days, settle
from benchmarks.load.stack import Seed, Stack, local_stack

SEED = Seed(locations=20, days=3, per_day=200)
NEXT = {"scheduled": "checked_in", "checked_in": "in_progress", "in_progress": "ready"}
#: Time left for the runner to fold the move before the board is read.
SETTLE_SECONDS = 0.05


def call(stack: Stack, method: str, path: str, body: Any = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(
        stack.url + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {stack.token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()


def reads_after_moves(stack: Stack, moves: int, at_once: bool = False) -> list[float]:
    location = location_names(SEED.locations)[3]
    day = seeded_days(SEED.days, date.today())[1]
    board = f"/api/admin/appointments/board?location={location}&date={day}"
    _, _, body = call(stack, "GET", board)
    cards = [card for column in json.loads(body)["columns"] for card in column["cards"]]
    movable = [card for card in cards if card["status"] in NEXT][:moves]
    timings = []
    for card in movable:
        move = {"to_status": NEXT[card["status"]], "expected_version": card["version"]}
        status, headers, _ = call(stack, "POST", f"/api/admin/appointments/{card['id']}/move", move)
        if status != 200:
            continue
        read = board
        if at_once:
            read += f"&min_position={headers['X-Event-Position']}"
        else:
            time.sleep(SETTLE_SECONDS)
        started = time.perf_counter()
        status, _, _ = call(stack, "GET", read)
        if status == 200:
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=60, help="moves (and reads) a repeat")
    parser.add_argument("--repeats", type=int, default=1, help="fresh stacks, one after another")
    parser.add_argument(
        "--at-once", action="store_true", help="read at once, at the move's position"
    )
    args = parser.parse_args(argv)
    for repeat in range(args.repeats):
        with local_stack(SEED) as stack:
            settle(stack)
            timings = sorted(reads_after_moves(stack, args.moves, args.at_once))
        if not timings:
            print(f"repeat {repeat + 1}: no move was applied")
            continue
        p90 = timings[int(0.9 * (len(timings) - 1))]
        print(
            f"repeat {repeat + 1}: {len(timings)} board reads after a move"
            f"{' at its position' if args.at_once else ''}:"
            f" median {statistics.median(timings):.2f} ms, p90 {p90:.2f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
