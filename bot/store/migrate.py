"""Schema migrations: ``upgrade_database`` runs Alembic to head; ``check_schema`` verifies it."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.store.engine import (
    NOT_MIGRATED,
    WRITE_OPTION,
    check_sqlite_file,
    describe,
    is_sqlite,
    make_engine,
    normalise_url,
    translate_errors,
)
from bot.store.errors import DatabaseNotMigratedError, StoreError

__all__ = ["alembic_config", "check_schema", "head_revision", "upgrade_database"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str = "") -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StoreError(f"no migrations found in {MIGRATIONS}")
    return head


async def upgrade_database(url: str) -> None:
    """Create or upgrade the schema to the latest revision (idempotent)."""
    parsed = normalise_url(url)
    label = describe(parsed)
    if is_sqlite(parsed):
        check_sqlite_file(parsed, must_exist=False)
    engine = make_engine(parsed)
    try:
        with translate_errors(label):
            writer = engine.execution_options(**{WRITE_OPTION: True})
            async with writer.begin() as connection:
                await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def check_schema(connection: Connection, label: str) -> None:
    """Raise ``DatabaseNotMigratedError`` unless the schema is exactly at head."""
    current = _current_revision(connection)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise DatabaseNotMigratedError(f"{label}: {NOT_MIGRATED}")
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if current in known:
        raise DatabaseNotMigratedError(
            f"{label}: schema revision {current} is older than {head}; {NOT_MIGRATED}"
        )
    raise StoreError(
        f"{label}: schema revision {current} is unknown to this version of pasici "
        "(migrated by a newer release?): upgrade pasici"
    )


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
