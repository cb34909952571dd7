"""Alembic environment: uses the connection handed over by ``upgrade_database`` when there is one.

Run from the ``alembic`` command line instead, it opens its own async engine from
``sqlalchemy.url`` (with the same SQLite pragmas as the bot).
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.engine import WRITE_OPTION, make_engine
from bot.store.tables import metadata

config = context.config


def run_with(connection: Connection) -> None:
    # render_as_batch: SQLite can only ALTER by copying tables; alembic does that in batch mode
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
            await connection.run_sync(run_with)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: use `pasici db upgrade`")

shared = config.attributes.get("connection")
if shared is not None:
    run_with(shared)
else:
    asyncio.run(run_with_own_engine(config.get_main_option("sqlalchemy.url") or ""))
