"""Streamed line-oriented formats: JSONL, CSV and plain text. Read one line at a time, so memory stays
flat however large the file is (a single record is bounded by ``max_record_bytes``)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from typing import BinaryIO

from wirebrief.errors import InputError
from wirebrief.ingest import _io
from wirebrief.ingest.base import ReadContext, report_from_mapping
from wirebrief.records import RawReport


class JsonLinesSource:
    name: str = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson")
    media_types: tuple[str, ...] = ("application/jsonl", "application/x-ndjson", "application/x-jsonlines")
    streamed: bool = True

    def sniff(self, head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n").split(b"\n", 1)[0].strip()
        return first.startswith(b"{") and first.endswith(b"}")

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]:
        lines = _io.iter_lines(
            stream, location, max_line_bytes=context.settings.max_record_bytes, on_problem=context.on_problem
        )
        for number, line in lines:
            if not line.strip():
                continue
            where = f"{location}:line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                # The whole message: its position says where in the line the JSON breaks.
                context.on_problem(InputError(where, f"not valid JSON ({exc})"))
                continue
            except RecursionError:
                context.on_problem(InputError(where, "not usable JSON: nested too deeply"))
                continue
            if not isinstance(record, dict):
                context.on_problem(InputError(where, f"a JSON {type(record).__name__}, not an object"))
                continue
            report = report_from_mapping(record, source=location, locator=f"line {number}", context=context)
            if report is not None:
                yield report


class CsvSource:
    """CSV with a header row; the dialect (comma, semicolon, tab) is sniffed from the first lines."""

    name: str = "csv"
    suffixes: tuple[str, ...] = (".csv", ".tsv")
    media_types: tuple[str, ...] = ("text/csv", "text/tab-separated-values")
    streamed: bool = True

    def sniff(self, head: bytes) -> bool:
        return False  # a CSV cannot be told from text reliably: only by its suffix or content type

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]:
        # The csv module refuses fields over 128 KiB by default; a report body may be larger.
        if csv.field_size_limit() < context.settings.max_record_bytes:
            csv.field_size_limit(min(context.settings.max_record_bytes, sys.maxsize))
        numbered = _io.iter_lines(
            stream, location, max_line_bytes=context.settings.max_record_bytes, on_problem=context.on_problem
        )
        line_numbers: list[int] = [0]

        def plain_lines() -> Iterator[str]:
            for number, line in numbered:
                line_numbers[0] = number
                yield line

        lines = plain_lines()
        first = next(lines, None)
        if first is None or not first.strip():
            raise InputError(location, "CSV without a header row")
        delimiter = "\t" if location.lower().endswith((".tsv", ".tsv.gz")) else _sniff_delimiter(first)
        header = next(csv.reader([first], delimiter=delimiter))
        names = [name.strip().lstrip("\ufeff") for name in header]
        if not any(name in names for name in context.field_map["text"]):
            raise InputError(
                location,
                f"CSV header has no text column (looked for: {', '.join(context.field_map['text'])})",
            )
        reader = csv.reader(lines, delimiter=delimiter)
        while True:
            start = line_numbers[0] + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                context.on_problem(InputError(f"{location}:line {start}", f"malformed CSV row ({exc})"))
                continue
            if not any(cell.strip() for cell in row):
                continue
            where = f"line {start}"
            if len(row) > len(names):
                context.on_problem(
                    InputError(f"{location}:{where}", f"{len(row)} cells but the header has {len(names)}")
                )
                continue
            record = {name: cell for name, cell in zip(names, row, strict=False) if name}
            report = report_from_mapping(record, source=location, locator=where, context=context)
            if report is not None:
                yield report


def _sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class TextSource:
    """A plain-text file is one report: its first non-empty line is the title, the rest the body."""

    name: str = "text"
    suffixes: tuple[str, ...] = (".txt", ".text")
    media_types: tuple[str, ...] = ("text/plain",)
    streamed: bool = True

    def sniff(self, head: bytes) -> bool:
        return not _io.looks_binary(head)

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]:
        limit = context.settings.max_record_bytes
        title: str | None = None
        body: list[str] = []
        size = 0
        lines = _io.iter_lines(stream, location, max_line_bytes=limit, on_problem=context.on_problem)
        for _number, line in lines:
            if title is None:
                if line.strip():
                    title = line.strip()
                continue
            size += len(line)
            if size > limit:
                raise InputError(location, f"report longer than max_record_bytes ({limit:,})")
            body.append(line)
        text = "".join(body).strip()
        if title is None:
            raise InputError(location, "no text (only blank lines)")
        if not text:
            context.on_problem(InputError(location, "only a title line, no report text"))
            return
        yield RawReport(
            source=location,
            locator=location.replace("\\", "/").rsplit("/", 1)[-1],
            title=title,
            body=text,
        )
