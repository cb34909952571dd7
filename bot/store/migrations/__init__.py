"""Alembic migrations of the pasici store (run by ``bot.store.migrate.upgrade_database``)."""
