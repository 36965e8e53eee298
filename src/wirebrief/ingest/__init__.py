"""Ingest: read reports from files, directories and http(s) URLs as :class:`RawReport` records.

Formats are sources behind the :class:`ReportSource` protocol, registered in :data:`SOURCES`; the
format of a file is chosen by its suffix (``.gz`` is looked through), of a URL by its path suffix,
then its content type, then its first bytes. See ``docs/ingest.md`` for formats, limits and errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from wirebrief.errors import InputError
from wirebrief.ingest import _io
from wirebrief.ingest.base import (
    DEFAULT_FIELD_MAP,
    ReadContext,
    ReportSource,
    describe_failure,
    report_from_mapping,
)
from wirebrief.ingest.feeds import FeedSource, JsonSource
from wirebrief.ingest.fetch import USER_AGENT, Fetched, fetch
from wirebrief.ingest.html import HtmlSource
from wirebrief.ingest.tabular import CsvSource, JsonLinesSource, TextSource
from wirebrief.records import RawReport
from wirebrief.settings import Settings

# Order matters only for sniffing content of unknown type: the most specific formats come first.
SOURCES: list[ReportSource] = [
    FeedSource(),
    HtmlSource(),
    JsonSource(),
    JsonLinesSource(),
    CsvSource(),
    TextSource(),
]


def source_for_suffix(suffix: str) -> ReportSource | None:
    return next((s for s in SOURCES if suffix in s.suffixes), None)


def supported_suffixes() -> tuple[str, ...]:
    return tuple(suffix for source in SOURCES for suffix in source.suffixes)


def _sniff(head: bytes) -> ReportSource | None:
    return next((s for s in SOURCES if s.sniff(head)), None)


def _read_stream(
    source: ReportSource, stream: BinaryIO, location: str, context: ReadContext
) -> Iterator[RawReport]:
    head = _io.peek_head(stream, location)
    if not head:
        raise InputError(location, "empty file (0 bytes)")
    try:
        yield from source.read(stream, location, context)
    except InputError:
        raise
    except Exception as exc:
        # A parser library (or a reader) failing on odd input must cost this input only, never the
        # run: the caller reports it like any unusable input and reads the next one.
        raise InputError(location, f"cannot read as {source.name}: {describe_failure(exc)}") from exc


def _read_file(path: Path, location: str, context: ReadContext, *, sniff: bool) -> Iterator[RawReport]:
    source = source_for_suffix(_io.format_suffix(path.name))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(location, f"cannot read ({exc.strerror or exc})") from exc
    if not path.is_file():
        raise InputError(location, "not a regular file")
    if size == 0:
        raise InputError(location, "empty file (0 bytes)")
    if not os.access(path, os.R_OK):
        raise InputError(location, "permission denied")
    limit = context.settings.max_input_bytes
    if source is not None and not source.streamed and not _io.is_gzip_name(path.name) and size > limit:
        raise InputError(
            location, f"larger than max_input_bytes ({limit:,} bytes); this format is not streamed"
        )
    stream = _io.open_path(path, location, limit)
    with stream:
        if source is None:
            if not sniff:
                raise InputError(location, f"unsupported file type {path.suffix!r}")
            head = _io.peek_head(stream, location)
            _io.check_text_head(head, location)
            source = _sniff(head)
            if source is None:
                raise InputError(location, "cannot tell the format of this file")
        yield from _read_stream(source, stream, location, context)


def _walk(directory: Path) -> Iterator[Path]:
    """Files under ``directory`` in sorted order, skipping hidden files and folders; links not followed."""
    for root, folders, files in os.walk(directory, followlinks=False):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            # Only regular files: opening a FIFO or device would block or never end.
            if not name.startswith(".") and path.is_file():
                yield path


def _read_directory(directory: Path, location: str, context: ReadContext) -> Iterator[RawReport]:
    known = set(supported_suffixes())
    candidates = [p for p in _walk(directory) if _io.format_suffix(p.name) in known]
    if not candidates:
        raise InputError(
            location, f"no readable files (looked for {', '.join(sorted(known))}, also gzip-compressed)"
        )
    failed = 0
    for path in candidates:
        produced = 0
        try:
            for report in _read_file(path, str(path), context, sniff=False):
                produced += 1
                yield report
        except Exception as exc:
            # One bad file does not stop a directory; it is reported and the rest is read.
            failed += 1 if produced == 0 else 0
            unexpected = InputError(str(path), f"cannot read: {describe_failure(exc)}")
            context.on_problem(exc if isinstance(exc, InputError) else unexpected)
    if failed == len(candidates):
        problem = (
            "its one file could not be read" if failed == 1 else f"none of the {failed} files could be read"
        )
        raise InputError(location, problem)


def _source_for_fetched(fetched: Fetched) -> ReportSource | None:
    path = fetched.url.split("?", 1)[0].split("#", 1)[0]
    by_suffix = source_for_suffix(_io.format_suffix(path.rsplit("/", 1)[-1]))
    if by_suffix is not None:
        return by_suffix
    return next((s for s in SOURCES if fetched.content_type in s.media_types), None)


def _read_url(url: str, context: ReadContext, fetched: Fetched | None = None) -> Iterator[RawReport]:
    # ``fetched`` is a body the caller already holds (the watcher's conditional GET), so the
    # source is not requested a second time.
    if fetched is None:
        fetched = fetch(url, context.settings)
    if not fetched.body:
        raise InputError(url, "empty response (0 bytes)")
    name = fetched.url.split("?", 1)[0].rsplit("/", 1)[-1]
    stream = _io.wrap_bytes(fetched.body, name, url, context.settings.max_input_bytes)
    source = _source_for_fetched(fetched)
    head = _io.peek_head(stream, url)
    if source is None or source.name == "text":
        # No type, or "text/plain" (which servers send for anything): let the first bytes decide.
        _io.check_text_head(head, url)
        source = _sniff(head) or source
    if source is None:
        raise InputError(url, f"cannot tell the format of the response ({fetched.content_type or 'no type'})")
    yield from _read_stream(source, stream, url, context)


def iter_reports(
    location: str,
    *,
    on_problem: Callable[[InputError], None],
    settings: Settings | None = None,
    fetched: Fetched | None = None,
) -> Iterator[RawReport]:
    """Yield the reports in a file, a directory (recursively, in sorted order) or an http(s) URL.

    For a URL, ``fetched`` may carry the answer already received for it; it is read instead of
    fetching the URL again.

    Raises :class:`InputError` (:class:`FetchError` for URLs) when the input as a whole cannot be used;
    a single bad record is passed to ``on_problem`` and reading goes on.
    """
    settings = settings if settings is not None else Settings.model_validate({})
    context = ReadContext.build(settings, on_problem)
    try:
        yield from _read_location(location, context, fetched)
    except InputError:
        raise
    except Exception as exc:
        # The last guard (each reader has its own): nothing unexpected ends a run, it is this
        # input's problem, reported with its cause.
        raise InputError(location, f"cannot read: {describe_failure(exc)}") from exc


def _read_location(location: str, context: ReadContext, fetched: Fetched | None) -> Iterator[RawReport]:
    if location.startswith(("http://", "https://")):
        yield from _read_url(location, context, fetched)
        return
    path = Path(location)
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as exc:
        raise InputError(location, f"cannot access ({exc.strerror or exc})") from exc
    if not exists:
        raise InputError(location, "no such file or directory")
    if is_dir:
        if not os.access(path, os.R_OK | os.X_OK):
            raise InputError(location, "permission denied")
        yield from _read_directory(path, location, context)
    else:
        yield from _read_file(path, location, context, sniff=True)


def read_reports(
    location: str, *, settings: Settings | None = None
) -> tuple[list[RawReport], list[InputError]]:
    """All reports of ``location`` and the problems met, for callers that want both as lists."""
    problems: list[InputError] = []
    reports = list(iter_reports(location, on_problem=problems.append, settings=settings))
    return reports, problems


__all__ = [
    "DEFAULT_FIELD_MAP",
    "SOURCES",
    "USER_AGENT",
    "CsvSource",
    "FeedSource",
    "HtmlSource",
    "JsonLinesSource",
    "JsonSource",
    "ReadContext",
    "ReportSource",
    "TextSource",
    "fetch",
    "iter_reports",
    "read_reports",
    "report_from_mapping",
    "supported_suffixes",
]
