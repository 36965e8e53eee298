"""The alerts page and a story's alerts, over a copy of the sample site with a rules file and alerts
stored by the store functions the deliverer uses (store/alerts.py); channel targets never reach a page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import lxml.html
import pytest
from alerts_sample import ATOM, HOOK_URL, LEAKS, SECRET, AlertsSite, serve_alerts_site
from push_server import running_server

from wirebrief.settings import Settings


@pytest.fixture(scope="module")
def alerts_site(
    site_settings_sqlite: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AlertsSite]:
    with serve_alerts_site(site_settings_sqlite, tmp_path_factory.mktemp("alerts-site")) as served:
        yield served


def _page(base: str, path: str) -> tuple[str, lxml.html.HtmlElement]:
    response = httpx.get(base + path, timeout=30)
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return response.text, lxml.html.document_fromstring(response.text)


def test_the_alerts_page_shows_rules_deliveries_and_failures(alerts_site: AlertsSite) -> None:
    _, page = _page(alerts_site.base, "/alerts")
    assert page.cssselect("nav a[href='/alerts']")
    for landmark in ("header", "nav", "main", "footer"):
        assert page.cssselect(landmark), landmark
    rows = {row.get("id"): row for row in page.cssselect("section.alert-rules tbody tr")}
    assert sorted(rows) == ["rule-api-rule", "rule-everything", "rule-sourced"]
    cells = [td.text_content() for td in rows["rule-sourced"].cssselect("td")]
    assert cells[0] == "sourced" and cells[1] == "rules file" and cells[3] == "desk"
    assert {li.text_content() for li in rows["rule-sourced"].cssselect("ul.matches li")} == {
        "countries: IQ, SY",
        "min sources: 2",
        "advisory level: 3",
    }
    assert [td.text_content() for td in rows["rule-api-rule"].cssselect("td")][1:4:2] == ["API", "soc"]
    assert rows["rule-everything"].cssselect("td")[3].text_content() == "soc, desk"
    feeds = {link.get("href") for link in page.cssselect("link[rel=alternate][type='application/atom+xml']")}
    assert feeds == {f"/api/v1/alerts/rules/{r}/feed.atom" for r in ("api-rule", "everything", "sourced")}
    assert rows["rule-sourced"].cssselect("a")[0].get("href") == "/api/v1/alerts/rules/sourced/feed.atom"

    last = [
        [td.text_content() for td in row.cssselect("td")]
        for row in page.cssselect("section.alert-deliveries tbody tr")
    ]
    # event, rule, story, channel, status, attempts, last attempt, next attempt, answer
    assert sorted((r[1], r[3], r[4], r[5]) for r in last) == [
        ("api-rule", "soc", "pending", "1"),
        ("everything", "desk", "dead", "1"),
        ("everything", "soc", "delivered", "1"),
    ]
    assert {a.get("href") for a in page.cssselect("section.alert-deliveries tbody a")} == {
        f"/stories/{alerts_site.alerted}"
    }
    delivered = next(r for r in last if r[4] == "delivered")
    assert delivered[8] == "204" and delivered[7] == ""

    failures = {
        (r[1], r[4]): r
        for r in (
            [td.text_content() for td in row.cssselect("td")]
            for row in page.cssselect("section.alert-failures tbody tr")
        )
    }
    assert sorted(failures) == [("api-rule", "pending"), ("everything", "dead")]
    assert "Recipient address rejected" in failures[("everything", "dead")][8]
    assert failures[("api-rule", "pending")][7] == "2026-11-20 13:05"
    assert "ConnectError" in failures[("api-rule", "pending")][8]


def test_no_channel_target_or_secret_reaches_a_page(alerts_site: AlertsSite) -> None:
    for path in ("/alerts", f"/stories/{alerts_site.alerted}", "/"):
        html, _ = _page(alerts_site.base, path)
        for leak in LEAKS:
            assert leak not in html, (path, leak)


def test_a_story_page_lists_its_alerts_only_when_it_has_some(alerts_site: AlertsSite) -> None:
    _, page = _page(alerts_site.base, f"/stories/{alerts_site.alerted}")
    rows = [
        [td.text_content() for td in row.cssselect("td")] for row in page.cssselect("section.alerts tr")[1:]
    ]
    assert [r[:3] for r in rows] == [
        ["api-rule", "story.changed", rows[0][2]],
        ["everything", "story.matched", "1"],
    ]
    assert [r[3] for r in rows] == ["2026-11-20 13:00 UTC", "2026-11-20 12:00 UTC"]
    assert page.cssselect("section.alerts a[href='/alerts#rule-everything']")
    _, quiet = _page(alerts_site.base, f"/stories/{alerts_site.quiet}")
    assert not quiet.cssselect("section.alerts") and quiet.cssselect("article.brief")


def test_without_a_push_token_rules_and_deliveries_are_refused_and_feeds_open(
    alerts_site: AlertsSite,
) -> None:
    base = alerts_site.base
    assert alerts_site.settings.push_token is None
    for path in ("/api/v1/alerts/rules", "/api/v1/alerts/deliveries"):
        refused = httpx.get(base + path, timeout=30)
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorised", path
        assert not any(leak in refused.text for leak in LEAKS)
    feed = httpx.get(f"{base}/api/v1/alerts/rules/everything/feed.atom", timeout=30)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.content).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"urn:wirebrief:evt-everything-{alerts_site.alerted}-1"
    ]
    assert httpx.get(f"{base}/api/v1/alerts/rules/nothing/feed.atom", timeout=30).status_code == 404


def test_a_broken_rules_file_is_reported_without_its_content(alerts_site: AlertsSite, tmp_path: Path) -> None:
    broken = tmp_path / "alerts.yaml"
    broken.write_text(f'channels:\n  soc: {{type: webhook, url: "{HOOK_URL}", secrets: [{SECRET}\n', "utf-8")
    settings = alerts_site.settings.model_copy(update={"alerts_rules_file": broken})
    with running_server(settings) as base:
        html, page = _page(base, "/alerts")
    assert "cannot be read" in page.cssselect("section.alert-rules p.problem")[0].text_content()
    assert page.cssselect("section.alert-deliveries tbody tr")  # the deliveries still show
    for leak in LEAKS:
        assert leak not in html, leak


def test_a_site_without_rules_says_so(site: tuple[str, Settings]) -> None:
    base, _ = site
    _, page = _page(base, "/alerts")
    assert "No alert rules" in page.cssselect("section.alert-rules")[0].text_content()
    assert "No deliveries yet." in page.cssselect("section.alert-deliveries")[0].text_content()
    assert not page.cssselect("link[rel=alternate]")
