from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID


class DomainError(Exception):
    """A command that the rules of the domain refuse."""


class FieldError(DomainError):
    """A value that breaks a rule, named by the field that carries it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidTransitionError(DomainError):
    def __init__(
        self, appointment_id: UUID, from_status: str, to_status: str, allowed: Sequence[str]
    ) -> None:
        super().__init__(
            f"cannot move appointment {appointment_id} from {from_status} to {to_status}"
        )
        self.appointment_id = appointment_id
        self.from_status = from_status
        self.to_status = to_status
        self.allowed = tuple(allowed)


class ServiceRetiredError(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(f"service {code} is retired")
        self.code = code
