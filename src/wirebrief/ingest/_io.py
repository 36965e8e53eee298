"""Byte-level helpers shared by the ingest sources: bounded reads, gzip, text decoding, line streaming.

Everything here raises :class:`InputError` naming the input, never a bare ``OSError`` or
``UnicodeDecodeError``, so the CLI can print one clear line.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

from wirebrief.errors import InputError

# How much of an input is looked at to decide whether it is text and in which encoding.
HEAD_BYTES = 64 * 1024
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never occur in text (tab, newlines, form feed and escape are allowed).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


class _BoundedGzipReader(io.RawIOBase):
    """Decompresses a gzip stream lazily and refuses to inflate past ``limit`` bytes (gzip bombs)."""

    def __init__(self, raw: BinaryIO, location: str, limit: int) -> None:
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")
        self._raw = raw
        self._location = location
        self._limit = limit
        self._produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            chunk = self._gzip.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(self._location, f"corrupt gzip data ({exc})") from exc
        self._produced += len(chunk)
        if self._produced > self._limit:
            raise InputError(
                self._location, f"gzip data inflates past max_input_bytes ({self._limit:,} bytes)"
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        try:
            self._gzip.close()
        finally:
            self._raw.close()
            super().close()


def is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def format_suffix(name: str) -> str:
    """The suffix that names the format, ignoring a trailing ``.gz`` (``feed.xml.gz`` -> ``.xml``)."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    dot = lowered.rfind(".")
    slash = max(lowered.rfind("/"), lowered.rfind("\\"))
    return lowered[dot:] if dot > slash + 1 else ""


def open_path(path: Path, location: str, max_input_bytes: int) -> BinaryIO:
    """Open a file for buffered binary reading; ``.gz`` files are decompressed as they are read."""
    try:
        raw: BinaryIO = open(path, "rb")  # noqa: SIM115 - the caller closes the returned stream
    except IsADirectoryError as exc:
        raise InputError(location, "is a directory, not a file") from exc
    except PermissionError as exc:
        raise InputError(location, "permission denied") from exc
    except OSError as exc:
        raise InputError(location, f"cannot open ({exc.strerror or exc})") from exc
    if is_gzip_name(path.name):
        return io.BufferedReader(_BoundedGzipReader(raw, location, max_input_bytes), buffer_size=HEAD_BYTES)
    return raw


def wrap_bytes(data: bytes, name: str, location: str, max_input_bytes: int) -> BinaryIO:
    """A stream over bytes already in memory (a fetched body), decompressing ``.gz`` bodies bounded."""
    stream: BinaryIO = io.BytesIO(data)
    if is_gzip_name(name) or data[:2] == b"\x1f\x8b":
        return io.BufferedReader(
            _BoundedGzipReader(stream, location, max_input_bytes), buffer_size=HEAD_BYTES
        )
    return stream


def peek_head(stream: BinaryIO, location: str) -> bytes:
    """The first bytes of a buffered stream without consuming them."""
    peek = getattr(stream, "peek", None)
    try:
        if peek is not None:
            head: bytes = peek(HEAD_BYTES)[:HEAD_BYTES]
            # BufferedReader.peek may return fewer bytes than asked; that is enough to judge.
            return head
        position = stream.tell()
        head = stream.read(HEAD_BYTES)
        stream.seek(position)
        return head
    except OSError as exc:
        raise InputError(location, f"cannot read ({exc.strerror or exc})") from exc


def read_all(stream: BinaryIO, location: str, max_input_bytes: int) -> bytes:
    """Read a whole (non-streamed) input, refusing one larger than ``max_input_bytes``."""
    try:
        data = stream.read(max_input_bytes + 1)
    except OSError as exc:
        raise InputError(location, f"cannot read ({exc.strerror or exc})") from exc
    if len(data) > max_input_bytes:
        raise InputError(location, f"larger than max_input_bytes ({max_input_bytes:,} bytes)")
    return data


def bom_encoding(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return None


def looks_binary(head: bytes) -> bool:
    """True when the bytes are not text: NUL bytes, or more than 1% control bytes that text never has."""
    if bom_encoding(head) in ("utf-16", "utf-32"):
        return False
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = len(head) - len(head.translate(None, _BINARY_BYTES))
    return control > len(head) // 100


def check_text_head(head: bytes, location: str) -> None:
    """Raise for an empty input or one that is binary data."""
    if not head:
        raise InputError(location, "empty file (0 bytes)")
    if looks_binary(head):
        raise InputError(location, "binary data, not text")


def detect_encoding(head: bytes, location: str) -> str:
    """The encoding of a text input, judged from its first bytes.

    A byte-order mark decides; otherwise UTF-8 when the head is valid UTF-8 (ASCII is read as UTF-8 so
    that later non-ASCII lines still decode); otherwise charset-normalizer's best guess. An input no
    encoding fits is refused.
    """
    bom = bom_encoding(head)
    if bom is not None:
        return bom
    try:
        # final=False: the head may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(head).best()
    if best is None:
        raise InputError(location, "cannot decode text: not UTF-8 and no other encoding fits")
    return "utf-8" if best.encoding == "ascii" else best.encoding


def decode_document(data: bytes, location: str) -> str:
    """Decode a whole (small) document after checking it is text."""
    check_text_head(data[:HEAD_BYTES], location)
    encoding = detect_encoding(data[:HEAD_BYTES], location)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(location, f"cannot decode text as {encoding} at byte {exc.start}") from exc


def iter_lines(
    stream: BinaryIO,
    location: str,
    *,
    max_line_bytes: int,
    on_problem: Callable[[InputError], None],
) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, decoded line with its newline)`` one line at a time (memory stays flat).

    The encoding is judged from the head; a later line that does not decode, or one longer than
    ``max_line_bytes``, is passed to ``on_problem`` and skipped.
    """
    head = peek_head(stream, location)
    check_text_head(head, location)
    encoding = detect_encoding(head, location)
    if encoding in ("utf-16", "utf-32"):
        # Multi-byte code units: lines cannot be split on b"\n", so let TextIOWrapper decode.
        text_stream = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline=None)
        number = 0
        try:
            for number, line in enumerate(text_stream, start=1):
                yield number, line
        except UnicodeDecodeError as exc:
            raise InputError(f"{location}:line {number + 1}", f"cannot decode text as {encoding}") from exc
        return
    number = 0
    skip_bom = encoding == "utf-8-sig"
    while True:
        try:
            raw = stream.readline(max_line_bytes + 1)
        except OSError as exc:
            raise InputError(location, f"cannot read ({exc.strerror or exc})") from exc
        if not raw:
            return
        number += 1
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            # Skip the rest of the over-long line without holding it.
            while True:
                rest = stream.readline(HEAD_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            on_problem(
                InputError(
                    f"{location}:line {number}", f"line longer than max_record_bytes ({max_line_bytes:,})"
                )
            )
            continue
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError:
            on_problem(InputError(f"{location}:line {number}", f"cannot decode line as {encoding}"))
            continue
        if skip_bom:
            line = line.removeprefix("\ufeff")
            skip_bom = False
        yield number, line
