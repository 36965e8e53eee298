"""The schema: migrations match the tables the store uses, SQLite runs in WAL mode with foreign keys."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from wirebrief.errors import StorageError
from wirebrief.store import Store, schema
from wirebrief.store._database import alembic_config

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def fresh_url(request: pytest.FixtureRequest, sqlite_path: Path) -> str:
    """A database that does not exist yet (SQLite) or an empty schema (PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{sqlite_path}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return url


def _not_the_search_index(name: str | None, type_: str, _parent: object) -> bool:
    # The full-text index differs by backend (FTS5 and its shadow tables, or a tsvector table), so it is
    # made by migration 0004 alone and not described in schema.metadata; tests/store/test_queries.py
    # checks that it answers.
    return not (type_ == "table" and name is not None and name.startswith("story_search"))


def test_opening_migrates_to_the_head_and_matches_the_tables(fresh_url: str) -> None:
    Store.open(fresh_url).close()
    engine = create_engine(fresh_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": _not_the_search_index}
            )
            assert context.get_current_revision() == HEAD
            assert compare_metadata(context, schema.metadata) == []
    finally:
        engine.dispose()


def test_reopening_an_up_to_date_database_changes_nothing(fresh_url: str, make) -> None:
    with Store.open(fresh_url) as store:
        store.upsert_article(make.article("a1"))
    with Store.open(fresh_url) as store:
        assert store.counts()["articles"] == 1


def test_a_database_from_a_newer_wirebrief_is_refused(fresh_url: str) -> None:
    Store.open(fresh_url).close()
    engine = create_engine(fresh_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match=r"schema \(revision f00d\) is newer than this wirebrief"):
        Store.open(fresh_url)


def test_sqlite_is_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_path: Path) -> None:
    with Store.open(f"sqlite:///{sqlite_path}", busy_timeout_s=2.5) as store:
        # The connection settings are per connection: look at one of the store's own.
        with store._engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2500
        assert store.backend == "sqlite"
    with sqlite3.connect(sqlite_path) as plain:  # WAL is a property of the file
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_foreign_keys_are_enforced(sqlite_path: Path) -> None:
    with (
        Store.open(f"sqlite:///{sqlite_path}") as store,
        store._engine.connect() as connection,
        pytest.raises(IntegrityError, match="FOREIGN KEY"),
    ):
        connection.exec_driver_sql(
            "INSERT INTO story_members (story_id, article_id, position) VALUES ('s-none', 'a-none', 0)"
        )


def test_the_migrations_ship_with_the_package() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    assert '"store/migrations/**/*"' in pyproject.read_text(encoding="utf-8")
    migrations = Path(schema.__file__).with_name("migrations")
    assert (migrations / "env.py").is_file()
    assert any((migrations / "versions").glob("*.py"))


def test_a_reader_is_not_blocked_by_an_open_write(sqlite_path: Path, make) -> None:
    first = make.article("a1")
    with Store.open(f"sqlite:///{sqlite_path}") as writer, Store.open(f"sqlite:///{sqlite_path}") as reader:
        writer.upsert_article(first)
        with writer.transaction():
            writer.upsert_article(make.article("a2"))
            assert reader.articles() == [first]  # WAL: the committed state, without waiting
        assert [a.id for a in reader.articles()] == ["a1", "a2"]


@pytest.mark.integration
def test_a_plain_postgresql_url_uses_psycopg_3(postgres_schema_url: str) -> None:
    plain = postgres_schema_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with Store.open(plain) as store:
        assert store.backend == "postgresql"
        assert store.counts()["articles"] == 0
