"""axe-core in the page: a check that finds no serious or critical accessibility violation.

`npm ci` installs the pinned axe-core into tests/e2e/axe/node_modules (ignored by git) on first
use. The script is evaluated through the browser's debugging protocol, so the page's
Content-Security-Policy (script-src 'self') stays as it is served.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "axe"
#: What a person is kept from doing; moderate and minor findings are reported, not failed.
BLOCKING = ("serious", "critical")


@functools.cache
def axe_source() -> str:
    script = AXE / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is required to install axe-core for the accessibility checks")
        installed = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=AXE,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert installed.returncode == 0, installed.stderr[-2000:]
    return script.read_text(encoding="utf-8")


def violations(page: Page, include: str | None = None) -> list[dict[str, Any]]:
    """axe's WCAG 2.1 A and AA findings on the page, or within the element ``include`` selects."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found: list[dict[str, Any]] = page.evaluate(
        """async (include) => {
            const results = await window.axe.run(include ?? document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
            });
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((node) => node.target.join(' ')).slice(0, 5),
            }));
        }""",
        include,
    )
    return found


def assert_accessible(page: Page, include: str | None = None) -> None:
    """No serious or critical violation in what is shown now."""
    blocking = [v for v in violations(page, include) if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']}" for v in blocking
    )
