"""Refreshing the reference snapshot from its sources, and the fact revisions a refresh reveals.

``refresh_reference(settings)`` reads each reference source (an http(s) URL through
:func:`wirebrief.ingest.fetch`, with its address guard and size and time limits, or a local file),
checks that it is what it claims to be (JSON, CSV with its columns and complete rows, the UN list's
XML), keeps the good files under ``data_dir/reference/sources`` and rebuilds
``data_dir/reference/snapshot.json`` from them with our own parsers (:func:`build_snapshot`).

A source that fails (timeout, an HTML page instead of data, a truncated file) is reported in one line
and kept in ``refresh-errors.jsonl``; its last good file, when there is one, stands in for it. With no
good file for some source, no snapshot is built and the one in use stays.

Changes between the snapshot in use and the new one are :class:`FactRevision` records (a level raised or
lowered, an advisory added or withdrawn, a UN listing added or removed), appended to
``revisions.jsonl``. Their dates come from the sources (advisory dates, the list's generation date),
never from the clock.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from wirebrief.enrich.enricher import snapshot_path
from wirebrief.enrich.lists import eu_root, parse_eu_fsf, parse_uk_proscribed
from wirebrief.enrich.snapshot import (
    AUSTRALIA_LEVELS,
    CANADA_LEVELS,
    EU_FILE,
    ISSUERS,
    UK_FILE,
    Snapshot,
    build_snapshot,
    dump_snapshot,
    load_snapshot,
    parse_snapshot,
    parse_us_csv,
    parse_us_json,
    parse_worded_csv,
)
from wirebrief.enrich.status import now_for_log, read_status, record_error, record_success
from wirebrief.errors import FetchError, InputError, ProviderError
from wirebrief.ingest.fetch import fetch
from wirebrief.settings import DEFAULT_REFERENCE_SOURCES, Settings

SNAPSHOT_FILE = "snapshot.json"
REVISIONS_FILE = "revisions.jsonl"
ERRORS_FILE = "refresh-errors.jsonl"
SOURCES_DIR = "sources"


@dataclass(frozen=True, slots=True)
class ReferenceSource:
    """One file the snapshot is built from."""

    name: str  # the key in ``reference_sources``
    file_name: str  # the name a folder or base URL holds it under
    layout_path: str  # where build_snapshot expects it, under its root folder
    kind: str  # "json", "csv" or "xml"
    snapshot_source: str  # the source in the snapshot that it feeds
    columns: tuple[str, ...] = ()
    # A snapshot needs a good file of every required source; an optional one (the EU and UK lists) is
    # replaced by our curated records of it until a good file has been read.
    required: bool = True


REFERENCE_SOURCES: tuple[ReferenceSource, ...] = (
    ReferenceSource(
        "travel-advisory-us-json",
        "unitedstates_summary.json",
        "reference/travel-advisories/unitedstates_summary.json",
        "json",
        "travel-advisory-us",
    ),
    ReferenceSource(
        "travel-advisory-us-csv",
        "unitedstates_summary.csv",
        "reference/travel-advisories/unitedstates_summary.csv",
        "csv",
        "travel-advisory-us",
        ("destination", "risk_level", "last_updated_advisory", "advisory_details_url"),
    ),
    ReferenceSource(
        "travel-advisory-ca",
        "canada_summary.csv",
        "reference/travel-advisories/canada_summary.csv",
        "csv",
        "travel-advisory-ca",
        ("destination", "risk_level", "last_updated", "details_url"),
    ),
    ReferenceSource(
        "travel-advisory-au",
        "australia_summary.csv",
        "reference/travel-advisories/australia_summary.csv",
        "csv",
        "travel-advisory-au",
        ("destination", "risk_level", "last_updated", "url"),
    ),
    ReferenceSource(
        "un-sanctions",
        "consolidated.xml",
        "reference/un-sanctions-list/un_sc_consolidated.xml.gz",
        "xml",
        "un-sanctions",
    ),
    ReferenceSource("eu-terrorist-list", "eu_fsf.xml", EU_FILE, "xml", "eu-terrorist-list", required=False),
    ReferenceSource("uk-proscribed", "uk_proscribed.html", UK_FILE, "html", "uk-proscribed", required=False),
)
SOURCES_BY_NAME = {s.name: s for s in REFERENCE_SOURCES}


@dataclass(frozen=True, slots=True)
class FactRevision:
    """A reference record that changed between two snapshots. ``old_value`` None: a new record;
    ``new_value`` None: a record withdrawn. ``as_of`` is the new record's own date (the old one's for a
    withdrawal); ``detected_at`` is the new snapshot's date for that source."""

    provider: str
    subject_id: str
    subject_name: str
    predicate: str
    old_value: str | None
    new_value: str | None
    old_label: str | None
    new_label: str | None
    as_of: dt.date | None
    detected_at: dt.date | None

    @property
    def change(self) -> str:
        if self.old_value is None:
            return "added"
        if self.new_value is None:
            return "removed"
        if (
            self.predicate == "travel_advisory_level"
            and self.old_value.isdigit()
            and self.new_value.isdigit()
        ):
            return "raised" if int(self.new_value) > int(self.old_value) else "lowered"
        return "changed"

    def as_json(self) -> dict[str, Any]:
        row = asdict(self)
        row["as_of"] = self.as_of.isoformat() if self.as_of else None
        row["detected_at"] = self.detected_at.isoformat() if self.detected_at else None
        row["change"] = self.change
        return row


@dataclass(frozen=True, slots=True)
class RefreshError:
    source: str
    location: str
    problem: str
    kept: str  # what stays in use instead, in words

    def line(self) -> str:
        return f"{self.source}: {self.location}: {self.problem}; {self.kept}"


@dataclass(slots=True)
class RefreshResult:
    snapshot_path: Path
    built: bool = False
    revisions: list[FactRevision] = field(default_factory=list)
    errors: list[RefreshError] = field(default_factory=list)
    fresh_sources: list[str] = field(default_factory=list)
    source_dates: dict[str, str | None] = field(default_factory=dict)


# -------------------------------------------------------------------------------------------- paths


def reference_dir(settings: Settings) -> Path:
    return settings.data_dir / "reference"


def refreshed_snapshot_path(settings: Settings) -> Path:
    """Where ``wirebrief refresh`` writes the snapshot (the Enricher uses it when it exists)."""
    return reference_dir(settings) / SNAPSHOT_FILE


def current_snapshot(settings: Settings) -> Snapshot:
    """The snapshot enrichment uses now: ``reference_snapshot``, else the refreshed one, else the
    bundled one."""
    return load_snapshot(snapshot_path(settings))


def resolve_sources(settings: Settings, overrides: Sequence[str] = ()) -> dict[str, str]:
    """Source name -> URL or path: the defaults, then ``reference_sources``, then ``overrides``.

    An override is ``NAME=LOCATION`` for one source, or a bare folder or base URL that holds every file
    under its usual name (``unitedstates_summary.json``, ..., ``consolidated.xml``).
    """
    sources = {**DEFAULT_REFERENCE_SOURCES, **settings.reference_sources}
    unknown = sorted(set(sources) - SOURCES_BY_NAME.keys())
    if unknown:
        raise InputError(
            "reference_sources", f"unknown source {unknown[0]!r}; known: {sorted(SOURCES_BY_NAME)}"
        )
    for override in overrides:
        name, sep, location = override.partition("=")
        if sep and name in SOURCES_BY_NAME:
            sources[name] = location
        elif sep and "://" not in name and "/" not in name:
            raise InputError(override, f"unknown source {name!r}; known: {sorted(SOURCES_BY_NAME)}")
        else:
            for source in REFERENCE_SOURCES:
                sources[source.name] = _join(override, source.file_name)
    return sources


def _join(base: str, file_name: str) -> str:
    if base.startswith(("http://", "https://")):
        return base.rstrip("/") + "/" + file_name
    folder = Path(base)
    gz = folder / (file_name + ".gz")
    return str(gz if not (folder / file_name).exists() and gz.exists() else folder / file_name)


# ------------------------------------------------------------------------------------------- reading


def _gunzip(data: bytes, location: str, limit: int) -> bytes:
    inflater = zlib.decompressobj(47)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise InputError(location, f"corrupt gzip data ({exc})") from exc
    if len(out) > limit:
        raise InputError(location, f"larger than max_input_bytes ({limit:,} bytes) once decompressed")
    if not inflater.eof:
        raise InputError(location, "truncated gzip data")
    return out


def read_source(location: str, settings: Settings) -> bytes:
    """The bytes at a URL (through the guarded fetcher) or a local path, gunzipped when gzip."""
    limit = settings.max_input_bytes
    if location.startswith(("http://", "https://")):
        body = fetch(location, settings).body
    else:
        path = Path(location)
        try:
            if path.stat().st_size > limit:
                raise InputError(location, f"larger than max_input_bytes ({limit:,} bytes)")
            body = path.read_bytes()
        except OSError as exc:
            raise InputError(location, f"cannot read ({exc.strerror or exc})") from exc
    return _gunzip(body, location, limit) if body[:2] == b"\x1f\x8b" else body


def _looks_like_html(data: bytes) -> bool:
    head = data.lstrip()[:200].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def check_source(source: ReferenceSource, data: bytes) -> int:
    """Check that ``data`` is a complete file of the source's format; return its record count.
    Raises ValueError with the problem in words."""
    if source.kind == "html":
        # The UK list is a web page: it must be complete and name groups with proscription dates.
        count = len(parse_uk_proscribed(data))
        if count == 0:
            raise ValueError("holds no usable records (no group with a proscription date)")
        return count
    if _looks_like_html(data):
        raise ValueError(f"returned an HTML page, not {source.kind.upper()}")
    if source.name == "eu-terrorist-list":
        eu_root(data)
        count = len(parse_eu_fsf(data)[1])
        if count == 0:
            raise ValueError("holds no usable records (no terrorist-list entry, programme TERR)")
        return count
    if source.kind == "json":
        try:
            rows = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"truncated or not JSON ({exc})") from exc
        count = len(parse_us_json(data))
    elif source.kind == "csv":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8 text ({exc})") from exc
        rows = list(csv.reader(io.StringIO(text)))
        header = rows[0] if rows else []
        missing = [c for c in source.columns if c not in header]
        if missing:
            raise ValueError(f"not the expected CSV: no column {missing[0]!r}")
        for number, row in enumerate(rows[1:], start=2):
            if row and len(row) != len(header):
                raise ValueError(f"truncated: row {number} has {len(row)} of {len(header)} fields")
        if source.name == "travel-advisory-us-csv":
            count = len(parse_us_csv(data))
        else:
            issuer = "CA" if source.name == "travel-advisory-ca" else "AU"
            count = len(parse_worded_csv(data, issuer, CANADA_LEVELS if issuer == "CA" else AUSTRALIA_LEVELS))
    else:
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise ValueError(f"truncated or not XML ({exc})") from exc
        if root.tag != "CONSOLIDATED_LIST":
            raise ValueError(f"not the UN consolidated list (root element {root.tag!r})")
        count = sum(1 for _ in root.iter("INDIVIDUAL")) + sum(1 for _ in root.iter("ENTITY"))
    if count == 0:
        raise ValueError("holds no usable records")
    return count


# ------------------------------------------------------------------------------------------- diffing


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _source_date(data: Mapping[str, Any], name: str) -> dt.date | None:
    found = data.get("sources", {}).get(name)
    return _date(found.get("newest_record")) if isinstance(found, dict) else None


def _country_name(new: Mapping[str, Any], old: Mapping[str, Any], code: str) -> str:
    for data in (new, old):
        profile = data.get("country_profiles", {}).get(code)
        if isinstance(profile, dict) and profile.get("name"):
            return str(profile["name"])
    return code


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FactRevision]:
    """The fact revisions from ``old`` to ``new`` (snapshot mappings), in a stable order."""
    revisions: list[FactRevision] = []
    for issuer in sorted(ISSUERS):
        provider = f"travel-advisory-{issuer.lower()}"
        before = old.get("travel_advisories", {}).get(issuer, {})
        after = new.get("travel_advisories", {}).get(issuer, {})
        detected = _source_date(new, provider)
        for code in sorted(before.keys() | after.keys()):
            was, now = before.get(code), after.get(code)
            old_level = str(was["level"]) if was else None
            new_level = str(now["level"]) if now else None
            if old_level == new_level:
                continue
            revisions.append(
                FactRevision(
                    provider=provider,
                    subject_id=f"iso3166:{code}",
                    subject_name=_country_name(new, old, code),
                    predicate="travel_advisory_level",
                    old_value=old_level,
                    new_value=new_level,
                    old_label=str(was["label"]) if was else None,
                    new_label=str(now["label"]) if now else None,
                    as_of=_date(now["date"]) if now else _date(was["date"] if was else None),
                    detected_at=detected,
                )
            )
    detected = _source_date(new, "un-sanctions")
    before_un = old.get("un_sanctions", {})
    after_un = new.get("un_sanctions", {})
    for entity_id in sorted(before_un.keys() | after_un.keys()):
        was_listed = {str(x["reference_number"]): x for x in before_un.get(entity_id, [])}
        now_listed = {str(x["reference_number"]): x for x in after_un.get(entity_id, [])}
        for ref in sorted(was_listed.keys() ^ now_listed.keys()):
            entry = now_listed.get(ref) or was_listed[ref]
            added = ref in now_listed
            revisions.append(
                FactRevision(
                    provider="un-sanctions",
                    subject_id=entity_id,
                    subject_name=str(entry.get("name") or entity_id),
                    predicate="un_sanctions_listing",
                    old_value=None if added else ref,
                    new_value=ref if added else None,
                    old_label=None if added else str(entry.get("list_type") or ""),
                    new_label=str(entry.get("list_type") or "") if added else None,
                    as_of=_date(entry.get("listed_on")) if added else None,
                    detected_at=detected,
                )
            )
    revisions.extend(_diff_lists(old, new))
    return revisions


def _diff_lists(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FactRevision]:
    """EU and UK entries added or removed, keyed by entity and the name the list gives."""
    revisions = []
    for section, provider, predicate, day_key in (
        ("eu_terrorist_list", "eu-terrorist-list", "eu_terrorist_listing", "listed_on"),
        ("uk_proscribed", "uk-proscribed", "uk_proscription", "proscribed_on"),
    ):
        before, after = old.get(section, {}), new.get(section, {})
        detected = _source_date(new, provider)
        for entity_id in sorted(before.keys() | after.keys()):
            was = {str(x["name"]): x for x in before.get(entity_id, [])}
            now = {str(x["name"]): x for x in after.get(entity_id, [])}
            for name in sorted(was.keys() ^ now.keys()):
                added = name in now
                entry = now[name] if added else was[name]
                revisions.append(
                    FactRevision(
                        provider=provider,
                        subject_id=entity_id,
                        subject_name=name,
                        predicate=predicate,
                        old_value=None if added else name,
                        new_value=name if added else None,
                        old_label=None,
                        new_label=None,
                        as_of=_date(entry.get(day_key)),
                        detected_at=detected,
                    )
                )
    return revisions


# ----------------------------------------------------------------------------------------- refreshing


def _write_atomic(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(payload)
    os.replace(temporary, path)


def _append_jsonl(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def _stored(source: ReferenceSource, data: bytes) -> bytes:
    # The UN list is kept gzipped (mtime 0, so the same list gives the same bytes).
    return gzip.compress(data, mtime=0) if source.layout_path.endswith(".gz") else data


def _in_use(settings: Settings) -> Snapshot | None:
    try:
        return current_snapshot(settings)
    except ProviderError:
        return None


def refresh_reference(settings: Settings, overrides: Sequence[str] = ()) -> RefreshResult:
    """Read every reference source, rebuild the snapshot, record revisions and errors."""
    locations = resolve_sources(settings, overrides)
    folder = reference_dir(settings)
    cache = folder / SOURCES_DIR
    result = RefreshResult(snapshot_path=refreshed_snapshot_path(settings))
    in_use = _in_use(settings)
    origins: dict[str, str] = {}
    attempted = now_for_log()
    for source in REFERENCE_SOURCES:
        location = locations[source.name]
        cached = cache / source.layout_path
        try:
            data = read_source(location, settings)
            records = check_source(source, data)
        except (FetchError, InputError, ValueError) as exc:
            problem = " ".join((exc.problem if isinstance(exc, InputError) else str(exc)).split())
            record_error(settings, source.name, location, problem, attempted)
            if cached.exists():
                kept = "its last good download stays in use"
            elif not source.required:
                kept = "no earlier download of it; our curated records of this list stay in use"
            else:
                kept = "no earlier download of it; the snapshot in use stays"
            if in_use is not None:
                day = in_use.data.get("sources", {}).get(source.snapshot_source, {}).get("newest_record")
                kept += f" ({source.snapshot_source} dated {day}, from {in_use.origin})"
            result.errors.append(RefreshError(source.name, location, problem, kept))
            continue
        record_success(settings, source.name, location, records, attempted)
        _write_atomic(cached, _stored(source, data))
        origins[source.layout_path] = location
        result.fresh_sources.append(source.name)

    errors_rows = [{**asdict(e), "attempted_at": attempted} for e in result.errors]
    _append_jsonl(folder / ERRORS_FILE, errors_rows)
    if not all((cache / s.layout_path).exists() for s in REFERENCE_SOURCES if s.required):
        return result

    new = build_snapshot(cache, origins=origins)
    payload = dump_snapshot(new)
    parse_snapshot(payload, str(result.snapshot_path))  # never write a snapshot we could not read back
    if in_use is not None:
        result.revisions = diff_snapshots(in_use.data, new)
    _write_atomic(result.snapshot_path, payload)
    result.built = True
    result.source_dates = {name: src.get("newest_record") for name, src in sorted(new["sources"].items())}
    _append_jsonl(folder / REVISIONS_FILE, [r.as_json() for r in result.revisions])
    return result


def read_revisions(settings: Settings) -> Iterator[dict[str, Any]]:
    """The recorded revisions, oldest first."""
    path = reference_dir(settings) / REVISIONS_FILE
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


def read_refresh_errors(settings: Settings) -> Iterator[dict[str, Any]]:
    """The recorded refresh errors, oldest first (for a sources view)."""
    path = reference_dir(settings) / ERRORS_FILE
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True, slots=True)
class ProviderHealth:
    """One reference source as `wirebrief sources` shows it."""

    name: str
    location: str
    last_success_at: str | None
    last_error_at: str | None
    last_error: str | None
    snapshot_date: str | None  # the date of the records in use for it
    records_from: str  # "official file", "curated knowledge base", a collected summary, or "-"
    snapshot: str  # the snapshot in use: "bundled", its path, or "unreadable"


def provider_health(settings: Settings) -> list[ProviderHealth]:
    """Every reference source with its last success and error and the date of the records in use."""
    statuses = read_status(settings)
    try:
        locations = resolve_sources(settings)
    except InputError:
        locations = dict(DEFAULT_REFERENCE_SOURCES)
    snapshot = _in_use(settings)
    if snapshot is None:
        in_use = "unreadable"
    else:
        in_use = "bundled" if snapshot.origin.startswith("wirebrief/") else snapshot.origin
    rows = []
    for source in REFERENCE_SOURCES:
        status = statuses.get(source.name)
        info: Mapping[str, Any] = {}
        if snapshot is not None:
            found = snapshot.data.get("sources", {}).get(source.snapshot_source)
            info = found if isinstance(found, dict) else {}
        rows.append(
            ProviderHealth(
                name=source.name,
                location=status.location if status and status.location else locations.get(source.name, ""),
                last_success_at=status.last_success_at if status else None,
                last_error_at=status.last_error_at if status else None,
                last_error=status.last_error if status else None,
                snapshot_date=str(info["newest_record"]) if info.get("newest_record") else None,
                records_from=str(info.get("records_from") or "-"),
                snapshot=in_use,
            )
        )
    for name, status in sorted(statuses.items()):
        if name not in SOURCES_BY_NAME:  # the Enricher's record of a snapshot it could not read
            rows.append(
                ProviderHealth(
                    name=name,
                    location=status.location or "",
                    last_success_at=status.last_success_at,
                    last_error_at=status.last_error_at,
                    last_error=status.last_error,
                    snapshot_date=None,
                    records_from="-",
                    snapshot=in_use,
                )
            )
    return rows
