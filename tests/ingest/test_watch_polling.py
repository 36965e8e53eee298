"""`wirebrief watch` against a real HTTP server on 127.0.0.1: conditional GET, backoff, robots.txt."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wirebrief.ingest.watch import Watcher
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief_cli import run_wirebrief

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _rss(*items: tuple[str, str, str]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate><description>{text}</description></item>"
        for title, link, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test Desk</title>'
        f"<link>https://desk.example/</link><description>tests</description>{entries}</channel></rss>"
    ).encode()


FEED_V1 = _rss(
    (
        "Council approves water plan",
        "https://desk.example/water",
        "The regional council of Valparaiso approved a new water plan on Friday after two years of "
        "drought. The plan limits irrigation and funds three desalination plants.",
    ),
    (
        "Port strike ends after talks",
        "https://desk.example/port",
        "Dock workers in Rotterdam ended a four-day strike on Thursday after the port authority agreed "
        "to a pay rise of six percent, union leaders said.",
    ),
)
FEED_V2 = FEED_V1.replace(
    b"</channel>",
    b"<item><title>Bridge reopens</title><link>https://desk.example/bridge</link>"
    b"<guid>https://desk.example/bridge</guid><pubDate>Fri, 20 Nov 2026 11:00:00 GMT</pubDate>"
    b"<description>The Old Bridge in Mostar reopened to traffic on Friday after repairs that took "
    b"eleven months, the city said.</description></item></channel>",
)


@dataclass
class FeedSite:
    """What the server serves and what it was asked."""

    base: str = ""
    feed: bytes = FEED_V1
    etag: str = '"v1"'
    feed_status: int = 200
    robots: bytes = b"User-agent: *\nDisallow: /private/\n"
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def seen(self, path: str) -> list[dict[str, str]]:
        return [headers for seen_path, headers in self.requests if seen_path == path]


def _handler_for(site: FeedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
            if path == "/robots.txt":
                self._send(200, site.robots, {"Content-Type": "text/plain"})
            elif path in ("/feed.xml", "/private/feed.xml"):
                if site.feed_status != 200:
                    self._send(site.feed_status, b"server trouble", {"Content-Type": "text/plain"})
                elif self.headers.get("If-None-Match") == site.etag:
                    self._send(304, b"", {"ETag": site.etag})
                else:
                    self._send(
                        200,
                        site.feed,
                        {
                            "Content-Type": "application/rss+xml",
                            "ETag": site.etag,
                            "Last-Modified": "Fri, 20 Nov 2026 09:30:00 GMT",
                        },
                    )
            else:
                self._send(404, b"no route", {"Content-Type": "text/plain"})

    return Handler


@pytest.fixture
def site() -> Iterator[FeedSite]:
    served = FeedSite()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(served))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    served.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield served
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.model_validate(
        {"data_dir": tmp_path / "data", "allow_private_addresses": True, "fetch_timeout_s": 5.0}
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    with Store.open(settings.resolved_database_url) as opened:
        yield opened


def test_first_poll_stores_items_and_the_etag_and_the_second_gets_304(
    site: FeedSite, settings: Settings, store: Store
) -> None:
    url = site.url("/feed.xml")
    store.add_source(url, "Test Desk", 300, when=T0)
    watcher = Watcher(settings, store)

    first = watcher.run_round(now=T0)
    assert [(p.status, p.new_articles) for p in first.polls] == [("new", 2)]
    assert len(site.seen("/feed.xml")) == 1  # the 200's body is ingested, not requested again
    assert store.counts()["articles"] == 2
    source = store.source(url)
    assert source is not None
    assert source.etag == '"v1"' and source.last_modified == "Fri, 20 Nov 2026 09:30:00 GMT"
    assert source.last_success_at == T0 and source.items_seen == 2
    assert source.next_poll_at == T0 + timedelta(seconds=300)

    assert watcher.run_round(now=T0 + timedelta(seconds=60)).polls == []  # not due yet

    requests_before = len(site.seen("/feed.xml"))
    second = watcher.run_round(now=T0 + timedelta(seconds=300))
    assert [p.status for p in second.polls] == ["not-modified"]
    conditional = site.seen("/feed.xml")[requests_before:]
    assert len(conditional) == 1  # a 304 is not fetched again by the ingest path
    assert conditional[0]["if-none-match"] == '"v1"'
    assert conditional[0]["if-modified-since"] == "Fri, 20 Nov 2026 09:30:00 GMT"
    assert store.counts()["articles"] == 2
    assert store.source(url).items_seen == 2  # type: ignore[union-attr]


def test_a_changed_feed_adds_only_its_new_items(site: FeedSite, settings: Settings, store: Store) -> None:
    url = site.url("/feed.xml")
    store.add_source(url, None, 300, when=T0)
    watcher = Watcher(settings, store)
    watcher.run_round(now=T0)
    site.feed, site.etag = FEED_V2, '"v2"'
    later = watcher.run_round(now=T0 + timedelta(seconds=300))
    assert [(p.status, p.reports_read, p.new_articles) for p in later.polls] == [("new", 3, 1)]
    assert len(site.seen("/feed.xml")) == 2  # one GET a poll, the changed one included
    source = store.source(url)
    assert source is not None and source.etag == '"v2"' and source.items_seen == 3


def test_a_server_error_counts_and_backs_off_exponentially_until_a_success(
    site: FeedSite, settings: Settings, store: Store
) -> None:
    url = site.url("/feed.xml")
    store.add_source(url, None, 60, when=T0)
    watcher = Watcher(settings, store)
    site.feed_status = 500

    watcher.run_round(now=T0)
    first = store.source(url)
    assert first is not None and first.consecutive_errors == 1
    assert first.last_error is not None and "HTTP 500" in first.last_error and url in first.last_error
    assert first.next_poll_at == T0 + timedelta(seconds=120)

    second_at = first.next_poll_at
    watcher.run_round(now=second_at)
    second = store.source(url)
    assert second is not None and second.consecutive_errors == 2
    assert second.next_poll_at == second_at + timedelta(seconds=240)
    assert second.last_success_at is None and store.counts()["articles"] == 0

    site.feed_status = 200
    third_at = second.next_poll_at
    watcher.run_round(now=third_at)
    healed = store.source(url)
    assert healed is not None and healed.consecutive_errors == 0 and healed.last_success_at == third_at
    assert healed.next_poll_at == third_at + timedelta(seconds=60)
    assert healed.last_error is not None  # the last error stays visible after recovery
    assert store.counts()["articles"] == 2


def test_a_feed_disallowed_by_robots_txt_is_not_fetched(
    site: FeedSite, settings: Settings, store: Store
) -> None:
    url = site.url("/private/feed.xml")
    store.add_source(url, None, 300, when=T0)
    round_ = Watcher(settings, store).run_round(now=T0)
    assert [p.status for p in round_.polls] == ["robots-disallowed"]
    assert site.seen("/robots.txt") and not site.seen("/private/feed.xml")
    source = store.source(url)
    assert source is not None and source.last_error is not None and "robots.txt" in source.last_error

    ignoring = settings.model_copy(update={"respect_robots_txt": False})
    later = Watcher(ignoring, store).run_round(now=source.next_poll_at)
    assert [p.status for p in later.polls] == ["new"]
    assert len(site.seen("/private/feed.xml")) >= 1


def test_a_file_source_is_read_again_only_when_it_changes(
    tmp_path: Path, settings: Settings, store: Store
) -> None:
    feed = tmp_path / "desk.xml"
    feed.write_bytes(FEED_V1)
    store.add_source(str(feed), None, 60, when=T0)
    watcher = Watcher(settings, store)
    assert [p.status for p in watcher.run_round(now=T0).polls] == ["new"]
    assert [p.status for p in watcher.run_round(now=T0 + timedelta(seconds=60)).polls] == ["not-modified"]
    feed.write_bytes(FEED_V2)
    changed = watcher.run_round(now=T0 + timedelta(seconds=120))
    assert [(p.status, p.new_articles) for p in changed.polls] == [("new", 1)]


def test_max_polls_limits_a_round(site: FeedSite, settings: Settings, store: Store, tmp_path: Path) -> None:
    missing = tmp_path / "gone.xml"
    missing.write_bytes(FEED_V1)
    store.add_source(site.url("/feed.xml"), None, 60, when=T0)
    store.add_source(str(missing), None, 60, when=T0 - timedelta(seconds=10))
    missing.unlink()
    round_ = Watcher(settings, store).run_round(now=T0, max_polls=1)
    # The longest overdue goes first; it is gone, which is an error of that source only.
    assert [(p.location, p.status) for p in round_.polls] == [(str(missing), "error")]
    feed_source = store.source(site.url("/feed.xml"))
    assert feed_source is not None and feed_source.last_success_at is None


_wirebrief = functools.partial(run_wirebrief, env={"WIREBRIEF_ALLOW_PRIVATE_ADDRESSES": "true"})


@pytest.mark.slow  # six CLI processes, one of them loading the pipeline
def test_watch_once_polls_and_sources_list_shows_the_health(site: FeedSite, tmp_path: Path) -> None:
    data = tmp_path / "cli-data"
    good, bad = site.url("/feed.xml"), site.url("/private/feed.xml")
    for url in (good, bad):
        added = _wirebrief(data, "sources", "add", url, "--every", "600")
        assert added.returncode == 0, added.stderr
    watched = _wirebrief(data, "watch", "--once")
    assert watched.returncode == 0, watched.stderr
    assert f"{good}: 2 reports, 2 new" in watched.stdout
    assert "robots.txt" in watched.stderr and "Traceback" not in watched.stderr

    listed = _wirebrief(data, "sources", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split("│")[1].strip(): line for line in listed.stdout.splitlines() if "│ http" in line}
    assert set(rows) == {good, bad}
    cells = [cell.strip() for cell in rows[good].split("│")]
    assert cells[3] == "every 10m" and cells[4].endswith("UTC") and cells[5] == "-" and cells[6] == "2"
    bad_cells = [cell.strip() for cell in rows[bad].split("│")]
    assert bad_cells[4] == "-" and "(1 in a row)" in bad_cells[5] and bad_cells[6] == "0"
    assert _wirebrief(data, "sources").stdout == listed.stdout  # no subcommand: the list

    again = _wirebrief(data, "watch", "--once")
    assert again.returncode == 0 and "no source was due" in again.stdout


def test_the_dedupe_window_is_read_once_and_again_only_after_another_writer(
    tmp_path: Path, settings: Settings, store: Store
) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from wirebrief.pipeline import ingest

    window_reads: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("SELECT articles.id") and "ORDER BY articles.published" in statement:
            window_reads.append(statement)  # Store.articles_since: the deduplicator's seed

    first, second = tmp_path / "one.xml", tmp_path / "two.xml"
    first.write_bytes(FEED_V1)
    # The water plan again under another address (a copy of what the first source stores), and the bridge.
    second.write_bytes(FEED_V2.replace(b"https://desk.example/water", b"https://copy.example/water"))
    watcher = Watcher(settings, store)
    event.listen(Engine, "before_cursor_execute", count)
    try:
        store.add_source(str(first), None, 60, when=T0)
        assert [p.new_articles for p in watcher.run_round(now=T0).polls] == [2]
        store.add_source(str(second), None, 60, when=T0)
        polls = watcher.run_round(now=T0 + timedelta(seconds=1)).polls
        assert [p.new_articles for p in polls] == [1]  # the bridge; the copy is a duplicate
        assert len(window_reads) == 1  # seeded for the first poll, kept for the second

        # Another process stores a report; the next poll seeds again, so it drops a copy of that report.
        elsewhere, third = tmp_path / "elsewhere.xml", tmp_path / "three.xml"
        report = ("Ferry service resumes", "https://elsewhere.example/ferry", FERRY_TEXT)
        elsewhere.write_bytes(_rss(report))
        third.write_bytes(_rss((report[0], "https://third.example/ferry", FERRY_TEXT)))
        with Store.open(settings.resolved_database_url) as other:
            assert ingest(other, [str(elsewhere)], settings).new_articles == 1
        reads_before = len(window_reads)
        store.add_source(str(third), None, 60, when=T0)
        (poll,) = watcher.run_round(now=T0 + timedelta(seconds=2)).polls
        assert poll.new_articles == 0
        assert len(window_reads) == reads_before + 1
    finally:
        event.remove(Engine, "before_cursor_execute", count)


FERRY_TEXT = (
    "The ferry between Split and Hvar resumed service on Friday after storms kept boats in port for three "
    "days, the operator said, adding that extra sailings would clear the backlog of passengers by Sunday."
)
