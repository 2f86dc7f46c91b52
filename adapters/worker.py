"""gunicorn's threaded worker, keeping each request's clock (``adapters.request_clock``).

The clock starts when the worker's loop hands the connection to its thread pool: a kept-alive
connection that became readable, or a new one just accepted (whose first bytes usually came
with it). What follows until the app's handler starts is the request's time queued for a thread
and being parsed; the clock stops once gunicorn has written the answer. gunicorn's
``pre_request`` hook runs only once a thread has parsed the request, too late for the queue.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

from adapters import request_clock

#: For gunicorn's ``worker_class`` setting.
CLASS_PATH = "adapters.worker.TimedThreadWorker"


class TimedThreadWorker(ThreadWorker):  # type: ignore[misc]
    def enqueue_req(self, conn: Any) -> None:
        conn.taken = time.perf_counter()
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        conn.picked = time.perf_counter()
        return super().handle(conn)

    def handle_request(self, req: Any, conn: Any) -> Any:
        request_clock.start(getattr(conn, "taken", None), getattr(conn, "picked", None))
        try:
            return super().handle_request(req, conn)
        finally:
            request_clock.finish()
