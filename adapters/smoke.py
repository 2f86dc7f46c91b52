"""Checks a running server end to end over HTTP: read, book, move."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.headers import EVENT_POSITION

LOCATION = "smoke-test"
BOARD = "/api/admin/appointments/board"
STATS = "/api/admin/dashboard/stats"
SERVICE = {
    "code": "SMOKE-TEST",
    "name": "Smoke test",
    "category": "checks",
    "price_cents": 0,
    "duration_minutes": 15,
}


class CheckFailed(Exception):
    pass


@dataclass
class Client:
    base_url: str
    token: str
    timeout: float = 10.0

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url.rstrip("/") + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return (
                    response.status,
                    dict(response.headers),
                    json.loads(response.read() or b"null"),
                )
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"null")

    def expect(
        self, status: int, method: str, path: str, body: Any = None
    ) -> tuple[dict[str, str], Any]:
        got, headers, payload = self.call(method, path, body)
        if got != status:
            raise CheckFailed(f"{method} {path} answered {got}, not {status}: {payload}")
        return headers, payload


@dataclass
class Smoke:
    client: Client
    state: dict[str, Any] = field(default_factory=dict)

    def board(self) -> str:
        _, board = self.client.expect(200, "GET", f"{BOARD}?location={LOCATION}")
        self.state["day"] = board["date"]
        return f"{len(board['columns'])} columns for {board['date']}"

    def stats(self) -> str:
        _, stats = self.client.expect(200, "GET", f"{STATS}?location={LOCATION}")
        return f"{stats['total']} appointments today"

    def services(self) -> str:
        _, page = self.client.expect(200, "GET", "/api/admin/services?active=true&limit=1")
        if page["items"]:
            self.state["code"] = page["items"][0]["code"]
            return f"{page['total']} active services"
        status, _, _ = self.client.call("POST", "/api/admin/services", SERVICE)
        if status not in (201, 409):
            raise CheckFailed(f"no active service, and adding one answered {status}")
        self.state["code"] = SERVICE["code"]
        return "added a service to book"

    def book(self) -> str:
        # Now, so the card lands on the server's today whatever its time zone, and whatever the
        # hour: a check run after closing time books past the opening hours (as an admin may).
        starts = datetime.now(UTC).replace(microsecond=0)
        body = {
            "location_id": LOCATION,
            "starts_at": starts.isoformat(),
            "customer": {"name": "Smoke Test"},
            "services": [{"code": self.state["code"]}],
            "allow_outside_hours": True,
        }
        headers, appointment = self.client.expect(201, "POST", "/api/admin/appointments", body)
        self.state.update(id=appointment["id"], version=appointment["version"])
        self.state["position"] = int(headers[EVENT_POSITION])
        return f"booked {appointment['id']}"

    def board_shows_booking(self) -> str:
        query = f"location={LOCATION}&min_position={self.state['position']}"
        _, board = self.client.expect(200, "GET", f"{BOARD}?{query}")
        ids = {card["id"] for column in board["columns"] for card in column["cards"]}
        if self.state["id"] not in ids:
            raise CheckFailed("the booking is not on the board")
        return "the card is on the board"

    def move(self) -> str:
        path = f"/api/admin/appointments/{self.state['id']}/move"
        body = {"to_status": "cancelled", "expected_version": self.state["version"]}
        _, result = self.client.expect(200, "POST", path, body)
        if result["appointment"]["status"] != "cancelled":
            raise CheckFailed(f"the move left status {result['appointment']['status']}")
        return "moved to cancelled"


def run_checks(base_url: str, token: str, echo: Callable[[str], None]) -> bool:
    smoke = Smoke(Client(base_url, token))
    checks = [
        smoke.board,
        smoke.stats,
        smoke.services,
        smoke.book,
        smoke.board_shows_booking,
        smoke.move,
    ]
    passed = True
    for check in checks:
        name = check.__name__.replace("_", " ")
        try:
            echo(f"PASS {name}: {check()}")
        except (CheckFailed, OSError, KeyError, ValueError) as error:
            echo(f"FAIL {name}: {error}")
            passed = False
            if check in (smoke.services, smoke.book):
                break
    return passed
