"""Inputs that cannot be used raise one InputError naming them; bad records go to on_problem."""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import pytest

from wirebrief.errors import ConfigError, InputError
from wirebrief.ingest import iter_reports, read_reports
from wirebrief.settings import Settings

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title>
<item><title>&lol4;</title><description>x</description></item></channel></rss>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&secret;</title><description>x</description></item>
</channel></rss>
"""


def _raises(location: Path | str, match: str, settings: Settings | None = None) -> InputError:
    with pytest.raises(InputError, match=match) as caught:
        list(iter_reports(str(location), on_problem=lambda e: None, settings=settings))
    assert caught.value.location.startswith(str(location))
    return caught.value


def test_missing_path(tmp_path: Path) -> None:
    _raises(tmp_path / "nope.jsonl", "no such file or directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    path.chmod(0)
    _raises(path, "permission denied")


def test_fifo_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    _raises(fifo, "not a regular file")


def test_directory_with_nothing_readable(tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "sub").mkdir()
    _raises(tmp_path, "no readable files")


def test_directory_where_every_file_fails(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"")
    problems: list[InputError] = []
    with pytest.raises(InputError, match="none of the 2 files could be read"):
        list(iter_reports(str(tmp_path), on_problem=problems.append))
    assert len(problems) == 2


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.xml", "empty.html", "empty.csv", "empty.txt"])
def test_zero_byte_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    _raises(path, "empty file")


@pytest.mark.parametrize(
    "name", ["garbage.jsonl", "garbage.xml", "garbage.txt", "garbage.html", "garbage.bin"]
)
def test_binary_garbage(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    generator = random.Random(7)
    path.write_bytes(bytes(generator.randrange(256) for _ in range(5000)))
    _raises(path, "binary data")


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "mojibake.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 20)
    _raises(path, "cannot decode text")


def test_malformed_xml_feed(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<rss><channel><title>Broken<item></rss", encoding="utf-8")
    _raises(path, "not a well-formed feed")


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?><catalog><book>x</book></catalog>', encoding="utf-8")
    _raises(path, "not an RSS or Atom feed")


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lol.rss"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    _raises(path, "refused unsafe XML")


def test_external_entity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(EXTERNAL_ENTITY, encoding="utf-8")
    _raises(path, "refused unsafe XML")


def test_entity_declaration_after_broken_prologue_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sneaky.xml"
    path.write_text('<?xml version="1.0"?>\n<<!DOCTYPE x [<!ENTITY a "b">]><rss/>', encoding="utf-8")
    _raises(path, "refused unsafe XML")


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        for _ in range(20):
            handle.write(b" " * 1_000_000)
    assert path.stat().st_size < 100_000
    _raises(path, "inflates past max_input_bytes", Settings.model_validate({"max_input_bytes": 5_000_000}))


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate" * 10)
    _raises(path, "corrupt gzip")


def test_non_streamed_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text("<html><body><p>" + "word " * 5000 + "</p></body></html>", encoding="utf-8")
    _raises(path, "larger than max_input_bytes", Settings.model_validate({"max_input_bytes": 10_000}))


def test_streamed_file_over_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    line = json.dumps({"title": "t", "text": "word " * 100}) + "\n"
    path.write_text(line * 100, encoding="utf-8")
    assert path.stat().st_size > 10_000
    reports, _ = read_reports(str(path), settings=Settings.model_validate({"max_input_bytes": 10_000}))
    assert len(reports) == 100


def test_line_longer_than_max_record_bytes_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_line = json.dumps({"title": "long", "text": "x" * 5000})
    short_line = json.dumps({"title": "short", "text": "fine"})
    path.write_text(f"{long_line}\n{short_line}\n", encoding="utf-8")
    reports, problems = read_reports(str(path), settings=Settings.model_validate({"max_record_bytes": 1000}))
    assert [r.title for r in reports] == ["short"]
    assert problems[0].location == f"{path}:line 1" and "max_record_bytes" in problems[0].problem


def test_undecodable_line_later_in_a_file_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    # The encoding is judged from the first 64 KiB (valid UTF-8 here); the bad line comes after.
    good = b'{"text": "good \xc3\xa9t\xc3\xa9 line"}\n' * 3000
    path.write_bytes(good + b'{"text": "bad \xff\xfe byte"}\n{"text": "good two"}\n')
    reports, problems = read_reports(str(path))
    assert len(reports) == 3001 and reports[0].body == "good été line" and reports[-1].body == "good two"
    assert [p.location for p in problems] == [f"{path}:line 3001"]


def test_csv_without_a_text_column(tmp_path: Path) -> None:
    path = tmp_path / "no-text.csv"
    path.write_text("title,url\nA,https://e.org\n", encoding="utf-8")
    _raises(path, "no text column")


def test_text_file_with_only_a_title(tmp_path: Path) -> None:
    path = tmp_path / "title-only.txt"
    path.write_text("Just a title\n\n", encoding="utf-8")
    reports, problems = read_reports(str(path))
    assert reports == [] and "no report text" in problems[0].problem


def test_json_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{"name": "not a feed"}', encoding="utf-8")
    _raises(path, "not a JSON Feed")


def test_unknown_field_map_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    _raises_settings = Settings.model_validate({"ingest_field_map": {"headline": ["h"]}})
    with pytest.raises(ConfigError, match="unknown report field"):
        list(iter_reports(str(path), on_problem=lambda e: None, settings=_raises_settings))
