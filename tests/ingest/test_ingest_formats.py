"""Every supported format, read from real files written in tmp_path."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

from wirebrief.ingest import SOURCES, iter_reports, read_reports, supported_suffixes
from wirebrief.settings import Settings

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Harbour Ledger</title><link>https://ledger.example.org/</link><language>en-gb</language>
<item><title>Port workers end strike</title><link>https://ledger.example.org/news/strike</link>
<guid>ledger-1</guid><pubDate>Tue, 17 Nov 2026 08:30:00 +0100</pubDate><dc:creator>Sam Hale</dc:creator>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>Port workers in Valparaíso ended a nine-day strike on Tuesday.</p>
<p>The union said members had accepted a pay offer.</p>]]></content:encoded></item>
<item><title>Ferry service resumes</title><link>https://ledger.example.org/news/ferry</link>
<description>The ferry to the islands runs again from Monday.</description>
<source url="https://wire.example.net/rss">Meridian Wire</source></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast Daily</title><id>urn:coast</id>
<updated>2026-11-20T10:00:00Z</updated>
<entry><title>Council approves water plan</title><id>urn:coast:1</id>
<link href="https://coast.example.com/water-plan"/><updated>2026-11-20T10:00:00Z</updated>
<published>2026-11-20T09:15:00-03:00</published><author><name>Ana Ruiz</name></author>
<summary>Summary only.</summary>
<content type="html">&lt;p&gt;The regional council approved a water plan.&lt;/p&gt;</content></entry>
</feed>
"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://old.example.org/"><title>Old Wire</title><link>https://old.example.org/</link>
<description>d</description></channel>
<item rdf:about="https://old.example.org/1"><title>Bridge reopens</title>
<link>https://old.example.org/1</link><description>The bridge reopened after repairs.</description></item>
</rdf:RDF>
"""

RSS091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Legacy</title><link>https://legacy.example.org/</link>
<description>d</description><language>en</language>
<item><title>Caf\xe9 owners protest rent rise</title><link>https://legacy.example.org/cafe</link>
<description>Owners of caf\xe9s marched on Monday.</description></item></channel></rss>
"""

JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Island Times",
    "language": "en",
    "items": [
        {
            "id": "it-1",
            "url": "https://island.example.com/a",
            "title": "Storm closes airport",
            "content_html": "<p>The airport closed as the storm arrived.</p>",
            "date_published": "2026-11-21T06:00:00+02:00",
            "authors": [{"name": "Lee Park"}],
        },
        {"id": "it-2", "title": "Schools reopen", "content_text": "Schools reopened on Monday."},
        {"id": "it-3", "title": "Nothing here"},
    ],
}


def _read(path: Path, settings: Settings | None = None) -> tuple[list, list]:  # type: ignore[type-arg]
    return read_reports(str(path), settings=settings)


def test_rss2_prefers_full_content_over_summary(tmp_path: Path) -> None:
    path = tmp_path / "ledger.rss"
    path.write_text(RSS2, encoding="utf-8")
    reports, problems = _read(path)
    assert problems == []
    first, second = reports
    assert first.title == "Port workers end strike"
    assert "nine-day strike" in first.body and "Short summary" not in first.body
    assert first.body_is_html
    assert first.published == datetime(2026, 11, 17, 7, 30, tzinfo=UTC)
    assert first.byline == "Sam Hale"
    assert first.language == "en-gb"
    assert first.url == "https://ledger.example.org/news/strike"
    assert first.locator == "ledger-1"
    # An item's <source> names the outlet that wrote it; an item on the feed's own site is the feed's.
    assert second.outlet == "Meridian Wire"
    assert first.outlet == "Harbour Ledger"
    assert second.body == "The ferry to the islands runs again from Monday."


def test_a_feed_names_its_own_items_and_leaves_other_sites_to_their_host(tmp_path: Path) -> None:
    """ "Continental Press Agency — Top wire stories" names the items on its own site (with or without
    "www."); an item it links on another site is left to that site's host, as an aggregator's are."""
    feed = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Continental Press Agency — Top wire stories</title>
<link>https://www.continentalpress.example/</link>
<item><title>Quake hits Arequipa</title><link>https://continentalpress.example/wire/quake</link>
<description>A magnitude 6.9 earthquake struck southern Peru on Wednesday.</description></item>
<item><title>Ferry capsizes</title><link>https://www.pacificsignal.example/ferry</link>
<description>A ferry capsized off Romblon on Saturday.</description></item>
</channel></rss>
"""
    path = tmp_path / "continental.rss"
    path.write_text(feed, encoding="utf-8")
    (own, elsewhere), problems = _read(path)
    assert problems == []
    assert own.outlet == "Continental Press Agency"
    assert elsewhere.outlet is None  # normalise names it by its host: pacificsignal.example


def test_atom_entry(tmp_path: Path) -> None:
    path = tmp_path / "coast.atom"
    path.write_text(ATOM, encoding="utf-8")
    (report,), problems = _read(path)
    assert problems == []
    assert report.title == "Council approves water plan"
    assert "regional council approved" in report.body
    assert report.published == datetime(2026, 11, 20, 12, 15, tzinfo=UTC)
    assert report.byline == "Ana Ruiz"


def test_rss1_rdf(tmp_path: Path) -> None:
    path = tmp_path / "old.xml"
    path.write_text(RSS1, encoding="utf-8")
    (report,), _ = _read(path)
    assert report.title == "Bridge reopens"
    assert report.url == "https://old.example.org/1"


def test_rss091_with_public_doctype_and_latin1(tmp_path: Path) -> None:
    path = tmp_path / "legacy.xml"
    path.write_bytes(RSS091.encode("latin-1"))
    (report,), _ = _read(path)
    assert report.title == "Café owners protest rent rise"


def test_json_feed(tmp_path: Path) -> None:
    path = tmp_path / "island.json"
    path.write_text(json.dumps(JSON_FEED), encoding="utf-8")
    reports, problems = _read(path)
    assert [r.title for r in reports] == ["Storm closes airport", "Schools reopen"]
    assert reports[0].body_is_html and not reports[1].body_is_html
    assert reports[0].byline == "Lee Park"
    assert reports[0].published == "2026-11-21T06:00:00+02:00"
    # An item without a URL is attributed to the feed's title.
    assert reports[1].outlet == "Island Times"
    assert [p.location for p in problems] == [f"{path}:item 3"]


def test_json_list_of_objects_uses_the_field_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([{"headline": "A", "body": "Text a."}, "junk"]), encoding="utf-8")
    reports, problems = _read(path)
    assert [(r.title, r.body) for r in reports] == [("A", "Text a.")]
    assert problems[0].location == f"{path}:item 2"


def test_html_page_main_text_and_metadata(tmp_path: Path) -> None:
    page = (Path(__file__).parent / "conftest.py").read_text()
    start = page.index('ARTICLE_PAGE = b"""') + len('ARTICLE_PAGE = b"""')
    html = page[start : page.index('"""', start)]
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    (report,), problems = _read(path)
    assert problems == []
    assert report.title == "Council approves water plan"
    assert report.url == "https://coast.example.com/water-plan"
    assert report.byline == "Ana Ruiz"
    assert report.language == "en"
    assert str(report.published).startswith("2026-11-20")
    paragraphs = report.body.split("\n\n")
    assert len(paragraphs) == 3 and paragraphs[0].startswith("The regional council")


def test_html_without_article_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "empty-page.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    reports, problems = _read(path)
    assert reports == []
    assert problems[0].location == str(path) and "no article text" in problems[0].problem


def test_jsonl_defaults_extra_fields_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    lines = [
        json.dumps(
            {
                "link": "https://e.org/1",
                "headline": "One",
                "content": "Body one.",
                "date": "2026-01-02",
                "source": "Wire",
                "lang": "en",
                "author": "Kim",
                "category": "politics",
                "id": "x1",
            }
        ),
        "{not json",
        "",
        "[1, 2]",
        json.dumps({"title": "No text here"}),
        json.dumps({"title": "Two", "text": "Body two.", "published": 1767225600}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports, problems = _read(path)
    assert [r.title for r in reports] == ["One", "Two"]
    one = reports[0]
    assert (one.url, one.body, one.published, one.outlet, one.language, one.byline) == (
        "https://e.org/1",
        "Body one.",
        "2026-01-02",
        "Wire",
        "en",
        "Kim",
    )
    assert one.extra == {"category": "politics", "id": "x1"}
    assert one.locator == "line 1"
    assert reports[1].published == datetime(2026, 1, 1, tzinfo=UTC)
    assert [p.location for p in problems] == [f"{path}:line 2", f"{path}:line 4", f"{path}:line 5"]
    assert "not valid JSON" in problems[0].problem
    assert "not an object" in problems[1].problem
    assert "no text" in problems[2].problem


def test_field_mapping_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "custom.jsonl"
    path.write_text(json.dumps({"story": "Custom body.", "hed": "Custom title"}) + "\n", encoding="utf-8")
    settings = Settings.model_validate({"ingest_field_map": {"text": ["story"], "title": ["hed"]}})
    (report,), _ = _read(path, settings)
    assert (report.title, report.body) == ("Custom title", "Custom body.")


def test_csv_with_header_and_a_row_missing_text(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    path.write_text(
        'title,text,url,published\n"Quoted, title","Line one\nline two",https://e.org/a,2026-03-01\n'
        "Empty,,https://e.org/b,2026-03-02\nThird,Third body,,\n",
        encoding="utf-8",
    )
    reports, problems = _read(path)
    assert [r.title for r in reports] == ["Quoted, title", "Third"]
    assert reports[0].body == "Line one\nline two"
    assert [p.location for p in problems] == [f"{path}:line 4"]


def test_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("headline;body\nA;Body of a\n", encoding="utf-8")
    (report,), _ = _read(path)
    assert (report.title, report.body) == ("A", "Body of a")


def test_text_file_first_non_empty_line_is_the_title(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(
        "\n\n  Dam level falls  \n\nThe dam is at 20 percent.\n\nRain is expected.\n", encoding="utf-8"
    )
    (report,), _ = _read(path)
    assert report.title == "Dam level falls"
    assert report.body == "The dam is at 20 percent.\n\nRain is expected."
    assert report.locator == "note.txt"


def test_utf16_and_latin1_text_are_decoded(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Título\nEl café abrió.\n".encode("utf-16"))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(
        ('{"title": "Ca' + "f\xe9" + '", "text": "Le caf\xe9 a ouvert ses portes."}\n').encode("cp1252")
    )
    (first,), _ = _read(utf16)
    (second,), _ = _read(latin)
    assert (first.title, first.body) == ("Título", "El café abrió.")
    assert second.title == "Café"


def test_gzip_files_are_read_by_their_inner_suffix(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps({"title": "Z", "text": "Zipped."}).encode() + b"\n"))
    (report,), _ = _read(path)
    assert report.body == "Zipped."


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("A title\nA body.\n", encoding="utf-8")
    (tmp_path / "b" / "c.txt").write_text("C title\nC body.\n", encoding="utf-8")
    (tmp_path / "b" / "b.jsonl").write_text(
        json.dumps({"title": "B", "text": "B body."}) + "\n", encoding="utf-8"
    )
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".hidden.txt").write_text("Hidden\nbody\n", encoding="utf-8")
    (tmp_path / "z-empty.txt").write_bytes(b"")
    problems: list = []  # type: ignore[type-arg]
    titles = [r.title for r in iter_reports(str(tmp_path), on_problem=problems.append)]
    assert titles == ["A title", "B", "C title"]
    # The bad file is reported and did not stop the others.
    assert [p.location for p in problems] == [str(tmp_path / "z-empty.txt")]


def test_unknown_suffix_is_sniffed_for_a_single_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.download"
    path.write_text(RSS2, encoding="utf-8")
    reports, _ = _read(path)
    assert len(reports) == 2


def test_every_source_declares_suffixes() -> None:
    assert {".xml", ".rss", ".atom", ".json", ".html", ".htm", ".jsonl", ".csv", ".txt"} <= set(
        supported_suffixes()
    )
    assert len({s.name for s in SOURCES}) == len(SOURCES)


def test_sniffing_tells_json_feed_from_json_lines(tmp_path: Path) -> None:
    feed = tmp_path / "feed.download"
    feed.write_text(json.dumps(JSON_FEED), encoding="utf-8")
    lines = tmp_path / "lines.download"
    lines.write_text(json.dumps({"title": "L", "text": "Line report."}) + "\n", encoding="utf-8")
    assert [r.title for r in _read(feed)[0]] == ["Storm closes airport", "Schools reopen"]
    assert [r.title for r in _read(lines)[0]] == ["L"]
