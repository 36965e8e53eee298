"""The contract every ingest source meets, and the field mapping shared by record-shaped formats."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, BinaryIO, Protocol

from wirebrief.errors import ConfigError, InputError
from wirebrief.records import RawReport
from wirebrief.settings import Settings

# Report field -> names tried in order in a JSONL object, CSV header or JSON list item.
DEFAULT_FIELD_MAP: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "url": ("url", "link"),
        "title": ("title", "headline"),
        "text": ("text", "body", "content"),
        "published": ("published", "date"),
        "outlet": ("outlet", "source"),
        "language": ("language", "lang"),
        "byline": ("byline", "author"),
        "id": ("id", "guid"),
    }
)


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a source needs besides the bytes: settings, where to report bad records, field names."""

    settings: Settings
    on_problem: Callable[[InputError], None]
    field_map: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(cls, settings: Settings, on_problem: Callable[[InputError], None]) -> ReadContext:
        unknown = set(settings.ingest_field_map) - set(DEFAULT_FIELD_MAP)
        if unknown:
            raise ConfigError(
                f"setting ingest_field_map: unknown report field(s) {sorted(unknown)}; "
                f"known: {sorted(DEFAULT_FIELD_MAP)}"
            )
        merged = dict(DEFAULT_FIELD_MAP)
        merged.update({key: tuple(names) for key, names in settings.ingest_field_map.items()})
        return cls(settings=settings, on_problem=on_problem, field_map=MappingProxyType(merged))


class ReportSource(Protocol):
    """One input format. Add a format by writing a class with these members and registering it in
    :data:`wirebrief.ingest.SOURCES`.

    ``read`` gets a buffered binary stream positioned at the start of the input and ``location`` (the
    path or URL, used in ``RawReport.source`` and in errors). It raises :class:`InputError` when the
    whole input is unusable and passes a bad record to ``context.on_problem`` before going on.
    """

    name: str
    suffixes: tuple[str, ...]  # lower-case, with the dot: (".xml", ".rss")
    media_types: tuple[str, ...]  # HTTP content types it reads: ("application/rss+xml",)
    streamed: bool  # True: read record by record, so inputs larger than max_input_bytes are fine

    def sniff(self, head: bytes) -> bool:
        """Whether the first bytes of an input of unknown type look like this format."""
        ...

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]: ...


def _scalar(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return None


def describe_failure(exc: BaseException) -> str:
    """An unexpected exception in plain words for a problem line: its type and message, bounded."""
    message = str(exc).strip()
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= 300 else text[:299] + "…"


def report_from_mapping(
    record: Mapping[str, Any], *, source: str, locator: str, context: ReadContext
) -> RawReport | None:
    """Build a report from one JSONL object / CSV row / JSON list item, or report why it cannot be used.

    Unmapped scalar fields are kept in ``extra`` (as strings) so labels such as a category survive.
    Whatever goes wrong with one record is reported for that record, never raised.
    """
    try:
        return _report_from_mapping(record, source=source, locator=locator, context=context)
    except Exception as exc:
        context.on_problem(InputError(f"{source}:{locator}", f"unusable record ({describe_failure(exc)})"))
        return None


def _report_from_mapping(
    record: Mapping[str, Any], *, source: str, locator: str, context: ReadContext
) -> RawReport | None:
    where = f"{source}:{locator}"
    picked: dict[str, Any] = {}
    used: set[str] = set()
    for field_name, candidates in context.field_map.items():
        for candidate in candidates:
            value = record.get(candidate)
            if value is not None and value != "":
                picked[field_name] = value
                used.add(candidate)
                break
    text = picked.get("text")
    if text is None:
        names = ", ".join(context.field_map["text"])
        context.on_problem(InputError(where, f"no text (looked for fields: {names})"))
        return None
    if not isinstance(text, str):
        context.on_problem(InputError(where, f"text field is a {type(text).__name__}, not a string"))
        return None
    published = picked.get("published")
    published_value: str | datetime | None
    if isinstance(published, int | float) and not isinstance(published, bool):
        # A number is read as Unix seconds.
        try:
            published_value = datetime.fromtimestamp(float(published), tz=UTC)
        except (OverflowError, OSError, ValueError):
            published_value = None
    else:
        published_value = _scalar(published)

    def text_field(name: str) -> str | None:
        value = _scalar(picked.get(name))
        return value.strip() or None if value is not None else None

    extra = {
        str(key): scalar
        for key, value in record.items()
        if key not in used and (scalar := _scalar(value)) is not None
    }
    record_id = text_field("id")
    if record_id is not None:
        extra["id"] = record_id
    return RawReport(
        source=source,
        locator=locator,
        title=text_field("title") or "",
        body=text,
        body_is_html=False,
        url=text_field("url"),
        outlet=text_field("outlet"),
        published=published_value,
        language=text_field("language"),
        byline=text_field("byline"),
        extra=extra,
    )
