"""The EU terrorist list and the UK list of proscribed organisations: parsers of their official formats,
matching to our knowledge base, and the curated records bundled when no official file was read.

* EU: the consolidated financial sanctions file of the European Commission ("FSF" XML export:
  ``<export generationDate=…>`` of ``<sanctionEntity>`` elements, each with ``<regulation programme=…>``,
  ``<subjectType code=…>`` and ``<nameAlias wholeName=…>``). The terrorist list (Common Position
  2001/931/CFSP, Regulation (EC) No 2580/2001) is programme ``TERR``; other programmes are skipped.
* UK: the GOV.UK page "Proscribed terrorist groups or organisations" (HTML): each group is a heading
  followed by paragraphs that say when it was proscribed.

Both are matched to knowledge-base entries by exact normalised name, alias or ``list_names`` (names under
which official lists carry an entry), never by similarity: an entry we cannot match is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import lxml.etree
import lxml.html
import yaml
from defusedxml import ElementTree

from wirebrief.errors import ConfigError
from wirebrief.extract.gazetteer import Gazetteer, normalise_name

EU_LIST_URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content"
UK_PROSCRIBED_URL = "https://www.gov.uk/government/publications/proscribed-terror-groups-or-organisations--2"
EU_ISSUER = "Council of the European Union"
UK_ISSUER = "UK Home Office"
# The FSF programme code of the EU terrorist list (CP 931).
EU_TERRORIST_PROGRAMME = "TERR"
EU_REGIME = "Common Position 2001/931/CFSP"

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH = "(" + "|".join(m.capitalize() for m in _MONTHS) + ")"
_FULL_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? " + _MONTH + r" (\d{4})\b")
_MONTH_DATE = re.compile(r"\b" + _MONTH + r" (\d{4})\b")
_PROSCRIBED = re.compile(r"\bproscri(?:bed|ption)\b", re.I)


# ----------------------------------------------------------------------------------------------- EU


@dataclass(frozen=True, slots=True)
class EuListing:
    reference_number: str  # euReferenceNumber ("EU.3523.13")
    names: tuple[str, ...]  # wholeName of every nameAlias, the first "strong" one first
    subject_type: str  # "enterprise" or "person"
    listed_on: dt.date | None  # designationDate, else the earliest TERR regulation's date
    regulation: str  # numberTitle of that regulation ("2013/714 (OJ L198)")
    regulation_url: str | None  # its EUR-Lex address

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.reference_number


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element if _local(child.tag) == name]


def _iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def eu_root(data: bytes) -> Any:
    """The parsed FSF document; ValueError when it is not one (a truncated file does not parse)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ValueError(f"truncated or not XML ({exc})") from exc
    if _local(root.tag) != "export":
        raise ValueError(f"not the EU financial sanctions file (root element {_local(root.tag)!r})")
    return root


def parse_eu_fsf(data: bytes) -> tuple[dt.date | None, list[EuListing]]:
    """(date generated, terrorist-list entries) of an FSF XML export."""
    root = eu_root(data)
    listings = []
    for entity in root.iter():
        if _local(entity.tag) != "sanctionEntity":
            continue
        regulations = [
            r for r in _children(entity, "regulation") if r.get("programme") == EU_TERRORIST_PROGRAMME
        ]
        if not regulations:
            continue
        dated = sorted(
            regulations,
            key=lambda r: _iso(r.get("entryIntoForceDate")) or _iso(r.get("publicationDate")) or dt.date.max,
        )
        first = dated[0]
        urls = [" ".join((u.text or "").split()) for u in _children(first, "publicationUrl")]
        aliases = _children(entity, "nameAlias")
        strong = [a for a in aliases if a.get("strong") == "true"]
        names = tuple(
            dict.fromkeys(
                " ".join(str(a.get("wholeName") or "").split())
                for a in (*strong, *aliases)
                if (a.get("wholeName") or "").strip()
            )
        )
        subject = _children(entity, "subjectType")
        listings.append(
            EuListing(
                reference_number=str(entity.get("euReferenceNumber") or entity.get("logicalId") or ""),
                names=names,
                subject_type=str(subject[0].get("code") or "") if subject else "",
                listed_on=_iso(entity.get("designationDate"))
                or _iso(first.get("entryIntoForceDate"))
                or _iso(first.get("publicationDate")),
                regulation=str(first.get("numberTitle") or ""),
                regulation_url=next((u for u in urls if u), None),
            )
        )
    return _iso(root.get("generationDate")), listings


# ----------------------------------------------------------------------------------------------- UK


@dataclass(frozen=True, slots=True)
class UkProscription:
    name: str  # the heading as the page gives it ("Hizballah (Party of God)")
    proscribed_on: dt.date | None  # when the page gives a day
    proscribed_in: str | None  # "YYYY-MM" when the page gives only a month


_HEADINGS = ("h2", "h3", "h4")
_NOT_GROUPS = re.compile(
    r"^(contents|proscription|proscribed (terrorist )?(groups|organisations)|northern ireland|"
    r"aliases|deproscri|organisations proscribed|offences|list of)",
    re.I,
)


def _when(text: str) -> tuple[dt.date | None, str | None]:
    """The proscription date in a group's paragraphs: the first date after "proscribed"."""
    for found in _PROSCRIBED.finditer(text):
        tail = text[found.end() : found.end() + 200]
        full, month = _FULL_DATE.search(tail), _MONTH_DATE.search(tail)
        if full and (month is None or full.start() <= month.start()):
            day, name, year = full.groups()
            try:
                return dt.date(int(year), _MONTHS[name.lower()], int(day)), None
            except ValueError:
                continue
        if month:
            name, year = month.groups()
            return None, f"{year}-{_MONTHS[name.lower()]:02d}"
    return None, None


def uk_document(data: bytes) -> Any:
    """The parsed page; ValueError when it is not a complete HTML page."""
    if b"</html" not in data[-4096:].lower():
        raise ValueError("truncated: the page has no closing </html>")
    try:
        return lxml.html.document_fromstring(data)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ValueError(f"not an HTML page ({exc})") from exc


def parse_uk_proscribed(data: bytes) -> list[UkProscription]:
    """Every group heading of the page that is followed by a proscription date."""
    document = uk_document(data)
    main = next(iter(document.xpath("//main")), None)
    root = main if main is not None else document
    found: list[UkProscription] = []
    for heading in root.iter(*_HEADINGS):
        name = " ".join(heading.text_content().split())
        if not name or _NOT_GROUPS.match(name):
            continue
        texts = []
        for sibling in heading.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in _HEADINGS:
                break
            texts.append(sibling.text_content())
        day, month = _when(" ".join(" ".join(texts).split()))
        if day is not None or month is not None:
            found.append(UkProscription(name, day, month))
    return found


# ------------------------------------------------------------------------------------------ matching

_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
_AKA = re.compile(r"\b(?:a\.k\.a\.|aka|also known as|formerly known as|f\.k\.a\.)\s*", re.I)


def candidate_names(listed: str) -> list[str]:
    """A listed name and the names it carries in parentheses or after "a.k.a.":
    "Hizballah (Party of God)" -> "Hizballah (Party of God)", "Hizballah", "Party of God"."""
    names = [listed, _PARENTHESES.sub("", listed).strip()]
    for inner in _PARENTHESES.findall(listed):
        names.extend(part.strip() for part in re.split(r"[,;]", _AKA.sub("", inner)))
    return [n for n in dict.fromkeys(names) if n]


def name_owners(gazetteer: Gazetteer) -> dict[str, str]:
    """Normalised name -> knowledge-base id, over names, aliases, acronyms and list names."""
    owner: dict[str, str] = {}
    for entry in gazetteer:
        for name in (*entry.all_names, *entry.list_names):
            owner.setdefault(normalise_name(name), entry.id)
    return owner


def match_names(names: Iterable[str], owner: Mapping[str, str]) -> list[str]:
    ids = {owner[key] for name in names for n in candidate_names(name) if (key := normalise_name(n)) in owner}
    return sorted(ids)


def match_eu(listings: Iterable[EuListing], gazetteer: Gazetteer) -> dict[str, list[EuListing]]:
    owner = name_owners(gazetteer)
    matched: dict[str, list[EuListing]] = {}
    for listing in listings:
        for entity_id in match_names(listing.names, owner):
            matched.setdefault(entity_id, []).append(listing)
    return {k: sorted(v, key=lambda x: x.reference_number) for k, v in sorted(matched.items())}


def match_uk(groups: Iterable[UkProscription], gazetteer: Gazetteer) -> dict[str, list[UkProscription]]:
    owner = name_owners(gazetteer)
    matched: dict[str, list[UkProscription]] = {}
    for group in groups:
        for entity_id in match_names([group.name], owner):
            matched.setdefault(entity_id, []).append(group)
    return {k: sorted(v, key=lambda x: x.name) for k, v in sorted(matched.items())}


def eu_records(matched: Mapping[str, list[EuListing]]) -> dict[str, list[dict[str, Any]]]:
    return {
        entity_id: [
            {
                "reference_number": x.reference_number,
                "name": x.name,
                "listed_on": x.listed_on.isoformat() if x.listed_on else None,
                "regulation": x.regulation or None,
                "source_url": EU_LIST_URL,
                "regulation_url": x.regulation_url,
                "origin": "official file",
            }
            for x in found
        ]
        for entity_id, found in matched.items()
    }


def uk_records(matched: Mapping[str, list[UkProscription]]) -> dict[str, list[dict[str, Any]]]:
    return {
        entity_id: [
            {
                "name": x.name,
                "proscribed_on": x.proscribed_on.isoformat() if x.proscribed_on else None,
                "proscribed_in": x.proscribed_in,
                "source_url": UK_PROSCRIBED_URL,
                "origin": "official file",
            }
            for x in found
        ]
        for entity_id, found in matched.items()
    }


# ------------------------------------------------------------------------------------ curated records

CURATED_FILE = "curated-designations.yaml"


@cache
def curated_records() -> Mapping[str, Any]:
    """Our own knowledge-base records of the two lists (``data/reference/curated-designations.yaml``),
    used in the snapshot when no official file of that list has been read."""
    item = resources.files("wirebrief") / "data" / "reference" / CURATED_FILE
    source = f"wirebrief/data/reference/{CURATED_FILE}"
    try:
        data = yaml.safe_load(item.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{source}: cannot read ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("checked"), dt.date):
        raise ConfigError(f"{source}: expected a mapping with a 'checked' date")
    for key in ("eu_terrorist_list", "uk_proscribed"):
        if not isinstance(data.get(key), dict):
            raise ConfigError(f"{source}: expected a mapping {key!r} of knowledge-base ids")
    return data


def curated_section(key: str) -> dict[str, list[dict[str, Any]]]:
    """The curated records of one list in the snapshot's layout (dates as ISO strings)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entity_id, rows in sorted(curated_records()[key].items()):
        out[str(entity_id)] = [
            {
                str(k): (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in sorted({**row, "origin": "curated knowledge base"}.items())
            }
            for row in rows
        ]
    return out
