"""The schema as SQLAlchemy Core tables (the migrations in ``migrations/versions`` create it).

Members are keyed by (community key, platform user id) as opaque strings. Case numbers are per
community, allocated from ``communities.last_case_number`` inside the case's own transaction.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)

from bot.store.column_types import PortableText, UTCDateTime

__all__ = [
    "audit_log",
    "case_outcomes",
    "cases",
    "communities",
    "config_revisions",
    "members",
    "metadata",
    "notes",
    "processed_messages",
    "sanctions",
    "scheduled_actions",
    "strikes",
]

KEY = 200  # length of community keys and platform ids (opaque strings)
PENDING = "fired_at IS NULL AND cancelled = false"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

communities = Table(
    "communities",
    metadata,
    Column("key", String(KEY), primary_key=True),
    Column("last_case_number", Integer, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("community", String(KEY), ForeignKey("communities.key"), primary_key=True),
    Column("user_id", String(KEY), primary_key=True),
    Column("platform", String(40), nullable=False),
    Column("user_name", PortableText, nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community", String(KEY), ForeignKey("communities.key"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("platform", String(40), nullable=False),
    Column("user_id", String(KEY), nullable=False),
    Column("user_name", PortableText, nullable=False),
    Column("action", String(40), nullable=False),
    Column("actor", String(KEY), nullable=False),
    Column("reason", PortableText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("category", String(40)),
    Column("score", Float),
    Column("lang", String(8)),
    Column("channel_id", String(KEY)),
    Column("message_id", String(KEY)),
    Column("message_text", PortableText),
    Column("message_link", PortableText, nullable=False),
    Column("spans", PortableText, nullable=False),  # JSON list of [start, end, text]
    Column("reasons", PortableText, nullable=False),  # JSON list of strings
    Column("points", Integer, nullable=False),
    Column("evidence", Boolean, nullable=False),
    Column("legal_hold", Boolean, nullable=False),
    Column("shadow", Boolean, nullable=False),
    Column("action_until", UTCDateTime),
    Column("text_purged_at", UTCDateTime),
    UniqueConstraint("community", "number"),
    CheckConstraint("points >= 0", name="points_not_negative"),
    Index(None, "community", "user_id"),
)

strikes = Table(
    "strikes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("community", String(KEY), nullable=False),
    Column("user_id", String(KEY), nullable=False),
    Column("case_number", Integer, nullable=False),
    Column("points", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("pardoned_at", UTCDateTime),
    CheckConstraint("points > 0", name="points_positive"),
    CheckConstraint("expires_at IS NULL OR expires_at > created_at", name="expires_after_creation"),
    Index(None, "community", "user_id"),
)

case_outcomes = Table(
    "case_outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("action", String(40), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("detail", PortableText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "case_id"),
)

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community", String(KEY), nullable=False),
    Column("user_id", String(KEY), nullable=False),
    Column("author", String(KEY), nullable=False),
    Column("text", PortableText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("case_number", Integer),
    Index(None, "community", "user_id"),
)

scheduled_actions = Table(
    "scheduled_actions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community", String(KEY), nullable=False),
    Column("platform", String(40), nullable=False),
    Column("user_id", String(KEY), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("case_number", Integer),
    Column("fired_at", UTCDateTime),
    Column("cancelled", Boolean, nullable=False),
    # at most one pending action per member and kind, even with concurrent writers
    Index(
        "uq_scheduled_actions_pending",
        "community",
        "user_id",
        "kind",
        unique=True,
        sqlite_where=text(PENDING),
        postgresql_where=text(PENDING),
    ),
    Index(None, "due_at"),
)

sanctions = Table(
    "sanctions",
    metadata,
    Column("community", String(KEY), primary_key=True),
    Column("user_id", String(KEY), primary_key=True),
    Column("muted_until", UTCDateTime),
    Column("banned_until", UTCDateTime),
    Column("banned_forever", Boolean, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("community", String(KEY), nullable=False),
    Column("actor", String(KEY), nullable=False),
    Column("action", String(60), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("target_user_id", String(KEY)),
    Column("case_number", Integer),
    Column("reason", PortableText, nullable=False),
    Column("detail", PortableText, nullable=False),
    Index(None, "community"),
    Index(None, "target_user_id"),
    Index(None, "created_at"),
)

config_revisions = Table(
    "config_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(KEY), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", PortableText, nullable=False),
    Column("author", String(KEY), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "scope"),
)

processed_messages = Table(
    "processed_messages",
    metadata,
    Column("key", String(500), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
    Index(None, "seen_at"),
)
