"""The JSON API over a real uvicorn on 127.0.0.1 and the sample site (SQLite; PostgreSQL when set)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from wirebrief.settings import Settings
from wirebrief.store import Store

Site = tuple[str, Settings]


def _get(site: Site, path: str, **kwargs: Any) -> httpx.Response:
    base, _ = site
    return httpx.get(base + path, timeout=30, **kwargs)


def _briefed_story_ids(settings: Settings) -> set[str]:
    with Store.open(settings.resolved_database_url) as store:
        current = {s.id for s in store.stories()}
        return {b.story_id for b in store.latest_briefs()} & current


def test_following_next_url_visits_every_briefed_story_once_newest_first(site: Site) -> None:
    seen: list[dict[str, Any]] = []
    url: str | None = site[0] + "/api/v1/stories?limit=4"
    pages = 0
    while url is not None:
        response = httpx.get(url, timeout=30)
        assert response.status_code == 200, response.text
        body = response.json()
        seen += body["items"]
        pages += 1
        if body["next_url"]:
            assert response.headers["link"] == f'<{body["next_url"]}>; rel="next"'
            assert body["next"] in body["next_url"]
        else:
            assert "link" not in response.headers and body["next"] is None
        url = body["next_url"]
    ids = [item["story_id"] for item in seen]
    assert len(ids) == len(set(ids))
    assert set(ids) == _briefed_story_ids(site[1])
    assert pages == -(-len(ids) // 4)
    keys = [(item["as_of"], item["story_id"]) for item in seen]
    assert keys == sorted(keys, reverse=True)


def test_filters_narrow_the_list(site: Site) -> None:
    everything = _get(site, "/api/v1/stories?limit=200").json()["items"]
    category = everything[0]["categories"][0]
    by_category = _get(site, f"/api/v1/stories?limit=200&category={category}").json()["items"]
    assert by_category and all(category in item["categories"] for item in by_category)
    assert len(by_category) == sum(category in item["categories"] for item in everything)

    at_least_four = _get(site, "/api/v1/stories?limit=200&min_sources=4").json()["items"]
    assert {i["story_id"] for i in at_least_four} == {
        i["story_id"] for i in everything if i["independent_sources"] >= 4
    }
    level = _get(site, "/api/v1/stories?limit=200&advisory_level=4").json()["items"]
    assert {i["story_id"] for i in level} == {
        i["story_id"] for i in everything if (i["advisory_level"] or 0) >= 4
    }

    newest = everything[0]["as_of"]
    since = _get(site, "/api/v1/stories", params={"since": newest, "limit": 200}).json()["items"]
    assert {i["story_id"] for i in since} == {i["story_id"] for i in everything if i["as_of"] >= newest}

    countries = _get(site, "/api/v1/countries").json()["items"]
    assert countries
    country = countries[0]
    in_country = _get(site, "/api/v1/stories", params={"country": country["value"], "limit": 200}).json()[
        "items"
    ]
    assert len(in_country) == country["stories"]


def test_search_finds_words_of_the_brief_and_of_report_titles(site: Site) -> None:
    found = _get(site, "/api/v1/stories", params={"q": "velmora dam"}).json()["items"]
    assert len(found) == 1 and "Velmora" in found[0]["headline"]
    assert _get(site, "/api/v1/stories", params={"q": "velmora zanzibarquux"}).json()["items"] == []
    # What a user types is never query syntax: quotes, operators and stars are words or nothing.
    for hostile in [
        '"',
        "NEAR(velmora",
        "velmora*",
        "velmora OR",
        "-velmora",
        "'; DROP TABLE briefs; --",
        "::",
    ]:
        response = _get(site, "/api/v1/stories", params={"q": hostile})
        assert response.status_code == 200, (hostile, response.text)


def test_a_brief_is_the_json_export_of_the_run(site: Site) -> None:
    _, settings = site
    story_id = _get(site, "/api/v1/stories?limit=1").json()["items"][0]["story_id"]
    response = _get(site, f"/api/v1/stories/{story_id}/brief")
    assert response.status_code == 200
    assert response.headers["wirebrief-brief-schema"] == "1"
    exported = settings.resolved_export_dir / f"{story_id}.json"
    assert response.json() == json.loads(exported.read_text("utf-8"))
    story = _get(site, f"/api/v1/stories/{story_id}").json()
    assert story["brief_versions"] == [1] and story["url"].endswith(f"/stories/{story_id}")
    reports = _get(site, f"/api/v1/stories/{story_id}/reports").json()["items"]
    assert len(reports) == story["report_count"]
    versions = _get(site, f"/api/v1/stories/{story_id}/versions").json()
    assert versions["brief_versions"] == [1] and versions["story_versions"]


def test_etag_answers_304_when_unchanged(site: Site) -> None:
    for path in ("/api/v1/stories?limit=3", "/api/v1/categories", "/feeds/stories.atom"):
        first = _get(site, path)
        etag = first.headers["etag"]
        again = _get(site, path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        other = _get(site, path, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/v1/stories/s-0000000000000000", 404, "not-found"),
        ("/api/v1/stories/s-0000000000000000/brief", 404, "not-found"),
        ("/api/v1/entities/nobody", 404, "not-found"),
        ("/api/v1/no-such-route", 404, "not-found"),
        ("/api/v1/stories?cursor=not-a-cursor", 400, "bad-request"),
        ("/api/v1/stories?limit=0", 422, "invalid-parameter"),
        ("/api/v1/stories?since=yesterday", 422, "invalid-parameter"),
        ("/feeds/saved/nothing.atom", 404, "not-found"),
    ],
)
def test_every_error_has_one_shape(site: Site, path: str, status: int, code: str) -> None:
    response = _get(site, path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "detail", "problems"}
    assert body["error"] == code and body["detail"]
