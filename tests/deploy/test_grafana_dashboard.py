"""The dashboard parses, and every query asks for a metric that is exported."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from adapters.app import create_app
from adapters.runtime import EXTENSION
from adapters.settings import Settings
from tests.deploy.support import DEPLOY

DASHBOARD = DEPLOY / "grafana" / "statusboard.json"
#: Announced by SPEC §12, exported once the runner is supervised.
ANNOUNCED = {
    "statusboard_runner_restarts_total",
}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
METRIC = re.compile(r"\bstatusboard_[a-z_]+\b")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The service on a fresh SQLite file, its projections in process."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'board.sqlite3'}",
        create_table=True,
        embedded_projections=True,
    )
    app = create_app(settings)
    yield app
    app.extensions[EXTENSION].close()


def exported(app: Flask) -> set[str]:
    client = app.test_client()
    client.get("/readyz")  # builds the process's components, which the projection gauges ask
    text = client.get("/metrics").get_data(as_text=True)
    return {
        family.name + suffix
        for family in text_string_to_metric_families(text)
        for suffix in SUFFIXES.get(family.type, ("",))
    }


def expressions(dashboard: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


class TestGrafanaDashboard:
    def test_it_parses_and_has_the_slo_panels(self) -> None:
        dashboard = json.loads(DASHBOARD.read_text())

        titles = " | ".join(panel["title"].lower() for panel in dashboard["panels"])
        for wanted in ("p95", "error rate", "conflicts", "lag", "client"):
            assert wanted in titles, wanted
        assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])

    def test_every_query_names_a_metric_the_server_exports(self, app: Flask) -> None:
        known = exported(app) | ANNOUNCED
        dashboard = json.loads(DASHBOARD.read_text())

        queried = {name for expr in expressions(dashboard) for name in METRIC.findall(expr)}

        assert queried, "the dashboard queries nothing"
        assert queried <= known, queried - known

    def test_every_alert_names_a_metric_the_server_exports(self, app: Flask) -> None:
        rules = (DEPLOY / "prometheus" / "alerts.yml").read_text()

        named = set(METRIC.findall(rules))

        assert named <= exported(app) | ANNOUNCED, named - exported(app) - ANNOUNCED
