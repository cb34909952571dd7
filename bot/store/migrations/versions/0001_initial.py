"""Initial schema: communities, members, cases, strikes, outcomes, notes, schedules, sanctions,
audit log, config revisions and processed message ids.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target_user_id", sa.String(length=200), nullable=True),
        sa.Column("case_number", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_community"), "audit_log", ["community"], unique=False)
    op.create_index(op.f("ix_audit_log_created_at"), "audit_log", ["created_at"], unique=False)
    op.create_index(
        op.f("ix_audit_log_target_user_id"), "audit_log", ["target_user_id"], unique=False
    )

    op.create_table(
        "communities",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("last_case_number", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_communities")),
    )
    op.create_table(
        "config_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_revisions")),
    )
    op.create_index(op.f("ix_config_revisions_scope"), "config_revisions", ["scope"], unique=False)

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(
        op.f("ix_notes_community_user_id"), "notes", ["community", "user_id"], unique=False
    )

    op.create_table(
        "processed_messages",
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_processed_messages")),
    )
    op.create_index(
        op.f("ix_processed_messages_seen_at"), "processed_messages", ["seen_at"], unique=False
    )

    op.create_table(
        "sanctions",
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("muted_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("banned_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("banned_forever", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("community", "user_id", name=op.f("pk_sanctions")),
    )
    op.create_table(
        "scheduled_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.Integer(), nullable=True),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_actions")),
    )
    op.create_index(
        op.f("ix_scheduled_actions_due_at"), "scheduled_actions", ["due_at"], unique=False
    )
    op.create_index(
        "uq_scheduled_actions_pending",
        "scheduled_actions",
        ["community", "user_id", "kind"],
        unique=True,
        sqlite_where=sa.text("fired_at IS NULL AND cancelled = false"),
        postgresql_where=sa.text("fired_at IS NULL AND cancelled = false"),
    )

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("user_name", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("channel_id", sa.String(length=200), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=True),
        sa.Column("message_text", sa.Text(), nullable=True),
        sa.Column("message_link", sa.Text(), nullable=False),
        sa.Column("spans", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Boolean(), nullable=False),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("shadow", sa.Boolean(), nullable=False),
        sa.Column("action_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("text_purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("points >= 0", name=op.f("ck_cases_points_not_negative")),
        sa.ForeignKeyConstraint(
            ["community"], ["communities.key"], name=op.f("fk_cases_community_communities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("community", "number", name=op.f("uq_cases_community_number")),
    )
    op.create_index(
        op.f("ix_cases_community_user_id"), "cases", ["community", "user_id"], unique=False
    )

    op.create_table(
        "members",
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("platform", sa.String(length=40), nullable=False),
        sa.Column("user_name", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community"], ["communities.key"], name=op.f("fk_members_community_communities")
        ),
        sa.PrimaryKeyConstraint("community", "user_id", name=op.f("pk_members")),
    )
    op.create_table(
        "case_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_outcomes_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_outcomes")),
    )
    op.create_index(op.f("ix_case_outcomes_case_id"), "case_outcomes", ["case_id"], unique=False)

    op.create_table(
        "strikes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("case_number", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pardoned_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "expires_at IS NULL OR expires_at > created_at",
            name=op.f("ck_strikes_expires_after_creation"),
        ),
        sa.CheckConstraint("points > 0", name=op.f("ck_strikes_points_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_strikes_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strikes")),
    )
    op.create_index(
        op.f("ix_strikes_community_user_id"), "strikes", ["community", "user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_strikes_community_user_id"), table_name="strikes")

    op.drop_table("strikes")
    op.drop_index(op.f("ix_case_outcomes_case_id"), table_name="case_outcomes")

    op.drop_table("case_outcomes")
    op.drop_table("members")
    op.drop_index(op.f("ix_cases_community_user_id"), table_name="cases")

    op.drop_table("cases")
    op.drop_index("uq_scheduled_actions_pending", table_name="scheduled_actions")
    op.drop_index(op.f("ix_scheduled_actions_due_at"), table_name="scheduled_actions")

    op.drop_table("scheduled_actions")
    op.drop_table("sanctions")
    op.drop_index(op.f("ix_processed_messages_seen_at"), table_name="processed_messages")

    op.drop_table("processed_messages")
    op.drop_index(op.f("ix_notes_community_user_id"), table_name="notes")

    op.drop_table("notes")
    op.drop_index(op.f("ix_config_revisions_scope"), table_name="config_revisions")

    op.drop_table("config_revisions")
    op.drop_table("communities")
    op.drop_index(op.f("ix_audit_log_target_user_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_created_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_community"), table_name="audit_log")

    op.drop_table("audit_log")
