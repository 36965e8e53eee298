"""Hostile report text renders inert: script, event handlers, javascript: links and <base> from two real
feed files (data/hostile/) are ingested with the sample, then every page, feed and export is checked."""

from __future__ import annotations

import subprocess
import sys

import httpx
import lxml.html
from lxml import etree

from wirebrief.settings import Settings

Site = tuple[str, Settings]


def _hostile_story(base: str) -> str:
    found = httpx.get(f"{base}/api/v1/stories", params={"q": "velmora"}, timeout=30).json()["items"]
    assert len(found) == 1
    return str(found[0]["story_id"])


def assert_inert(html: str, where: str) -> None:
    """No element or attribute of the hostile feeds survives as markup."""
    document = lxml.html.document_fromstring(html)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        assert tag not in ("base", "iframe", "object", "embed", "svg", "img"), (where, tag)
        if tag == "script":
            assert element.get("src") == "/static/nav.js" and not (element.text or "").strip(), where
        if tag == "style":
            raise AssertionError(f"{where}: a <style> element in the page")
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, tag, name)
            if name.lower() in ("href", "src", "action"):
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (
                    where,
                    value,
                )


def test_pages_render_the_hostile_feeds_inert(sqlite_site: Site) -> None:
    base, _ = sqlite_site
    story_id = _hostile_story(base)
    for path in (
        "/",
        "/?q=velmora",
        f"/stories/{story_id}",
        f"/stories/{story_id}?dropped=true",
        "/sources",
        "/topics",
    ):
        response = httpx.get(base + path, timeout=30)
        assert response.status_code == 200, path
        assert_inert(response.text, path)
    page = httpx.get(f"{base}/stories/{story_id}", timeout=30).text
    # The text is shown as text: the title's "<script>" is visible, escaped, not executed.
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page


def test_security_headers_on_every_answer(sqlite_site: Site) -> None:
    base, _ = sqlite_site
    nonces = set()
    for path in ("/", "/api/v1/stories", "/feeds/stories.atom", "/nothing-here"):
        headers = httpx.get(base + path, timeout=30).headers
        csp = headers["content-security-policy"]
        for directive in (
            "default-src 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
        ):
            assert directive in csp, (path, csp)
        nonces.add(csp.split("'nonce-")[1].split("'")[0])
        assert headers["x-content-type-options"] == "nosniff"
    assert len(nonces) == 4  # a fresh nonce per answer


def test_source_links_are_noopener_noreferrer(sqlite_site: Site) -> None:
    base, _ = sqlite_site
    story_id = httpx.get(f"{base}/api/v1/stories?limit=1", timeout=30).json()["items"][0]["story_id"]
    document = lxml.html.document_fromstring(httpx.get(f"{base}/stories/{story_id}", timeout=30).text)
    outside = [
        a for a in document.iter("a") if a.get("href", "").startswith("http") and base not in a.get("href")
    ]
    assert outside
    assert all(set(a.get("rel", "").split()) >= {"noopener", "noreferrer"} for a in outside)


def test_feeds_and_the_html_export_carry_the_hostile_text_as_text(sqlite_site: Site) -> None:
    base, settings = sqlite_site
    story_id = _hostile_story(base)
    atom = httpx.get(f"{base}/feeds/stories.atom?q=velmora", timeout=30).content
    root = etree.fromstring(atom)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    summary = root.find("a:entry/a:summary", ns)
    assert summary is not None and summary.get("type") == "text"
    assert not root.findall(".//{http://www.w3.org/1999/xhtml}script")
    exported = subprocess.run(
        [
            sys.executable,
            "-m",
            "wirebrief.cli",
            "--data-dir",
            str(settings.data_dir),
            "export",
            story_id,
            "--format",
            "html",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr
    html = exported.stdout
    assert html.startswith("<!DOCTYPE html>")
    document = lxml.html.document_fromstring(html)
    assert not list(document.iter("script"))
    assert [s for s in document.iter("style")] and len(list(document.iter("style"))) == 1  # our own CSS only
    for element in document.iter():
        if isinstance(element.tag, str):
            assert not any(name.lower().startswith("on") for name in element.attrib), element.tag
            assert not element.get("href", "").lower().startswith("javascript:")
    assert "&lt;script&gt;" in html
