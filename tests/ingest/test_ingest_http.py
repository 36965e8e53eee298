"""Fetching URLs from a real HTTP server on 127.0.0.1: formats, errors, limits and the SSRF guard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wirebrief.errors import FetchError, InputError
from wirebrief.ingest import USER_AGENT, iter_reports, read_reports
from wirebrief.settings import Settings


def test_feed_over_http_is_read_with_our_user_agent(
    server: str, local_settings: Settings, user_agents_seen: list[str]
) -> None:
    reports, problems = read_reports(f"{server}/feed", settings=local_settings)
    assert problems == []
    assert [r.title for r in reports] == ["Port workers end strike"]
    assert reports[0].published == datetime(2026, 11, 17, 7, 30, tzinfo=UTC)
    assert reports[0].source == f"{server}/feed"
    assert USER_AGENT in user_agents_seen
    assert USER_AGENT.startswith("wirebrief/")


def test_html_page_over_http_gives_text_and_canonical_url(server: str, local_settings: Settings) -> None:
    reports, problems = read_reports(f"{server}/article", settings=local_settings)
    assert problems == []
    (report,) = reports
    assert report.title == "Council approves water plan"
    assert report.url == "https://coast.example.com/water-plan"
    assert report.byline == "Ana Ruiz"
    assert "desalination plants" in report.body
    assert "Home" not in report.body and "Copyright" not in report.body


def test_loopback_is_refused_unless_allowed(server: str) -> None:
    with pytest.raises(FetchError, match="private, loopback or link-local"):
        list(iter_reports(f"{server}/feed", on_problem=lambda e: None, settings=Settings.model_validate({})))


@pytest.mark.parametrize(("route", "message"), [("/missing", "HTTP 404"), ("/broken", "HTTP 500")])
def test_http_errors_name_the_url_and_status(
    server: str, local_settings: Settings, route: str, message: str
) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        read_reports(f"{server}{route}", settings=local_settings)
    assert caught.value.location == f"{server}{route}"


def test_redirect_loop_stops(server: str, local_settings: Settings) -> None:
    with pytest.raises(FetchError, match="more than 5 redirects"):
        read_reports(f"{server}/loop", settings=local_settings)


def test_one_redirect_is_followed(server: str, local_settings: Settings) -> None:
    reports, _ = read_reports(f"{server}/moved", settings=local_settings)
    assert [r.title for r in reports] == ["Port workers end strike"]


def test_slow_drip_times_out(server: str, local_settings: Settings) -> None:
    settings = local_settings.model_copy(update={"fetch_timeout_s": 0.5})
    with pytest.raises(FetchError, match="timed out"):
        read_reports(f"{server}/drip", settings=settings)


@pytest.mark.parametrize("route", ["/huge", "/huge-chunked"])
def test_oversized_body_is_refused(server: str, local_settings: Settings, route: str) -> None:
    with pytest.raises(FetchError, match="larger than max_input_bytes"):
        read_reports(f"{server}{route}", settings=local_settings)


def test_gzip_bomb_is_refused(server: str, local_settings: Settings) -> None:
    with pytest.raises(FetchError, match="larger than max_input_bytes"):
        read_reports(f"{server}/bomb", settings=local_settings)


def test_empty_response_is_an_input_error(server: str, local_settings: Settings) -> None:
    with pytest.raises(InputError, match="empty response"):
        read_reports(f"{server}/empty", settings=local_settings)


def test_unresolvable_host_is_a_fetch_error(local_settings: Settings) -> None:
    with pytest.raises(FetchError, match="cannot resolve"):
        read_reports("http://no-such-host.invalid/feed", settings=local_settings)
