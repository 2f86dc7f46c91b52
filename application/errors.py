from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from application.history import Change


class ApplicationError(Exception):
    """A command or query the service answers with a client error."""


class NotFoundError(ApplicationError):
    def __init__(self, kind: str, ident: UUID | str, detail: str = "") -> None:
        super().__init__(detail or f"{kind} {ident} not found")
        self.kind = kind
        self.ident = ident


class VersionAheadError(ApplicationError):
    """The client claims to have seen a version that does not exist yet."""

    def __init__(self, ident: UUID, expected_version: int, current_version: int) -> None:
        super().__init__(
            f"expected_version {expected_version} is ahead of the current version {current_version}"
        )
        self.ident = ident
        self.expected_version = expected_version
        self.current_version = current_version


class ConflictError(ApplicationError):
    """Someone else changed what this command was about since the client last looked."""

    def __init__(self, current: Any, conflicting: Change, fields: tuple[str, ...]) -> None:
        who = conflicting.actor
        super().__init__(
            f"{', '.join(fields)} changed at version {conflicting.version} by {who}"
            f" ({conflicting.type}); the current version is {current.version}"
        )
        self.current = current
        self.conflicting = conflicting
        self.fields = fields


class DuplicateServiceError(ApplicationError):
    def __init__(self, code: str) -> None:
        super().__init__(f"a service with code {code} already exists")
        self.code = code


class IdempotencyKeyReusedError(ApplicationError):
    def __init__(self, key: str) -> None:
        super().__init__(f"Idempotency-Key {key!r} was already used for a different request")
        self.key = key


class StorageUnavailableError(ApplicationError):
    """The event store could not take the command now; it wrote nothing. Retry later."""
