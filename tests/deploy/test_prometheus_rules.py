"""The alerting rules are valid, and each fires when, and only when, its unit test says."""

from __future__ import annotations

import subprocess

import pytest

from tests.deploy.support import DEPLOY, tool

RULES = DEPLOY / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    """Prometheus's own checker, from Debian's `prometheus` package."""
    return tool("promtool", "prometheus")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=RULES, capture_output=True, text=True, timeout=60)


class TestAlertingRules:
    def test_rules_are_valid(self, promtool: str) -> None:
        checked = _run(promtool, "check", "rules", "alerts.yml")

        assert checked.returncode == 0, checked.stdout + checked.stderr

    def test_every_alert_fires_as_its_unit_test_expects(self, promtool: str) -> None:
        tested = _run(promtool, "test", "rules", "alerts_test.yml")

        assert tested.returncode == 0, tested.stdout + tested.stderr

    def test_the_scrape_configuration_loads_the_rules(self, promtool: str) -> None:
        checked = _run(promtool, "check", "config", "prometheus.yml")

        assert checked.returncode == 0, checked.stdout + checked.stderr

    def test_every_alert_has_a_unit_test_and_a_runbook_section(self) -> None:
        rules = (RULES / "alerts.yml").read_text()
        tests = (RULES / "alerts_test.yml").read_text()
        runbook = (DEPLOY.parent / "docs" / "operations.md").read_text().lower()
        alerts = [
            line.split(":", 1)[1].strip() for line in rules.splitlines() if "- alert:" in line
        ]

        assert len(alerts) >= 9
        for alert in alerts:
            assert f"alertname: {alert}\n" in tests, alert
            assert f"### {alert.lower()}" in runbook, alert
