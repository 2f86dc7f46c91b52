"""`statusboard projections run`, counting the statements its connections send.

Started by ``benchmarks/runner_cost.py`` by path (so the runner's own packages come from the
``PYTHONPATH`` it is given). psycopg has no statement hook and the server here has no
``pg_stat_statements``, so the cursor's ``execute`` and ``executemany`` and the connection's
internal commands (BEGIN, COMMIT, ROLLBACK) are wrapped. Every 100 ms the counts so far are
written to ``STATUSBOARD_STATEMENT_COUNTS`` (a JSON object: kind → statements), which the
benchmark reads at the start and end of its window.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import psycopg
from psycopg._connection_base import BaseConnection

COUNTS: Counter[str] = Counter()
_LOCK = threading.Lock()


def _text(query: Any) -> str:
    if isinstance(query, str):
        return query
    if isinstance(query, bytes):
        return query.decode(errors="replace")
    try:
        return str(query.as_string(None))
    except Exception:  # only a label is at stake
        return repr(query)


def _kind(query: Any) -> str:
    if isinstance(query, str | bytes):
        return _kind_of_text(query)  # the runner's own statements: labelled once each
    return _label(_text(query))


@lru_cache(maxsize=4096)
def _kind_of_text(query: str | bytes) -> str:
    return _label(_text(query))


def _label(text: str) -> str:
    words = text.split()
    if not words:
        return "empty"
    head = words[0].upper()
    if head in ("SELECT", "WITH"):
        return "SELECT " + ("log" if "notification_id >=" in text else "other")
    if head in ("UPDATE", "INSERT", "DELETE") and len(words) > 2:
        return f"{head} {words[2] if head != 'UPDATE' else words[1]}"
    return head


def _count(kind: str, number: int = 1) -> None:
    with _LOCK:
        COUNTS[kind] += number
        COUNTS["total"] += number


def _patch() -> None:
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany
    command = BaseConnection._exec_command

    def counted_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        _count(_kind(query))
        return execute(self, query, *args, **kwargs)

    def counted_executemany(self: Any, query: Any, params: Iterable[Any], **kwargs: Any) -> Any:
        rows = list(params)
        _count(_kind(query), len(rows))
        return executemany(self, query, rows, **kwargs)

    def counted_command(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        _count(_kind(query))
        return command(self, query, *args, **kwargs)

    psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign]
    psycopg.Cursor.executemany = counted_executemany  # type: ignore[method-assign,assignment]
    BaseConnection._exec_command = counted_command  # type: ignore[method-assign,assignment]


def _dump(path: str) -> None:
    while True:
        with _LOCK:
            text = json.dumps(COUNTS)
        with open(f"{path}.tmp", "w") as file:
            file.write(text)
        os.replace(f"{path}.tmp", path)
        threading.Event().wait(0.1)


def main() -> None:
    _patch()
    threading.Thread(
        target=_dump, args=(os.environ["STATUSBOARD_STATEMENT_COUNTS"],), daemon=True
    ).start()
    from adapters.cli import main as cli

    cli(["projections", "run"], prog_name="statusboard")


if __name__ == "__main__":
    main()
