"""The workspace's tables (SQLAlchemy ORM): learners, drafts, decisions, users.

Decisions are an append-only audit trail: a new decision on a criterion is a new row; the
latest row for (learner, code) is the one that stands. Nothing here is ever updated in place
except a learner's optional details (ULN, employer, group, tutor) from a newer roster.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Decision", "Draft", "Learner", "User", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uln: Mapped[str | None] = mapped_column(String(20))
    employer: Mapped[str | None] = mapped_column(String(200))
    group: Mapped[str | None] = mapped_column("cohort_group", String(200))
    tutor: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    drafts: Mapped[list["Draft"]] = relationship(back_populates="learner", order_by="Draft.number")


class Draft(Base):
    """One analysis of one file of a learner's (the ksb-analysis/1 document as stored JSON)."""

    __tablename__ = "drafts"
    __table_args__ = (
        UniqueConstraint("learner_id", "number", name="uq_drafts_learner_number"),
        Index("ix_drafts_learner_sha", "learner_id", "sha256", "scheme_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    scheme_id: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(400))
    analysed_at: Mapped[datetime] = mapped_column(default=utc_now)
    document: Mapped[str] = mapped_column(Text)

    learner: Mapped[Learner] = relationship(back_populates="drafts")


class Decision(Base):
    """A person's decision on one criterion of one draft: confirm, reject, or credit a named section."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_learner_code", "learner_id", "code", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(20))  # confirm | reject
    section: Mapped[int | None] = mapped_column(Integer)
    section_heading: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of the sentences it was made on
    comment: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utc_now)


class User(Base):
    """A local account for the tutor pages of ``ksb serve`` (password hashed with argon2)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # tutor | admin
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
