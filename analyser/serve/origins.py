"""Who may talk to the server: the Host it answers as, and where a POST may come from.

:class:`SameOrigin` refuses, before a body is read:

- a request whose ``Host`` is not one of the server's names (400): a web page on another site
  that points its own name at 127.0.0.1 (DNS rebinding) cannot read the server's answers;
- a POST (or any other unsafe method) from another site (403): its ``Origin`` header, or
  when there is none its ``Referer``, must be this server's own origin. ``Origin: null`` (a
  sandboxed or privacy-stripped page) is refused. A request with neither header is a script
  or a command-line client, not a browser posting a form: it may use the JSON API
  (``/api/...``), not the form pages.

The allowed names are those :func:`allowed_hosts` gives: the address the server was started
on, ``localhost``, ``127.0.0.1`` and ``::1``, and any added with ``--allow-host``.
"""

from __future__ import annotations

from typing import Callable, Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["LOCAL_HOSTS", "SameOrigin", "allowed_hosts", "host_name"]

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SHOWN = 80  # characters of a refused name quoted back


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a server started on ``host`` answers as: it, the loopback names, and ``extra``."""
    return frozenset(host_name(name) for name in (host, *LOCAL_HOSTS, *extra) if host_name(name))


def host_name(value: str) -> str:
    """A Host header or a name without its port, lower-case, without brackets or a final dot."""
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:8000
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:  # name:port (a bare IPv6 address has several colons)
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the default port filled in; None when it cannot be parsed."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.scheme, parts.hostname.rstrip("."), port or _DEFAULT_PORTS.get(parts.scheme, 0)


def _claimed_origin(headers: Headers) -> tuple[str, str, int] | None | str:
    """Where the request says it comes from: an origin, ``"absent"`` (no header), or None (unparseable or null)."""
    origin = headers.get("origin")
    if origin is None:
        referer = headers.get("referer")
        if referer is None:
            return "absent"
        parts = urlsplit(referer)
        return _origin(parts.scheme, parts.netloc) if parts.scheme in _DEFAULT_PORTS else None
    if origin.strip() == "null" or "://" not in origin:
        return None
    scheme, netloc = origin.strip().split("://", 1)
    return _origin(scheme.lower(), netloc)


class SameOrigin:
    """Refuse requests for other host names (400) and unsafe requests from other origins (403).

    ``refuse(scope, status, reason)`` makes the refusal (JSON or a page, by path).
    """

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str], refuse: Callable[[Scope, int, str], Response]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(host) for host in hosts)
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reason = self._refusal(scope)
        if reason is None:
            await self.app(scope, receive, send)
            return
        status, text = reason
        await self.refuse(scope, status, text)(scope, receive, send)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        """(status, reason) for a request that must be refused, else None."""
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        if host_name(host) not in self.hosts:
            shown = "".join(ch for ch in host if ch.isprintable())[:_SHOWN] or "(none)"
            names = ", ".join(sorted(self.hosts))
            return 400, (
                f"this server answers only as {names}, not as '{shown}'; open it by one of those names, "
                "or start it with --allow-host NAME"
            )
        if scope["method"] in _SAFE_METHODS:
            return None
        claimed = _claimed_origin(headers)
        if claimed == "absent":
            if scope["path"].startswith("/api/"):
                return None  # a script or a command-line client
            return 403, (
                "the request does not say which page it was sent from, so it is refused; "
                "use the form on this server's own page, or POST /api/analyse from a script"
            )
        own = _origin(scope.get("scheme", "http"), host)
        if claimed is None or claimed != own:
            return 403, "a page on another site sent this request, so it is refused; use the form on this server's own page"
        return None
