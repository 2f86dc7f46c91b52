"""The published TypeScript types are those openapi-typescript makes of the current document.

`npm ci` installs the pinned generator into clients/typescript/node_modules (ignored by git).
Without npm the test is skipped loudly; where CI or STATUSBOARD_REQUIRE_POSTGRES is set it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from adapters.openapi import document_json

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "typescript"
REGENERATE = (
    "python -m adapters.openapi clients/typescript/openapi.json"
    " && (cd clients/typescript && npm ci && npm run generate)"
)


def npm() -> str:
    found = shutil.which("npm")
    if found is not None:
        return found
    required = any(
        os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")
        for name in ("CI", "STATUSBOARD_REQUIRE_POSTGRES")
    )
    if required:
        pytest.fail("npm is required here to check the TypeScript types", pytrace=False)
    pytest.skip("!!! npm NOT FOUND: the TypeScript types were not checked !!!")


def generate(npm: str, document: Path, output: Path) -> str:
    quiet = {"capture_output": True, "text": True, "timeout": 120, "cwd": CLIENT}
    installed = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], **quiet)
    assert installed.returncode == 0, installed.stderr[-2000:]
    generator = CLIENT / "node_modules" / ".bin" / "openapi-typescript"
    made = subprocess.run([str(generator), str(document), "--output", str(output)], **quiet)
    assert made.returncode == 0, made.stderr[-2000:]
    return output.read_text(encoding="utf-8")


class TestTypeScriptClient:
    def test_the_committed_document_is_the_served_one(self) -> None:
        committed = (CLIENT / "openapi.json").read_text(encoding="utf-8")

        assert committed == document_json(), f"stale: regenerate with {REGENERATE}"

    @pytest.mark.slow
    def test_the_committed_types_are_generated_from_the_document(self, tmp_path: Path) -> None:
        document = tmp_path / "openapi.json"
        document.write_text(document_json(), encoding="utf-8")

        types = generate(npm(), document, tmp_path / "statusboard.d.ts")

        committed = (CLIENT / "statusboard.d.ts").read_text(encoding="utf-8")
        assert types == committed, f"stale: regenerate with {REGENERATE}"
