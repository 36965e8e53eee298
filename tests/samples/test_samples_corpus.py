"""The bundled sample corpus meets its requirements, checked by parsing the files with the standard
library only (json, csv, xml.etree, html.parser) and comparing them with ``gold.json``."""

from __future__ import annotations

import csv
import json
import re
import tomllib
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher
from email.utils import parsedate_to_datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from wirebrief.samples import Gold, GoldReport, gold_path, load_gold, sample_dir

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"

TAXONOMY = {
    "war-and-conflicts", "terrorism", "crime-and-justice", "politics", "elections", "diplomacy",
    "business-and-economy", "technology", "science", "health", "environment", "disasters-and-accidents",
    "transport-and-travel", "humanitarian-aid", "migration", "human-rights", "energy", "education",
    "sports", "arts-and-entertainment", "religion", "labour", "general-news",
}  # fmt: skip

ISO_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Entry:
    """One report as found in a corpus file."""

    file: str
    fmt: str
    url: str
    outlet: str
    title: str
    published: datetime
    language: str
    paragraphs: tuple[str, ...]
    author: str
    raw_markup: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        return len(self.text.split())


class _ParagraphCollector(HTMLParser):
    """Collects the text of <p> elements, and of those inside <article> when ``article_only``."""

    def __init__(self, article_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.article_only = article_only
        self.article_depth = 0
        self.in_p = False
        self.current: list[str] = []
        self.paragraphs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.article_depth += 1
        elif tag == "p" and (self.article_depth or not self.article_only):
            self.in_p, self.current = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.article_depth -= 1
        elif tag == "p" and self.in_p:
            self.in_p = False
            self.paragraphs.append(" ".join("".join(self.current).split()))

    def handle_data(self, data: str) -> None:
        if self.in_p:
            self.current.append(data)


class _PageParser(_ParagraphCollector):
    def __init__(self) -> None:
        super().__init__(article_only=True)
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.title = ""
        self.in_title = False
        self.html_lang = ""
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = values.get("lang", "")
        elif tag == "meta":
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values.get("content", "")
        elif tag == "link" and values.get("rel") == "canonical":
            self.canonical = values.get("href")
        elif tag == "title":
            self.in_title = True
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        super().handle_data(data)


def _html_paragraphs(markup: str) -> tuple[str, ...]:
    parser = _ParagraphCollector(article_only=False)
    parser.feed(markup)
    parser.close()
    return tuple(parser.paragraphs)


def _text(element: ET.Element | None) -> str:
    assert element is not None and element.text is not None
    return element.text.strip()


def _read_rss(path: Path, name: str) -> list[Entry]:
    channel = ET.parse(path).getroot().find("channel")
    assert channel is not None
    outlet = _text(channel.find("title")).split(" — ")[0]
    entries = []
    for item in channel.findall("item"):
        markup = _text(item.find("description"))
        entries.append(
            Entry(
                file=name,
                fmt="rss",
                url=_text(item.find("link")),
                outlet=outlet,
                title=_text(item.find("title")),
                published=parsedate_to_datetime(_text(item.find("pubDate"))),
                language=_text(channel.find("language")),
                paragraphs=_html_paragraphs(markup),
                author=_text(item.find(f"{DC}creator")),
                raw_markup=markup,
            )
        )
    return entries


def _read_atom(path: Path, name: str) -> list[Entry]:
    feed = ET.parse(path).getroot()
    assert feed.tag == f"{ATOM}feed"
    outlet = _text(feed.find(f"{ATOM}title")).split(" — ")[0]
    entries = []
    for entry in feed.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        markup = _text(content)
        entries.append(
            Entry(
                file=name,
                fmt="atom",
                url=link.get("href", ""),
                outlet=outlet,
                title=_text(entry.find(f"{ATOM}title")),
                published=datetime.fromisoformat(_text(entry.find(f"{ATOM}updated"))),
                language=feed.get("{http://www.w3.org/XML/1998/namespace}lang", ""),
                paragraphs=_html_paragraphs(markup),
                author=_text(entry.find(f"{ATOM}author/{ATOM}name")),
                raw_markup=markup,
            )
        )
    return entries


def _from_record(record: dict[str, str], name: str, fmt: str) -> Entry:
    return Entry(
        file=name,
        fmt=fmt,
        url=record["url"],
        outlet=record["outlet"],
        title=record["title"],
        published=datetime.fromisoformat(record["published"]),
        language=record["language"],
        paragraphs=tuple(record["text"].split("\n\n")),
        author=record.get("author", ""),
    )


def _read_jsonl(path: Path, name: str) -> list[Entry]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [_from_record(json.loads(line), name, "jsonl") for line in lines if line.strip()]


def _read_csv(path: Path, name: str) -> list[Entry]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [_from_record(row, name, "csv") for row in csv.DictReader(stream)]


def _read_page(path: Path, name: str) -> list[Entry]:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return [
        Entry(
            file=name,
            fmt="html",
            url=parser.canonical or "",
            outlet=parser.meta["og:site_name"],
            title=parser.meta["og:title"],
            published=datetime.fromisoformat(parser.meta["article:published_time"]),
            language=parser.html_lang,
            paragraphs=tuple(parser.paragraphs),
            author=parser.meta["author"],
        )
    ]


def _read(path: Path, name: str) -> list[Entry]:
    if name.endswith(".rss.xml"):
        return _read_rss(path, name)
    if name.endswith(".atom.xml"):
        return _read_atom(path, name)
    if name.endswith(".jsonl"):
        return _read_jsonl(path, name)
    if name.endswith(".csv"):
        return _read_csv(path, name)
    if name.endswith(".html"):
        return _read_page(path, name)
    raise AssertionError(f"unexpected file in the sample corpus: {name}")


def _corpus_files() -> list[str]:
    root = sample_dir()
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@cache
def corpus() -> tuple[Entry, ...]:
    return tuple(entry for name in _corpus_files() for entry in _read(sample_dir() / name, name))


@cache
def gold() -> Gold:
    return load_gold()


@cache
def entry_of() -> dict[tuple[str, str], Entry]:
    return {(e.file, e.url): e for e in corpus()}


def _entry(report: GoldReport) -> Entry:
    return entry_of()[(report.file, report.locator)]


def _reports(kind: str) -> list[GoldReport]:
    return [r for r in gold().reports if r.kind == kind]


def _similarity(a: Entry, b: Entry) -> float:
    return SequenceMatcher(None, a.text, b.text, autojunk=False).ratio()


# ------------------------------------------------------------------------------------ files and gold


def test_sample_dir_holds_only_report_files() -> None:
    # Ingesting sample_dir() must read reports only: the gold file and README live beside it.
    names = _corpus_files()
    assert names, "no sample files found"
    assert all(n.endswith((".xml", ".html", ".jsonl", ".csv")) for n in names), names
    assert not (sample_dir() / "gold.json").exists()
    assert gold_path().parent == sample_dir().parent
    assert (sample_dir().parent / "README.md").is_file()


def test_every_file_entry_is_in_gold_and_every_gold_entry_is_in_its_file() -> None:
    in_files = [(e.file, e.url) for e in corpus()]
    assert len(in_files) == len(set(in_files)), "a (file, url) pair occurs twice in the corpus"
    in_gold = {(r.file, r.locator) for r in gold().reports}
    assert set(in_files) == in_gold, {
        "missing from gold": sorted(set(in_files) - in_gold),
        "missing from files": sorted(in_gold - set(in_files)),
    }
    assert set(gold().files()) == set(_corpus_files())


def test_corpus_size_and_spread() -> None:
    entries = corpus()
    assert len(entries) >= 85
    distinct_texts = {(e.title, e.text) for e in entries}
    assert len(distinct_texts) >= 85, "at least 85 distinct reports once exact duplicates are removed"
    assert len({e.outlet for e in entries}) >= 10
    assert len(gold().multi_report_stories()) >= 16
    assert len({e.published.date() for e in entries}) >= 5
    assert all(e.published.year == 2026 for e in entries)
    assert all(e.published.tzinfo is not None for e in entries)
    offsets = {e.published.utcoffset() for e in entries}
    assert timedelta(0) in offsets and len(offsets - {timedelta(0)}) >= 3, "times in UTC and local zones"
    countries = {c for s in gold().stories.values() for c in s.countries}
    assert len(countries) >= 8
    categories = {c for s in gold().stories.values() for c in s.categories}
    assert len(categories) >= 6


def test_gold_stories_use_taxonomy_slugs_and_iso_countries() -> None:
    for story in gold().stories.values():
        assert story.categories, story.id
        assert set(story.categories) <= TAXONOMY, (story.id, story.categories)
        assert all(ISO_COUNTRY.match(c) for c in story.countries), (story.id, story.countries)
    titles = [s.title for s in gold().stories.values()]
    assert len(titles) == len(set(titles))


def test_at_least_three_formats_including_rss_atom_jsonl_and_pages() -> None:
    formats = Counter(e.fmt for e in corpus())
    assert {"rss", "atom", "jsonl", "html"} <= set(formats), formats
    assert all(count >= 5 for count in formats.values()), formats


@pytest.mark.parametrize("index", range(len(load_gold().reports)))
def test_report_length_and_shape(index: int) -> None:
    entry = _entry(gold().reports[index])
    assert 3 <= len(entry.paragraphs) <= 8, (entry.url, len(entry.paragraphs))
    assert 120 <= entry.words <= 450, (entry.url, entry.words)
    assert all(p and p == p.strip() and "\n" not in p for p in entry.paragraphs), entry.url
    assert entry.title and entry.outlet and entry.author and entry.language
    assert entry.url.startswith("https://") and ".example/" in entry.url


def test_news_reports_quote_attributed_sources() -> None:
    said = re.compile(r"\b(said|says|told|dijo|contó|a déclaré|a indiqué|confiait|replied)\b")
    for report in gold().reports:
        if report.kind == "noise":
            continue
        entry = _entry(report)
        assert re.search(r"[\"«]", entry.text), (entry.url, "no quotation")
        assert said.search(entry.text), (entry.url, "no attribution")


# ------------------------------------------------------------------------------------------- formats


def test_feed_items_carry_html_markup_link_title_and_date() -> None:
    feed_entries = [e for e in corpus() if e.fmt in ("rss", "atom")]
    assert feed_entries
    for entry in feed_entries:
        assert entry.raw_markup.startswith("<p>") and entry.raw_markup.count("<p>") == len(entry.paragraphs)
    assert any("<strong>" in e.raw_markup for e in feed_entries), "some richer markup (datelines)"


def test_jsonl_and_csv_records_have_the_documented_fields() -> None:
    required = {"url", "outlet", "title", "published", "language", "text"}
    for name in ("reports.jsonl", "reports.csv"):
        path = sample_dir() / name
        if name.endswith(".jsonl"):
            records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        else:
            with path.open(encoding="utf-8", newline="") as stream:
                records = list(csv.DictReader(stream))
        assert records
        for record in records:
            assert required <= set(record), (name, set(record))
            assert "\n\n" in record["text"], (name, record["url"])
            assert datetime.fromisoformat(record["published"]).tzinfo is not None


def test_pages_are_full_articles_with_metadata_and_boilerplate() -> None:
    pages = sorted((sample_dir() / "pages").glob("*.html"))
    assert len(pages) >= 10
    for path in pages:
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        for key in ("og:title", "author", "article:published_time", "og:site_name"):
            assert parser.meta.get(key), (path.name, key)
        assert parser.canonical and parser.canonical.startswith("https://"), path.name
        assert parser.title.startswith(parser.meta["og:title"]), path.name
        for tag in ("html", "head", "title", "nav", "footer", "article"):
            assert parser.tags[tag] >= 1, (path.name, tag)
        # Boilerplate outside <article> must not leak into the body paragraphs.
        assert parser.tags["article"] == 1 and parser.paragraphs, path.name


# ----------------------------------------------------------------------------------- special cases


def test_iraq_militia_story_has_the_shape_of_the_example_brief() -> None:
    reports = gold().reports_of("iraq-nujaba-threat")
    entries = [_entry(r) for r in reports]
    assert len(entries) >= 6
    assert len({e.outlet for e in entries}) >= 4
    days = {e.published.astimezone(UTC).date() for e in entries}
    assert 2 <= len(days) <= 3
    text = "\n".join(e.title + "\n" + e.text for e in entries)
    for needed in (
        "Harakat al-Nujaba", "al-Nujaba movement", "Nujaba", "Islamic Resistance in Iraq", "Baghdad",
        "Kata'ib Hezbollah", "Kataib Hezbollah", "U.S.", "US ", "American", "United States",
        'Level 4, "Do Not Travel,"',
    ):  # fmt: skip
        assert needed in text, needed
    assert {"IQ", "US"} <= set(gold().stories["iraq-nujaba-threat"].countries)
    assert "war-and-conflicts" in gold().stories["iraq-nujaba-threat"].categories


def test_wire_copy_is_republished_by_three_outlets_with_small_edits() -> None:
    copies = _reports("wire-copy")
    assert len(copies) >= 3
    by_story: dict[str, list[GoldReport]] = defaultdict(list)
    for report in copies:
        by_story[report.story].append(report)
    story, story_copies = max(by_story.items(), key=lambda item: len(item[1]))
    assert len({_entry(c).outlet for c in story_copies}) >= 3
    originals = [_entry(r) for r in gold().reports_of(story) if r.kind == "original"]
    edits = set()
    for copy in map(_entry, story_copies):
        source = max(originals, key=lambda o: _similarity(o, copy))
        assert source.outlet != copy.outlet and source.url != copy.url
        assert _similarity(source, copy) >= 0.8, copy.url
        assert copy.text != source.text or copy.title != source.title, "a copy must differ a little"
        edits.add(
            (
                copy.title != source.title,
                len(copy.paragraphs) < len(source.paragraphs),
                copy.words > source.words,
            )
        )
    assert len(edits) >= 2, "copies are edited in different ways (headline, trim, addition)"


def test_revision_keeps_the_url_and_changes_the_text_later() -> None:
    revisions = _reports("revision")
    assert revisions
    for revision in revisions:
        updated = _entry(revision)
        earlier = [
            _entry(r) for r in gold().reports if r.locator == revision.locator and r.kind != "revision"
        ]
        assert len(earlier) == 1, revision.locator
        first = earlier[0]
        assert first.file != updated.file and first.outlet == updated.outlet
        assert first.text != updated.text
        assert updated.published > first.published
        assert _similarity(first, updated) >= 0.5, "the same article, updated"


def test_exact_duplicates_repeat_a_report_verbatim() -> None:
    duplicates = _reports("exact-duplicate")
    same_url_other_file = same_file_other_url = 0
    for duplicate in duplicates:
        copy = _entry(duplicate)
        matches = [
            r
            for r in gold().reports
            if r.kind != "exact-duplicate"
            and _entry(r).text == copy.text
            and _entry(r).title == copy.title
            and r.story == duplicate.story
        ]
        assert len(matches) == 1, duplicate.locator
        source = matches[0]
        assert _entry(source).outlet == copy.outlet
        assert _entry(source).published == copy.published
        if source.locator == duplicate.locator and source.file != duplicate.file:
            same_url_other_file += 1
        if source.file == duplicate.file and source.locator != duplicate.locator:
            same_file_other_url += 1
            # The same page listed again with tracking parameters.
            assert duplicate.locator.startswith(source.locator + "?"), duplicate.locator
    assert same_url_other_file >= 2, "exact duplicates across two formats"
    assert same_file_other_url >= 1, "an exact duplicate inside one file"


def test_near_duplicates_are_tiny_edits_by_the_same_outlet() -> None:
    near = _reports("near-duplicate")
    assert len(near) >= 2
    for report in near:
        copy = _entry(report)
        others = [_entry(r) for r in gold().reports_of(report.story) if r.kind == "original"]
        source = max(others, key=lambda o: _similarity(o, copy))
        assert source.outlet == copy.outlet and source.url != copy.url
        assert source.text != copy.text
        assert _similarity(source, copy) >= 0.95, copy.url


def test_two_reports_disagree_on_the_death_toll() -> None:
    entries = [_entry(r) for r in gold().reports_of("philippines-ferry-capsize")]
    twelve = [e for e in entries if "Twelve people died" in e.text and "Coast Guard" in e.text]
    fifteen = [e for e in entries if "Fifteen people were killed" in e.text and "disaster" in e.text]
    assert twelve and fifteen
    assert {e.outlet for e in twelve}.isdisjoint({e.outlet for e in fifteen})


def test_non_english_reports_belong_to_multi_report_stories() -> None:
    non_english = _reports("non-english")
    assert non_english
    english_markers = re.compile(r"\b(the|and|of|said)\b", re.IGNORECASE)
    for report in non_english:
        entry = _entry(report)
        assert entry.language and not entry.language.startswith("en"), entry.url
        assert len(english_markers.findall(entry.text)) < 5, entry.url
        assert report.story in gold().multi_report_stories()
    for report in gold().reports:
        if report.kind != "non-english":
            assert _entry(report).language == "en", report.locator


def test_noise_reports_are_single_report_stories() -> None:
    noise = _reports("noise")
    assert len(noise) >= 5
    for report in noise:
        assert len(gold().reports_of(report.story)) == 1, report.story
    singles = {s for s in gold().stories if len(gold().reports_of(s)) == 1}
    assert singles == {r.story for r in noise}, "every single-report story is noise, and vice versa"


def test_some_stories_share_a_country_with_another_story() -> None:
    per_country: Counter[str] = Counter(
        c for s in gold().multi_report_stories() for c in gold().stories[s].countries
    )
    assert per_country["IQ"] >= 2
    assert sum(1 for count in per_country.values() if count >= 2) >= 2


def test_reports_of_a_story_share_concrete_facts() -> None:
    # Words that name the event itself (places, actors) appear in every report of its story.
    anchors = {
        "iraq-nujaba-threat": ("Nujaba",),
        "peru-earthquake": ("Arequipa", "Camaná"),
        "ghana-district-elections": ("Electoral Commission", "Ghana"),
        "rotterdam-port-cyberattack": ("Rotterdam",),
        "spain-catalonia-drought": ("200 litres", "15.8"),
        "yemen-cholera-hodeidah": ("Hodeidah", "Zabid"),
        "kenya-tanzania-trade-dispute": ("Namanga",),
        "france-rail-strike": ("SNCF",),
        "amazon-ministerial-manaus": ("Manaus", "1.2 billion"),
        "philippines-ferry-capsize": ("Santa Lucia Express", "Romblon"),
        "south-africa-rate-cut": ("6.50 percent",),
        "libya-migrant-rescue": ("212", "Zuwara"),
        "nsw-hunter-bushfire": ("Cessnock", "Rural Fire Service"),
        "south-africa-ppe-trial": ("340 million rand", "Sipho Ndlovu"),
        "korea-ai-chip-export-rule": ("high-bandwidth memory", "18 December"),
        "iraq-rumaila-oil-sit-in": ("Rumaila", "Basra Oil Company"),
        "coastal-league-cup-final": ("Tasman Rovers", "Te Rangi"),
    }
    assert set(anchors) == set(gold().multi_report_stories())
    for story, words in anchors.items():
        for report in gold().reports_of(story):
            entry = _entry(report)
            text = entry.title + " " + entry.text
            for word in words:
                if report.kind == "non-english" and not word[0].isupper():
                    continue  # translated phrases differ; names do not
                assert word in text, (story, entry.url, word)
        others = [r for r in gold().reports if r.story != story]
        assert not any(all(w in _entry(r).text for w in words) for r in others), story


def test_pyproject_ships_the_samples_in_the_wheel() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    package_data = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert "samples/**/*" in package_data["wirebrief"]
