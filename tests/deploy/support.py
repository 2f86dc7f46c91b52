"""What the deploy tests share: where the deploy folder is, and tools that CI must have."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _required() -> bool:
    flags = (
        os.environ.get(name, "").strip().lower() for name in ("CI", "STATUSBOARD_REQUIRE_POSTGRES")
    )
    return any(flag not in ("", "0", "false", "no") for flag in flags)


def tool(name: str, package: str, *, always_skippable: bool = False) -> str:
    """The tool's path; a missing tool fails the run in CI and skips loudly elsewhere."""
    found = shutil.which(name)
    if found is not None:
        return found
    message = f"!!! {name.upper()} MISSING: install Debian's `{package}` package. !!!"
    if _required() and not always_skippable:
        pytest.fail(f"{message} It is required here (CI or STATUSBOARD_REQUIRE_POSTGRES).")
    pytest.skip(message)
