"""The JSON API under /api/admin (SPEC §6): one blueprint per resource."""

from __future__ import annotations

from flask import Flask

from adapters.api import (
    activity,
    appointments,
    availability,
    board,
    hours,
    kept,
    locations,
    services,
    session,
)


def register(app: Flask) -> None:
    kept.install(app)
    for module in (
        board,
        appointments,
        services,
        activity,
        locations,
        hours,
        session,
        availability,
    ):
        app.register_blueprint(module.bp)
