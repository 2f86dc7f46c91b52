"""Load scenarios for the status board API, one Locust user class per scenario.

    locust -f benchmarks/load/locustfile.py --host http://127.0.0.1:8000 --sb-token T BoardUser

Scenarios (user classes; each is also a tag of the same name):

- ``board`` (BoardUser), ``stats`` (StatsUser), ``services`` (ServicesUser): reads.
- ``move`` (MoveUser): cards spread over the seeded days, each moved along an allowed transition
  with the version its client last saw (from the board, then from each answer).
- ``hot-move`` (HotMoveUser): every client moves the same few cards, so they collide.
- ``healthz`` (HealthUser): the web tier alone, a control for what a request costs it.
- ``mixed`` (FrontDeskUser): a front desk's day — board, moves followed by a read-your-writes
  board refresh, the drawer, the dashboard, the catalog — with think time.

A move answered 409 (someone moved the card first) or 422 is not a Locust failure; the samples
file keeps every status, so conflicts and refusals are counted on their own. ``make loadtest``
(``python -m benchmarks.load.run``) runs these headless and reports against the SLOs.
"""

from __future__ import annotations

import json
import random
import time
from datetime import date, timedelta
from typing import Any

from locust import FastHttpUser, between, constant, constant_throughput, events, tag, task

from benchmarks.load.arrivals import ARRIVALS
from domain import status as st

BOARD = "/api/admin/appointments/board"
STATS = "/api/admin/dashboard/stats"
SERVICES = "/api/admin/services"
SEARCHES = ("", "", "", "cut", "massage", "gel", "check", "deluxe", "oil")
CATEGORIES = ("", "", "", "hair", "nails", "skin", "clinic", "vehicle")
#: Moves per board refresh, for a client that moves cards spread over the day.
REFRESH_EVERY = 25
HOT_CARDS = 4

_samples: list[list[Any]] = []


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    group = parser.add_argument_group("status board")
    group.add_argument("--sb-token", default="", help="Bearer token (staff or admin)")
    group.add_argument("--sb-locations", default="", help="Comma-separated locations")
    group.add_argument("--sb-days", default="", help="Comma-separated ISO days with cards")
    group.add_argument("--sb-samples", default="", help="Write every request here (JSON lines)")
    group.add_argument("--sb-pace", type=float, default=0.0, help="Requests/s per user; 0: none")
    group.add_argument(
        "--sb-arrivals",
        choices=ARRIVALS,
        default="poisson",
        help="Paced users' timing: random (Poisson) or evenly spaced from a common start",
    )
    group.add_argument("--sb-think", default="", help="Mixed think time 'low,high' in seconds")
    group.add_argument(
        "--sb-refresh-every", type=int, default=REFRESH_EVERY, help="Moves per board read"
    )
    group.add_argument(
        "--sb-own-writes",
        action="store_true",
        help="A mover reads its board right after its move, at the move's position (min_position),"
        " as the page does after its own writes",
    )


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    response: Any = None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    status = getattr(response, "status_code", 0) or 0
    position = None
    if name.startswith("move") and status == 200:
        position = int(response.headers.get("X-Event-Position") or 0) or None
    started = start_time if start_time is not None else time.time() - response_time / 1000
    headers = getattr(response, "headers", None) or {}
    worker = headers.get("X-Worker")  # which server process answered: the balance of the run
    _samples.append([round(started, 4), name, round(response_time, 3), status, position, worker])


@events.test_stop.add_listener
def _write(environment: Any, **_: Any) -> None:
    path = environment.parsed_options.sb_samples
    if path:
        with open(path, "w") as out:
            out.writelines(json.dumps(sample) + "\n" for sample in _samples)


def _option(user: FastHttpUser, name: str) -> Any:
    return getattr(user.environment.parsed_options, name)


def _list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


class Desk(FastHttpUser):
    """What every scenario shares: the token, the seeded locations and days, and moves."""

    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        self.client.auth_header = f"Bearer {_option(self, 'sb_token')}"
        self.locations = _list(_option(self, "sb_locations")) or ["downtown"]
        self.days = _list(_option(self, "sb_days")) or [date.today().isoformat()]

    def spot(self) -> tuple[str, str]:
        return random.choice(self.locations), random.choice(self.days)

    def board(self, location: str, day: str, min_position: int | None = None) -> list[dict]:
        query = f"?location={location}&date={day}"
        if min_position is not None:
            query += f"&min_position={min_position}"
        response = self.client.get(BOARD + query, name="board")
        if response.status_code != 200:
            return []
        return [card for column in response.json()["columns"] for card in column["cards"]]

    def move(self, card: dict, name: str = "move") -> int | None:
        """Moves the card along an allowed transition; updates it from the answer.

        Returns the event position of an applied move, else None.
        """
        to_status = _target(card["status"])
        body: dict[str, Any] = {"to_status": to_status, "expected_version": card["version"]}
        if st.needs_reason(card["status"]):
            body["reason"] = "Load test: reopened"
        path = f"/api/admin/appointments/{card['id']}/move"
        with self.client.post(path, json=body, name=name, catch_response=True) as response:
            if response.status_code == 200:
                response.success()
                card.update(_card_fields(response.json()["appointment"]))
                return int(response.headers.get("X-Event-Position") or 0) or None
            if response.status_code == 409:
                response.success()  # counted as a conflict from the samples, not a failure
                current = (response.json() or {}).get("current") or {}
                card.update(_card_fields(current))
            elif response.status_code == 422:
                response.success()  # counted as a refusal from the samples
                card["stale"] = True
        return None


def _card_fields(appointment: dict) -> dict:
    return {k: appointment[k] for k in ("status", "version") if k in appointment}


def _target(status: str) -> str:
    """Mostly forward, sometimes an undo, now and then a cancel or no-show."""
    allowed = st.allowed_targets(status)
    roll = random.random()
    if roll < 0.75 or len(allowed) == 1:
        return allowed[0]
    return allowed[1] if roll < 0.95 or len(allowed) == 2 else allowed[2]


class BoardUser(Desk):
    @tag("board")
    @task
    def view_board(self) -> None:
        self.board(*self.spot())


class StatsUser(Desk):
    @tag("stats")
    @task
    def view_stats(self) -> None:
        location, day = self.spot()
        self.client.get(f"{STATS}?location={location}&date={day}", name="stats")


class ServicesUser(Desk):
    @tag("services")
    @task
    def search_services(self) -> None:
        query = f"?limit=50&search={random.choice(SEARCHES)}&category={random.choice(CATEGORIES)}"
        if random.random() < 0.5:
            query += "&active=true"
        self.client.get(SERVICES + query, name="services")


class Paced(Desk):
    """A client that sends at ``--sb-pace`` requests/s when it is given, else back to back."""

    abstract = True

    def wait_time(self) -> float:
        pace = _option(self, "sb_pace")
        if not pace:
            return 0.0
        if _option(self, "sb_arrivals") == "lockstep":
            return constant_throughput(pace)(self)
        # The next request's moment is drawn from the last one's, not from when its answer
        # came: a slow answer does not slow the stream, and the user catches up after it.
        self.next_at += random.expovariate(pace)
        return max(0.0, self.next_at - time.monotonic())

    def on_start(self) -> None:
        super().on_start()
        pace = _option(self, "sb_pace")
        self.next_at = time.monotonic()
        if pace and _option(self, "sb_arrivals") == "poisson":
            # Users are started together; each begins at its own first arrival.
            self.next_at += random.expovariate(pace)
            time.sleep(max(0.0, self.next_at - time.monotonic()))


class HealthUser(Paced):
    """Asks ``/healthz``, which touches nothing but the HTTP server and Flask: what a request
    costs the web tier by itself, paced or back to back (the sweep's control for the web tier)."""

    @tag("healthz")
    @task
    def ask_health(self) -> None:
        self.client.get("/healthz", name="healthz")


class MoveUser(Paced):
    """Moves cards spread over the seeded days; paced when ``--sb-pace`` is given."""

    def on_start(self) -> None:
        super().on_start()
        self.cards: list[dict] = []
        self.moves = 0
        self.where = self.spot()

    @tag("move")
    @task
    def move_a_card(self) -> None:
        every = _option(self, "sb_refresh_every")
        own_writes = _option(self, "sb_own_writes")
        if not self.cards or (self.moves % every == 0 and not own_writes):
            self.where = self.spot()
            self.cards = self.board(*self.where)
            if not self.cards:
                return
            if not self.moves:
                # Each client refreshes at its own point of the cycle, as desks do: paced clients
                # started together would otherwise all read their boards in the same second.
                self.moves = random.randrange(every)
        self.moves += 1
        card = random.choice(self.cards)
        position = self.move(card)
        if card.pop("stale", False):
            self.cards.remove(card)
        if own_writes and position and self.moves % every == 0:
            # The page's refresh after its own move: at once, waiting until the move is folded.
            self.cards = self.board(*self.where, min_position=position) or self.cards


class HotMoveUser(Desk):
    """Every client moves the same few cards: most moves race someone else's."""

    def on_start(self) -> None:
        super().on_start()
        cards = self.board(self.locations[0], self.days[len(self.days) // 2])
        self.cards = sorted(cards, key=lambda card: card["id"])[:HOT_CARDS]

    @tag("hot-move")
    @task
    def move_a_hot_card(self) -> None:
        if self.cards:
            self.move(random.choice(self.cards), name="move (hot)")


class FrontDeskUser(Desk):
    """One front desk, at one location, on today's board, with think time between actions."""

    def wait_time(self) -> float:
        low, high = (float(x) for x in (_option(self, "sb_think") or "0.5,2").split(","))
        return between(low, high)(self)

    def on_start(self) -> None:
        super().on_start()
        self.location = random.choice(self.locations)
        self.day = self.days[len(self.days) // 2]
        self.cards = self.board(self.location, self.day)

    @tag("mixed")
    @task(35)
    def look_at_the_board(self) -> None:
        self.cards = self.board(self.location, self.day) or self.cards

    @tag("mixed")
    @task(30)
    def move_a_card(self) -> None:
        if not self.cards:
            return
        position = self.move(random.choice(self.cards))
        if position is not None and random.random() < 0.5:
            # The screen refreshes and must show the move: read-your-writes.
            self.cards = self.board(self.location, self.day, min_position=position) or self.cards

    @tag("mixed")
    @task(15)
    def open_the_drawer(self) -> None:
        if self.cards:
            card = random.choice(self.cards)
            self.client.get(f"/api/admin/appointments/{card['id']}", name="appointment")

    @tag("mixed")
    @task(12)
    def look_at_the_dashboard(self) -> None:
        self.client.get(f"{STATS}?location={self.location}&date={self.day}", name="stats")

    @tag("mixed")
    @task(5)
    def search_the_catalog(self) -> None:
        self.client.get(f"{SERVICES}?search={random.choice(SEARCHES)}", name="services")

    @tag("mixed")
    @task(3)
    def check_yesterday(self) -> None:
        yesterday = (date.fromisoformat(self.day) - timedelta(days=1)).isoformat()
        self.client.get(f"{STATS}?location={self.location}&date={yesterday}", name="stats")
