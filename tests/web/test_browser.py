"""The site in a real headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser), driven by
Playwright: list, filter, search, j/k keys, a citation opened by click, a feed link, phone width, dark mode.

Screenshots go to the test's temporary folder, and also to $WIREBRIEF_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest

from wirebrief.settings import Settings

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("WIREBRIEF_CHROMIUM", "/usr/bin/chromium")
Site = tuple[str, Settings]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            # .ci/run installs it: in CI a missing browser is a failure, never a quiet skip.
            pytest.fail(f"{CHROMIUM} is missing in CI; .ci/run should have installed Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing; apt-get install chromium (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "screens"
    folder.mkdir()
    yield folder
    keep = os.environ.get("WIREBRIEF_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for shot in folder.glob("*.png"):
            shutil.copy(shot, Path(keep) / shot.name)


def _page(browser: Any, **context: Any) -> tuple[Any, list[str]]:
    page = browser.new_context(**context).new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


def test_list_filter_search_and_keys(browser: Any, sqlite_site: Site, shots: Path) -> None:
    base, _ = sqlite_site
    page, problems = _page(browser, viewport={"width": 1200, "height": 900})
    page.goto(base + "/")
    listed = page.locator("li.story").count()
    assert listed > 5
    page.screenshot(path=str(shots / "story-list.png"), full_page=True)

    category = page.locator("#category option").nth(1)
    value = category.get_attribute("value")
    page.select_option("#category", value)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"**category={value}**")
    assert 0 < page.locator("li.story").count() < listed
    assert page.locator("#category").input_value() == value

    page.goto(base + "/")
    page.fill("#q", "velmora")
    page.press("#q", "Enter")
    page.wait_for_url("**q=velmora**")
    assert page.locator("li.story").count() == 1

    page.goto(base + "/")
    page.locator("body").press("j")
    page.keyboard.press("j")
    second = page.locator("li.story").nth(1)
    assert "current" in (second.get_attribute("class") or "")
    href = second.locator("h2 a").get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    assert problems == []


def test_a_citation_opens_in_place_and_shows_its_source(browser: Any, sqlite_site: Site, shots: Path) -> None:
    base, _ = sqlite_site
    page, problems = _page(browser, viewport={"width": 1200, "height": 900})
    page.goto(base + "/")
    page.locator("li.story h2 a").first.click()
    page.wait_for_url("**/stories/**")
    citation = page.locator("section.article details.cite").first
    source = citation.locator(".src")
    assert not source.is_visible()
    citation.locator("summary").click()
    assert source.is_visible()
    shown = source.inner_text()
    assert shown.strip() and page.locator("section.article details.cite[open]").count() == 1
    citation.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "story-citation-open.png"), full_page=False)
    assert problems == []


def test_following_a_feed_link_gives_a_feed(browser: Any, sqlite_site: Site) -> None:
    base, _ = sqlite_site
    page, _ = _page(browser)
    page.goto(base + "/")
    link = page.locator("p.feeds a[type='application/atom+xml']")
    # Chromium may offer the feed as a download rather than show it; the response is what counts.
    with (
        page.expect_response(lambda r: "/feeds/stories.atom" in r.url) as answer,
        contextlib.suppress(Exception),
    ):
        link.click()
    feed = feedparser.parse(answer.value.body())
    assert not feed.bozo and len(feed.entries) > 5


def test_phone_width_and_dark_mode(browser: Any, sqlite_site: Site, shots: Path) -> None:
    base, _ = sqlite_site
    page, problems = _page(
        browser,
        viewport={"width": 390, "height": 844},
        color_scheme="dark",
        is_mobile=True,
        device_scale_factor=2,
    )
    page.goto(base + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(part) for part in background[background.index("(") + 1 : -1].split(",")[:3])
    assert red + green + blue < 150, background  # a dark background
    page.screenshot(path=str(shots / "story-list-phone-dark.png"), full_page=False)
    page.locator("li.story h2 a").first.click()
    page.wait_for_url("**/stories/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []


def test_the_alerts_page_from_the_navigation(
    browser: Any, site_settings_sqlite: Settings, tmp_path: Path, shots: Path
) -> None:
    from alerts_sample import LEAKS, serve_alerts_site

    with serve_alerts_site(site_settings_sqlite, tmp_path) as site:
        page, problems = _page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
        page.goto(site.base + "/")
        page.locator("nav a[href='/alerts']").click()
        page.wait_for_url("**/alerts")
        assert page.locator("h1").inner_text() == "Alerts"
        assert page.locator("section.alert-rules tbody tr").count() == 3
        assert page.locator("section.alert-failures tbody tr").count() == 2
        # The wide tables scroll inside their region; the page itself keeps the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "alerts-phone.png"), full_page=True)
        page.locator("section.alert-deliveries tbody a").first.click()
        page.wait_for_url("**/stories/**")
        assert page.locator("section.alerts tbody tr").count() == 2
        html = page.content()
    assert not [leak for leak in LEAKS if leak in html]
    assert problems == []
