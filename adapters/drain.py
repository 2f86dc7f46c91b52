"""A request body the app left unread is read and dropped after the answer, in its thread.

A 413, a 401 or 403 given before the body is read, or a 404 on a POST leave the body on the
socket. gunicorn's threaded worker (26.x and 27.x) reads at most 64 KiB of such a body itself;
past that it closes the connection from its one event loop thread, which waits up to two
seconds there for the client to hang up. A client keeping its connection alive makes every other
connection of that worker wait those two seconds, and resets those whose keep-alive ran out
meanwhile (docs/RELIABILITY.md). Drained here, the connection stays open for its next request.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import time
from collections.abc import Iterable, Iterator
from typing import Any

from werkzeug.wsgi import ClosingIterator

#: Beyond this the client is sending far more than any request may hold; gunicorn closes.
DRAIN_BYTES = 8 * 1024 * 1024
#: A client that stops sending mid-body does not hold the thread longer than this.
DRAIN_SECONDS = 2.0
CHUNK = 64 * 1024

WsgiApp = Any


class DrainUnreadBody:
    """WSGI middleware: after the response, drop what is left of the request body."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        result: Iterable[bytes] = self.app(environ, start_response)
        if not has_body(environ):
            return result
        return ClosingIterator(result, functools.partial(drain, environ))


def has_body(environ: dict[str, Any]) -> bool:
    """A body that can be read to its end: the server marks the input as terminated."""
    if not environ.get("wsgi.input_terminated"):
        return False  # reading past the body's end would wait on the next request
    length = environ.get("CONTENT_LENGTH") or "0"
    return length != "0" or "HTTP_TRANSFER_ENCODING" in environ


def drain(environ: dict[str, Any]) -> None:
    """Read the rest of the body within the byte and time bounds; past them the server closes."""
    stream = environ["wsgi.input"]
    sock = environ.get("gunicorn.socket")
    deadline = time.monotonic() + DRAIN_SECONDS
    try:
        read_to_end(chunks(stream, sock, deadline))
    except Exception:  # a timeout, a hang-up, the server's parse errors: the server closes
        return
    finally:
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(None)  # gunicorn's worker threads use blocking sockets


def chunks(stream: Any, sock: socket.socket | None, deadline: float) -> Iterator[bytes]:
    while True:
        if sock is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the client stopped sending its body")
            sock.settimeout(remaining)
        yield stream.read(CHUNK)


def read_to_end(pieces: Iterator[bytes]) -> None:
    read = 0
    for piece in pieces:
        read += len(piece)
        if not piece or read > DRAIN_BYTES:
            return
