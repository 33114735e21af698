"""The workspace: a database holding learners, every draft's analysis and the decisions on it.

    >>> workspace = Workspace.open("cohort.ksb")          # doctest: +SKIP  (SQLite file, made and migrated)
    >>> workspace.record(document, LearnerInfo("Aisha Khan"))   # doctest: +SKIP
    >>> workspace.decide("Aisha Khan", "K1.1", "confirm", comment="clear", by="tutor")   # doctest: +SKIP

A plain path is a SQLite file; a URL (``postgresql://…``, ``sqlite:///…``) is used as it is.
Opening runs the Alembic migrations up to the newest revision, so a workspace made by an older
version is brought up to date on first use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import WorkspaceError
from ..learners import LearnerInfo
from .models import Decision, Draft, Learner

__all__ = ["ACTIONS", "DraftRecord", "Workspace", "workspace_url"]

ACTIONS = ("confirm", "reject")
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def workspace_url(target: str | Path) -> str:
    """A database URL for a path (a SQLite file) or a URL given as it is.

    ``postgres://`` and ``postgresql://`` URLs use the psycopg (3) driver (``pip install
    'ksb-analyser[postgres]'``) unless they name another (``postgresql+psycopg2://``).
    """
    text = str(target)
    if "://" in text:
        scheme, rest = text.split("://", 1)
        if scheme in ("postgres", "postgresql"):
            return f"postgresql+psycopg://{rest}"
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


@dataclass(frozen=True)
class DraftRecord:
    """Where an analysis was recorded: the learner, the draft number, and whether it was new."""

    learner: str
    draft: int
    new: bool


class Workspace:
    """One database; open it with :meth:`open` (creates and migrates it)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, target: str | Path) -> "Workspace":
        url = workspace_url(target)
        if url.startswith("sqlite:///"):
            folder = Path(url[len("sqlite:///"):]).parent
            if not folder.is_dir():
                raise WorkspaceError(f"the folder {folder} does not exist; create it or choose another workspace path")
        try:
            engine = create_engine(url)
        except ImportError as err:
            if url.startswith("postgresql"):
                raise WorkspaceError(
                    "a PostgreSQL workspace needs the psycopg driver: pip install 'ksb-analyser[postgres]'"
                ) from err
            raise WorkspaceError(f"cannot use the workspace {_shown(url)} ({type(err).__name__}); check the path or URL") from err
        except (SQLAlchemyError, ValueError) as err:
            raise WorkspaceError(f"cannot use the workspace {_shown(url)} ({type(err).__name__}); check the path or URL") from err
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        workspace = cls(engine)
        workspace.migrate()
        return workspace

    def migrate(self) -> None:
        """Bring the schema up to the newest Alembic revision."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as err:
            raise WorkspaceError(
                f"cannot open the workspace {_shown(str(self.engine.url))} ({type(err).__name__}): "
                "is it a KSB Analyser workspace, and writable?"
            ) from err

    def session(self) -> Session:
        return self._sessions()

    # -- learners and drafts -------------------------------------------------------------

    def record(self, document: dict[str, Any], learner: LearnerInfo) -> DraftRecord:
        """Store an analysis as the learner's next draft; the same file (sha256, scheme) again is not a new draft."""
        sha256 = document["source"]["sha256"]
        scheme_id = document["scheme"]["id"]
        with self.session() as session, session.begin():
            person = self._learner(session, learner.name, create=True, info=learner)
            existing = session.scalars(
                select(Draft).where(Draft.learner_id == person.id, Draft.sha256 == sha256, Draft.scheme_id == scheme_id)
            ).first()
            if existing is not None:
                return DraftRecord(learner=person.name, draft=existing.number, new=False)
            number = (session.scalar(select(func.max(Draft.number)).where(Draft.learner_id == person.id)) or 0) + 1
            session.add(
                Draft(
                    learner_id=person.id,
                    number=number,
                    sha256=sha256,
                    scheme_id=scheme_id,
                    source_name=document["source"]["path"],
                    document=json.dumps(document, ensure_ascii=False),
                )
            )
        return DraftRecord(learner=learner.name, draft=number, new=True)

    def draft_number(self, learner: str, sha256: str, scheme_id: str) -> int | None:
        """The draft number an analysis of these bytes already has, if any."""
        with self.session() as session:
            return session.scalar(
                select(Draft.number).join(Learner).where(Learner.name == learner, Draft.sha256 == sha256, Draft.scheme_id == scheme_id)
            )

    def learner_names(self) -> list[str]:
        with self.session() as session:
            return list(session.scalars(select(Learner.name).order_by(Learner.name)))

    def learner(self, name: str) -> LearnerInfo:
        with self.session() as session:
            person = self._learner(session, name)
            return LearnerInfo(person.name, person.uln, person.employer, person.group, person.tutor)

    def drafts(self, learner: str) -> list[tuple[int, str, str, dict[str, Any]]]:
        """(number, sha256, analysed_at ISO, document) for each draft, oldest first."""
        with self.session() as session:
            person = self._learner(session, learner)
            rows = session.scalars(select(Draft).where(Draft.learner_id == person.id).order_by(Draft.number))
            return [(d.number, d.sha256, _iso(d.analysed_at), json.loads(d.document)) for d in rows]

    def latest_documents(self) -> Iterator[tuple[LearnerInfo, int, dict[str, Any]]]:
        """Every learner's latest draft: (learner, draft number, document)."""
        with self.session() as session:
            latest = select(Draft.learner_id, func.max(Draft.number).label("number")).group_by(Draft.learner_id).subquery()
            rows = session.execute(
                select(Learner, Draft)
                .join(Draft, Draft.learner_id == Learner.id)
                .join(latest, (latest.c.learner_id == Draft.learner_id) & (latest.c.number == Draft.number))
                .order_by(Learner.name)
            )
            for person, draft in rows:
                info = LearnerInfo(person.name, person.uln, person.employer, person.group, person.tutor)
                yield info, draft.number, json.loads(draft.document)

    # -- decisions -------------------------------------------------------------------------

    def decide(
        self,
        learner: str,
        code: str,
        action: str,
        *,
        section: int | None = None,
        comment: str | None = None,
        by: str | None = None,
    ) -> int:
        """Record a decision on the learner's latest draft (append-only); returns that draft's number.

        ``section``: credit that section instead of the one suggested (with ``confirm``).
        WorkspaceError for an unknown learner, criterion, section or action.
        """
        if action not in ACTIONS:
            raise WorkspaceError(f"unknown decision {action!r}; use confirm or reject")
        with self.session() as session, session.begin():
            person = self._learner(session, learner)
            draft = session.scalars(
                select(Draft).where(Draft.learner_id == person.id).order_by(Draft.number.desc()).limit(1)
            ).first()
            if draft is None:
                raise WorkspaceError(f"{learner} has no draft in this workspace yet; analyse one with --workspace")
            document = json.loads(draft.document)
            criterion = next((c for c in document["criteria"] if c["code"] == code), None)
            if criterion is None:
                codes = ", ".join(c["code"] for c in document["criteria"][:6])
                raise WorkspaceError(f"{code!r} is not a criterion of {learner}'s draft {draft.number} (its criteria: {codes}, ...)")
            heading = None
            if section is not None:
                match = next((s for s in document["sections"] if s["index"] == section), None)
                if match is None:
                    raise WorkspaceError(f"draft {draft.number} of {learner} has no section {section}; see `ksb analyse` for its sections")
                heading = match["heading"]
            elif criterion["sections"]:
                heading = next((s["heading"] for s in document["sections"] if s["index"] == criterion["sections"][0]), None)
            evidence = [e["text"] for e in criterion["evidence"] if section is None or e["section"] == section]
            session.add(
                Decision(
                    learner_id=person.id,
                    draft_id=draft.id,
                    code=code,
                    action=action,
                    section=section,
                    section_heading=heading,
                    evidence=json.dumps(evidence, ensure_ascii=False),
                    comment=comment,
                    by=by,
                )
            )
            return draft.number

    def decisions(self, learner: str) -> list[dict[str, Any]]:
        """The learner's audit trail, oldest first."""
        with self.session() as session:
            person = self._learner(session, learner)
            rows = session.execute(
                select(Decision, Draft.number)
                .join(Draft, Draft.id == Decision.draft_id)
                .where(Decision.learner_id == person.id)
                .order_by(Decision.id)
            )
            return [
                {
                    "draft": number,
                    "code": d.code,
                    "decision": d.action,
                    "section": d.section,
                    "section_heading": d.section_heading,
                    "evidence": json.loads(d.evidence),
                    "comment": d.comment,
                    "by": d.by,
                    "at": _iso(d.at),
                }
                for d, number in rows
            ]

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _learner(session: Session, name: str, *, create: bool = False, info: LearnerInfo | None = None) -> Learner:
        person = session.scalars(select(Learner).where(Learner.name == name)).first()
        if person is None:
            if not create:
                raise WorkspaceError(f"no learner called {name!r} in this workspace; `ksb history` needs a learner's exact name")
            person = Learner(name=name)
            session.add(person)
        if info is not None:
            for field in ("uln", "employer", "group", "tutor"):
                value = getattr(info, field)
                if value:
                    setattr(person, field, value)
        session.flush()
        return person


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _iso(moment: Any) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _shown(url: str) -> str:
    """A URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url.removeprefix("sqlite:///")
