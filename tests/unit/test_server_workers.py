"""How many web workers `serve` starts when not told: one a core, two to eight."""

from __future__ import annotations

import pytest

from adapters import server


@pytest.mark.parametrize(("cores", "workers"), [(None, 2), (1, 2), (2, 2), (3, 3), (4, 4), (64, 8)])
def test_one_worker_a_core_at_least_two_at_most_eight(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, workers: int
) -> None:
    monkeypatch.setattr(server.os, "cpu_count", lambda: cores)
    assert server.default_workers() == workers
