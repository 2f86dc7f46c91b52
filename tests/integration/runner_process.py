"""A projection runner in a process of its own, for the tests that kill it with SIGKILL.

DATABASE_URL names the store. Batches are small (five events) and the runner polls every
0.2 s, so a kill at any moment is likely to land in the middle of the stream.
"""

from __future__ import annotations

import logging
import os
import sys


def main() -> None:
    from application.statusboard import StatusBoard
    from projections.catalog import build_projections
    from projections.readside import ReadSide
    from projections.runner import Runner
    from storage.eventstore import StoreOptions, store_env

    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s")
    url = os.environ["DATABASE_URL"]
    # One connection per projection thread is enough; the server is shared with the writers.
    app = StatusBoard(store_env(url, StoreOptions(pool_size=2, max_overflow=4)))
    read_side = ReadSide.open(url, pool_size=4)
    runner = Runner(
        app,
        read_side.store,
        build_projections("UTC").values(),
        url,
        poll_interval=0.2,
        batch_size=5,
    )
    runner.start()
    print("runner started", flush=True)
    runner.wait()


if __name__ == "__main__":
    main()
