"""Our knowledge base of organisations and people (``data/gazetteer/*.yaml``).

Each entry has a canonical id, a kind, the names it goes by, and the sourced records (terrorist
designations, memberships, backing) that the enrich stage turns into facts. The entity ruler of the
extractor is built from the same names, so what we can link is exactly what we can recognise.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from wirebrief.errors import ConfigError
from wirebrief.records import Entity, EntityKind

_KINDS = {kind.value: kind for kind in EntityKind}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "ʿ": "'", "ʾ": "'"})
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-"})


def normalise_name(text: str) -> str:
    """The key names are compared by: NFKC, one apostrophe and dash, no case, single spaces,
    no leading "the" and no possessive "'s" (so "the Nujaba movement's" finds "Nujaba movement")."""
    key = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_DASHES).casefold()
    key = re.sub(r"\s+", " ", key).strip(" .,;:\"'()[]")
    key = re.sub(r"^the ", "", key)
    key = re.sub(r"'s$", "", key)
    return key.strip()


@dataclass(frozen=True, slots=True)
class Designation:
    """A government listing of an entity (e.g. a U.S. Foreign Terrorist Organization designation)."""

    program: str  # FTO, SDGT
    issuer: str
    date: dt.date
    source_url: str
    verified_via: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A sourced link from one entity to another (member_of, backed_by, aligned_with, leader_of)."""

    predicate: str
    object_id: str
    issuer: str
    as_of: dt.date
    source_url: str


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    id: str
    name: str
    kind: EntityKind
    aliases: tuple[str, ...]
    acronyms: tuple[str, ...] = ()
    country: str | None = None
    designations: tuple[Designation, ...] = ()
    relations: tuple[Relation, ...] = ()
    source: str = ""
    # A Wikidata QID ("Q7184") only where we checked it; never guessed.
    wikidata: str | None = None
    # Names under which official lists (EU, UK) carry the entry or a named part of it; used to match
    # those lists, not to recognise mentions in text.
    list_names: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        names = dict.fromkeys((self.name, *self.aliases, *self.acronyms))
        return tuple(names)

    def to_entity(self) -> Entity:
        external = {"country": f"iso3166:{self.country}"} if self.country else {}
        if self.wikidata:
            external["wikidata"] = f"wikidata:{self.wikidata}"
        return Entity(
            id=self.id,
            name=self.name,
            kind=self.kind,
            aliases=tuple(n for n in self.all_names if n != self.name),
            external_ids=external,
        )


@dataclass(frozen=True)
class Gazetteer:
    entries: tuple[GazetteerEntry, ...]
    _by_id: Mapping[str, GazetteerEntry] = field(repr=False)
    _by_name: Mapping[str, GazetteerEntry] = field(repr=False)
    _by_acronym: Mapping[str, GazetteerEntry] = field(repr=False)

    @classmethod
    def from_entries(cls, entries: Iterable[GazetteerEntry]) -> Gazetteer:
        ordered = tuple(entries)
        by_id: dict[str, GazetteerEntry] = {}
        by_name: dict[str, GazetteerEntry] = {}
        by_acronym: dict[str, GazetteerEntry] = {}
        for entry in ordered:
            if entry.id in by_id:
                raise ConfigError(f"{entry.source}: gazetteer id {entry.id} is defined twice")
            by_id[entry.id] = entry
            for name in (entry.name, *entry.aliases):
                key = normalise_name(name)
                other = by_name.get(key)
                if other is not None and other.id != entry.id:
                    raise ConfigError(
                        f"{entry.source}: name {name!r} of {entry.id} is already a name of {other.id}"
                    )
                by_name[key] = entry
            for acronym in entry.acronyms:
                by_acronym[acronym] = entry
        return cls(ordered, by_id, by_name, by_acronym)

    def get(self, entity_id: str) -> GazetteerEntry | None:
        return self._by_id.get(entity_id)

    def lookup(self, text: str) -> GazetteerEntry | None:
        """The entry named ``text`` (aliases case-insensitively, acronyms exactly), else None."""
        stripped = text.strip()
        found = self._by_acronym.get(stripped)
        if found is None and stripped.lower().startswith("the "):
            found = self._by_acronym.get(stripped[4:])
        return found or self._by_name.get(normalise_name(stripped))

    def __iter__(self) -> Iterator[GazetteerEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(value)


def _parse_entry(raw: Any, source: str) -> GazetteerEntry:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: every gazetteer entry must be a mapping")
    try:
        entry_id, name, kind = str(raw["id"]), str(raw["name"]), str(raw["kind"])
    except KeyError as exc:
        raise ConfigError(f"{source}: gazetteer entry {raw.get('id', '?')} lacks {exc.args[0]!r}") from exc
    where = f"{source}: {entry_id}"
    if kind not in _KINDS:
        raise ConfigError(f"{where}: kind {kind!r} is not one of {sorted(_KINDS)}")
    if not re.fullmatch(r"(wb:[a-z0-9-]+|wikidata:Q[0-9]+)", entry_id):
        raise ConfigError(f"{where}: id must be wb:<slug> or wikidata:Q<number>")
    designations = tuple(
        Designation(
            program=str(d["program"]),
            issuer=str(d["issuer"]),
            date=_as_date(d["date"], where),
            source_url=str(d["source_url"]),
            verified_via=str(d["verified_via"]) if d.get("verified_via") else None,
        )
        for d in raw.get("designations") or ()
    )
    relations = tuple(
        Relation(
            predicate=str(r["predicate"]),
            object_id=str(r["object"]),
            issuer=str(r["issuer"]),
            as_of=_as_date(r["as_of"], where),
            source_url=str(r["source_url"]),
        )
        for r in raw.get("relations") or ()
    )
    aliases = _strings(raw.get("aliases"), f"{where} aliases")
    wikidata = str(raw["wikidata"]) if raw.get("wikidata") else None
    if wikidata is not None and not re.fullmatch(r"Q[1-9][0-9]*", wikidata):
        raise ConfigError(f"{where}: wikidata must be a QID (Q<number>), not {wikidata!r}")
    return GazetteerEntry(
        id=entry_id,
        name=name,
        kind=_KINDS[kind],
        aliases=tuple(a for a in dict.fromkeys(aliases) if a != name),
        acronyms=_strings(raw.get("acronyms"), f"{where} acronyms"),
        country=str(raw["country"]) if raw.get("country") else None,
        designations=designations,
        relations=relations,
        source=source,
        wikidata=wikidata,
        list_names=_strings(raw.get("list_names"), f"{where} list_names"),
    )


def _read_yaml_list(text: str, source: str) -> list[Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(f"{source}: a gazetteer file must be a list of entries")
    return data


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """Read every ``*.yaml`` list of entries in ``directory`` (default: the bundled gazetteer)."""
    if directory is None:
        return bundled_gazetteer()
    entries: list[GazetteerEntry] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "countries.yaml":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read gazetteer file ({exc})") from exc
        entries.extend(_parse_entry(raw, str(path)) for raw in _read_yaml_list(text, str(path)))
    return Gazetteer.from_entries(entries)


@cache
def bundled_gazetteer() -> Gazetteer:
    root = resources.files("wirebrief") / "data" / "gazetteer"
    entries: list[GazetteerEntry] = []
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml") or item.name == "countries.yaml":
            continue
        source = f"wirebrief/data/gazetteer/{item.name}"
        entries.extend(_parse_entry(raw, source) for raw in _read_yaml_list(item.read_text("utf-8"), source))
    return Gazetteer.from_entries(entries)


@cache
def country_extras() -> Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """ISO alpha-2 -> (extra names, demonyms) from the bundled ``countries.yaml``."""
    item = resources.files("wirebrief") / "data" / "gazetteer" / "countries.yaml"
    source = "wirebrief/data/gazetteer/countries.yaml"
    try:
        data = yaml.safe_load(item.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of country codes")
    return {
        str(code): (
            _strings(value.get("names"), f"{source}: {code}"),
            _strings(value.get("demonyms"), f"{source}: {code}"),
        )
        for code, value in data.items()
    }
