"""Realistic demo data, made of the same aggregates and events as real use.

Appointments before now have moved through the day; those later are still scheduled.
Event times are the times things would have happened, so the dashboard's averages mean
something.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from application.demo_names import CATEGORIES, FIRST, LAST, LOCATIONS, SIZES
from application.demo_schedules import Diary
from application.statusboard import StatusBoard
from domain import status as st
from domain.appointment import Appointment
from domain.moment import occurring_at
from domain.service import Service
from domain.stamp import Stamp

ACTOR = "demo"


@dataclass(frozen=True)
class DemoPlan:
    locations: int = 3
    days: int = 7
    per_day: int = 120
    services: int = 150
    seed: int = 7
    timezone: str = "UTC"
    first_day: date | None = None  # by default the days lie around today


def location_names(count: int) -> list[str]:
    return [
        LOCATIONS[i % len(LOCATIONS)]
        + (f"-{i // len(LOCATIONS) + 1}" if i >= len(LOCATIONS) else "")
        for i in range(count)
    ]


def seed_demo(
    app: StatusBoard,
    plan: DemoPlan,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    batch: int = 200,
) -> int:
    """Saves the plan's services and appointments; returns how many appointments."""
    rng = random.Random(plan.seed)
    services = _services(rng, plan.services, now - timedelta(days=plan.days + 30))
    app.save(*services)
    diary = Diary(app.schedules)
    pending: list[Appointment] = []
    count = 0
    for appointment in _appointments(rng, plan, services, now, diary):
        pending.append(appointment)
        if len(pending) == batch:
            count += _flush(app, pending, progress)
    count += _flush(app, pending, progress)
    app.save(*diary.schedules())
    return count


def _flush(
    app: StatusBoard, pending: list[Appointment], progress: Callable[[int], None] | None
) -> int:
    done = len(pending)
    if pending:
        app.save(*pending)
        pending.clear()
        if progress is not None:
            progress(done)
    return done


def _stamp(rng: random.Random, actor: str = ACTOR) -> Stamp:
    return Stamp(actor=actor, request_id=f"demo-{rng.getrandbits(48):012x}")


def _services(rng: random.Random, count: int, when: datetime) -> list[Service]:
    services: list[Service] = []
    names = [
        (cat, f"{size} {name}".strip())
        for size in SIZES
        for cat, items in CATEGORIES.items()
        for name in items
    ]
    with occurring_at(when):
        for number, (category, name) in enumerate(names[:count], start=1):
            code = f"{category[:3].upper()}-{number:03d}"
            services.append(
                Service.add(
                    code=code,
                    name=name,
                    category=category,
                    price_cents=rng.randrange(15, 250) * 100,
                    duration_minutes=rng.choice([15, 20, 30, 30, 45, 45, 60, 60, 90, 120]),
                    stamp=_stamp(rng),
                )
            )
    for service in rng.sample(services, k=len(services) // 15):
        with occurring_at(when + timedelta(days=1)):
            service.set_active(False, _stamp(rng))
    return services


def _appointments(
    rng: random.Random, plan: DemoPlan, services: list[Service], now: datetime, diary: Diary
) -> Iterator[Appointment]:
    zone = ZoneInfo(plan.timezone)
    active = [s for s in services if s.active]
    first_day = plan.first_day or now.astimezone(zone).date() - timedelta(days=plan.days // 2)
    for location in location_names(plan.locations):
        staff = [{"id": f"{location}-{i}", "name": rng.choice(FIRST)} for i in range(1, 7)]
        for offset in range(plan.days):
            day = first_day + timedelta(days=offset)
            for _ in range(plan.per_day):
                yield _appointment(rng, location, day, zone, active, staff, now, diary)


def _appointment(
    rng: random.Random,
    location: str,
    day: date,
    zone: ZoneInfo,
    services: list[Service],
    staff: list[dict[str, str]],
    now: datetime,
    diary: Diary,
) -> Appointment:
    start = datetime.combine(day, time(8), zone) + timedelta(minutes=5 * rng.randrange(0, 120))
    chosen = rng.sample(services, k=rng.choice([1, 1, 1, 2, 2, 3]))
    lines = [service.line(rng.choice([1, 1, 1, 2])) for service in chosen]
    length = timedelta(minutes=sum(line["duration_minutes"] * line["quantity"] for line in lines))
    booked_at = min(start - timedelta(hours=rng.randrange(2, 240)), now - timedelta(minutes=1))
    with occurring_at(booked_at):
        appointment = Appointment.book(
            id=UUID(int=rng.getrandbits(128), version=4),
            location_id=location,
            starts_at=start,
            ends_at=start + length,
            customer={
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "phone": f"+44 7700 9{rng.randrange(10000, 99999)}",
            },
            # Staff as a desk would give it: someone free then, or nobody yet.
            staff=diary.free_one(rng, staff, start, start + length) if rng.random() < 0.8 else None,
            service_lines=lines,
            notes=rng.choice(
                [
                    "",
                    "",
                    "",
                    "Prefers the window seat",
                    "Allergic to latex",
                    "Running late, called ahead",
                    "First visit",
                ]
            ),
            stamp=_stamp(rng),
        )
        diary.hold(appointment, _stamp(rng))
    for moment, to_status, reason in _day_of(rng, start, start + length):
        if moment > now:
            break
        with occurring_at(moment):
            stamp = _stamp(rng, rng.choice(["front-desk", "sam", "kim"]))
            appointment.move(to_status, reason, stamp)
            diary.free_if_inactive(appointment, stamp)
    return appointment


def _day_of(
    rng: random.Random, start: datetime, end: datetime
) -> list[tuple[datetime, str, str | None]]:
    """The moves an appointment goes through, with when they happen."""

    def at(base: datetime, low: int, high: int) -> datetime:
        return base + timedelta(minutes=rng.randrange(low, high))

    roll = rng.random()
    if roll < 0.06:
        return [(at(start, -600, -30), st.CANCELLED, None)]
    if roll < 0.11:
        return [(at(start, 15, 30), st.NO_SHOW, None)]
    checked_in = at(start, -15, 5)
    steps: list[tuple[datetime, str, str | None]] = [(checked_in, st.CHECKED_IN, None)]
    if roll < 0.14:
        steps += [
            (checked_in + timedelta(minutes=1), st.SCHEDULED, None),
            (checked_in + timedelta(minutes=3), st.CHECKED_IN, None),
        ]
    started = max(at(start, 0, 15), steps[-1][0] + timedelta(minutes=1))
    ready = max(at(end, -10, 10), started + timedelta(minutes=5))
    done = at(ready, 5, 30)
    steps += [(started, st.IN_PROGRESS, None), (ready, st.READY, None), (done, st.COMPLETED, None)]
    if roll > 0.97:
        steps += [
            (done + timedelta(minutes=20), st.READY, "Customer came back with a question"),
            (done + timedelta(minutes=35), st.COMPLETED, None),
        ]
    return steps
