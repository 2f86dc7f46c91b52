"""Every projection view is a tracking recorder by the library's own standard.

The eventsourcing library's ``TrackingRecorderTestCase`` is run against a view of each
projection, on SQLite and on PostgreSQL, over freshly created tables.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from typing import ClassVar
from zoneinfo import ZoneInfo

import psycopg
import pytest
from eventsourcing.persistence import TrackingRecorder
from eventsourcing.tests import persistence
from psycopg import sql

from projections.activity import ActivityProjection
from projections.base import Projection
from projections.board import BoardProjection
from projections.schema import create_tables
from projections.services import ServicesProjection
from projections.stats import StatsProjection
from projections.view import ProjectionView
from storage.sql import SqlStore

POSTGRES_SERVER = os.environ.get(
    "STATUSBOARD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432"
).rstrip("/")


def postgres_required() -> bool:
    return any(
        os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")
        for name in ("STATUSBOARD_REQUIRE_POSTGRES", "CI")
    )


def admin(statement: sql.Composed) -> None:
    with psycopg.connect(
        f"{POSTGRES_SERVER}/postgres", connect_timeout=2, autocommit=True
    ) as connection:
        connection.execute(statement)


class ViewRecorder:
    """Opens a store in ``setUp``, and hands the library a view over fresh tables."""

    projection: ClassVar[type[Projection]]
    generation = 2
    store: SqlStore

    def open_store(self) -> SqlStore:
        raise NotImplementedError

    def setUp(self) -> None:
        self.store = self.open_store()
        create_tables(self.store)
        projection = self.projection(ZoneInfo("UTC"))
        with self.store.transaction() as cursor:
            for statement in projection.ddl(self.generation):
                cursor.execute(statement)

    def tearDown(self) -> None:
        self.store.close()

    def create_recorder(self) -> TrackingRecorder:
        return ProjectionView(self.store, self.projection(ZoneInfo("UTC")), self.generation)


class OnSQLite(ViewRecorder):
    def open_store(self) -> SqlStore:
        self.folder = tempfile.mkdtemp(prefix="statusboard-tracking-")
        return SqlStore.open(f"sqlite:///{self.folder}/views.sqlite3")

    def tearDown(self) -> None:
        super().tearDown()
        shutil.rmtree(self.folder, ignore_errors=True)


class OnPostgres(ViewRecorder):
    def open_store(self) -> SqlStore:
        self.database = f"statusboard_test_{uuid.uuid4().hex}"
        try:
            admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
        except psycopg.OperationalError as error:
            message = f"PostgreSQL UNREACHABLE at {POSTGRES_SERVER}: {error}"
            if postgres_required():
                self.fail(message)  # type: ignore[attr-defined]
            self.skipTest(message)  # type: ignore[attr-defined]
        return SqlStore.open(f"{POSTGRES_SERVER}/{self.database}")

    def tearDown(self) -> None:
        super().tearDown()
        admin(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.database))
        )


class TestBoardViewOnSQLite(OnSQLite, persistence.TrackingRecorderTestCase):
    projection = BoardProjection


class TestStatsViewOnSQLite(OnSQLite, persistence.TrackingRecorderTestCase):
    projection = StatsProjection


class TestServicesViewOnSQLite(OnSQLite, persistence.TrackingRecorderTestCase):
    projection = ServicesProjection


class TestActivityViewOnSQLite(OnSQLite, persistence.TrackingRecorderTestCase):
    projection = ActivityProjection


@pytest.mark.postgres
class TestBoardViewOnPostgres(OnPostgres, persistence.TrackingRecorderTestCase):
    projection = BoardProjection


@pytest.mark.postgres
class TestStatsViewOnPostgres(OnPostgres, persistence.TrackingRecorderTestCase):
    projection = StatsProjection


@pytest.mark.postgres
class TestServicesViewOnPostgres(OnPostgres, persistence.TrackingRecorderTestCase):
    projection = ServicesProjection


@pytest.mark.postgres
class TestActivityViewOnPostgres(OnPostgres, persistence.TrackingRecorderTestCase):
    projection = ActivityProjection
