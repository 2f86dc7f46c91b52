"""The objects a web process serves from, built once per process and after any fork."""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from adapters.components import open_application, open_read_side
from adapters.settings import Settings
from adapters.tokens import TokenStore
from application.statusboard import StatusBoard
from projections.embedded import EmbeddedProjections
from projections.readside import ReadSide
from projections.schema import create_tables

EXTENSION = "statusboard"


@dataclass(frozen=True)
class Services:
    board: StatusBoard
    read_side: ReadSide
    #: None when authentication is off.
    tokens: TokenStore | None
    projections: EmbeddedProjections | None


def build(settings: Settings) -> Services:
    board = open_application(settings)
    read_side = open_read_side(settings)
    tokens = TokenStore(read_side.store, cache_seconds=settings.token_cache_ms / 1000)
    if settings.create_table:
        create_tables(read_side.store, settings.timezone)
        tokens.create_table()
    projections = None
    if settings.embedded_projections:
        projections = EmbeddedProjections(board, read_side, settings.database_url)
        projections.start()
    return Services(board, read_side, tokens if settings.auth else None, projections)


class Runtime:
    """Builds the services on first use, so a process that forks builds them in the child."""

    def __init__(
        self, settings: Settings, on_build: Callable[[Services], None] = lambda _: None
    ) -> None:
        self.settings = settings
        self._on_build = on_build
        self._services: Services | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._services is not None

    @property
    def services(self) -> Services:
        if self._services is None:
            with self._lock:
                if self._services is None:
                    services = build(self.settings)
                    self._on_build(services)
                    atexit.register(self.close)
                    self._services = services
        return self._services

    def close(self) -> None:
        with self._lock:
            services, self._services = self._services, None
        if services is None:
            return
        atexit.unregister(self.close)
        if services.projections is not None:
            services.projections.stop()
        services.read_side.close()
        services.board.close()


def runtime() -> Runtime:
    found: Runtime = current_app.extensions[EXTENSION]
    return found


def services() -> Services:
    return runtime().services
