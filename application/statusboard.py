"""The status board's use cases, and the one place where conflicts are decided (SPEC §4)."""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, ParamSpec, TypeVar, cast
from uuid import UUID, uuid4

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    Recording,
)

from application.errors import (
    ConflictError,
    DuplicateServiceError,
    IdempotencyKeyReusedError,
    NotFoundError,
    StorageUnavailableError,
    VersionAheadError,
)
from application.history import Change, Stateful, replay
from application.idempotency import IdempotencyRecord, fingerprint, record_id
from domain import values
from domain.appointment import Appointment
from domain.errors import FieldError, ServiceRetiredError
from domain.service import Service, service_id_for
from domain.stamp import Stamp
from domain.values import ServiceLine

#: How often a command is re-run after losing the race for the next version.
MAX_ATTEMPTS = 20
#: How many aggregates, as this process last saved them, a first attempt may start from.
RECENT_SIZE = 2000

A = TypeVar("A", bound=Aggregate)
P = ParamSpec("P")
R = TypeVar("R")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: Marks an edit field the client did not send.
UNSET: Any = _Unset()


@dataclass(frozen=True)
class Outcome(Generic[A]):
    """What a command did: the aggregate as it now is, whether it appended, and where."""

    aggregate: A
    applied: bool
    position: int

    @property
    def version(self) -> int:
        return self.aggregate.version


def storage_guarded(method: Callable[P, R]) -> Callable[P, R]:
    """A database that cannot answer is the client's 503, never a 500."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            raise StorageUnavailableError(
                str(error).splitlines()[0] if str(error) else "storage unavailable"
            ) from error

    return guarded


def replayed(aggregate: Any, events: Iterable[Any]) -> Any:
    """The library's ``project_aggregate`` without its check of each event against a runtime
    protocol (35 µs an event on Python 3.11, ten times the cost of applying it): every event
    here is one of the library's aggregate events, which mutate."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class StatusBoard(Application[UUID]):
    name = "StatusBoard"
    snapshotting_intervals = {Appointment: 50}
    snapshotting_projectors = {Appointment: replayed}

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.save_listeners: list[Callable[[int], None]] = []
        self.conflict_listeners: list[Callable[[str], None]] = []
        #: Aggregates as this process last saved them; never changed once put here.
        self._recent: LRUCache[UUID, Aggregate] = LRUCache(maxsize=RECENT_SIZE)
        self._first_attempt = threading.local()

    # Commands on appointments.

    @storage_guarded
    def book_appointment(
        self,
        *,
        location_id: object,
        starts_at: object,
        customer: object,
        services: object,
        stamp: Stamp,
        ends_at: object = None,
        staff: object = None,
        notes: object = "",
    ) -> Outcome[Appointment]:
        arguments = {
            "location_id": location_id,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "customer": customer,
            "staff": staff,
            "services": services,
            "notes": notes,
        }

        def attempt() -> tuple[Appointment, bool]:
            lines = self._service_lines(services)
            start = values.instant("starts_at", starts_at)
            end = ends_at if ends_at is not None else _end_after(start, _duration(lines))
            appointment = Appointment.book(
                id=uuid4(),
                location_id=location_id,
                starts_at=start,
                ends_at=end,
                customer=customer,
                staff=staff,
                service_lines=lines,
                notes=notes,
                stamp=stamp,
            )
            return appointment, True

        return self._execute("book", None, arguments, stamp, attempt)

    @storage_guarded
    def move_appointment(
        self,
        appointment_id: UUID,
        to_status: str,
        expected_version: int,
        reason: str | None = None,
        *,
        stamp: Stamp,
    ) -> Outcome[Appointment]:
        def attempt() -> tuple[Appointment, bool]:
            appointment, unseen = self._load_since(Appointment, appointment_id, expected_version)
            status_changes = [change for change in unseen if "status" in change.changes]
            if status_changes:
                if appointment.status == to_status:
                    return appointment, False
                raise ConflictError(appointment, status_changes[-1], ("status",))
            return appointment, appointment.move(to_status, reason, stamp)

        arguments = {"to_status": to_status, "expected_version": expected_version, "reason": reason}
        return self._execute("move", appointment_id, arguments, stamp, attempt)

    @storage_guarded
    def edit_appointment(
        self,
        appointment_id: UUID,
        expected_version: int,
        *,
        stamp: Stamp,
        notes: object = UNSET,
        staff: object = UNSET,
        starts_at: object = UNSET,
        ends_at: object = UNSET,
    ) -> Outcome[Appointment]:
        requested = {
            name: value
            for name, value in (
                ("notes", notes),
                ("staff", staff),
                ("starts_at", starts_at),
                ("ends_at", ends_at),
            )
            if value is not UNSET
        }

        def attempt() -> tuple[Appointment, bool]:
            appointment, unseen = self._load_since(Appointment, appointment_id, expected_version)
            _refuse_lost_updates(appointment, unseen, requested)
            applied = False
            if "notes" in requested:
                applied |= appointment.edit_notes(notes, stamp)
            if "staff" in requested:
                applied |= appointment.assign(staff, stamp)
            if "starts_at" in requested or "ends_at" in requested:
                start, end = _new_schedule(appointment, starts_at, ends_at)
                applied |= appointment.reschedule(start, end, stamp)
            return appointment, applied

        arguments = {"expected_version": expected_version, **requested}
        return self._execute("edit", appointment_id, arguments, stamp, attempt)

    @storage_guarded
    def add_service_line(
        self,
        appointment_id: UUID,
        expected_version: int,
        code: str,
        quantity: int = 1,
        *,
        stamp: Stamp,
    ) -> Outcome[Appointment]:
        def attempt() -> tuple[Appointment, bool]:
            appointment, _ = self._load_since(Appointment, appointment_id, expected_version)
            (line,) = self._service_lines([{"code": code, "quantity": quantity}])
            appointment.add_service_line(line, stamp)
            return appointment, True

        arguments = {"expected_version": expected_version, "code": code, "quantity": quantity}
        return self._execute("add_line", appointment_id, arguments, stamp, attempt)

    @storage_guarded
    def remove_service_line(
        self, appointment_id: UUID, expected_version: int, service_id: str, *, stamp: Stamp
    ) -> Outcome[Appointment]:
        def attempt() -> tuple[Appointment, bool]:
            appointment, unseen = self._load_since(Appointment, appointment_id, expected_version)
            still_there = any(
                line["service_id"] == service_id for line in appointment.service_lines
            )
            line_changes = [change for change in unseen if "service_lines" in change.changes]
            if line_changes and not still_there:
                raise ConflictError(appointment, line_changes[-1], ("service_lines",))
            appointment.remove_service_line(service_id, stamp)
            return appointment, True

        arguments = {"expected_version": expected_version, "service_id": service_id}
        return self._execute("remove_line", appointment_id, arguments, stamp, attempt)

    # Commands on the service catalog.

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

        def attempt() -> tuple[Service, bool]:
            if service_id_for(values.service_code(code)) in self.repository:
                raise DuplicateServiceError(str(code))
            return Service.add(**fields, stamp=stamp), True

        return self._execute("add_service", None, fields, stamp, attempt)

    @storage_guarded
    def update_service(
        self,
        service_id: UUID,
        expected_version: int | None,
        changes: dict[str, object],
        *,
        stamp: Stamp,
    ) -> Outcome[Service]:
        """Changes any of name, category, price_cents, duration_minutes and active."""

        def attempt() -> tuple[Service, bool]:
            service, unseen = self._load_since(Service, service_id, expected_version)
            _refuse_lost_updates(service, unseen, changes)
            applied = service.update({k: v for k, v in changes.items() if k != "active"}, stamp)
            if "active" in changes:
                applied |= service.set_active(changes["active"], stamp)
            return service, applied

        arguments = {"expected_version": expected_version, **changes}
        return self._execute("update_service", service_id, arguments, stamp, attempt)

    def retire_service(
        self, service_id: UUID, expected_version: int | None = None, *, stamp: Stamp
    ) -> Outcome[Service]:
        return self.update_service(service_id, expected_version, {"active": False}, stamp=stamp)

    def reactivate_service(
        self, service_id: UUID, expected_version: int | None = None, *, stamp: Stamp
    ) -> Outcome[Service]:
        return self.update_service(service_id, expected_version, {"active": True}, stamp=stamp)

    # Queries.

    @storage_guarded
    def get_appointment(
        self, appointment_id: UUID, version: int | None = None, at: datetime | None = None
    ) -> Appointment:
        if at is not None:
            version = self._version_at(appointment_id, values.instant("at", at))
        if version is not None and version < 1:
            raise FieldError("version", "must be at least 1")
        appointment = self._get(Appointment, appointment_id, version)
        if version is not None and appointment.version != version:
            raise NotFoundError(
                "appointment",
                appointment_id,
                f"appointment {appointment_id} has no version {version}",
            )
        return appointment

    @storage_guarded
    def appointment_history(self, appointment_id: UUID) -> list[Change]:
        events = list(self.events.get(appointment_id))
        if not events or not isinstance(events[0], Appointment.Booked):
            raise NotFoundError("appointment", appointment_id)
        return [change for change, _ in replay(None, events)]

    @storage_guarded
    def get_service(self, service_id: UUID) -> Service:
        return self._get(Service, service_id)

    def get_service_by_code(self, code: str) -> Service:
        return self.get_service(service_id_for(values.service_code(code)))

    @storage_guarded
    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    # The machinery every command shares.

    def _execute(
        self,
        command: str,
        target: UUID | None,
        arguments: dict[str, Any],
        stamp: Stamp,
        attempt: Callable[[], tuple[A, bool]],
    ) -> Outcome[A]:
        """Runs ``attempt`` until its save wins the race for the next version.

        A lost race means someone else appended first: reload and decide again, since the
        rules may now say merge, no-op or conflict. Keyed commands save their idempotency
        record in the same transaction, so a retried request finds it or loses to it.
        """
        key = stamp.idempotency_key
        print_ = fingerprint(command, {"target": target, **arguments}) if key else ""
        for attempt_number in range(MAX_ATTEMPTS):
            first = attempt_number == 0
            # A first attempt skips the key's lookup: its record is saved with the events, so
            # a key used before makes that save fail, and the next attempt finds the record.
            replayed = self._replayed(stamp.actor, key, print_) if key and not first else None
            if replayed is not None:
                return replayed
            self._first_attempt.value, self._first_attempt.trusted = first, False
            try:
                aggregate, applied = attempt()
            except Exception:
                # An answer decided on this process's copy, or one a key may already hold,
                # is not final: the store decides it on the next attempt.
                if first and (key or self._first_attempt.trusted):
                    continue
                raise
            finally:
                self._first_attempt.value = False
            if first and self._first_attempt.trusted and not applied:
                continue  # nothing to save means nothing checks the copy was current
            pending: list[Aggregate] = [aggregate] if applied else []
            if key:
                pending.append(
                    IdempotencyRecord.record(
                        actor=stamp.actor,
                        key=key,
                        fingerprint=print_,
                        aggregate_id=aggregate.id,
                        version=aggregate.version,
                        applied=applied,
                    )
                )
            try:
                recordings = self.save(*pending) if pending else []
            except IntegrityError:
                for listener in self.conflict_listeners:
                    listener(command)
                continue
            self._recent.put(aggregate.id, aggregate)
            return Outcome(aggregate, applied, self._position(recordings))
        msg = "too many simultaneous changes to this record; try again"
        raise StorageUnavailableError(msg)

    def _replayed(self, actor: str, key: str, print_: str) -> Outcome[Any] | None:
        """The answer a keyed command got before, if it ran before."""
        try:
            record: IdempotencyRecord = self.repository.get(
                record_id(actor, key), projector_func=replayed
            )
        except AggregateNotFoundError:
            return None
        if record.fingerprint != print_:
            raise IdempotencyKeyReusedError(key)
        aggregate: Aggregate = self.repository.get(
            record.aggregate_id, version=record.result_version, projector_func=replayed
        )
        return Outcome(aggregate, record.applied, self.head_position())

    def _position(self, recordings: list[Recording[UUID]]) -> int:
        if recordings:
            return max(recording.notification.id for recording in recordings)
        return self.head_position()

    def _get(self, cls: type[A], ident: UUID, version: int | None = None) -> A:
        try:
            aggregate: Aggregate = self.repository.get(
                ident, version=version, projector_func=replayed
            )
        except AggregateNotFoundError:
            raise NotFoundError(cls.__name__.lower(), ident) from None
        if not isinstance(aggregate, cls):
            raise NotFoundError(cls.__name__.lower(), ident)
        return aggregate

    def _load_since(
        self, cls: type[A], ident: UUID, expected_version: int | None
    ) -> tuple[A, list[Change]]:
        """The aggregate now, and the changes its client has not seen.

        A first attempt trusts this process's copy of the aggregate when it is at the version
        the client saw: should someone have appended since, the save fails on that version
        and the next attempt reads the store.
        """
        if expected_version is not None and getattr(self._first_attempt, "value", False):
            recent = self._recent_copy(ident, expected_version)
            if isinstance(recent, cls):
                self._first_attempt.trusted = True
                return recent, []
        current = self._current(cls, ident, expected_version)
        if expected_version is None or expected_version == current.version:
            return current, []
        if expected_version > current.version:
            raise VersionAheadError(ident, expected_version, current.version)
        if expected_version < 1:
            raise FieldError("expected_version", "must be at least 1")
        seen: A = self.repository.get(ident, version=expected_version, projector_func=replayed)
        unseen = self.events.get(ident, gt=expected_version, lte=current.version)
        return current, [change for change, _ in replay(cast(Stateful, seen), unseen)]

    def _current(self, cls: type[A], ident: UUID, expected_version: int | None) -> A:
        """The aggregate now, in one query when it most likely has no snapshot.

        The library looks for a snapshot before it reads the events after it: two round trips.
        A client that last saw a version below the class's first snapshot is almost always
        looking at an aggregate that has none yet, so its events are read from the start in
        one; should it have grown past a snapshot since, reading them all is still right.
        """
        interval = self.snapshotting_intervals.get(cls) if self.snapshotting_intervals else None
        if interval is not None and (expected_version is None or expected_version >= interval):
            return self._get(cls, ident)
        aggregate = replayed(None, self.events.get(ident))
        if not isinstance(aggregate, cls):
            raise NotFoundError(cls.__name__.lower(), ident)
        return aggregate

    def _recent_copy(self, ident: UUID, version: int) -> Aggregate | None:
        try:
            recent = self._recent.get(ident)
        except KeyError:
            return None
        return copy.deepcopy(recent) if recent.version == version else None

    def _version_at(self, appointment_id: UUID, at: datetime) -> int:
        version = 0
        for event in self.events.get(appointment_id):
            if cast(Appointment.Event, event).timestamp > at:
                break
            version = event.originator_version
        if version == 0:
            self._get(Appointment, appointment_id)
            raise NotFoundError(
                "appointment",
                appointment_id,
                f"appointment {appointment_id} did not exist at {at.isoformat()}",
            )
        return version

    def _service_lines(self, services: object) -> list[ServiceLine]:
        if not isinstance(services, list) or not services:
            raise FieldError("services", "must list at least one service")
        return [self._service_line(index, item) for index, item in enumerate(services)]

    def _service_line(self, index: int, item: object) -> ServiceLine:
        if not isinstance(item, dict):
            raise FieldError(f"services.{index}", "must be an object with a code")
        field = f"services.{index}.code"
        code = values.service_code(item.get("code"), field)
        try:
            service = self._get(Service, service_id_for(code))
            return service.line(item.get("quantity", 1), f"services.{index}.quantity")
        except NotFoundError:
            raise FieldError(field, f"no service has code {code}") from None
        except ServiceRetiredError:
            raise FieldError(field, f"service {code} is retired") from None

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's save, for the aggregates this application saves.

        The library asks of every object whether it is an event or an aggregate by checking
        runtime protocols, which costs 20 µs an aggregate on Python 3.11, a tenth of a write's
        CPU here. Every object saved here is an aggregate (or None); the rest is the library's.
        """
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if obj is None:
                continue
            if not isinstance(obj, Aggregate):
                processing_event.collect_events(obj)  # the library's way, for anything else
                continue
            processing_event.events.extend(obj.collect_events())
            processing_event.aggregates[obj.id] = obj
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        return recordings

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        if recordings:
            position = self._position(recordings)
            for listener in self.save_listeners:
                listener(position)


def _duration(lines: Iterable[ServiceLine]) -> timedelta:
    return timedelta(minutes=sum(line["duration_minutes"] * line["quantity"] for line in lines))


def _end_after(start: datetime, length: timedelta) -> datetime:
    """A start at the very end of the calendar leaves no room for its length."""
    try:
        return start + length
    except OverflowError:
        raise FieldError("ends_at", "is out of range") from None


def _new_schedule(
    appointment: Appointment, starts_at: object, ends_at: object
) -> tuple[object, object]:
    """Moving only the start keeps the length; moving only the end keeps the start."""
    if ends_at is UNSET:
        start = values.instant("starts_at", starts_at)
        return start, _end_after(start, appointment.ends_at - appointment.starts_at)
    return (appointment.starts_at if starts_at is UNSET else starts_at), ends_at


def _refuse_lost_updates(
    aggregate: Any, unseen: list[Change], requested: dict[str, object]
) -> None:
    """An edit conflicts only with unseen changes to the same field that left another value."""
    current = aggregate.state()
    for change in reversed(unseen):
        fields = tuple(
            name
            for name in requested
            if name in change.changes and _differs(current.get(name), requested[name])
        )
        if fields:
            raise ConflictError(aggregate, change, fields)


def _differs(current: object, requested: object) -> bool:
    if isinstance(requested, str) and isinstance(current, str):
        return current != requested.strip()
    return current != requested
