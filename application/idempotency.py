"""Idempotency keys, kept as events beside the changes they guard.

A keyed command saves its record in the same transaction as its events, so a retry either finds
the record (and gets the original outcome back) or races it and loses on the record's version 1.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

_NAMESPACE = uuid5(NAMESPACE_URL, "statusboard:idempotency-key")


def record_id(actor: str, key: str) -> UUID:
    """Keys are scoped to the token that used them."""
    return uuid5(_NAMESPACE, f"{actor}\x00{key}")


def fingerprint(command: str, arguments: dict[str, Any]) -> str:
    canonical = json.dumps([command, arguments], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyRecord(Aggregate):
    #: The version of the state a snapshot records.
    class_version = 1

    class Recorded(Aggregate.Created):
        class_version = 1
        key: str
        fingerprint: str
        aggregate_id: UUID
        result_version: int
        applied: bool

    def __init__(
        self, key: str, fingerprint: str, aggregate_id: UUID, result_version: int, applied: bool
    ) -> None:
        self.key = key
        self.fingerprint = fingerprint
        self.aggregate_id = aggregate_id
        self.result_version = result_version
        self.applied = applied

    @classmethod
    def record(
        cls,
        *,
        actor: str,
        key: str,
        fingerprint: str,
        aggregate_id: UUID,
        version: int,
        applied: bool,
    ) -> IdempotencyRecord:
        return cls._create(
            cls.Recorded,
            id=record_id(actor, key),
            key=key,
            fingerprint=fingerprint,
            aggregate_id=aggregate_id,
            result_version=version,
            applied=applied,
        )
