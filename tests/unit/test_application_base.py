"""The machinery every command shares, driven through ``execute`` with decisions written here.

A decision loads through the attempt it is handed and says what it did; the decisions here note
every attempt (whether it was the first, whether it trusted this process's recent copy, which
unseen versions it was shown), so the path a command took is plain. The store is in memory and
a catalog service is the aggregate, since its changes carry who made them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from application.base import Command, CommandApplication, Outcome
from application.errors import IdempotencyKeyReusedError, StorageUnavailableError
from application.loading import Attempt
from domain.service import Service
from domain.stamp import Stamp
from storage.eventstore import store_env
from storage.urls import MEMORY_URL

ANN = Stamp(actor="ann", request_id="req-ann")
BOB = Stamp(actor="bob", request_id="req-bob")
KEYED = Stamp(actor="ann", request_id="req-1", idempotency_key="key-1")
#: What one attempt was: the first or not, trusting the recent copy or not, the unseen versions.
Seen = tuple[bool, bool, list[int]]


class Catalog(CommandApplication):
    """An application whose saves are noted, and can be refused or beaten to the punch."""

    max_attempts = 3

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env)
        self.saves: list[list[str]] = []
        #: How many saves to refuse as if another process had taken the next version.
        self.refusals = 0
        #: A change another process makes just before the next save.
        self.rival: Callable[[], object] | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        rival, self.rival = self.rival, None
        if rival is not None:
            rival()
        self.saves.append([type(obj).__name__ for obj in objs])
        if self.refusals:
            self.refusals -= 1
            raise IntegrityError("duplicate key value violates unique constraint")
        return super().save(*objs, **kwargs)


@pytest.fixture
def app() -> Iterator[Catalog]:
    """An application in memory, with nothing in it."""
    catalog = Catalog(store_env(MEMORY_URL))
    yield catalog
    catalog.close()


@pytest.fixture
def haircut(app: Catalog) -> UUID:
    """A service added through a command, so this process has its copy at version 1."""

    def decide(_: Attempt) -> tuple[Service, bool]:
        fields = {"name": "Haircut", "category": "hair", "price_cents": 2500}
        return Service.add(code="CUT", duration_minutes=30, **fields, stamp=ANN), True

    return app.execute(Command("add", None, {}, ANN), decide).aggregate.id


def rename(
    app: Catalog, ident: UUID, name: str, expected_version: int, stamp: Stamp = ANN
) -> tuple[Outcome[Service], list[Seen]]:
    """Renames the service as a client that last saw ``expected_version``; with each attempt."""
    seen: list[Seen] = []

    def decide(attempt: Attempt) -> tuple[Service, bool]:
        service, unseen = attempt.load(Service, ident, expected_version)
        seen.append((attempt.first, attempt.trusted_recent_copy, [c.version for c in unseen]))
        return service, service.update({"name": name}, stamp)

    arguments = {"name": name, "expected_version": expected_version}
    return app.execute(Command("rename", ident, arguments, stamp), decide), seen


def change_elsewhere(app: Catalog, ident: UUID, changes: dict[str, object]) -> None:
    """Another process's change: in the store, not in this process's recent copies."""
    service: Service = app.repository.get(ident)
    service.update(changes, BOB)
    app.save(service)


class TestLostRaces:
    def test_a_decision_that_never_wins_its_save_gives_up_with_a_storage_error(
        self, app: Catalog, haircut: UUID
    ) -> None:
        lost: list[str] = []
        app.conflict_listeners.append(lost.append)
        app.refusals = 99

        with pytest.raises(StorageUnavailableError, match="too many simultaneous changes"):
            rename(app, haircut, "Trim", 1)

        assert lost == ["rename"] * app.max_attempts
        assert app.loader.get(Service, haircut).version == 1

    def test_a_first_attempt_on_the_recent_copy_that_loses_decides_again_on_the_store(
        self, app: Catalog, haircut: UUID
    ) -> None:
        app.rival = lambda: change_elsewhere(app, haircut, {"price_cents": 3000})

        outcome, seen = rename(app, haircut, "Trim", 1)

        assert seen == [(True, True, []), (False, False, [2])]
        assert (outcome.version, outcome.aggregate.name, outcome.aggregate.price_cents) == (
            3,
            "Trim",
            3000,
        )


class TestRecentCopies:
    def test_a_first_attempt_starts_from_the_copy_this_process_saved(
        self, app: Catalog, haircut: UUID
    ) -> None:
        outcome, seen = rename(app, haircut, "Trim", 1)

        assert seen == [(True, True, [])]
        assert (outcome.applied, outcome.version) == (True, 2)

    def test_a_client_behind_the_copy_is_answered_from_the_store(
        self, app: Catalog, haircut: UUID
    ) -> None:
        rename(app, haircut, "Trim", 1)

        _, seen = rename(app, haircut, "Cut", 1)

        assert seen == [(True, False, [2])]

    def test_nothing_to_save_on_the_copy_is_decided_again_on_the_store(
        self, app: Catalog, haircut: UUID
    ) -> None:
        change_elsewhere(app, haircut, {"name": "Trim"})

        outcome, seen = rename(app, haircut, "Haircut", 1)

        # On the copy the name was already Haircut; the store had moved on to Trim.
        assert seen == [(True, True, []), (False, False, [2])]
        assert (outcome.applied, outcome.version, outcome.aggregate.name) == (True, 3, "Haircut")


class TestIdempotencyKeys:
    def test_the_keys_record_is_saved_with_the_change(self, app: Catalog, haircut: UUID) -> None:
        app.saves.clear()

        rename(app, haircut, "Trim", 1, stamp=KEYED)

        assert app.saves == [["Service", "IdempotencyRecord"]]

    def test_a_retried_key_gets_the_first_outcome_and_appends_nothing(
        self, app: Catalog, haircut: UUID
    ) -> None:
        first, _ = rename(app, haircut, "Trim", 1, stamp=KEYED)
        head = app.head_position()

        again, _ = rename(app, haircut, "Trim", 1, stamp=KEYED)

        assert (again.applied, again.version, again.aggregate.name) == (True, 2, "Trim")
        assert again.version == first.version
        assert app.head_position() == head

    def test_a_key_that_changed_nothing_answers_so_again(self, app: Catalog, haircut: UUID) -> None:
        first, _ = rename(app, haircut, "Haircut", 1, stamp=KEYED)

        again, _ = rename(app, haircut, "Haircut", 1, stamp=KEYED)

        assert (first.applied, again.applied, again.version) == (False, False, 1)

    def test_a_key_used_again_for_another_request_is_refused(
        self, app: Catalog, haircut: UUID
    ) -> None:
        rename(app, haircut, "Trim", 1, stamp=KEYED)
        head = app.head_position()

        with pytest.raises(IdempotencyKeyReusedError):
            rename(app, haircut, "Cut", 2, stamp=KEYED)

        assert app.head_position() == head
