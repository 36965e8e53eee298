"""OPML subscription lists: nested outlines, safety, and `wirebrief sources import-opml`."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirebrief.errors import InputError
from wirebrief.ingest.opml import OpmlFeed, parse_opml, read_opml
from wirebrief_cli import run_wirebrief as _wirebrief

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Desk subscriptions</title></head>
  <body>
    <outline text="World">
      <outline text="Wire A" title="Wire A (world)" type="rss" xmlUrl="https://a.example/world.xml"/>
      <outline text="Regional">
        <outline text="Wire B" type="rss" xmlUrl="https://b.example/feed"/>
      </outline>
    </outline>
    <outline text="A web page only" htmlUrl="https://c.example/"/>
    <outline text="Wire A again" xmlUrl="https://a.example/world.xml"/>
    <outline text="Local file" xmlUrl="file:///etc/passwd"/>
  </body>
</opml>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<opml version="2.0"><body><outline text="&lol3;" xmlUrl="https://a.example/x"/></body></opml>
"""


def test_nested_outlines_give_every_feed_once_in_document_order() -> None:
    assert parse_opml(NESTED, "subs.opml") == [
        OpmlFeed("https://a.example/world.xml", "Wire A (world)"),
        OpmlFeed("https://b.example/feed", "Wire B"),
        OpmlFeed("file:///etc/passwd", "Local file"),
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"this is not xml at all", "not well-formed XML"),
        (b"<rss version='2.0'><channel/></rss>", "root element is <rss>"),
        (b"<opml version='2.0'><body/></opml>", "no <outline> elements"),
        (b"<opml><body><outline text='folder'/></body></opml>", "its one outline has no feed URL"),
        (BILLION_LAUGHS, "refused unsafe XML"),
    ],
)
def test_bad_opml_is_one_error_naming_the_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "subs.opml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"subs\.opml") as caught:
        read_opml(path)
    assert problem in caught.value.problem


def test_a_missing_or_empty_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.opml: no such file"):
        read_opml(tmp_path / "nope.opml")
    empty = tmp_path / "empty.opml"
    empty.write_bytes(b"  \n")
    with pytest.raises(InputError, match=r"empty\.opml: empty file"):
        read_opml(empty)


@pytest.mark.slow  # four CLI processes
def test_import_opml_adds_the_feeds_and_reports_bad_files_in_one_line(tmp_path: Path) -> None:
    subs = tmp_path / "subs.opml"
    subs.write_bytes(NESTED)
    data = tmp_path / "data"
    imported = _wirebrief(data, "sources", "import-opml", str(subs), "--every", "3600")
    assert imported.returncode == 0, imported.stderr
    assert "2 sources added, 0 already known" in imported.stdout
    assert "skipped file:///etc/passwd: not an http(s) URL" in imported.stderr

    listed = _wirebrief(data, "sources", "list")
    rows = [line for line in listed.stdout.splitlines() if "│ https://" in line]
    assert [row.split("│")[1].strip() for row in rows] == [
        "https://a.example/world.xml",
        "https://b.example/feed",
    ]
    assert all("every 1h" in row for row in rows) and "Wire A (world)" in rows[0]

    bomb = tmp_path / "laughs.opml"
    bomb.write_bytes(BILLION_LAUGHS)
    refused = _wirebrief(data, "sources", "import-opml", str(bomb))
    assert refused.returncode == InputError.exit_code
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "laughs.opml" in lines[0] and "refused unsafe XML" in lines[0]

    zero = _wirebrief(data, "sources", "add", "https://c.example/feed", "--every", "0")
    assert zero.returncode == InputError.exit_code
    assert zero.stderr.strip() == "error: --every: must be at least 1 second, not 0"
