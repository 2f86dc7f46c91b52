"""Production serving: gunicorn workers, each building its own app after the fork."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from adapters import collections_gc, worker
from adapters.app import create_app
from adapters.metrics import METRICS, forget_process
from adapters.settings import Settings

#: Each worker holds its own database pools, so more workers mean more connections.
MAX_WORKERS = 8


def default_workers() -> int:
    """One worker per core (at least two, so a worker's restart leaves one serving).

    Threaded workers wait on the database without holding a core, so more processes than
    cores only add switching between them: on two cores, 2 workers of 8 threads answered
    `/healthz` 1.5 times as fast as 5 of 4, and moves 1.26 times (docs/BENCHMARKS.md).
    """
    return min(max(os.cpu_count() or 1, 2), MAX_WORKERS)


def niced(nice: int) -> Callable[[Any, Any], None]:
    """gunicorn's ``post_fork`` hook: each worker lowers its CPU priority by ``nice``.

    The projection runner keeps every reader's board current and needs little CPU; when web
    requests want more than the cores, it should not wait behind them.
    """

    def post_fork(_arbiter: Any, _worker: Any) -> None:
        if nice:
            os.nice(nice)

    return post_fork


def worker_ready(settle: bool, switch_ms: float | None = None) -> Callable[[Any], None]:
    """gunicorn's ``post_worker_init`` hook: once the worker has loaded the app, its garbage
    collections are timed and, with ``settle``, what it loaded is frozen out of their way.

    ``switch_ms`` is how long one of the worker's threads may run before another that waits for
    the interpreter lock is let in (``sys.setswitchinterval``): the wait of a thread whose
    database answer has arrived while another thread computes."""

    def post_worker_init(worker: Any) -> None:
        app: Flask = worker.wsgi
        metrics = app.extensions[METRICS]
        metrics.collections = collections_gc.time_collections(metrics.gc_pauses)
        if settle:
            collections_gc.settle_heap()
        if switch_ms is not None:
            sys.setswitchinterval(switch_ms / 1000)

    return post_worker_init


def forget_worker(_arbiter: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: a worker that ended no longer counts in live gauges."""
    forget_process(worker.pid)


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn with threaded workers; the app is loaded in each worker (no preload).

    With ``reuse_port`` (as gunicorn 27 does it) each worker opens its own listening socket
    on the address with ``SO_REUSEPORT`` and Linux spreads new connections over them. With one
    socket inherited from the arbiter, every idle worker is woken for each connection and the
    least busy one takes most of them, keep-alive connections stay there, and one worker
    serves most of the traffic (docs/BENCHMARKS.md, "Several workers").
    """

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = {
            # gunicorn's gthread worker, keeping each request's clock (queued, total).
            "worker_class": worker.CLASS_PATH,
            "preload_app": False,
            "accesslog": None,
            "errorlog": "-",
            # One control socket per user would be shared by every server on the host.
            "control_socket_disable": True,
            # Longer than a polling board's pause between requests: a connection closed by
            # the server just as a client reuses it fails that client's request.
            "keepalive": 5,
            "reuse_port": True,
            "child_exit": forget_worker,
            "post_worker_init": worker_ready(settle=True),
            **options,
        }
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return create_app(self.settings)
