"""Databases that cannot be used give one clear StorageError line, and what was stored survives."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest

from wirebrief.errors import StorageError
from wirebrief.store import Store


def _opened(sqlite_path: Path, busy_timeout_s: float = 10.0) -> Store:
    return Store.open(f"sqlite:///{sqlite_path}", busy_timeout_s=busy_timeout_s)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("wirebrief-data/wirebrief.db", "wirebrief-data/wirebrief.db: not a database URL"),
        ("not a url at all", "not a url at all: not a database URL"),
        ("http://example.com/feed.xml", "http://example.com/feed.xml: unsupported database 'http'"),
        ("mysql://user@localhost/db", "mysql://user@localhost/db: unsupported database 'mysql'"),
        ("postgresql+psycopg2://u:secret@localhost/db", "driver 'psycopg2' is not supported"),
    ],
)
def test_a_url_that_is_not_a_usable_database(url: str, message: str) -> None:
    with pytest.raises(StorageError) as caught:
        Store.open(url)
    assert message in str(caught.value)
    assert "secret" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    database = blocker / "wirebrief.db"
    with pytest.raises(StorageError) as caught:
        _opened(database)
    assert str(caught.value) == f"{database}: cannot create the folder {blocker}: a file is in the way"


def test_a_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a folder, not a database file"):
        _opened(tmp_path)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    impostor = tmp_path / "notes.db"
    impostor.write_text("These are notes, not a database.\n" * 200)
    with pytest.raises(StorageError) as caught:
        _opened(impostor)
    assert str(caught.value) == f"{impostor}: not a SQLite database file"
    assert impostor.read_text().startswith("These are notes")


def test_the_folder_is_created(tmp_path: Path) -> None:
    database = tmp_path / "deep" / "er" / "wirebrief.db"
    with _opened(database) as store:
        assert store.location == str(database)
    assert database.is_file()


def test_a_write_waits_for_a_lock_then_fails_and_loses_nothing(sqlite_path: Path, make) -> None:
    with _opened(sqlite_path, busy_timeout_s=0.05) as store:
        first = make.article("a1")
        store.upsert_article(first)
        other = sqlite3.connect(sqlite_path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StorageError) as caught:
                store.upsert_articles([make.article("a2"), make.article("a3")])
            assert str(caught.value) == f"{sqlite_path}: database is locked by another process"
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.articles() == [first]
        assert store.upsert_article(make.article("a2")) == "inserted"  # usable once the lock is gone


def test_opening_a_database_locked_by_another_process(tmp_path: Path) -> None:
    database = tmp_path / "busy.db"
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("CREATE TABLE unrelated (x)")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO unrelated VALUES (1)")
    try:
        with pytest.raises(StorageError) as caught:
            _opened(database, busy_timeout_s=0.05)
        assert str(caught.value) == f"{database}: database is locked by another process"
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_read_only_url_reads_but_refuses_writes(sqlite_path: Path, make) -> None:
    first = make.article("a1")
    with _opened(sqlite_path) as store:
        store.upsert_article(first)
    with Store.open(f"sqlite:///file:{sqlite_path}?mode=ro&uri=true") as read_only:
        assert read_only.location == str(sqlite_path)
        assert read_only.articles() == [first]
        with pytest.raises(StorageError) as caught:
            read_only.upsert_article(make.article("a2"))
        assert str(caught.value) == f"{sqlite_path}: database is read-only"
    with _opened(sqlite_path) as store:
        assert store.articles() == [first]


def test_a_read_only_url_of_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StorageError, match="does not exist"):
        Store.open(f"sqlite:///file:{missing}?mode=ro&uri=true")
    assert not missing.exists()


def test_an_immutable_file_is_read_only_even_for_root(sqlite_path: Path, make) -> None:
    # Root ignores permission bits, so chmod 444 proves nothing there; the immutable attribute binds
    # root too, where the file system and the container allow setting it.
    first = make.article("a1")
    with _opened(sqlite_path) as store:
        store.upsert_article(first)
    if subprocess.run(["chattr", "+i", str(sqlite_path)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +i is not available here (file system or missing CAP_LINUX_IMMUTABLE)")
    try:
        with _opened(sqlite_path, busy_timeout_s=0.05) as store:
            assert store.articles() == [first]
            with pytest.raises(StorageError) as caught:
                store.upsert_article(make.article("a2"))
            assert str(caught.value) == f"{sqlite_path}: database is read-only"
    finally:
        subprocess.run(["chattr", "-i", str(sqlite_path)], check=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permission bits")
def test_a_file_without_write_permission_is_read_only(sqlite_path: Path, make) -> None:
    first = make.article("a1")
    with _opened(sqlite_path) as store:
        store.upsert_article(first)
    sqlite_path.chmod(0o444)
    try:
        with (
            _opened(sqlite_path, busy_timeout_s=0.05) as store,
            pytest.raises(StorageError, match="database is read-only"),
        ):
            store.upsert_article(make.article("a2"))
    finally:
        sqlite_path.chmod(0o644)


def test_a_failed_transaction_leaves_earlier_rows_intact(store: Store, make) -> None:
    first = make.article("a1")
    store.upsert_article(first)
    with pytest.raises(StorageError, match="names article ghost"), store.transaction():
        store.upsert_article(make.article("a2"))
        store.upsert_article(make.article("a1", "A revised text that must not stick."))
        store.save_stories([make.story("s1", make.article("ghost"))])
    assert store.articles() == [first]
    assert store.article_revisions("a1") == []
    assert store.stories() == []


def test_a_transaction_stores_everything_together(store: Store, make) -> None:
    articles = [make.article("a1"), make.article("a2", hours=1)]
    with store.transaction():
        store.upsert_articles(articles)
        store.save_stories([make.story("s1", *articles)])
    assert store.counts()["stories"] == 1


def test_a_closed_store_says_so(store_url: str) -> None:
    store = Store.open(store_url)
    store.close()
    with pytest.raises(StorageError, match="the store is closed"):
        store.articles()


def test_a_postgres_server_that_is_not_there() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://wirebrief:secret@127.0.0.1:{port}/wirebrief"
    with pytest.raises(StorageError) as caught:
        Store.open(url, busy_timeout_s=1)
    message = str(caught.value)
    assert message.startswith(
        f"postgresql+psycopg://wirebrief:***@127.0.0.1:{port}/wirebrief: cannot connect"
    )
    assert "secret" not in message
