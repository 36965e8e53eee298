"""The server-rendered pages over the sample site: list, filters, search, story, entity, country, sources."""

from __future__ import annotations

import httpx
import lxml.html
from push_server import running_server

from wirebrief.settings import Settings

Site = tuple[str, Settings]


def _page(base: str, path: str) -> lxml.html.HtmlElement:
    response = httpx.get(base + path, timeout=30)
    assert response.status_code == 200, (path, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.document_fromstring(response.text)


def test_the_list_shows_the_stories_newest_first_with_landmarks_and_labels(site: Site) -> None:
    base, _ = site
    api = httpx.get(f"{base}/api/v1/stories?limit=25", timeout=30).json()["items"]
    page = _page(base, "/")
    titles = [a.text_content() for a in page.cssselect("li.story h2 a")]
    assert titles == [item["title"] for item in api]
    for landmark in ("header", "nav", "main", "footer"):
        assert page.cssselect(landmark), landmark
    for control in page.cssselect("form.filters input:not([type=hidden]), form.filters select"):
        assert page.cssselect(f"label[for={control.get('id')}]"), control.get("name")
    feeds = {link.get("type") for link in page.cssselect("link[rel=alternate]")}
    assert {"application/atom+xml", "application/feed+json"} <= feeds


def test_search_and_filters_on_the_list(site: Site) -> None:
    base, _ = site
    found = _page(base, "/?q=velmora")
    assert len(found.cssselect("li.story")) == 1
    assert _page(base, "/?q=velmora").cssselect("input#q")[0].get("value") == "velmora"
    nothing = _page(base, "/?q=zanzibarquuxnothing")
    assert not nothing.cssselect("li.story") and "No stories match" in nothing.text_content()
    category = httpx.get(f"{base}/api/v1/categories", timeout=30).json()["items"][0]
    filtered = _page(base, f"/?category={category['value']}")
    assert len(filtered.cssselect("li.story")) == min(category["stories"], 25)


def test_paging_by_cursor(site_settings_sqlite: Settings) -> None:
    with running_server(site_settings_sqlite.model_copy(update={"web_page_size": 5})) as base:
        seen: list[str] = []
        path: str | None = "/"
        while path is not None:
            page = _page(base, path)
            seen += [a.get("href") for a in page.cssselect("li.story h2 a")]
            older = page.cssselect("a[rel=next]")
            path = older[0].get("href").removeprefix(base) if older else None
        api = httpx.get(f"{base}/api/v1/stories?limit=200", timeout=30).json()["items"]
    assert seen == [f"/stories/{item['story_id']}" for item in api]
    assert len(seen) > 5


def test_the_story_page_has_the_six_parts_and_citations_that_open_in_place(site: Site) -> None:
    base, _ = site
    story = httpx.get(f"{base}/api/v1/stories?limit=1", timeout=30).json()["items"][0]
    brief = httpx.get(f"{base}/api/v1/stories/{story['story_id']}/brief", timeout=30).json()
    page = _page(base, f"/stories/{story['story_id']}")
    assert page.cssselect("h1.title")[0].text_content().startswith(brief["event_title"]["text"])
    assert brief["headline"]["text"] in page.cssselect("article .headline")[0].text_content()
    headings = [h.text_content() for h in page.cssselect("h2")]
    for heading in ("Key Insights from Enrichment Data", "Categories", "Reports", "Versions"):
        assert any(h.startswith(heading) for h in headings), heading
    citations = page.cssselect("details.cite")
    cited = sum(len(s["citations"]) for p in brief["article"] for s in p)
    assert len(citations) >= cited > 0
    # A report citation shows the outlet, the date and the report sentence; a record its issuer and date.
    first = brief["article"][0][0]["citations"][0]
    source = brief["sources"][first]
    text = page.cssselect("section.article details.cite .src")[0].text_content()
    assert source["text"] in text and (source.get("outlet") or source.get("issuer")) in text
    iptc = page.cssselect("section.categories td code")
    assert any(code.text_content().startswith("medtop:") for code in iptc)
    assert len(page.cssselect("ol.timeline li")) == story["report_count"]


def test_what_the_verifier_dropped_shows_on_request(site: Site) -> None:
    base, _ = site
    stories = httpx.get(f"{base}/api/v1/stories?limit=200", timeout=30).json()["items"]
    for story in stories:
        brief = httpx.get(f"{base}/api/v1/stories/{story['story_id']}/brief", timeout=30).json()
        if brief["verification"] and brief["verification"]["dropped"]:
            break
    else:
        brief = None
    if brief is None:
        page = _page(base, f"/stories/{stories[0]['story_id']}?dropped=true")
        assert "Nothing was dropped" in page.text_content()
        return
    plain = _page(base, f"/stories/{brief['story_id']}")
    assert not plain.cssselect("ul.dropped")
    shown = _page(base, f"/stories/{brief['story_id']}?dropped=true")
    items = shown.cssselect("ul.dropped li")
    assert [brief["verification"]["dropped"][0]["text"] in items[0].text_content()] == [True]


def test_entity_country_topics_and_sources_pages(site: Site) -> None:
    base, _ = site
    country = httpx.get(f"{base}/api/v1/countries", timeout=30).json()["items"][0]
    page = _page(base, f"/countries/{country['value']}")
    assert page.cssselect("h1")[0].text_content() == country["label"]
    assert len(page.cssselect("li.story")) == country["stories"]
    records = httpx.get(f"{base}/api/v1/entities/{country['value']}", timeout=30).json()["records"]
    assert len(page.cssselect("section table tbody tr")) == len(records)
    entity = httpx.get(f"{base}/api/v1/entities", timeout=30).json()["items"][0]
    assert len(_page(base, f"/entities/{entity['value']}").cssselect("li.story")) == entity["stories"]
    topics = _page(base, "/topics")
    assert topics.cssselect(f"a[href='/countries/{country['value'].replace(':', '%3A')}']")
    outlets = _page(base, "/sources").cssselect("section table tbody tr")
    assert outlets


def test_a_missing_story_is_an_html_404_page(site: Site) -> None:
    base, _ = site
    response = httpx.get(f"{base}/stories/s-0000000000000000", timeout=30)
    assert response.status_code == 404
    assert (
        "no story with id s-0000000000000000" in lxml.html.document_fromstring(response.text).text_content()
    )


def test_the_api_docs_are_served_from_the_package(site: Site) -> None:
    base, _ = site
    page = _page(base, "/api/docs")
    assert page.cssselect("a[href='/openapi.json']")
    assert any("/api/v1/stories" in h.text_content() for h in page.cssselect("h2"))
    assert all(not s.get("src", "").startswith("http") for s in page.cssselect("script, link"))


def test_a_submitted_form_with_empty_fields_filters_nothing(site: Site) -> None:
    base, _ = site
    everything = _page(base, "/").cssselect("li.story")
    empty = "/?q=&category=&country=&since=&until=&min_sources=&advisory_level="
    assert len(_page(base, empty).cssselect("li.story")) == len(everything)
    bad = httpx.get(f"{base}/?min_sources=many", timeout=30)
    assert bad.status_code == 400 and "min_sources: &#39;many&#39; is not a whole number" in bad.text
