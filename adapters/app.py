"""The one wiring point of the web service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from prometheus_client import CollectorRegistry

from adapters import api, commands, errors, observability, ops, ratelimit, web
from adapters.auth import warn_if_open
from adapters.drain import DrainUnreadBody
from adapters.metrics import METRICS, Metrics, ProjectionCollector
from adapters.runtime import EXTENSION, Runtime
from adapters.settings import Settings

MAX_BODY_BYTES = 64 * 1024


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """The Flask app; the application and read side are built on first use, after any fork.

    ``config`` is the settings, or changes to the environment's settings (for tests).
    """
    settings = _settings(config)
    observability.configure_logging(settings.log_level)
    if not settings.auth:
        warn_if_open()
    app = Flask(__name__, static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    metrics = Metrics(CollectorRegistry(auto_describe=True))
    runtime = Runtime(settings, on_build=metrics.watch)
    metrics.registry.register(ProjectionCollector(runtime))
    app.extensions[EXTENSION] = runtime
    app.extensions[METRICS] = metrics
    observability.install(app, metrics)
    if settings.rate_limit:
        ratelimit.install(app, settings.rate_limit)
    errors.register(app)
    api.register(app)
    app.register_blueprint(ops.bp)
    app.register_blueprint(web.bp)
    commands.register(app.cli)
    app.wsgi_app = DrainUnreadBody(app.wsgi_app)  # type: ignore[method-assign]
    return app


def _settings(config: Settings | Mapping[str, Any] | None) -> Settings:
    if isinstance(config, Settings):
        return config
    return Settings.from_env().replace(**dict(config or {}))
