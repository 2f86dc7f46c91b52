"""The per-process cache of checked tokens."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.auth import Principal
from adapters.tokens import PrincipalCache, TokenStore
from storage.sqlite import SQLiteStore


@pytest.fixture
def tokens(tmp_path: Path) -> Iterator[TokenStore]:
    store = SQLiteStore(str(tmp_path / "tokens.sqlite3"))
    tokens = TokenStore(store, cache_seconds=60)
    tokens.create_table()
    yield tokens
    store.close()


def test_a_checked_token_is_answered_without_reading_the_table(tokens: TokenStore) -> None:
    secret = tokens.issue("desk", "staff")[1]
    assert tokens.principal(secret) == Principal("desk", "staff")

    tokens.store.fetchone("DELETE FROM api_tokens RETURNING id")

    assert tokens.principal(secret) == Principal("desk", "staff")


def test_a_revocation_in_this_process_empties_every_cache_at_once(tokens: TokenStore) -> None:
    secret = tokens.issue("desk", "staff")[1]
    other = TokenStore(tokens.store, cache_seconds=60)
    assert tokens.principal(secret) is not None and other.principal(secret) is not None

    assert TokenStore(tokens.store).revoke(1)

    assert tokens.principal(secret) is None
    assert other.principal(secret) is None


def test_unknown_tokens_are_not_kept(tokens: TokenStore) -> None:
    assert tokens.principal("sb_nope") is None
    secret = tokens.issue("desk", "staff")[1]
    tokens.store.fetchone(
        "UPDATE api_tokens SET token_hash = ? RETURNING id",
        (hashlib.sha256(b"sb_nope").hexdigest(),),
    )

    assert tokens.principal("sb_nope") == Principal("desk", "staff")
    assert tokens.principal(secret) is None


def test_entries_expire_and_the_oldest_make_room() -> None:
    cache = PrincipalCache(seconds=0.05, size=2)
    now = time.monotonic()
    for name in ("a", "b", "c"):
        cache.put(name, Principal(name, "viewer"), now)

    assert cache.get("a") is None
    assert cache.get("b") == Principal("b", "viewer")
    time.sleep(0.06)
    assert cache.get("b") is None


def test_an_answer_read_before_a_revocation_is_not_kept() -> None:
    cache = PrincipalCache(seconds=60)
    checked_at = time.monotonic()
    from adapters import tokens as module

    module._Revocations.count += 1
    cache.put("a", Principal("a", "viewer"), checked_at)

    assert cache.get("a") is None
