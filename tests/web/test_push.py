"""POST /api/v1/articles on a real uvicorn server with a real SQLite store, pushed to with httpx."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from push_server import TOKEN

from wirebrief.pipeline import ingest
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.web.push import PUSH_PATH, PUSH_SOURCE

Serve = Callable[..., tuple[str, Settings]]
AUTH = {"Authorization": f"Bearer {TOKEN}"}

PORT_REPORT = {
    "url": "https://tests.example/harbour/port-strike-day-one",
    "outlet": "Harbour Ledger",
    "title": "Dock workers in Port Avren walk out over night-shift pay",
    "published": "2026-11-20T08:00:00Z",
    "text": "About 2,400 dock workers in Port Avren stopped work on Friday in a dispute over night-shift "
    "pay, halting the loading of container ships at the country's second-largest port. The union said "
    "the strike would last 48 hours unless the port authority reopened talks on the pay scale.",
}
RAIL_REPORT = {
    "link": "https://tests.example/courier/rail-line-reopens",
    "source": "Northern Courier",
    "headline": "Coastal rail line reopens three weeks after landslide",
    "date": 1_795_000_000,
    "body": "Trains returned to the coastal line between Selby Cove and Marrow Point on Monday, three "
    "weeks after a landslide buried 200 metres of track. The rail operator said services would run at "
    "reduced speed on the repaired section until the end of the month.",
}


def _post(url: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(url + PUSH_PATH, json=body, headers=AUTH if headers is None else headers, timeout=30)


def _stored(settings: Settings) -> dict[str, Any]:
    with Store.open(settings.resolved_database_url) as store:
        return {article.id: article for article in store.articles()}


def test_a_single_article_is_stored_through_the_ingest_path(serve: Serve) -> None:
    url, settings = serve()
    response = _post(url, PORT_REPORT)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["received"] == 1 and answer["counts"] == {"stored": 1}
    (result,) = answer["results"]
    assert result["item"] == 0 and result["status"] == "stored" and result["reason"] is None
    article = _stored(settings)[result["article_id"]]
    assert article.source == PUSH_SOURCE
    assert article.outlet == "Harbour Ledger"
    assert article.title == PORT_REPORT["title"]
    assert article.url == PORT_REPORT["url"]
    assert article.published.isoformat() == "2026-11-20T08:00:00+00:00"
    assert article.text.startswith("About 2,400 dock workers")


def test_a_batch_gets_a_status_per_item_with_the_jsonl_field_names(serve: Serve) -> None:
    url, settings = serve()
    syndicated = dict(
        PORT_REPORT,
        url="https://tests.example/wire/port-avren-strike",
        outlet="Wire Service",
        title="Port Avren dock strike halts container loading",
    )
    batch = [PORT_REPORT, RAIL_REPORT, dict(PORT_REPORT), syndicated]
    response = _post(url, batch)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["item"] for r in results] == [0, 1, 2, 3]
    assert [r["status"] for r in results] == ["stored", "stored", "duplicate", "syndicated"]
    port_id, rail_id = results[0]["article_id"], results[1]["article_id"]
    assert results[2]["article_id"] == port_id and results[2]["duplicate_of"] == port_id
    assert results[2]["reason"] == "the same article earlier in this request"
    assert results[3]["duplicate_of"] == port_id
    stored = _stored(settings)
    assert set(stored) == {port_id, rail_id, results[3]["article_id"]}
    # The alternative names (link, source, headline, date as Unix seconds, body) map as in JSONL.
    rail = stored[rail_id]
    assert (rail.outlet, rail.title, rail.url) == (
        "Northern Courier",
        RAIL_REPORT["headline"],
        RAIL_REPORT["link"],
    )
    assert rail.published.timestamp() == RAIL_REPORT["date"]
    # A syndicated copy is kept in the family of the report it copies.
    assert stored[results[3]["article_id"]].independent_source == stored[port_id].independent_source


def test_pushing_again_gives_duplicate_and_a_changed_text_a_revision(serve: Serve) -> None:
    url, settings = serve()
    first = _post(url, PORT_REPORT).json()["results"][0]
    again = _post(url, PORT_REPORT).json()["results"][0]
    assert again["status"] == "duplicate"
    assert again["article_id"] == again["duplicate_of"] == first["article_id"]
    assert again["reason"] == "already stored with the same text"
    copy = dict(PORT_REPORT, url="https://tests.example/copy/port-strike", outlet="Copy Desk")
    copied = _post(url, copy).json()["results"][0]
    assert copied["status"] == "duplicate" and copied["duplicate_of"] == first["article_id"]
    assert copied["reason"] == "the same text as a stored article"
    updated = dict(
        PORT_REPORT,
        published="2026-11-20T15:00:00Z",
        text=PORT_REPORT["text"] + " By the afternoon, 30 ships were waiting outside the harbour.",
    )
    revised = _post(url, updated).json()["results"][0]
    assert revised["status"] == "revision" and revised["article_id"] == first["article_id"]
    with Store.open(settings.resolved_database_url) as store:
        article = store.article(first["article_id"])
        assert article is not None and article.text.endswith("30 ships were waiting outside the harbour.")
        assert len(store.article_revisions(first["article_id"])) == 1


def test_an_article_normalisation_refuses_is_rejected_and_the_others_stored(serve: Serve) -> None:
    url, settings = serve()
    response = _post(url, [{"title": "Blank", "text": "  \n\t "}, PORT_REPORT])
    assert response.status_code == 200, response.text
    rejected, stored = response.json()["results"]
    assert rejected["status"] == "rejected" and rejected["article_id"] is None
    assert rejected["reason"] == "report has no text"
    assert stored["status"] == "stored" and set(_stored(settings)) == {stored["article_id"]}


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "no Authorization: Bearer header"),
        ({"Authorization": "Bearer wrong-token-0123456789abcdef"}, "wrong bearer token"),
        ({"Authorization": f"Bearer {TOKEN}x"}, "wrong bearer token"),
        ({"Authorization": f"Basic {TOKEN}"}, "wrong bearer token"),
        ({"Authorization": "Bearer"}, "wrong bearer token"),
    ],
)
def test_a_missing_or_wrong_token_is_refused_with_401(
    serve: Serve, headers: dict[str, str], detail: str
) -> None:
    url, settings = serve()
    response = _post(url, PORT_REPORT, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorised" and response.json()["detail"] == detail
    assert _stored(settings) == {}


def test_invalid_json_is_refused_with_422_saying_where(serve: Serve) -> None:
    url, _settings = serve()
    response = httpx.post(
        url + PUSH_PATH,
        content=b'{"text": "Dock workers", }',
        headers=AUTH | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid-json"
    assert body["detail"].startswith("body is not valid JSON:") and "line 1, column 26" in body["detail"]


@pytest.mark.parametrize(
    ("body", "error", "detail"),
    [
        (b"", "invalid-json", "empty body; send a JSON object or a list of them"),
        (
            b'{"text": "caf\xe9"}',
            "invalid-json",
            "body is not UTF-8 text (invalid continuation byte at byte 13)",
        ),
        (
            b'"just a string"',
            "invalid-body",
            "body is a JSON string; send an article object or a list of them",
        ),
        (b"[]", "invalid-body", "body is an empty list: no article to store"),
    ],
)
def test_a_body_that_is_no_article_is_refused_with_422(
    serve: Serve, body: bytes, error: str, detail: str
) -> None:
    url, _settings = serve()
    response = httpx.post(url + PUSH_PATH, content=body, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["error"] == error and response.json()["detail"].startswith(detail)


def test_a_missing_text_field_is_refused_with_422_naming_item_and_field(serve: Serve) -> None:
    url, settings = serve()
    no_text = {key: value for key, value in RAIL_REPORT.items() if key != "body"}
    response = _post(url, [PORT_REPORT, no_text, 42])
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid-article"
    assert body["detail"] == "item 1: no text (looked for fields: text, body, content) (and 1 more problems)"
    assert body["problems"] == [
        {"item": 1, "field": "text", "problem": "no text (looked for fields: text, body, content)"},
        {"item": 2, "field": None, "problem": "a JSON number, not an object"},
    ]
    assert _stored(settings) == {}  # the valid first item was not stored either


def test_a_field_of_the_wrong_json_type_is_refused_with_422(serve: Serve) -> None:
    url, _settings = serve()
    response = _post(url, [dict(PORT_REPORT, title=["Dock", "strike"]), dict(RAIL_REPORT, body={"p": 1})])
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"item": 0, "field": "title", "problem": "field 'title' is a JSON list; it must be a string"},
        {"item": 1, "field": "text", "problem": "text field is a dict, not a string"},
    ]


def test_a_body_over_the_limit_is_refused_with_413(serve: Serve) -> None:
    url, settings = serve(push_max_body_bytes=4096)
    big = dict(PORT_REPORT, text=PORT_REPORT["text"] * 20)
    assert len(json.dumps(big)) > 4096
    response = _post(url, big)
    assert response.status_code == 413
    assert response.json()["error"] == "body-too-large"
    assert "at most 4,096 (setting push_max_body_bytes)" in response.json()["detail"]
    assert _stored(settings) == {}
    assert _post(url, PORT_REPORT).status_code == 200  # an article under the limit still goes in


def _raw_exchange(url: str, head: bytes, body_part: bytes) -> bytes:
    """Send a request head and only part of its body, then read what the server answers."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head + body_part)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(serve: Serve) -> None:
    # The head announces 1 GB and only 100 bytes follow: an answer proves the server did not wait
    # for (or hold) the body.
    url, _settings = serve(push_max_body_bytes=4096)
    head = (
        f"POST {PUSH_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
    ).encode()
    answer = _raw_exchange(url, head, b"[" + b" " * 99)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_chunked_body_is_refused_once_it_passes_the_limit(serve: Serve) -> None:
    # Chunks past the limit are sent without the final chunk: the server must answer mid-stream.
    url, _settings = serve(push_max_body_bytes=4096)
    head = (
        f"POST {PUSH_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b" " * 1024
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(6))
    answer = _raw_exchange(url, head, chunks)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_a_batch_over_the_limit_is_refused_with_413(serve: Serve) -> None:
    url, settings = serve(push_max_batch=2)
    response = _post(url, [PORT_REPORT, RAIL_REPORT, dict(PORT_REPORT, url="https://tests.example/x")])
    assert response.status_code == 413
    assert response.json()["error"] == "batch-too-large"
    assert response.json()["detail"] == "3 articles in one request; at most 2 (setting push_max_batch)"
    assert _stored(settings) == {}


def test_bad_requests_leave_the_stored_articles_as_they_were(serve: Serve) -> None:
    url, settings = serve(push_max_body_bytes=4096)
    assert _post(url, [PORT_REPORT, RAIL_REPORT]).status_code == 200
    before = _stored(settings)
    bad = [
        httpx.post(url + PUSH_PATH, content=b"[{", headers=AUTH),
        _post(url, [dict(PORT_REPORT, text="A different text that would have been a revision."), {}]),
        _post(url, dict(PORT_REPORT, text="x" * 5000)),
        _post(url, dict(RAIL_REPORT, body="Replaced without a token."), headers={}),
    ]
    assert [response.status_code for response in bad] == [422, 422, 413, 401]
    assert _stored(settings) == before
    # And the endpoint still works, with its dedupe memory intact.
    assert _post(url, PORT_REPORT).json()["results"][0]["status"] == "duplicate"


def test_articles_another_process_stores_between_pushes_are_deduplicated_against(
    serve: Serve, tmp_path: Path
) -> None:
    url, settings = serve()
    assert _post(url, PORT_REPORT).json()["results"][0]["status"] == "stored"
    # `wirebrief ingest` of a JSONL file, as another process would run it, while the server runs.
    jsonl = tmp_path / "rail.jsonl"
    jsonl.write_text(json.dumps(RAIL_REPORT) + "\n", encoding="utf-8")
    with Store.open(settings.resolved_database_url) as store:
        assert ingest(store, [str(jsonl)], settings).new_articles == 1
        (rail_id,) = set(a.id for a in store.articles()) - {_stored_id(store, PORT_REPORT)}
    copy = dict(RAIL_REPORT, link="https://tests.example/copy/rail-line", source="Copy Desk")
    result = _post(url, copy).json()["results"][0]
    assert result["status"] == "duplicate" and result["duplicate_of"] == rail_id


def _stored_id(store: Store, report: dict[str, Any]) -> str:
    (article,) = [a for a in store.articles() if a.url == report["url"]]
    return article.id
