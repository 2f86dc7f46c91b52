"""Two keep-alive sessions against a running server: A sends small requests, B bodies the server
answers without reading (over 64 KiB: a 401 without a token, or a 413 with one). Prints how many
of A's requests failed and the slowest of them.

    .venv/bin/gunicorn -w 2 --threads 4 -b 127.0.0.1:8000 wsgi:app &
    .venv/bin/python -m benchmarks.unread_bodies http://127.0.0.1:8000 --rounds 60
"""

from __future__ import annotations

import argparse
import time

import requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--path", default="/api/admin/appointments")
    parser.add_argument("--bytes", type=int, default=70 * 1024, help="size of B's body")
    parser.add_argument("--token", default="", help="B's token; without one B gets 401")
    args = parser.parse_args()
    body = b'{"notes": "' + b"a" * args.bytes + b'"}'
    headers = {"Content-Type": "application/json"}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    mine, theirs = requests.Session(), requests.Session()
    failed, theirs_failed, slowest = 0, 0, 0.0
    started = time.monotonic()
    for _ in range(args.rounds):
        for step in ("before", "after"):
            began = time.monotonic()
            try:
                mine.get(f"{args.url}/healthz")
            except requests.ConnectionError:
                failed += 1
            slowest = max(slowest, time.monotonic() - began)
            if step == "before":
                try:
                    theirs.post(f"{args.url}{args.path}", data=body, headers=headers)
                except requests.ConnectionError:
                    theirs_failed += 1
    print(
        f"A: {failed} of {2 * args.rounds} failed, slowest {slowest:.2f} s;"
        f" B: {theirs_failed} of {args.rounds} failed; {time.monotonic() - started:.1f} s in all"
    )


if __name__ == "__main__":
    main()
