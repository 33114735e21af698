"""Refusals and failures, answered in kind: JSON ``{"error": ...}`` for the API, a page for a person.

:class:`Guard` adds the privacy headers to every response and turns any unhandled exception
into a generic 500 that logs the exception type only, never a traceback or report text.
"""

from __future__ import annotations

import logging

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .analysing import GENERIC_500
from .pages import CSP, Pages
from .uploads import Refused

__all__ = ["Guard", "error_response", "refused_handler", "validation_handler", "http_handler"]

log = logging.getLogger(__name__)

_PRIVACY_HEADERS = {
    b"cache-control": b"no-store",
    b"x-content-type-options": b"nosniff",
    # Not no-referrer: under it a browser sends "Origin: null" with the form's own POST, which the
    # origin check must then refuse. same-origin tells nothing to other sites either.
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
    b"content-security-policy": CSP.encode(),
}


def error_response(scope: Scope, status: int, reason: str) -> Response:
    """JSON ``{"error": ...}`` for the API, the upload form with the reason for the pages."""
    path = scope["path"]
    if path.startswith("/api/") or path == "/openapi.json":
        return JSONResponse({"error": reason}, status_code=status)
    pages: Pages = scope["app"].state.pages
    request = Request(scope)
    if path == "/analyse":
        return pages.form(request, error=reason, status=status)
    return pages.message(request, "Something went wrong" if status >= 500 else "That did not work", reason, status=status)


async def refused_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return error_response(request.scope, exc.status, exc.reason)


async def validation_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = {str(part) for error in exc.errors() for part in error.get("loc", ())}
    if "file" in fields:
        reason = "no file uploaded; send the report (.docx, .pdf, .txt or .md) in the form field 'file'"
    else:
        reason = "the request is not a valid upload; send a multipart form with the report in the field 'file'"
    return error_response(request.scope, 400, reason)


async def http_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    reasons = {404: "no such page", 405: "this address does not take that method"}
    reason = exc.detail if exc.status_code == 413 else reasons.get(exc.status_code, str(exc.detail))
    response = error_response(request.scope, exc.status_code, reason)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


class Guard:
    """Privacy headers on every response; any unhandled exception becomes a generic 500 (type logged only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _PRIVACY_HEADERS.items() if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as err:  # never a traceback on the page or report text in the log
            log.error("request failed: %s", type(err).__name__)
            if not started:
                await error_response(scope, 500, GENERIC_500)(scope, receive, send_with_headers)
