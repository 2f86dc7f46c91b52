"""Instructions a move costs in the web process, counted by valgrind's callgrind.

Seconds of CPU vary by a third from one minute to the next on a shared machine; instruction
counts do not (the same code, data and environment give the same count). Each tree is run in
a process of its own under ``valgrind --tool=callgrind``; a move goes through the Flask test
client against PostgreSQL, so the count covers routing, auth, loading the aggregate, the
save and the answer (and the test client, the same for every tree). Warm moves start from the
process's copy of the card it moved last; cold ones from the store, as a move that lands on
another worker does. Needs Debian's ``valgrind``.

    .venv/bin/python -m benchmarks.move_instructions --moves 100 \\
        --tree before=/tmp/before --tree after=.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

CHILD = "STATUSBOARD_MOVE_INSTRUCTIONS_CHILD"


def _mark(flag: str) -> None:
    subprocess.run(["callgrind_control", flag, str(os.getpid())], capture_output=True, check=False)


def child(moves: int) -> None:
    """Runs inside callgrind: counters are zeroed before the warm moves and dumped after each
    kind, so setup and teardown are not counted."""
    from eventsourcing.application import LRUCache

    from adapters.app import create_app
    from adapters.runtime import EXTENSION
    from benchmarks.ceilings import catch_up, deal_cards
    from benchmarks.load.run import location_names, seeded_days
    from benchmarks.load.stack import Seed, prepare, scratch_database
    from benchmarks.moves import Card

    with scratch_database("instructions") as url:
        token = prepare(url, Seed(locations=1, days=1, per_day=200))
        read_side = catch_up(url)
        day = seeded_days(1, date.today())[0]
        cards = deal_cards(read_side, [(location_names(1)[0], day)], 1, 200)[0]
        read_side.close()
        os.environ["DATABASE_URL"] = url
        app = create_app()
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        board = app.extensions[EXTENSION].components.board

        def move(card: Card) -> None:
            answer = client.post(
                f"/api/admin/appointments/{card.id}/move", json=card.next_move(), headers=headers
            )
            assert answer.status_code == 200, answer.data
            moved: dict[str, Any] = answer.get_json()["appointment"]
            card.status, card.version = moved["status"], moved["version"]

        def cold(card: Card) -> None:
            if hasattr(board, "recent"):
                board.recent.clear()
            else:  # a tree from before the commands' machinery had a base class of its own
                board._recent = LRUCache(maxsize=2000)
            board.repository.cache = LRUCache(maxsize=2000)
            move(card)

        warm_cards, cold_cards = cards[:50], cards[50:]
        for card in warm_cards:
            move(card)
        _mark("-z")
        for number in range(moves):
            move(warm_cards[number % len(warm_cards)])
        _mark("-d")
        for number in range(moves):
            cold(cold_cards[number % len(cold_cards)])
        _mark("-d")


def _totals(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {dump}")


def count(tree: Path, moves: int) -> tuple[float, float]:
    """(instructions per warm move, per cold move) for the code in ``tree``."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        env = {**os.environ, CHILD: "1", "PYTHONPATH": str(tree.resolve())}
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            # This file, whichever tree is measured: older trees may not have it.
            str(Path(__file__).resolve()),
            "--moves",
            str(moves),
        ]
        subprocess.run(command, env=env, cwd=tree, check=True, capture_output=True)
        warm, cold = _totals(Path(f"{out}.1")), _totals(Path(f"{out}.2"))
    return warm / moves, cold / moves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=100, help="of each kind")
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH (repeatable)")
    args = parser.parse_args()
    if os.environ.get(CHILD):
        child(args.moves)
        return
    trees = [item.split("=", 1) for item in args.tree] or [["this tree", "."]]
    for name, path in trees:
        warm, cold = count(Path(path), args.moves)
        print(f"{name}: {warm / 1e6:.3f} M instructions per warm move, {cold / 1e6:.3f} M cold")


if __name__ == "__main__":
    main()
