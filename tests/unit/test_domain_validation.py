"""The value rules of SPEC §3: each bad value is refused with a FieldError naming its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest

from domain.appointment import Appointment
from domain.errors import FieldError, ServiceRetiredError
from domain.service import Service, service_id_for
from domain.stamp import Stamp
from domain.values import MAX_PRICE_CENTS, ServiceLine

NINE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
NAIVE_NINE = datetime(2030, 3, 4, 9, 0)
BERLIN_WINTER = timezone(timedelta(hours=1))
SETUP = Stamp(actor="setup", request_id="req-setup")

WASH = ServiceLine(
    service_id=str(service_id_for("WASH")),
    code="WASH",
    name="Wash",
    unit_price_cents=800,
    duration_minutes=15,
    quantity=1,
)


def refused_field(command: Callable[[], object]) -> str:
    with pytest.raises(FieldError) as refused:
        command()
    return refused.value.field


def with_customer(**fields: object) -> dict[str, object]:
    return {"name": "Ada Lovelace", **fields}


# (field the error must name, the booking argument, its bad value)
BAD_BOOKINGS: list[tuple[str, str, object]] = [
    ("location_id", "location_id", ""),
    ("location_id", "location_id", "Main-Street"),
    ("location_id", "location_id", "main street"),
    ("location_id", "location_id", "main_street"),
    ("location_id", "location_id", "a" * 65),
    ("location_id", "location_id", 7),
    ("location_id", "location_id", None),
    ("starts_at", "starts_at", NAIVE_NINE),
    ("starts_at", "starts_at", "2030-03-04T09:00:00+00:00"),
    ("starts_at", "starts_at", None),
    ("starts_at", "starts_at", datetime(1, 1, 1, tzinfo=BERLIN_WINTER)),
    ("ends_at", "ends_at", datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))),
    ("ends_at", "ends_at", NAIVE_NINE + timedelta(hours=1)),
    ("ends_at", "ends_at", NINE),
    ("ends_at", "ends_at", NINE - timedelta(minutes=1)),
    ("ends_at", "ends_at", NINE + timedelta(hours=24, microseconds=1)),
    ("customer", "customer", "Ada Lovelace"),
    ("customer", "customer", None),
    ("customer.name", "customer", {}),
    ("customer.name", "customer", with_customer(name="")),
    ("customer.name", "customer", with_customer(name="   ")),
    ("customer.name", "customer", with_customer(name="x" * 121)),
    ("customer.name", "customer", with_customer(name="Ada\x00")),
    ("customer.name", "customer", with_customer(name=42)),
    ("customer.name", "customer", with_customer(name="Ada \ud800")),
    ("customer.phone", "customer", with_customer(phone="call me")),
    ("customer.phone", "customer", with_customer(phone="12")),
    ("customer.email", "customer", with_customer(email="ada")),
    ("customer.email", "customer", with_customer(email="ada@localhost")),
    ("customer.email", "customer", with_customer(email="\udfff@example.org")),
    ("staff", "staff", "Grace"),
    ("staff.id", "staff", {"name": "Grace"}),
    ("staff.id", "staff", {"id": "", "name": "Grace"}),
    ("staff.id", "staff", {"id": "s 1", "name": "Grace"}),
    ("staff.id", "staff", {"id": "s" * 65, "name": "Grace"}),
    ("staff.name", "staff", {"id": "s-1"}),
    ("staff.name", "staff", {"id": "s-1", "name": ""}),
    ("staff.name", "staff", {"id": "s-1", "name": "x" * 121}),
    ("notes", "notes", "x" * 4001),
    ("notes", "notes", None),
    ("notes", "notes", "half a pair \ud83d"),
    ("services", "service_lines", []),
]

# (the booking argument, a good value, how it is stored)
GOOD_BOOKINGS: list[tuple[str, object, object]] = [
    ("location_id", "a", "a"),
    ("location_id", "a" * 64, "a" * 64),
    ("location_id", "store-42", "store-42"),
    ("customer", with_customer(name="A"), {"name": "A", "phone": None, "email": None}),
    ("customer", with_customer(name="x" * 120), {"name": "x" * 120, "phone": None, "email": None}),
    ("customer", with_customer(name="  Ada  "), {"name": "Ada", "phone": None, "email": None}),
    (
        "customer",
        with_customer(phone="", email=""),
        {"name": "Ada Lovelace", "phone": None, "email": None},
    ),
    (
        "customer",
        with_customer(phone="+1 (555) 010-9999", email="ada@example.org"),
        {"name": "Ada Lovelace", "phone": "+1 (555) 010-9999", "email": "ada@example.org"},
    ),
    ("staff", None, None),
    ("staff", {"id": "grace_h.2", "name": "Grace"}, {"id": "grace_h.2", "name": "Grace"}),
    ("notes", "", ""),
    ("notes", "Zoë prefers 北京 tea 🍵", "Zoë prefers 北京 tea 🍵"),
    ("notes", "x" * 4000, "x" * 4000),
    ("notes", "  line one\n\tline two  ", "line one\n\tline two"),
]


class TestBookAppointment:
    @pytest.mark.parametrize(("field", "argument", "value"), BAD_BOOKINGS)
    def test_bad_value_is_refused_naming_its_field(
        self, booking: dict[str, Any], field: str, argument: str, value: object
    ) -> None:
        assert refused_field(lambda: Appointment.book(**{**booking, argument: value})) == field

    @pytest.mark.parametrize(("argument", "value", "stored"), GOOD_BOOKINGS)
    def test_good_value_is_accepted(
        self, booking: dict[str, Any], argument: str, value: object, stored: object
    ) -> None:
        appointment = Appointment.book(**{**booking, argument: value})

        assert getattr(appointment, argument) == stored

    def test_a_stay_of_exactly_24_hours_is_accepted(self, booking: dict[str, Any]) -> None:
        ends_at = NINE + timedelta(hours=24)

        appointment = Appointment.book(**{**booking, "ends_at": ends_at})

        assert appointment.ends_at - appointment.starts_at == timedelta(hours=24)

    def test_times_are_stored_in_utc(self, booking: dict[str, Any]) -> None:
        starts_at = datetime(2030, 3, 4, 10, 0, tzinfo=BERLIN_WINTER)

        appointment = Appointment.book(
            **{**booking, "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=1)}
        )

        assert appointment.starts_at == NINE
        assert appointment.starts_at.utcoffset() == timedelta(0)
        assert appointment.ends_at == NINE + timedelta(hours=1)

    @pytest.mark.parametrize("quantity", [0, -1, 1000, True, 1.5, "2"])
    def test_line_quantity_must_be_a_whole_number_from_1(
        self, booking: dict[str, Any], line: ServiceLine, quantity: object
    ) -> None:
        bad_line = {**line, "quantity": quantity}

        field = refused_field(lambda: Appointment.book(**{**booking, "service_lines": [bad_line]}))

        assert field == "services.quantity"

    def test_new_appointment_is_scheduled_with_its_lines_and_total(
        self, booking: dict[str, Any], line: ServiceLine
    ) -> None:
        appointment = Appointment.book(
            **{**booking, "service_lines": [line, {**WASH, "quantity": 2}]}
        )

        assert (appointment.status, appointment.version) == ("scheduled", 1)
        assert appointment.total_cents == 2500 + 2 * 800
        assert appointment.status_since == appointment.created_on


class TestChangeAppointment:
    def test_reschedule_refuses_a_naive_start(self, appointment: Appointment) -> None:
        field = refused_field(
            lambda: appointment.reschedule(NAIVE_NINE, NINE + timedelta(hours=1), SETUP)
        )
        assert field == "starts_at"

    @pytest.mark.parametrize(
        "ends_at", [NINE, NINE - timedelta(hours=1), NINE + timedelta(hours=25)]
    )
    def test_reschedule_refuses_a_bad_end(
        self, appointment: Appointment, ends_at: datetime
    ) -> None:
        assert refused_field(lambda: appointment.reschedule(NINE, ends_at, SETUP)) == "ends_at"
        assert appointment.collect_events() == []

    def test_reschedule_to_the_same_times_changes_nothing(self, appointment: Appointment) -> None:
        same_start = NINE.astimezone(BERLIN_WINTER)

        assert appointment.reschedule(same_start, appointment.ends_at, SETUP) is False
        assert appointment.collect_events() == []

    @pytest.mark.parametrize(
        ("staff", "field"),
        [("Grace", "staff"), ({"id": "", "name": "G"}, "staff.id"), ({"id": "g"}, "staff.name")],
    )
    def test_assign_refuses_a_badly_shaped_staff(
        self, appointment: Appointment, staff: object, field: str
    ) -> None:
        assert refused_field(lambda: appointment.assign(staff, SETUP)) == field

    @pytest.mark.parametrize("reason", ["x" * 501, 7, "\ud800"])
    def test_move_refuses_a_bad_reason(self, appointment: Appointment, reason: Any) -> None:
        assert refused_field(lambda: appointment.move("cancelled", reason, SETUP)) == "reason"

    def test_unassigning_is_allowed(self, appointment: Appointment) -> None:
        assert appointment.assign(None, SETUP) is True
        assert appointment.staff is None

    @pytest.mark.parametrize("notes", ["x" * 4001, 12, None])
    def test_edit_notes_refuses_bad_notes(self, appointment: Appointment, notes: object) -> None:
        assert refused_field(lambda: appointment.edit_notes(notes, SETUP)) == "notes"

    def test_adding_a_line_refuses_a_zero_quantity(self, appointment: Appointment) -> None:
        field = refused_field(lambda: appointment.add_service_line({**WASH, "quantity": 0}, SETUP))
        assert field == "services.quantity"

    def test_adding_a_booked_service_raises_its_quantity(
        self, appointment: Appointment, line: ServiceLine
    ) -> None:
        appointment.add_service_line({**line, "quantity": 2}, SETUP)

        assert [entry["quantity"] for entry in appointment.service_lines] == [3]
        assert appointment.total_cents == 3 * 2500

    def test_removing_a_line_that_is_not_there_is_refused(self, appointment: Appointment) -> None:
        field = refused_field(lambda: appointment.remove_service_line(str(uuid4()), SETUP))
        assert field == "service_id"

    def test_removing_the_last_line_is_refused(
        self, appointment: Appointment, line: ServiceLine
    ) -> None:
        field = refused_field(lambda: appointment.remove_service_line(line["service_id"], SETUP))
        assert field == "service_id"
        assert appointment.collect_events() == []


def add_service(**fields: object) -> Service:
    values: dict[str, Any] = {
        "code": "CUT",
        "name": "Haircut",
        "category": "hair",
        "price_cents": 2500,
        "duration_minutes": 30,
        **fields,
    }
    return Service.add(**values, stamp=SETUP)


BAD_SERVICES: list[tuple[str, object]] = [
    ("code", "cut"),
    ("code", "C"),
    ("code", "C" * 33),
    ("code", "CUT 1"),
    ("code", "CUT_1"),
    ("code", None),
    ("name", ""),
    ("name", "x" * 121),
    ("name", None),
    ("name", "Cut \ud800"),
    ("category", ""),
    ("category", "x" * 65),
    ("price_cents", -1),
    ("price_cents", MAX_PRICE_CENTS + 1),
    ("price_cents", "2500"),
    ("price_cents", 25.0),
    ("price_cents", True),
    ("duration_minutes", 4),
    ("duration_minutes", 481),
    ("duration_minutes", 0),
    ("duration_minutes", None),
]

GOOD_SERVICES: list[tuple[str, object]] = [
    ("code", "AB"),
    ("code", "A" * 32),
    ("code", "COLOR-2"),
    ("price_cents", 0),
    ("price_cents", MAX_PRICE_CENTS),
    ("duration_minutes", 5),
    ("duration_minutes", 480),
]


class TestServiceCatalog:
    @pytest.mark.parametrize(("field", "value"), BAD_SERVICES)
    def test_bad_value_is_refused_naming_its_field(self, field: str, value: object) -> None:
        assert refused_field(lambda: add_service(**{field: value})) == field

    @pytest.mark.parametrize(("field", "value"), GOOD_SERVICES)
    def test_good_value_is_accepted(self, field: str, value: object) -> None:
        assert getattr(add_service(**{field: value}), field) == value

    def test_id_follows_from_the_code(self) -> None:
        assert add_service(code="CUT").id == service_id_for("CUT") == add_service(code="CUT").id
        assert service_id_for("CUT") != service_id_for("WASH")

    @pytest.mark.parametrize(("field", "value"), [row for row in BAD_SERVICES if row[0] != "code"])
    def test_update_refuses_what_add_refuses(
        self, haircut: Service, field: str, value: object
    ) -> None:
        assert refused_field(lambda: haircut.update({field: value}, SETUP)) == field
        assert haircut.collect_events() == []

    def test_update_records_only_the_fields_that_change(self, haircut: Service) -> None:
        assert haircut.update({"name": "Haircut", "price_cents": 3000}, SETUP) is True

        (event,) = haircut.collect_events()
        assert isinstance(event, Service.Updated)
        assert event.changes == {"price_cents": 3000}

    def test_update_to_the_same_values_changes_nothing(self, haircut: Service) -> None:
        assert haircut.update({"name": "Haircut", "price_cents": 2500}, SETUP) is False
        assert haircut.collect_events() == []

    @pytest.mark.parametrize("quantity", [0, 1000, "1"])
    def test_booking_a_line_checks_its_quantity(self, haircut: Service, quantity: object) -> None:
        assert refused_field(lambda: haircut.line(quantity)) == "quantity"

    def test_booking_a_line_copies_name_price_and_duration(self, haircut: Service) -> None:
        assert haircut.line(2) == {
            "service_id": str(haircut.id),
            "code": "CUT",
            "name": "Haircut",
            "unit_price_cents": 2500,
            "duration_minutes": 30,
            "quantity": 2,
        }

    def test_retired_service_cannot_be_booked(self, haircut: Service) -> None:
        assert haircut.set_active(False, SETUP) is True

        with pytest.raises(ServiceRetiredError) as refused:
            haircut.line(1)

        assert refused.value.code == "CUT"

    def test_retiring_twice_changes_nothing(self, haircut: Service) -> None:
        haircut.set_active(False, SETUP)
        haircut.collect_events()

        assert haircut.set_active(False, SETUP) is False
        assert haircut.collect_events() == []


def remove_a_second_line(appointment: Appointment, stamp: Stamp) -> None:
    appointment.add_service_line(WASH, SETUP)
    appointment.remove_service_line(WASH["service_id"], stamp)


def retire_and_reactivate(service: Service, stamp: Stamp) -> None:
    service.set_active(False, SETUP)
    service.set_active(True, stamp)


APPOINTMENT_COMMANDS: dict[str, Callable[[Appointment, Stamp], object]] = {
    "Moved": lambda a, s: a.move("checked_in", None, s),
    "Rescheduled": lambda a, s: a.reschedule(NINE, NINE + timedelta(hours=2), s),
    "Assigned": lambda a, s: a.assign({"id": "s-2", "name": "Linus"}, s),
    "NotesEdited": lambda a, s: a.edit_notes("allergic to lavender", s),
    "ServiceLineAdded": lambda a, s: a.add_service_line(WASH, s),
    "ServiceLineRemoved": remove_a_second_line,
}

SERVICE_COMMANDS: dict[str, Callable[[Service, Stamp], object]] = {
    "Updated": lambda v, s: v.update({"price_cents": 2700}, s),
    "Retired": lambda v, s: v.set_active(False, s),
    "Reactivated": retire_and_reactivate,
}

STAMPS = [
    Stamp(actor="bob", request_id="req-bob", idempotency_key="key-bob"),
    Stamp(actor="bob", request_id="req-bob"),
]


def assert_stamped(event: Any, stamp: Stamp) -> None:
    assert (event.actor, event.request_id, event.idempotency_key) == (
        stamp.actor,
        stamp.request_id,
        stamp.idempotency_key,
    )


@pytest.mark.parametrize("stamp", STAMPS, ids=["keyed", "unkeyed"])
class TestEventsRecordWhoAskedForThem:
    def test_booked(self, booking: dict[str, Any], stamp: Stamp) -> None:
        (event,) = Appointment.book(**{**booking, "stamp": stamp}).collect_events()

        assert isinstance(event, Appointment.Booked)
        assert_stamped(event, stamp)

    @pytest.mark.parametrize("event_type", APPOINTMENT_COMMANDS)
    def test_appointment_event(
        self, appointment: Appointment, stamp: Stamp, event_type: str
    ) -> None:
        APPOINTMENT_COMMANDS[event_type](appointment, stamp)

        event = appointment.collect_events()[-1]
        assert type(event).__name__ == event_type
        assert_stamped(event, stamp)

    def test_added(self, stamp: Stamp) -> None:
        service = Service.add(
            code="CUT", name="Cut", category="hair", price_cents=1, duration_minutes=5, stamp=stamp
        )

        (event,) = service.collect_events()
        assert isinstance(event, Service.Added)
        assert_stamped(event, stamp)

    @pytest.mark.parametrize("event_type", SERVICE_COMMANDS)
    def test_service_event(self, haircut: Service, stamp: Stamp, event_type: str) -> None:
        SERVICE_COMMANDS[event_type](haircut, stamp)

        event = haircut.collect_events()[-1]
        assert type(event).__name__ == event_type
        assert_stamped(event, stamp)


def event_types(aggregate: type[Any]) -> set[str]:
    """The events an aggregate defines, less the library's own base classes."""
    return {
        name
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, aggregate.Event)
        and name not in ("Event", "Created")
    }


def test_every_event_type_is_covered() -> None:
    assert event_types(Appointment) == {"Booked", *APPOINTMENT_COMMANDS}
    assert event_types(Service) == {"Added", *SERVICE_COMMANDS}
