"""The workspace: learners, every draft's analysis and the review decisions, in a real database.

SQLite by default (a file path), PostgreSQL for a shared install (a ``postgresql://`` URL);
SQLAlchemy models in :mod:`.models`, Alembic migrations in ``migrations/`` (run on open).
Without a workspace nothing is stored.
"""

from __future__ import annotations

from .history import HISTORY_SCHEMA, learner_history
from .store import ACTIONS, DraftRecord, Workspace, workspace_url
from .users import ROLES, add_user, verify_user

__all__ = [
    "ACTIONS",
    "HISTORY_SCHEMA",
    "ROLES",
    "DraftRecord",
    "Workspace",
    "add_user",
    "learner_history",
    "verify_user",
    "workspace_url",
]
