"""No input stops a read: every reader turns a broken file into a problem naming it and goes on.

Each case puts one damaged file beside a good one in a folder and reads the folder: the read must end
normally, the good file's report must come out, and every problem must name the damaged file. Damaged
files are mutations of the bundled sample news (truncation, random bytes, wrong or unknown declared
encodings, byte-order marks, deep nesting, huge attributes, NUL bytes) and hypothesis's random edits of
them. Inputs that once crashed a reader are kept under ``data/fuzz-regressions/`` and read on every run.

Budget: the default run tries a fixed list of mutations plus ``FUZZ_EXAMPLES`` random ones per format
(a few seconds in all); the ``slow`` run tries ``SLOW_FUZZ_EXAMPLES`` per format.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirebrief import ingest
from wirebrief.errors import InputError, PushRefused
from wirebrief.ingest import read_reports
from wirebrief.ingest.base import ReadContext
from wirebrief.ingest.opml import parse_opml
from wirebrief.records import RawReport
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings

FUZZ_EXAMPLES = 25
SLOW_FUZZ_EXAMPLES = 300
REGRESSIONS = Path(__file__).parent / "data" / "fuzz-regressions"
NEWS = sample_dir()

GOOD_NAME = "0-good.txt"
GOOD_TEXT = b"Harbour reopens after storm\n\nThe harbour of Valparaiso reopened on Tuesday after a storm.\n"

JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Meridian Wire",
        "items": [
            {
                "id": "m-1",
                "url": "https://meridian.example/a",
                "title": "Port strike ends",
                "content_text": "Port workers ended a nine-day strike on Tuesday after a pay offer.",
                "date_published": "2026-11-17T08:30:00+01:00",
                "authors": [{"name": "Ana Ruiz"}],
            }
        ],
    }
).encode()

OPML = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
<outline text="World"><outline text="Meridian" xmlUrl="https://meridian.example/rss"/></outline>
<outline text="Ledger" title="Harbour Ledger" xmlUrl="https://ledger.example/atom"/>
</body></opml>
"""


def _first_lines(path: Path, count: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:count])


# One real file per reader, small enough that a case costs milliseconds.
SEEDS: dict[str, bytes] = {
    ".xml": (NEWS / "feeds" / "meridian-wire.rss.xml").read_bytes(),
    ".atom": (NEWS / "feeds" / "harbour-ledger.atom.xml").read_bytes(),
    ".html": (NEWS / "pages" / "lantern-post-france-rail-strike.html").read_bytes(),
    ".jsonl": _first_lines(NEWS / "reports.jsonl", 3),
    ".csv": _first_lines(NEWS / "reports.csv", 4),
    ".json": JSON_FEED,
    ".txt": GOOD_TEXT.replace(b"Harbour", b"Port"),
}

_DECLARED = re.compile(rb'encoding="[^"]*"')


def _declare(encoding: bytes) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        if _DECLARED.search(data[:200]):
            return _DECLARED.sub(b'encoding="' + encoding + b'"', data, count=1)
        return b'<?xml version="1.0" encoding="' + encoding + b'"?>\n' + data

    return apply


def _nest(opening: bytes, count: int) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        middle = len(data) // 2
        return data[:middle] + opening * count + data[middle:]

    return apply


def _huge_attribute(data: bytes) -> bytes:
    at = data.find(b"<", 10)
    end = data.find(b">", at)
    if at < 0 or end < 0:
        return data + b' x="' + b"A" * 3_000_000 + b'"'
    return data[:end] + b' data-x="' + b"A" * 3_000_000 + b'"' + data[end:]


# Named so a failure says which damage broke which reader.
MUTATIONS: dict[str, Callable[[bytes], bytes]] = {
    "truncated-to-a-third": lambda d: d[: len(d) // 3],
    "truncated-by-one-byte": lambda d: d[:-1],
    "first-ten-bytes": lambda d: d[:10],
    "nul-bytes-in-the-middle": lambda d: d[: len(d) // 2] + b"\x00" * 64 + d[len(d) // 2 :],
    "nul-between-every-byte": lambda d: bytes(b for c in d[:4000] for b in (c, 0)),
    "random-bytes-replacing-the-middle": lambda d: (
        d[: len(d) // 3] + bytes(range(256)) * 8 + d[-len(d) // 3 :]
    ),
    "utf8-bom": lambda d: codecs.BOM_UTF8 + d,
    "utf8-bom-twice": lambda d: codecs.BOM_UTF8 * 2 + d,
    "utf16-bom-on-utf8": lambda d: codecs.BOM_UTF16_LE + d,
    "utf32-bom-on-utf8": lambda d: codecs.BOM_UTF32_BE + d,
    "real-utf16": lambda d: d.decode("utf-8", "replace").encode("utf-16"),
    "utf16-without-bom": lambda d: d.decode("utf-8", "replace").encode("utf-16-le"),
    "latin1-bytes-declared-utf8": lambda d: (
        d.decode("utf-8", "replace").encode("latin-1", "replace") + b"\xe9\xe8\xff"
    ),
    "unknown-declared-encoding": _declare(b"bogus"),
    "empty-declared-encoding": _declare(b""),
    "utf16-declared-on-utf8": _declare(b"utf-16"),
    "ebcdic-declared-on-utf8": _declare(b"cp500"),
    "deep-xml-nesting": _nest(b"<div>", 60_000),
    "deep-json-nesting": _nest(b"[", 60_000),
    "deep-object-nesting": _nest(b'{"a":', 60_000),
    "huge-attribute": _huge_attribute,
    "one-huge-line": lambda d: d + b"x" * 3_000_000,
    "control-characters": lambda d: d.replace(b" ", b"\x01", 50),
    "lone-surrogate-escapes": lambda d: d.replace(b"e", b"\\ud800", 20),
    "gzip-magic-without-gzip": lambda d: b"\x1f\x8b" + d,
}


def _read_beside_good(tmp_path: Path, name: str, data: bytes) -> None:
    """Read a folder with ``data`` (as ``name``) beside a good file; assert the good one still counts."""
    folder = tmp_path / "inbox"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    (folder / GOOD_NAME).write_bytes(GOOD_TEXT)
    damaged = folder / name
    damaged.write_bytes(data)
    reports, problems = read_reports(str(folder), settings=Settings.model_validate({}))
    assert any(r.source.endswith(GOOD_NAME) for r in reports), problems
    for problem in problems:
        assert isinstance(problem, InputError)
        assert problem.location.startswith(str(damaged)), problem
        assert problem.problem.strip(), problem
    for report in reports:
        assert isinstance(report.body, str) and isinstance(report.title, str)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_a_damaged_file_costs_only_itself(tmp_path: Path, suffix: str, mutation: str) -> None:
    _read_beside_good(tmp_path, f"damaged{suffix}", MUTATIONS[mutation](SEEDS[suffix]))


@pytest.mark.parametrize("path", sorted(REGRESSIONS.iterdir()), ids=lambda p: p.name)
def test_inputs_that_once_crashed_a_reader(tmp_path: Path, path: Path) -> None:
    _read_beside_good(tmp_path, path.name, path.read_bytes())


@st.composite
def _edited(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed with one to four random edits: bytes replaced, cut, inserted or the end dropped."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.sampled_from(("replace", "cut", "insert", "truncate")))
        if edit == "replace":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at : at + len(chunk)] = chunk
        elif edit == "cut":
            del data[at : at + draw(st.integers(1, 2000))]
        elif edit == "insert":
            data[at:at] = draw(
                st.one_of(
                    st.binary(max_size=64),
                    st.sampled_from(
                        (b"\x00", codecs.BOM_UTF8, b"<!ENTITY", b"]]>", b"<![CDATA[", b'"', b"\n", b"&#0;")
                    ),
                )
            )
        else:
            del data[at:]
    return bytes(data)


def _fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_random_edits_of_real_files(tmp_path: Path, suffix: str) -> None:
    @_fuzz(FUZZ_EXAMPLES)
    @given(data=_edited(SEEDS[suffix]))
    def check(data: bytes) -> None:
        _read_beside_good(tmp_path, f"edited{suffix}", data)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_random_edits_of_real_files_at_length(tmp_path: Path, suffix: str) -> None:
    @_fuzz(SLOW_FUZZ_EXAMPLES)
    @given(data=_edited(SEEDS[suffix]))
    def check(data: bytes) -> None:
        _read_beside_good(tmp_path, f"edited{suffix}", data)

    check()


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_random_bytes_under_each_suffix(tmp_path: Path, suffix: str) -> None:
    @_fuzz(FUZZ_EXAMPLES)
    @given(data=st.binary(min_size=1, max_size=512))
    def check(data: bytes) -> None:
        _read_beside_good(tmp_path, f"noise{suffix}", data)

    check()


def _parse_opml_or_refuse(data: bytes) -> None:
    try:
        feeds = parse_opml(data, "subscriptions.opml")
    except InputError as error:
        assert error.location == "subscriptions.opml" and error.problem
    else:
        assert all(feed.url for feed in feeds)


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_damaged_opml_file_is_refused_with_a_reason(mutation: str) -> None:
    _parse_opml_or_refuse(MUTATIONS[mutation](OPML))


@_fuzz(FUZZ_EXAMPLES * 4)
@given(data=st.one_of(_edited(OPML), st.binary(max_size=256)))
def test_random_opml_edits_are_parsed_or_refused_with_a_reason(data: bytes) -> None:
    _parse_opml_or_refuse(data)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_ARTICLES = st.dictionaries(
    st.sampled_from(("text", "title", "url", "published", "outlet", "language", "author", "id", "other")),
    _JSON_VALUES,
    max_size=8,
)


@_fuzz(FUZZ_EXAMPLES * 4)
@given(
    body=st.one_of(
        st.binary(max_size=256),
        _ARTICLES.map(lambda a: json.dumps(a).encode()),
        st.lists(_ARTICLES, max_size=5).map(lambda a: json.dumps(a).encode()),
        _JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        st.sampled_from([m(JSON_FEED) for m in MUTATIONS.values()]),
    )
)
def test_a_push_body_is_accepted_or_refused_with_a_reason(body: bytes) -> None:
    from wirebrief.web.push import parse_push_body, reports_from_items

    context = ReadContext.build(Settings.model_validate({}), lambda error: None)
    try:
        reports = reports_from_items(parse_push_body(body, max_batch=100), context)
    except PushRefused as refused:
        assert refused.status in (400, 413, 422) and refused.problem
    else:
        assert reports and all(isinstance(r.body, str) for r in reports)


class _FailingSource:
    """A format whose parser fails on its second record with an error no reader expects, as a
    library bug would: the registered-format extension point, used as a third party would."""

    name = "failing"
    suffixes = (".failing",)
    media_types: tuple[str, ...] = ()
    streamed = True

    def sniff(self, head: bytes) -> bool:
        return False

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]:
        yield RawReport(source=location, locator="1", title="First", body="The first report reads well.")
        raise RuntimeError("parser state corrupted")


def test_an_error_no_reader_expects_costs_only_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "SOURCES", [*ingest.SOURCES, _FailingSource()])
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / GOOD_NAME).write_bytes(GOOD_TEXT)
    (folder / "odd.failing").write_bytes(b"anything")
    reports, problems = read_reports(str(folder), settings=Settings.model_validate({}))
    assert sorted(r.locator for r in reports) == ["0-good.txt", "1"]
    (problem,) = problems
    assert problem.location == str(folder / "odd.failing")
    assert problem.problem == "cannot read as failing: RuntimeError: parser state corrupted"
