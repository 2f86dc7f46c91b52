"""How long a supervisor waits before it starts a runner again."""

from __future__ import annotations

from projections.supervision import Backoff


class TestBackoff:
    def test_a_runner_that_exits_again_soon_after_each_start_waits_twice_as_long_each_time(
        self,
    ) -> None:
        backoff = Backoff(first=0.5, longest=4.0, healthy_seconds=30)

        waits = [backoff.after_exit(ran_seconds=1) for _ in range(6)]

        assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]

    def test_a_runner_that_ran_long_enough_before_it_exited_is_restarted_soon_again(
        self,
    ) -> None:
        backoff = Backoff(first=0.5, longest=4.0, healthy_seconds=30)
        for _ in range(4):
            backoff.after_exit(ran_seconds=1)

        assert backoff.after_exit(ran_seconds=31) == 0.5
