"""Alembic environment of wirebrief's store.

``wirebrief.store.Store.open`` runs the migrations itself, passing its connection in
``config.attributes["connection"]``; for writing a new migration a developer may instead give
``sqlalchemy.url`` (see docs/storage.md).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from wirebrief.store.schema import metadata

# Any constant works: it only has to be the same for every wirebrief process.
_POSTGRES_MIGRATION_LOCK = 0x77697265


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Two processes opening a fresh database at once: the second waits, then finds the schema done.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_POSTGRES_MIGRATION_LOCK})")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given_connection = context.config.attributes.get("connection")
if isinstance(given_connection, Connection):
    _run(given_connection)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations through wirebrief.store.Store.open(url) or set sqlalchemy.url")
    with create_engine(url).begin() as own_connection:
        _run(own_connection)
