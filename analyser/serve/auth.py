"""Who may see the tutor pages: the login, the session cookie, the CSRF token of every form.

Sessions are kept on the server (a random token -> who, the form token, when last seen), one
store per app; the browser holds only the token, in a cookie that is HttpOnly, SameSite=Strict,
scoped to the whole site and Secure when the request came over https. Logging in replaces the
session (a token seen before login never becomes a logged-in one). Sessions end after eight idle
hours, on logout, and when the server stops.

A login is needed when the server listens beyond the loopback address, or when the workspace
holds any account. Otherwise (on this computer, no accounts) the tutor pages are open, and say
so. Every tutor form carries the session's CSRF token and a POST without it is refused (403),
open or not: another web site cannot make the browser post to the local server.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import Response

from ..workspace import Workspace
from ..workspace.models import User

__all__ = [
    "COOKIE",
    "LOOPBACK",
    "Access",
    "CsrfRefused",
    "NotLoggedIn",
    "Session",
    "Sessions",
    "Visit",
    "clear_cookie",
    "set_cookie",
]

COOKIE = "ksb_session"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
IDLE_SECONDS = 8 * 3600
MAX_SESSIONS = 10_000


class NotLoggedIn(Exception):
    """A tutor page or API asked for without a login where one is needed (answered 401)."""


class CsrfRefused(Exception):
    """A tutor form posted without its session's token (answered 403)."""


@dataclass(frozen=True)
class Session:
    """One browser's session: its token, its form token, and who logged in (None: not logged in)."""

    token: str
    csrf: str
    user: str | None
    role: str | None
    seen: float


class Sessions:
    """The server-side session store of one app (thread-safe; nothing is written to disk)."""

    def __init__(self, *, idle_seconds: float = IDLE_SECONDS, max_sessions: int = MAX_SESSIONS) -> None:
        self.idle_seconds = idle_seconds
        self.max_sessions = max_sessions
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, *, user: str | None = None, role: str | None = None) -> Session:
        """A new session; past ``max_sessions`` the least recently seen one ends."""
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), user, role, time.monotonic())
        with self._lock:
            self._expire()
            if len(self._sessions) >= self.max_sessions:
                del self._sessions[min(self._sessions.values(), key=lambda s: s.seen).token]
            self._sessions[session.token] = session
        return session

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def get(self, token: str | None) -> Session | None:
        """The live session of this token (its idle time restarts), or None."""
        if not token:
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if time.monotonic() - session.seen > self.idle_seconds:
                del self._sessions[token]
                return None
            session = self._sessions[token] = replace(session, seen=time.monotonic())
            return session

    def drop(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, s in self._sessions.items() if now - s.seen > self.idle_seconds]:
            del self._sessions[token]


@dataclass(frozen=True)
class Visit:
    """A request's session, whether its cookie must be set on the response, and whether the pages are open."""

    session: Session
    new: bool
    open_mode: bool = False

    @property
    def user(self) -> str | None:
        return self.session.user

    def apply(self, request: Request, response: Response) -> Response:
        """Set the session cookie on the response when the session is new."""
        if self.new:
            set_cookie(request, response, self.session)
        return response


class Access:
    """The tutor pages' policy: when a login is needed, and the checks of each request."""

    def __init__(self, workspace: Workspace, *, beyond_loopback: bool, sessions: Sessions | None = None) -> None:
        self.workspace = workspace
        self.beyond_loopback = beyond_loopback
        self.sessions = sessions or Sessions()

    def login_required(self) -> bool:
        """Beyond loopback always; on loopback once the workspace holds an account."""
        return self.beyond_loopback or self.has_users()

    def has_users(self) -> bool:
        with self.workspace.session() as session:
            return bool(session.scalar(select(func.count()).select_from(User)))

    def visit(self, request: Request, *, login: bool = True, keep: bool = True) -> Visit:
        """The request's session, made when it has none; NotLoggedIn where a login is needed and missing.

        ``login=False`` for the login page itself (it needs a session for its form token only);
        ``keep=False`` for a read that shows no form (the API, a download): no session is made.
        """
        session = self.sessions.get(request.cookies.get(COOKIE))
        required = self.login_required()
        if login and required and (session is None or session.user is None):
            raise NotLoggedIn()
        if session is None and not keep:
            return Visit(Session("", "", None, None, time.monotonic()), new=False, open_mode=not required)
        if session is None:
            return Visit(self.sessions.new(), new=True, open_mode=not required)
        return Visit(session, new=False, open_mode=not required)

    def check_csrf(self, visit: Visit, token: object) -> None:
        """CsrfRefused unless ``token`` is the session's form token."""
        expected = visit.session.csrf
        if visit.new or not expected or not isinstance(token, str) or not hmac.compare_digest(token.encode(), expected.encode()):
            raise CsrfRefused()

    def log_in(self, old: Visit, user: str, role: str) -> Session:
        """A fresh session for the user; the one used before logging in ends."""
        self.sessions.drop(old.session.token)
        return self.sessions.new(user=user, role=role)

    def log_out(self, visit: Visit) -> None:
        self.sessions.drop(visit.session.token)


def set_cookie(request: Request, response: Response, session: Session) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure over https, the whole site."""
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=request.url.scheme == "https")
