"""Hostile input: every body field, query parameter, path and header given what attackers send.

Malformed and oversized bodies, wrong types, NUL bytes, bytes that are not UTF-8, SQL and script
fragments, look-alike characters, impossible dates, enormous numbers, unknown fields and path
traversal. Each input is refused with a 4xx problem document and writes nothing; the one
exception is free text (a customer's name, notes, a reason, a service's name), where such a
fragment is just text: it may be stored, and then exactly as sent. Reads may answer 200, never
5xx. Afterwards every read-model table is still there and agrees with the log.

Then schemathesis drives the whole OpenAPI document on PostgreSQL, operation by operation and
as chained scenarios. The number of inputs tried is printed.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Flaky, Unsatisfiable
from schemathesis import GenerationMode
from werkzeug.test import TestResponse

from adapters.app import MAX_BODY_BYTES, create_app
from domain.status import TRANSITIONS
from projections.catalog import build_projections
from projections.schema import live_generation
from tests.integration.http_support import API, DAY, booking, runtime, serving, settings_for
from tests.integration.test_reliability_stress import (
    api_client,
    assert_read_models_match_the_log,
    issue,
)
from tests.support import HAIRCUT

pytestmark = pytest.mark.slow

FACTOR = max(1, int(os.environ.get("STATUSBOARD_STRESS_FACTOR", "1")))

SQL = [
    "'; DROP TABLE board_g1; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; DELETE FROM statusboard_events",
    "x' UNION SELECT token_hash FROM api_tokens --",
    "%' AND pg_sleep(5) --",
    "\\'; SELECT 1; --",
]
SCRIPT = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)"]
LOOKALIKES = [
    "ｄｏｗｎｔｏｗｎ",  # fullwidth
    "downtоwn",  # Cyrillic o
    "ΑDMIN",  # Greek capital alpha
    "checked\u200bin",  # zero-width space
    "\u202eevil",  # right-to-left override
    "e\u0301",  # combining accent
]
TRAVERSAL = ["../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2f", "..\\..\\win.ini"]
#: Free text may hold any of these; they are merely odd.
ODD_TEXT = [*SQL, *SCRIPT, *LOOKALIKES, *TRAVERSAL, "%00", "%s%s%s%n", "{{7*7}}", "${jndi:x}"]
#: No field takes these.
BAD_TEXT = ["a\u0000b", "\u0000", "\ud800", "bell\u0007", "esc\u001b[31m"]
#: Longer than any text field, one of them still under the body limit.
LONG_TEXT = ["x" * 5000, "x" * 60_000]
NOT_STRINGS: list[Any] = [True, 0, -1, 2**63, 1.5, [], {}, ["x"], {"$ne": ""}]
NOT_INTEGERS: list[Any] = [
    True,
    "1",
    "one",
    1.5,
    1e308,
    [],
    {},
    [1],
    -1,
    -(2**63) - 1,
    2**63,
    2**64,
    10**100,
]
NOT_BOOLEANS: list[Any] = ["maybe", 2, 1.5, [], {}, None]
NOT_OBJECTS: list[Any] = ["x", 1, [], True, [{}]]
NOT_LISTS: list[Any] = ["CUT", {}, 1, True, [], [None], ["CUT"], [[{"code": "CUT"}]]]
BAD_TIMES = [
    "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
    "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
    "9999-12-31T23:59:59+00:00",  # leaves no room for the appointment
    "0000-01-01T00:00:00+00:00",
    "10000-01-01T00:00:00+00:00",
    "2030-02-30T09:00:00+00:00",
    "2030-03-04T25:00:00+00:00",
    "2030-03-04T09:00:00+25:00",
    "2030-03-04T09:00:00",  # no offset
    "2030-03-04",
    "yesterday",
    "",
    "1e308",
]
#: Raw JSON number literals that are not numbers, or not finite ones.
RAW_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]

# Kinds of body field: what the field must refuse.
# (A count is a whole number from 1, an amount one from 0.)
FREE_TEXT, CONSTRAINED, TIME, COUNT, AMOUNT, BOOLEAN, OBJECT, LIST = range(8)
NUMBERS = (COUNT, AMOUNT)


def refused_by(kind: int, nullable: bool) -> list[Any]:
    """Values a field of this kind must refuse."""
    texts = [*BAD_TEXT, *LONG_TEXT, *NOT_STRINGS]
    values = {
        FREE_TEXT: texts,
        CONSTRAINED: [*texts, *ODD_TEXT],
        TIME: [*BAD_TIMES, *SQL, *NOT_STRINGS],
        COUNT: [*NOT_INTEGERS, 0, *SQL[:2]],
        AMOUNT: [*NOT_INTEGERS, *SQL[:2]],
        BOOLEAN: NOT_BOOLEANS,
        OBJECT: NOT_OBJECTS,
        LIST: NOT_LISTS,
    }[kind]
    return values if nullable or kind == BOOLEAN else [*values, None]


@dataclass(frozen=True)
class Body:
    """A command and a valid body for it, with the kind of each field that can be spoiled.

    ``"@version"`` in a body is replaced by the record's version when it is sent, and
    ``"@next"`` by a status the card may move to.
    """

    method: str
    path: str
    body: dict[str, Any]
    kinds: dict[str, int]
    #: Where the response shows each free-text field.
    shown: dict[str, str] = field(default_factory=dict)
    nullable: frozenset[str] = frozenset()


STAFF = {"id": "sam-1", "name": "Sam"}
BODIES = [
    Body(
        "POST",
        "/appointments",
        booking(staff=STAFF, notes="Bring the blue folder"),
        {
            "location_id": CONSTRAINED,
            "starts_at": TIME,
            "ends_at": TIME,
            "customer": OBJECT,
            "customer.name": FREE_TEXT,
            "customer.phone": CONSTRAINED,
            "customer.email": CONSTRAINED,
            "staff": OBJECT,
            "staff.id": CONSTRAINED,
            "staff.name": FREE_TEXT,
            "services": LIST,
            "services.0": OBJECT,
            "services.0.code": CONSTRAINED,
            "services.0.quantity": COUNT,
            "notes": FREE_TEXT,
        },
        {"customer.name": "customer.name", "staff.name": "staff.name", "notes": "notes"},
        frozenset({"customer.phone", "customer.email", "staff"}),
    ),
    Body(
        "PATCH",
        "/appointments/{appointment}",
        {"expected_version": "@version", "notes": "Call first", "staff": STAFF},
        {
            "expected_version": COUNT,
            "notes": FREE_TEXT,
            "staff": OBJECT,
            "staff.id": CONSTRAINED,
            "staff.name": FREE_TEXT,
            "starts_at": TIME,
            "ends_at": TIME,
        },
        {"notes": "appointment.notes", "staff.name": "appointment.staff.name"},
        frozenset({"staff"}),
    ),
    Body(
        "POST",
        "/appointments/{appointment}/move",
        {"to_status": "@next", "expected_version": "@version", "reason": "asked to"},
        {"to_status": CONSTRAINED, "expected_version": COUNT, "reason": FREE_TEXT},
        nullable=frozenset({"reason"}),
    ),
    Body(
        "POST",
        "/appointments/{appointment}/service-lines",
        {"code": "CUT", "quantity": 1, "expected_version": "@version"},
        {"code": CONSTRAINED, "quantity": COUNT, "expected_version": COUNT},
    ),
    Body(
        "POST",
        "/services",
        {**HAIRCUT, "code": "@code"},
        {
            "code": CONSTRAINED,
            "name": FREE_TEXT,
            "category": FREE_TEXT,
            "price_cents": AMOUNT,
            "duration_minutes": COUNT,
        },
        {"name": "name", "category": "category"},
    ),
    Body(
        "PATCH",
        "/services/{service}",
        {"expected_version": "@version", "name": "Haircut"},
        {
            "expected_version": COUNT,
            "name": FREE_TEXT,
            "category": FREE_TEXT,
            "price_cents": AMOUNT,
            "duration_minutes": COUNT,
            "active": BOOLEAN,
        },
        {"name": "name", "category": "category"},
    ),
]

#: Query parameters: endpoint, a valid query, and the kind of each parameter.
QUERY_TEXT, QUERY_STRICT, QUERY_TIME, QUERY_INTEGER, QUERY_DATE = range(5)
QUERIES = [
    (
        "/appointments/board",
        {"date": DAY, "location": "downtown"},
        {
            "date": QUERY_DATE,
            "location": QUERY_STRICT,
            "staff": QUERY_TEXT,
            "min_position": QUERY_INTEGER,
        },
    ),
    (
        "/dashboard/stats",
        {"date": DAY, "location": "downtown"},
        {"date": QUERY_DATE, "location": QUERY_STRICT, "min_position": QUERY_INTEGER},
    ),
    ("/appointments/{appointment}", {}, {"version": QUERY_INTEGER, "at": QUERY_TIME}),
    (
        "/services",
        {},
        {
            "search": QUERY_TEXT,
            "category": QUERY_TEXT,
            "active": QUERY_STRICT,
            "limit": QUERY_INTEGER,
            "cursor": QUERY_STRICT,
            "min_position": QUERY_INTEGER,
        },
    ),
    (
        "/activity",
        {},
        {
            "actor": QUERY_TEXT,
            "location": QUERY_TEXT,
            "since": QUERY_TIME,
            "until": QUERY_TIME,
            "type": QUERY_STRICT,
            "limit": QUERY_INTEGER,
            "cursor": QUERY_STRICT,
            "min_position": QUERY_INTEGER,
        },
    ),
]
#: Raw, already percent-encoded query values.
ENCODED_ODDITIES = ["%00", "%ED%A0%80", "%C0%AF", "%FF%FE", "%2500", "a%00b", "x" * 10_000]
QUERY_NUMBERS = ["-1", "0", str(2**63), str(2**64), "1e308", "NaN", "Infinity", "0x10", "1.5", ""]
QUERY_DATES = ["0001-01-01", "9999-12-31", "0000-01-01", "10000-01-01", "2030-02-30", "-1", ""]


def query_values(kind: int) -> list[str]:
    """Encoded values for a query parameter of this kind."""
    texts = [quote(text, safe="", errors="surrogatepass") for text in [*ODD_TEXT, *BAD_TEXT]]
    extra = {
        QUERY_TEXT: [],
        QUERY_STRICT: [],
        QUERY_TIME: [quote(time, safe="") for time in BAD_TIMES],
        QUERY_INTEGER: QUERY_NUMBERS,
        QUERY_DATE: QUERY_DATES,
    }[kind]
    return [*texts, *ENCODED_ODDITIES, *extra]


RAW_BODIES = [
    b"{not json",
    b"",
    b"{",
    b"[",
    b"]",
    b'{"a":}',
    b"\x00",
    b"null",
    b"true",
    b"1",
    b'"text"',
    b"[]",
    b'{"to_status": "x"} trailing',
    b"\xff\xfe",
    b"\xc0\xaf",
    b'{"notes": "\xed\xa0\x80"}',
    b'{"notes": "\xff"}',
    b"\xef\xbb\xbf{}",
    b"[" * 10_000 + b"]" * 10_000,
    b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    b'{"notes": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    b'{"expected_version": 1, "expected_version": "x"}',
]
UNKNOWN_FIELDS: list[dict[str, Any]] = [
    {"surprise": 1},
    {"__proto__": {"admin": True}},
    {"constructor": {"prototype": {}}},
    {"expected_version ": 1},
    {"id": "00000000-0000-0000-0000-000000000000"},
    {"version": 99},
    {"status": "completed"},
    {"actor": "someone-else"},
]
PATHS = [
    "/appointments/../../etc/passwd",
    "/appointments/..%2f..%2fetc%2fpasswd",
    "/appointments/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/appointments/..%2F..%2Fetc%2Fpasswd/history",
    "/appointments/..%5c..%5cwin.ini",
    "/appointments/{appointment}%00",
    "/appointments/{appointment}%00/history",
    "/appointments/{appointment}/move/../../services",
    "/appointments/%27%3B%20DROP%20TABLE%20board_g1%3B%20--",
    "/appointments/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/appointments/00000000-0000-0000-0000-000000000000",
    "/appointments/00000000-0000-0000-0000-000000000000/history",
    "/services/..%2f..%2fsetup.cfg",
    "/services/{appointment}",
    "/appointments/{service}",
    "/../../../etc/passwd",
]
STATIC_PATHS = [
    "/web/static/../../../setup.cfg",
    "/web/static/..%2f..%2f..%2fsetup.cfg",
    "/web/static/%2e%2e/%2e%2e/%2e%2e/setup.cfg",
    "/web/static/js/..%2f..%2f..%2f..%2fsetup.cfg",
    "/web/static//etc/passwd",
]


@dataclass
class Tally:
    """What the inputs came to."""

    tried: int = 0
    refused: Counter[int] = field(default_factory=Counter)
    stored_as_sent: int = 0
    served: int = 0
    #: Reads asking for a position far past the head: the documented 503 projection_lagging.
    lagging: int = 0
    failures: list[str] = field(default_factory=list)

    def fail(self, label: str, response: TestResponse, why: str) -> None:
        self.failures.append(
            f"{label}: {why} ({response.status_code}) {response.get_data(as_text=True)[:300]}"
        )


class Hostile:
    """Sends hostile inputs at one service and checks each answer."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = api_client(app, issue(app, "intruder", "admin"))
        assert self.client.post(f"{API}/services", json=HAIRCUT).status_code == 201
        wash = {**HAIRCUT, "code": "WASH", "name": "Wash"}
        self.service = (self.client.post(f"{API}/services", json=wash).json or {})["id"]
        self.appointment = (self.client.post(f"{API}/appointments", json=booking()).json or {})[
            "id"
        ]
        self.codes = (f"H{n}" for n in itertools.count())
        self.tally = Tally()

    @property
    def head(self) -> int:
        return runtime(self.app).components.board.head_position()

    def url(self, path: str) -> str:
        return API + path.format(appointment=self.appointment, service=self.service)

    def current(self, body: Body) -> dict[str, Any]:
        record = (
            self.client.get(self.url("/services/{service}"))
            if "{service}" in body.path
            else self.client.get(self.url("/appointments/{appointment}"))
        )
        return dict(record.json or {})

    def valid(self, body: Body) -> dict[str, Any]:
        now = self.current(body)
        text = json.dumps(body.body)
        text = text.replace('"@version"', str(now["version"]))
        text = text.replace('"@next"', json.dumps(TRANSITIONS[now.get("status", "scheduled")][0]))
        text = text.replace('"@code"', json.dumps(next(self.codes)))
        return dict(json.loads(text))

    def send(
        self,
        label: str,
        method: str,
        url: str,
        *,
        free_text: tuple[str, Any] | None = None,
        read: bool = False,
        **request: Any,
    ) -> None:
        """One input: a 4xx problem that wrote nothing, or a success that is allowed here."""
        before = self.head
        response = self.client.open(url, method=method, **request)
        self.tally.tried += 1
        status, after = response.status_code, self.head
        if status >= 500:
            lagging = status == 503 and "projection_lagging" in response.get_data(as_text=True)
            if not (read and lagging and after == before):
                return self.tally.fail(label, response, "server error")
            self.tally.lagging += 1
            return None
        if status >= 400:
            self.tally.refused[status] += 1
            document = response.json if response.is_json else None
            if response.mimetype != "application/problem+json" or not isinstance(document, dict):
                return self.tally.fail(label, response, "not a problem document")
            if document.get("status") != status or "Traceback" in response.get_data(as_text=True):
                return self.tally.fail(label, response, "a problem document out of shape")
            if after != before:
                return self.tally.fail(label, response, f"refused but wrote {after - before}")
            return None
        if read:
            self.tally.served += 1
            if after != before:
                return self.tally.fail(label, response, "a read wrote")
            return None
        if free_text is None:
            return self.tally.fail(label, response, "accepted")
        where, sent = free_text
        shown = dig(response.json, where) if where else sent.strip()
        if shown != sent.strip():
            return self.tally.fail(label, response, f"stored {shown!r}, not {sent!r}")
        self.tally.stored_as_sent += 1
        return None

    # The families of input.

    def spoiled_fields(self) -> None:
        for body in BODIES:
            for path, kind in body.kinds.items():
                values = refused_by(kind, path in body.nullable)
                values += ODD_TEXT if kind == FREE_TEXT else []
                for value in values:
                    sent = self.valid(body)
                    put(sent, path, value)
                    odd = kind == FREE_TEXT and value in ODD_TEXT
                    shown = body.shown.get(path, "")
                    self.send(
                        f"{body.method} {body.path} {path}={value!r:.60}",
                        body.method,
                        self.url(body.path),
                        json=sent,
                        free_text=(shown, value) if odd else None,
                    )
                for literal in RAW_NUMBERS if kind in NUMBERS else []:
                    sent = self.valid(body)
                    put(sent, path, "@raw")
                    data = json.dumps(sent).replace('"@raw"', literal)
                    self.send(
                        f"{body.method} {body.path} {path}={literal}",
                        body.method,
                        self.url(body.path),
                        data=data,
                        content_type="application/json",
                    )

    def unknown_fields(self) -> None:
        for body, extra in itertools.product(BODIES, UNKNOWN_FIELDS):
            self.send(
                f"{body.method} {body.path} with {extra}",
                body.method,
                self.url(body.path),
                json={**self.valid(body), **extra},
            )
        nested = self.valid(BODIES[0])
        nested["customer"]["is_admin"] = True
        self.send("nested unknown field", "POST", self.url("/appointments"), json=nested)

    def malformed_bodies(self) -> None:
        for body, data in itertools.product(BODIES, RAW_BODIES):
            self.send(
                f"{body.method} {body.path} raw {data[:40]!r}",
                body.method,
                self.url(body.path),
                data=data,
                content_type="application/json",
            )
        for body, content_type in itertools.product(
            BODIES, ["text/plain", "application/x-www-form-urlencoded", "application/xml", ""]
        ):
            self.send(
                f"{body.method} {body.path} as {content_type!r}",
                body.method,
                self.url(body.path),
                data=json.dumps(self.valid(body)),
                content_type=content_type,
            )

    def sizes(self) -> None:
        """Just under the limit (refused for what it says), just over and far over it (413)."""
        for body in BODIES:
            valid = self.valid(body)
            bare = len(json.dumps({**valid, "padding": ""}))
            for size in (MAX_BODY_BYTES - 1, MAX_BODY_BYTES + 1, 4 * MAX_BODY_BYTES):
                data = json.dumps({**valid, "padding": "x" * (size - bare)})
                self.send(
                    f"{body.method} {body.path} {len(data)} bytes",
                    body.method,
                    self.url(body.path),
                    data=data,
                    content_type="application/json",
                )

    def times_out_of_order(self) -> None:
        pairs = [
            ("2030-03-04T10:00:00+00:00", "2030-03-04T09:00:00+00:00"),
            ("2030-03-04T10:00:00+00:00", "2030-03-04T10:00:00+00:00"),
            ("2030-03-04T10:00:00+00:00", "2030-03-05T10:00:01+00:00"),
            ("2030-03-04T10:00:00+00:00", "2030-03-04T04:00:00-05:00"),
            ("0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"),
        ]
        for starts_at, ends_at in pairs:
            self.send(
                f"book {starts_at} to {ends_at}",
                "POST",
                self.url("/appointments"),
                json=booking(starts_at=starts_at, ends_at=ends_at),
            )
            version = self.valid(BODIES[1])["expected_version"]
            self.send(
                f"reschedule {starts_at} to {ends_at}",
                "PATCH",
                self.url("/appointments/{appointment}"),
                json={"expected_version": version, "starts_at": starts_at, "ends_at": ends_at},
            )

    def queries(self) -> None:
        for path, valid, kinds in QUERIES:
            for name, kind in kinds.items():
                for value in query_values(kind):
                    others = "&".join(f"{k}={quote(v)}" for k, v in valid.items() if k != name)
                    url = f"{self.url(path)}?{others}&{name}={value}".replace("?&", "?")
                    self.send(f"GET {path} {name}={value[:60]}", "GET", url, read=True)
            others = "&".join(f"{k}={quote(v)}" for k, v in valid.items())
            for extra in ["surprise=1", "__proto__=x", "location=a&location=b", "%00=1"]:
                url = f"{self.url(path)}?{others}&{extra}".replace("?&", "?")
                self.send(f"GET {path} {extra}", "GET", url, read=True)
        line = self.url("/appointments/{appointment}/service-lines/{service}")
        for value in [*QUERY_NUMBERS, *(quote(text, safe="") for text in SQL), "%00"]:
            url = f"{line}?expected_version={value}"
            self.send(f"DELETE line expected_version={value}", "DELETE", url)

    def like_patterns_are_literal(self) -> None:
        """Search wildcards are characters to look for, not patterns."""
        for pattern in ["%", "_", "%%", "\\", "%_%"]:
            response = self.client.get(f"{API}/services?search={quote(pattern, safe='')}")
            self.tally.tried += 1
            found = [
                " ".join((item["code"], item["name"], item["category"])).casefold()
                for item in (response.json or {}).get("items", [])
            ]
            if response.status_code != 200 or not all(pattern in text for text in found):
                self.tally.fail(f"search {pattern!r}", response, "matched as a pattern")

    def paths(self) -> None:
        for path, method in itertools.product(PATHS, ["GET", "POST", "PATCH", "DELETE"]):
            self.send(f"{method} {path}", method, self.url(path), json={})
        for path in STATIC_PATHS:
            response = self.client.get(path, follow_redirects=True)
            self.tally.tried += 1
            self.tally.refused[response.status_code] += 1
            if response.status_code != 404 or b"[metadata]" in response.data:
                self.tally.fail(path, response, "served a file outside the static folder")

    def headers(self) -> None:
        move = self.url("/appointments/{appointment}/move")
        for key in ["k" * 129, "kl\u00fcc", "tab\there", "\u007f", ""]:
            self.send(
                f"Idempotency-Key {key[:20]!r}",
                "POST",
                move,
                json=self.valid(BODIES[2]),
                headers={"Idempotency-Key": key},
            )
        for authorization in ["Bearer ' OR 1=1 --", "Bearer \u00ff" * 100, "Bearer", "Basic YTpi"]:
            response = self.app.test_client().get(
                self.url("/services"), headers={"Authorization": authorization}
            )
            self.tally.tried += 1
            if response.status_code != 401:
                self.tally.fail(f"Authorization {authorization[:20]!r}", response, "not 401")
        for request_id in ["'; DROP TABLE board_g1; --", "x" * 65, "<script>", "a\u00ff"]:
            response = self.client.get(self.url("/services"), headers={"X-Request-ID": request_id})
            self.tally.tried += 1
            if response.headers["X-Request-ID"] == request_id or response.status_code != 200:
                self.tally.fail(f"X-Request-ID {request_id[:20]!r}", response, "echoed")

    def run(self) -> Tally:
        self.spoiled_fields()
        self.unknown_fields()
        self.malformed_bodies()
        self.sizes()
        self.times_out_of_order()
        self.queries()
        self.like_patterns_are_literal()
        self.paths()
        self.headers()
        return self.tally


def put(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target: Any = body
    for name in parents:
        target = target[int(name)] if isinstance(target, list) else target[name]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def dig(document: Any, path: str) -> Any:
    for name in path.split("."):
        document = document.get(name) if isinstance(document, dict) else None
    return document


def assert_every_table_is_there(app: Flask) -> None:
    store = runtime(app).components.read_side.store
    with store.transaction(write=False) as cursor:
        for projection in build_projections("UTC").values():
            generation = live_generation(cursor, projection.name)
            for table in projection.tables:
                cursor.execute(f"SELECT count(*) FROM {table.name(generation)}")
                assert cursor.fetchone() is not None
        cursor.execute("SELECT count(*) FROM api_tokens")
        assert cursor.fetchone()[0] > 0
    assert runtime(app).components.board.head_position() > 0


@pytest.fixture
def hostile_app(store_url: str) -> Iterator[Flask]:
    """The service with projections in process and a short wait for read-your-writes."""
    with serving(settings_for(store_url, consistency_wait_ms=20, log_level="CRITICAL")) as app:
        yield app


class TestHandWrittenHostileInput:
    def test_each_input_is_refused_with_a_problem_or_kept_as_plain_text(
        self, hostile_app: Flask, store_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        tally = Hostile(hostile_app).run()

        assert not tally.failures, "\n".join(tally.failures[:40])
        assert_every_table_is_there(hostile_app)
        assert_read_models_match_the_log(hostile_app)
        store = store_url.split(":", 1)[0]
        with capsys.disabled():
            print(
                f"\nhostile input ({store}): {tally.tried} inputs; refused"
                f" {sum(tally.refused.values())} ({dict(sorted(tally.refused.items()))}),"
                f" free text stored as sent {tally.stored_as_sent}, reads served"
                f" {tally.served}, reads past the head 503 projection_lagging {tally.lagging};"
                " other 5xx 0, writes by refused inputs 0"
            )


# Generated input: schemathesis on PostgreSQL.

EXAMPLES = 15 * FACTOR
SCENARIOS = 25 * FACTOR


def well_behaved(_ctx: Any, response: Any, _case: Any) -> None:
    """No 5xx but a read model behind an asked-for position; every error a problem document."""
    if response.status_code >= 500:
        assert response.status_code == 503, response.text[:500]
        assert "projection_lagging" in response.text, response.text[:500]
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json")


@pytest.fixture
def fuzzed(postgres_url: str) -> Iterator[tuple[Flask, dict[str, str]]]:
    """The service on PostgreSQL with a catalog, and an admin's headers."""
    app = create_app(settings_for(postgres_url, consistency_wait_ms=20, log_level="CRITICAL"))
    client = api_client(app, token := issue(app, "fuzzer", "admin"))
    assert client.post(f"{API}/services", json=HAIRCUT).status_code == 201
    yield app, {"Authorization": f"Bearer {token}"}
    runtime(app).close()


def bookable(case: Any) -> None:
    """Generated bookings and service lines name the catalog's service, so some succeed."""
    body = case.body
    if not isinstance(body, dict):
        return
    lines = body.get("services")
    for line in lines if isinstance(lines, list) else []:
        if isinstance(line, dict) and "code" in line:
            line["code"] = "CUT"
    if case.path.endswith("/service-lines") and "code" in body:
        body["code"] = "CUT"


def creatable(case: Any) -> None:
    """Bookings and services that pass the rules the document cannot state, so that scenarios
    have records to go on with."""
    body = case.body
    if case.method != "POST" or not isinstance(body, dict):
        return
    if case.path == f"{API}/appointments":
        body.update(location_id="downtown", services=[{"code": "CUT"}])
        body.pop("ends_at", None)
        if isinstance(body.get("customer"), dict):
            body["customer"] = {"name": "Customer"}
        body.pop("staff", None)
    elif case.path == f"{API}/services":
        body["code"] = f"S{uuid.uuid4().hex[:12].upper()}"  # new on every replay


def fuzz(
    operation: Any, mode: GenerationMode, headers: dict[str, str], calls: Counter[str]
) -> None:
    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def one(case: Any) -> None:
        bookable(case)
        response = case.call(headers=headers)
        calls["fuzz"] += 1
        case.validate_response(response, checks=[well_behaved], headers=headers)

    try:
        one()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise  # only an operation without parameters or body has no invalid request


def run_scenarios(machine: Any, calls: Counter[str]) -> None:
    """Runs scenarios until enough have run.

    The database outlives each scenario, so a replayed scenario may see other answers and
    Hypothesis stops the run as flaky; like schemathesis' own runner, start it again then.
    """
    for _ in range(20):
        wanted = SCENARIOS - calls["scenarios"]
        if wanted <= 0:
            return
        try:
            machine.run(
                settings=settings(
                    max_examples=wanted,
                    stateful_step_count=8,
                    phases=[Phase.generate],
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    database=None,
                )
            )
        except Flaky:
            continue
        except AssertionError as error:
            if not replayed_differently(error):
                raise
        else:
            return


def replayed_differently(error: AssertionError) -> bool:
    """Hypothesis asserts, rather than raising Flaky, on some replays that drew differently."""
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace is not None and trace.tb_frame.f_globals["__name__"].endswith(".datatree")


@pytest.mark.postgres
@pytest.mark.stress
class TestGeneratedHostileInput:
    def test_generated_requests_and_scenarios_get_no_5xx_and_leave_the_read_models_whole(
        self, fuzzed: tuple[Flask, dict[str, str]], capsys: pytest.CaptureFixture[str]
    ) -> None:
        app, headers = fuzzed
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
        calls: Counter[str] = Counter()

        for operation in [result.ok() for result in schema.get_all_operations()]:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(operation, mode, headers, calls)

        schema.analysis.inject_links()

        class Scenarios(schema.as_state_machine()):  # type: ignore[misc]
            def setup(self) -> None:
                calls["scenarios"] += 1

            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"headers": headers}

            def call(self, case: Any, **kwargs: Any) -> Any:
                bookable(case)
                creatable(case)
                calls["stateful"] += 1
                return super().call(case, **kwargs)

            def validate_response(self, response: Any, case: Any, *_: Any, **kwargs: Any) -> None:
                case.validate_response(response, checks=[well_behaved], headers=headers)

        run_scenarios(Scenarios, calls)

        assert_every_table_is_there(app)
        assert_read_models_match_the_log(app)
        with capsys.disabled():
            print(
                f"\nschemathesis (postgres): {calls['fuzz']} generated requests,"
                f" {calls['stateful']} requests in {calls['scenarios']} chained scenarios; 5xx 0"
            )
