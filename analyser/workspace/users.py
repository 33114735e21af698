"""Local accounts for the tutor pages: names, roles and argon2 password hashes (never the password)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ..errors import WorkspaceError
from .models import User
from .store import Workspace

__all__ = ["ROLES", "add_user", "verify_user"]

ROLES = ("tutor", "admin")
_HASHER = PasswordHasher()
MIN_PASSWORD = 8


def add_user(workspace: Workspace, name: str, password: str, *, role: str = "tutor") -> None:
    """Create an account, or set a new password and role for an existing one."""
    if role not in ROLES:
        raise WorkspaceError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise WorkspaceError(f"the password is too short; use at least {MIN_PASSWORD} characters")
    if not name.strip():
        raise WorkspaceError("a user needs a name")
    with workspace.session() as session, session.begin():
        user = session.scalars(select(User).where(User.name == name)).first()
        if user is None:
            session.add(User(name=name, role=role, password_hash=_HASHER.hash(password)))
        else:
            user.role = role
            user.password_hash = _HASHER.hash(password)


def verify_user(workspace: Workspace, name: str, password: str) -> str | None:
    """The user's role when the name and password match, else None (same time either way)."""
    with workspace.session() as session:
        user = session.scalars(select(User).where(User.name == name)).first()
        stored = user.password_hash if user is not None else _DUMMY
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return user.role if user is not None else None


_DUMMY = _HASHER.hash("not a password anyone has")
