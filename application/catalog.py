"""The service catalog's commands (SPEC §5): add, change, retire and reactivate a service."""

from __future__ import annotations

from uuid import UUID

from application import conflicts
from application.base import Command, CommandApplication, Outcome, storage_guarded
from application.errors import DuplicateServiceError
from application.loading import Attempt
from domain import values
from domain.service import Service, service_id_for
from domain.stamp import Stamp


class CatalogCommands(CommandApplication):
    @storage_guarded
    def add_service(
        self,
        *,
        code: object,
        name: object,
        category: object,
        price_cents: object,
        duration_minutes: object,
        stamp: Stamp,
    ) -> Outcome[Service]:
        fields = {
            "code": code,
            "name": name,
            "category": category,
            "price_cents": price_cents,
            "duration_minutes": duration_minutes,
        }

        def decide(_: Attempt) -> tuple[Service, bool]:
            if service_id_for(values.service_code(code)) in self.repository:
                raise DuplicateServiceError(str(code))
            return Service.add(**fields, stamp=stamp), True

        return self.execute(Command("add_service", None, fields, stamp), decide)

    @storage_guarded
    def update_service(
        self,
        service_id: UUID,
        changes: dict[str, object],
        *,
        expected_version: int | None = None,
        stamp: Stamp,
    ) -> Outcome[Service]:
        """Changes any of name, category, price_cents, duration_minutes and active."""

        def decide(attempt: Attempt) -> tuple[Service, bool]:
            service, unseen = attempt.load(Service, service_id, expected_version)
            conflicts.refuse_lost_updates(service, unseen, changes)
            applied = service.update({k: v for k, v in changes.items() if k != "active"}, stamp)
            if "active" in changes:
                applied |= service.set_active(changes["active"], stamp)
            return service, applied

        arguments = {"expected_version": expected_version, **changes}
        return self.execute(Command("update_service", service_id, arguments, stamp), decide)

    def retire_service(
        self, service_id: UUID, *, expected_version: int | None = None, stamp: Stamp
    ) -> Outcome[Service]:
        return self.update_service(
            service_id, {"active": False}, expected_version=expected_version, stamp=stamp
        )

    def reactivate_service(
        self, service_id: UUID, *, expected_version: int | None = None, stamp: Stamp
    ) -> Outcome[Service]:
        return self.update_service(
            service_id, {"active": True}, expected_version=expected_version, stamp=stamp
        )

    # Queries.

    @storage_guarded
    def get_service(self, service_id: UUID) -> Service:
        return self.loader.get(Service, service_id)

    def get_service_by_code(self, code: str) -> Service:
        return self.get_service(service_id_for(values.service_code(code)))
