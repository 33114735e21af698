"""The first workspace: learners, drafts, decisions (append-only) and users.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("uln", sa.String(20)),
        sa.Column("employer", sa.String(200)),
        sa.Column("cohort_group", sa.String(200)),
        sa.Column("tutor", sa.String(200)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("scheme_id", sa.String(200), nullable=False),
        sa.Column("source_name", sa.String(400), nullable=False),
        sa.Column("analysed_at", sa.DateTime, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.UniqueConstraint("learner_id", "number", name="uq_drafts_learner_number"),
    )
    op.create_index("ix_drafts_learner_sha", "drafts", ["learner_id", "sha256", "scheme_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("learner_id", sa.Integer, sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id"), nullable=False, index=True),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("section", sa.Integer),
        sa.Column("section_heading", sa.Text),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("by", sa.String(200)),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_decisions_learner_code", "decisions", ["learner_id", "code", "id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("users")
    op.drop_index("ix_decisions_learner_code", "decisions")
    op.drop_table("decisions")
    op.drop_index("ix_drafts_learner_sha", "drafts")
    op.drop_table("drafts")
    op.drop_table("learners")
