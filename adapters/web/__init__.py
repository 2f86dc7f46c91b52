"""The admin web board: one HTML page and its ES modules, served as they are (no build step).

The page and its files need no token; the page asks for one and every API call carries it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, make_response, render_template, request

from adapters.api.operation import API_PREFIX
from adapters.runtime import runtime
from adapters.schemas.activity import EVENT_TYPES
from adapters.settings import Settings
from domain.status import STATUSES, TITLES, TRANSITIONS, needs_reason

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/web/static",
)

#: The token lives in the page's storage, so nothing but our own files may run or load here.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def page_config(settings: Settings) -> dict[str, Any]:
    """What the page needs to know up front; the columns and moves come from the domain."""
    return {
        "api": API_PREFIX,
        "auth": settings.auth,
        "timezone": settings.timezone,
        "today": datetime.now(ZoneInfo(settings.timezone)).date().isoformat(),
        "columns": [
            {
                "status": status,
                "title": TITLES[status],
                "allowed": list(TRANSITIONS[status]),
                "needs_reason": needs_reason(status),
            }
            for status in STATUSES
        ],
        "event_types": list(EVENT_TYPES),
    }


@bp.get("/")
def board_page() -> Response:
    """The board of a location's day, with its dashboard, for the front desk."""
    html = render_template("board.html", config=page_config(runtime().settings))
    return make_response(html)


@bp.after_request
def harden(response: Response) -> Response:
    # Revalidate every time: the modules import each other by plain names, without hashes.
    response.headers["Cache-Control"] = "no-cache"
    if request.endpoint == "web.board_page":
        response.headers.update(SECURITY_HEADERS)
    return response
