"""The JSON API under /api/admin (SPEC §6): one blueprint per resource."""

from __future__ import annotations

from flask import Flask

from adapters.api import (
    activity,
    appointments,
    availability,
    board,
    client_metrics,
    hours,
    kept,
    locations,
    services,
    session,
)

MODULES = (
    board,
    appointments,
    services,
    activity,
    locations,
    hours,
    availability,
    session,
    client_metrics,
)


def register(app: Flask) -> None:
    kept.install(app)
    for module in MODULES:
        app.register_blueprint(module.bp)
