"""Atom and JSON Feed 1.1 of the story list, parsed back with feedparser; conditional GET; private feeds."""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import httpx
from push_server import running_server
from pydantic import SecretStr

from wirebrief.settings import Settings
from wirebrief.store import Store

Site = tuple[str, Settings]


def test_the_atom_feed_lists_the_stories_with_their_permalinks(site: Site) -> None:
    base, _ = site
    listed = httpx.get(f"{base}/api/v1/stories?limit=50", timeout=30).json()["items"]
    response = httpx.get(f"{base}/feeds/stories.atom", timeout=30)
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.id for e in feed.entries] == [item["url"] for item in listed]
    assert [e.link for e in feed.entries] == [item["url"] for item in listed]
    assert [e.title for e in feed.entries] == [item["title"] for item in listed]
    assert feed.entries[0].updated == listed[0]["as_of"].replace("+00:00", "Z")


def test_the_json_feed_is_json_feed_1_1(site: Site) -> None:
    base, _ = site
    response = httpx.get(f"{base}/feeds/stories.json", timeout=30)
    assert response.headers["content-type"].startswith("application/feed+json")
    body = response.json()
    assert body["version"] == "https://jsonfeed.org/version/1.1"
    assert body["items"] and all(item["id"] == item["url"] for item in body["items"])
    # The installed feedparser does not read JSON Feed: the spec's requirements, checked one by one.
    assert isinstance(body["title"], str) and body["feed_url"].endswith("/feeds/stories.json")
    for item in body["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_text" in item or "content_html" in item
        assert datetime.fromisoformat(item["date_modified"]) >= datetime.fromisoformat(item["date_published"])
    atom = feedparser.parse(httpx.get(f"{base}/feeds/stories.atom", timeout=30).content)
    assert [item["id"] for item in body["items"]] == [e.id for e in atom.entries]


def test_filtered_feeds_follow_the_list_filters(site: Site) -> None:
    base, _ = site
    categories = httpx.get(f"{base}/api/v1/categories", timeout=30).json()["items"]
    wanted = categories[0]
    feed = feedparser.parse(
        httpx.get(f"{base}/feeds/stories.atom?category={wanted['value']}", timeout=30).content
    )
    assert len(feed.entries) == wanted["stories"]
    assert all(wanted["value"] in [t.term for t in e.tags] for e in feed.entries)
    searched = feedparser.parse(httpx.get(f"{base}/feeds/stories.atom?q=velmora", timeout=30).content)
    assert len(searched.entries) == 1


def test_last_modified_answers_if_modified_since(site: Site) -> None:
    base, _ = site
    first = httpx.get(f"{base}/feeds/stories.atom", timeout=30)
    again = httpx.get(
        f"{base}/feeds/stories.atom",
        headers={"If-Modified-Since": first.headers["last-modified"]},
        timeout=30,
    )
    assert again.status_code == 304


def test_private_and_saved_feeds(site_settings_sqlite: Settings, tmp_path: Path) -> None:
    settings = site_settings_sqlite.model_copy(
        update={
            "feed_token": SecretStr("feed-token-abcdefghijklmnop"),
            "saved_searches": {"velmora": "q=velmora&min_sources=2"},
        }
    )
    with running_server(settings) as base:
        assert httpx.get(f"{base}/feeds/stories.atom", timeout=30).status_code == 404
        assert httpx.get(f"{base}/feeds/stories.atom?token=wrong", timeout=30).status_code == 404
        opened = httpx.get(f"{base}/feeds/saved/velmora.atom?token=feed-token-abcdefghijklmnop", timeout=30)
        assert opened.status_code == 200
        entries = feedparser.parse(opened.content).entries
        assert len(entries) == 1 and "velmora" in entries[0].summary.lower()
        assert httpx.get(f"{base}/feeds/saved/velmora.json", timeout=30).status_code == 404


def test_a_new_brief_version_updates_its_entry_instead_of_adding_one(
    site_settings_sqlite: Settings, tmp_path: Path
) -> None:
    # A copy of the site's SQLite file, so the session's site stays as built.
    source = Path(site_settings_sqlite.resolved_database_url.removeprefix("sqlite:///"))
    shutil.copy(source, tmp_path / "wirebrief.db")
    settings = Settings(data_dir=tmp_path)
    with running_server(settings) as base:
        before = feedparser.parse(httpx.get(f"{base}/feeds/stories.atom", timeout=30).content).entries
        oldest = before[-1]
        story_id = oldest.id.rsplit("/", 1)[1]
        with Store.open(settings.resolved_database_url) as store:
            brief = store.latest_brief(story_id)
            assert brief is not None
            newer = replace(brief, as_of=brief.as_of + timedelta(days=30), version=None)
            assert store.save_brief(newer).version == 2
        deadline = time.monotonic() + 30  # the read model looks for new briefs every couple of seconds
        while True:
            after = feedparser.parse(httpx.get(f"{base}/feeds/stories.atom", timeout=30).content).entries
            if after[0].id == oldest.id or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert after[0].id == oldest.id, "the new version did not reach the feed"
    assert len(after) == len(before)
    assert [e.id for e in after].count(oldest.id) == 1
    assert after[0].updated_parsed > oldest.updated_parsed
