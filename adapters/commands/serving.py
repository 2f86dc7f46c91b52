"""``statusboard run`` for a laptop and ``statusboard serve`` for production."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext

from adapters.metrics import runner_restarts, shared_across_processes
from adapters.runtime import EXTENSION, Runtime, runtime
from adapters.supervisor import RunnerSupervisor
from adapters.tokens import TokenStore
from projections.supervision import Backoff
from storage.urls import is_postgres

#: Threads per gunicorn worker: enough to wait on the database for several requests at once.
DEFAULT_THREADS = 8
#: How far below the projection runner's the web workers' CPU priority is (nice levels).
DEFAULT_WORKER_NICE = 5
#: How long a web worker's thread may hold the interpreter lock while another waits for it
#: (Python's own default is 5 ms; docs/BENCHMARKS.md, "The interpreter's switch interval").
DEFAULT_SWITCH_INTERVAL_MS = 1.0

LOCAL_ADMIN = "local-admin"


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--print-admin-token", is_flag=True, help="Create and print an admin token.")
@click.option("--location", default="downtown", show_default=True, help="Board shown first.")
@with_appcontext
def run(host: str, port: int, print_admin_token: bool, location: str) -> None:
    """Development server, with the projections running inside it."""
    from werkzeug.serving import run_simple

    from adapters.app import create_app  # the app module registers this one

    app = create_app(runtime().settings.replace(embedded_projections=True))
    served: Runtime = app.extensions[EXTENSION]
    tokens = served.components.tokens
    url = f"http://{host}:{port}/?location={location}"
    if tokens is not None and (print_admin_token or tokens.active_count() == 0):
        secret = _fresh_local_admin(tokens)
        click.echo(f"Admin token (shown once): {secret}")
        # After '#', the token never reaches a server log; the page reads it from there.
        click.echo(f"Open {url}#token={secret}")
    else:
        click.echo(f"Open {url}")
    # Our JSON line per request says more than werkzeug's access log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        served.close()


def _fresh_local_admin(tokens: TokenStore) -> str:
    """A new token for the local admin; the one printed at the last start stops working."""
    for record in tokens.all():
        if record.name == LOCAL_ADMIN and record.revoked_at is None:
            tokens.revoke(record.id)
    return tokens.issue(LOCAL_ADMIN, "admin")[1]


def shown(*names: str, **attrs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option whose default ``--help`` shows."""
    return click.option(*names, show_default=True, **attrs)


@click.command("serve")
@shown("--bind", default="127.0.0.1:8000", help="host:port")
@click.option("--workers", type=click.IntRange(1, 64), help="Default: one per core, 2 to 8.")
@shown("--threads", default=DEFAULT_THREADS, type=click.IntRange(1, 64))
@shown("--timeout", default=30, type=int, help="Worker timeout (s).")
@shown(
    "--worker-nice",
    default=DEFAULT_WORKER_NICE,
    type=click.IntRange(0, 19),
    help="Lower the web workers' CPU priority by this much (0: as the runner's).",
)
@shown(
    "--reuse-port/--shared-socket",
    default=True,
    help="A listening socket per worker, balanced by the kernel (Linux), or one they share.",
)
@shown(
    "--settle-heap/--no-settle-heap",
    default=True,
    help="Each worker freezes what it loaded out of the garbage collector's way.",
)
@shown(
    "--switch-interval",
    default=DEFAULT_SWITCH_INTERVAL_MS,
    type=click.FloatRange(0.1, 100),
    help="How long (ms) a worker's thread may hold the interpreter while others wait for it.",
)
@click.option("--no-runner", is_flag=True, help="PostgreSQL: do not start a projection runner.")
@with_appcontext
def serve(
    bind: str,
    workers: int | None,
    threads: int,
    timeout: int,
    worker_nice: int,
    reuse_port: bool,
    settle_heap: bool,
    switch_interval: float,
    no_runner: bool,
) -> None:
    """Production server (gunicorn); with PostgreSQL, also a supervised projection runner."""
    from adapters.server import Server, default_workers, niced, worker_ready

    settings = runtime().settings
    options = {
        "bind": bind,
        "workers": workers or default_workers(),
        "threads": threads,
        "timeout": timeout,
        "post_fork": niced(worker_nice),
        "reuse_port": reuse_port,
        "post_worker_init": worker_ready(settle=settle_heap, switch_ms=switch_interval),
    }
    with shared_across_processes():
        supervisor = None
        if is_postgres(settings.database_url) and not no_runner:
            supervisor = _supervised_runner()
        try:
            Server(settings, options).run()
        finally:
            if supervisor is not None:
                supervisor.stop()


def _supervised_runner() -> RunnerSupervisor:
    """`projections run` in a process of its own, restarted whenever it exits."""
    command = [sys.executable, "-m", "adapters.cli", "projections", "run"]
    supervisor = RunnerSupervisor(command, runner_restarts(None), Backoff())
    supervisor.start()
    return supervisor


def register(group: click.Group) -> None:
    group.add_command(run)
    group.add_command(serve)
