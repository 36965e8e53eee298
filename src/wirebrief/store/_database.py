"""Opening a database: URL checks, engines with the right connection settings, migrations, and the
translation of driver errors into one-line ``StorageError`` problems."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import ConnectionPoolEntry

from wirebrief.errors import StorageError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Execution option naming a connection that will write: on SQLite it starts with BEGIN IMMEDIATE, so
# the write lock is taken (waiting up to the busy timeout) before anything is read, instead of failing
# half-way when a read transaction cannot be upgraded.
WRITE_OPTION = "wirebrief_write"

URL_HINT = "use sqlite:///path/to/wirebrief.db or postgresql+psycopg://user:password@host:5432/dbname"


@dataclass(frozen=True, slots=True)
class Target:
    """A checked database URL and how to name it in messages."""

    url: URL
    location: str  # the file path for SQLite, the URL without its password for PostgreSQL
    backend: str  # "sqlite" or "postgresql"
    sqlite_path: Path | None  # None for PostgreSQL and in-memory SQLite
    read_only: bool


def parse_target(url_text: str) -> Target:
    """Check that ``url_text`` names a database wirebrief can use."""
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise StorageError(url_text, f"not a database URL ({URL_HINT})") from exc
    backend = url.get_backend_name()
    if backend == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3, not SQLAlchemy's default psycopg2
        elif url.get_driver_name() != "psycopg":
            raise StorageError(
                url.render_as_string(hide_password=True),
                f"driver {url.get_driver_name()!r} is not supported; use postgresql+psycopg://",
            )
        return Target(url, url.render_as_string(hide_password=True), backend, None, False)
    if backend != "sqlite":
        raise StorageError(
            url.render_as_string(hide_password=True), f"unsupported database {backend!r} ({URL_HINT})"
        )
    database = url.database or ""
    if database in ("", ":memory:"):
        return Target(url, ":memory:", backend, None, False)
    uri_mode = str(url.query.get("uri", "")).lower() in ("true", "1")
    path_text = database.removeprefix("file:") if uri_mode else database
    read_only = uri_mode and str(url.query.get("mode", "")) == "ro"
    return Target(url, path_text, backend, Path(path_text), read_only)


def prepare_sqlite_file(target: Target) -> None:
    """Create the database's folder; refuse a path that cannot hold a database file."""
    path = target.sqlite_path
    if path is None:
        return
    if path.is_dir():
        raise StorageError(target.location, "is a folder, not a database file")
    if target.read_only:
        if not path.exists():
            raise StorageError(target.location, "database file does not exist (opened read-only)")
        return
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise StorageError(
            target.location, f"cannot create the folder {folder}: a file is in the way"
        ) from exc
    except OSError as exc:
        raise StorageError(
            target.location, f"cannot create the folder {folder}: {exc.strerror or exc}"
        ) from exc


def create_database_engine(target: Target, busy_timeout_s: float) -> Engine:
    """An engine whose connections wait ``busy_timeout_s`` for locks; SQLite in WAL mode with foreign keys."""
    timeout_ms = max(0, round(busy_timeout_s * 1000))
    if target.backend == "sqlite":
        engine = create_engine(target.url, connect_args={"timeout": busy_timeout_s})

        @event.listens_for(engine, "connect")
        def _configure_sqlite(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            # The driver's own transaction handling would defer BEGIN; we issue BEGIN ourselves.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
                cursor.execute("PRAGMA foreign_keys = ON")
                if not target.read_only:
                    # WAL: readers never block the writer nor it them; NORMAL sync is safe with WAL.
                    cursor.execute("PRAGMA journal_mode = WAL")
                    cursor.execute("PRAGMA synchronous = NORMAL")
            finally:
                cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_sqlite(connection: Any) -> None:
            writing = bool(connection.get_execution_options().get(WRITE_OPTION))
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

        return engine

    engine = create_engine(target.url, connect_args={"connect_timeout": max(1, round(busy_timeout_s))})

    @event.listens_for(engine, "connect")
    def _configure_postgres(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # The PostgreSQL counterpart of SQLite's busy timeout: how long to wait for a row or table lock.
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET lock_timeout = {timeout_ms}")
        finally:
            cursor.close()
        dbapi_connection.commit()

    return engine


def alembic_config(connection: Any = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_schema(engine: Engine, target: Target) -> None:
    """Bring the schema to the newest migration; a database already there is only read."""
    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return
    known = {revision.revision for revision in scripts.walk_revisions()}
    if current is not None and current not in known:
        raise StorageError(
            target.location,
            f"the database schema (revision {current}) is newer than this wirebrief knows (up to {head}); "
            "upgrade wirebrief",
        )
    if target.read_only:
        raise StorageError(target.location, "database is read-only and its schema needs upgrading")
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def describe_error(exc: BaseException) -> str:
    """The problem in plain words, one line."""
    original: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(exc, NoSuchModuleError):
        return f"no database driver for this URL ({URL_HINT})"
    if isinstance(original, sqlite3.Error):
        name = getattr(original, "sqlite_errorname", "")
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return "database is locked by another process"
        if name.startswith("SQLITE_READONLY"):
            return "database is read-only"
        if name.startswith("SQLITE_CANTOPEN"):
            return "cannot open or create the database file"
        if name == "SQLITE_NOTADB":
            return "not a SQLite database file"
        if name == "SQLITE_FULL":
            return "disk is full"
        if name.startswith("SQLITE_CORRUPT"):
            return "the database file is damaged"
        if name.startswith("SQLITE_IOERR"):
            return "disk I/O error while using the database file"
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    text = lines[0] if lines else type(original).__name__
    if type(original).__module__.startswith("psycopg") and "connection" in text and "failed" in text:
        return f"cannot connect to the database server: {text}"
    if "lock timeout" in text:
        return f"database is locked by another process ({text})"
    return text


def storage_error(location: str, exc: SQLAlchemyError) -> StorageError:
    return StorageError(location, describe_error(exc))


__all__ = [
    "MIGRATIONS_DIR",
    "WRITE_OPTION",
    "Target",
    "alembic_config",
    "create_database_engine",
    "describe_error",
    "parse_target",
    "prepare_sqlite_file",
    "storage_error",
    "upgrade_schema",
]
