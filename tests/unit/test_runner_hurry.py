"""A hurry names the position a reader waits for: the runner's shared log ends its pause only
for a position no round has read (a hurry that a round then meets is dropped), and the listener
finds that position in the hurries that arrive together."""

from __future__ import annotations

import threading

from projections.shared import SharedLog
from storage.notify import HURRY, hurried_to


def shared_log() -> SharedLog:
    return SharedLog(
        None,  # type: ignore[arg-type]  # never run
        None,  # type: ignore[arg-type]
        threading.Event(),
        poll_interval=1.0,
        gather=0.01,
        batch_size=10,
    )


def test_a_hurry_for_a_position_the_last_round_read_leaves_the_pause_alone() -> None:
    log = shared_log()
    log.read_to = 10

    log.hurry(10)
    assert not log.hurried.is_set()

    log.hurry(11)
    assert log.hurried.is_set()


def test_a_hurry_met_by_the_round_that_reads_its_position_does_not_cut_the_next_pause() -> None:
    log = shared_log()
    log.hurry(12)
    assert log.hurried.is_set()

    log._read(12)
    assert not log.hurried.is_set()

    log.hurry(14)
    log._read(13)
    assert log.hurried.is_set()


def test_a_hurry_without_a_position_ends_the_pause() -> None:
    log = shared_log()
    log.read_to = 10

    log.hurry()
    assert log.hurried.is_set()


def test_the_furthest_of_the_hurries_that_arrive_together_is_taken() -> None:
    assert hurried_to({f"{HURRY} 12", f"{HURRY} 40", f"{HURRY} 7"}) == 40


def test_a_hurry_that_names_no_position_waits_for_everything() -> None:
    assert hurried_to({f"{HURRY} 12", HURRY}) is None
    assert hurried_to({f"{HURRY} soon"}) is None
