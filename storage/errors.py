"""Database errors, named once for the layers above, which import no driver."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

#: "Try again later", not "this is wrong": the database is unreachable, or a connection was lost.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)

#: Any error a database driver raises.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (*TRANSIENT_ERRORS, psycopg.Error)

#: Errors a request answers 503 for: the storage could not take it now.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    sqlite3.OperationalError,
)
