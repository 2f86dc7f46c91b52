"""The systemd units are what systemd itself accepts, with no warning."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.deploy.support import DEPLOY, tool

UNITS = DEPLOY / "systemd"
INSTALLED = "/opt/statusboard/venv/bin/statusboard"


@pytest.fixture
def installed_units(tmp_path: Path) -> list[Path]:
    """The units as a host would have them, with the release's command standing in place."""
    command = tmp_path / "statusboard"
    command.write_text("#!/bin/sh\nexit 0\n")
    command.chmod(0o755)
    units = []
    for unit in sorted(UNITS.glob("*.service")):
        text = unit.read_text().replace(INSTALLED, str(command))
        text = text.replace("/etc/statusboard/statusboard.env", str(UNITS / "statusboard.env"))
        units.append(tmp_path / unit.name)
        units[-1].write_text(text)
    return units


class TestSystemdUnits:
    def test_every_unit_verifies_cleanly(self, installed_units: list[Path]) -> None:
        analyze = tool("systemd-analyze", "systemd", always_skippable=True)

        verified = subprocess.run(
            [analyze, "verify", *map(str, installed_units)],
            capture_output=True,
            text=True,
            timeout=60,
        )

        output = verified.stdout + verified.stderr
        assert verified.returncode == 0, output
        assert not [line for line in output.splitlines() if ".service" in line], output

    def test_serve_and_the_runner_replicas_run_the_installed_release(self) -> None:
        serve = (UNITS / "statusboard-serve.service").read_text()
        runner = (UNITS / "statusboard-runner@.service").read_text()

        assert f"ExecStart={INSTALLED} serve " in serve
        assert f"ExecStart={INSTALLED} projections run\n" in runner
        assert "Restart=always" in serve and "Restart=always" in runner
        assert "Requires=statusboard-db-init.service" in serve
