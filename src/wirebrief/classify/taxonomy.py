"""The category taxonomy: stable slugs with definitions, examples, IPTC codes and keyword lexicons.

The table lives in ``wirebrief/data/taxonomy/taxonomy.yaml`` (our own words; IPTC codes and labels are
facts from the IPTC Media Topics NewsCodes, CC BY 4.0). ``docs/taxonomy.md`` shows the same table,
rendered by :func:`render_markdown_table`; a test keeps the two equal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from wirebrief.errors import ConfigError
from wirebrief.records import IptcTopic

TIER_WEIGHTS: Mapping[str, float] = {"strong": 3.0, "medium": 2.0, "weak": 1.0}
"""Weight of a keyword by the tier it is listed under."""

_SLUG = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
_IPTC_CODE = re.compile(r"^medtop:\d{8}$")


@dataclass(frozen=True, slots=True)
class Category:
    slug: str
    label: str
    definition: str
    examples: tuple[str, ...]
    iptc: tuple[IptcTopic, ...]
    keywords: Mapping[str, float] = field(default_factory=dict)  # entry -> weight (highest tier wins)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    categories: tuple[Category, ...]
    fallback: str  # slug given when no category passes the threshold
    source: Mapping[str, str]  # where the IPTC codes come from (name, licence, url, release)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(c.slug for c in self.categories)

    def category(self, slug: str) -> Category:
        for candidate in self.categories:
            if candidate.slug == slug:
                return candidate
        raise KeyError(slug)

    @property
    def fallback_category(self) -> Category:
        return self.category(self.fallback)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a non-empty string, got {value!r}")
    return value.strip()


def _parse_category(raw: Any, where: str) -> Category:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: a category must be a mapping")
    slug = _text(raw.get("slug"), f"{where}.slug")
    where = f"{where} ({slug})"
    if not _SLUG.match(slug):
        raise ConfigError(f"{where}: slug must be lowercase words joined by hyphens")
    examples = raw.get("examples") or []
    if not isinstance(examples, list):
        raise ConfigError(f"{where}.examples: expected a list of sentences")
    iptc_raw = raw.get("iptc") or []
    if not isinstance(iptc_raw, list) or not iptc_raw:
        raise ConfigError(f"{where}.iptc: expected at least one IPTC Media Topic")
    iptc: list[IptcTopic] = []
    for index, topic in enumerate(iptc_raw):
        if not isinstance(topic, dict):
            raise ConfigError(f"{where}.iptc[{index}]: expected a mapping with code and label")
        code = _text(topic.get("code"), f"{where}.iptc[{index}].code")
        if not _IPTC_CODE.match(code):
            raise ConfigError(f"{where}.iptc[{index}].code: {code!r} is not a medtop:NNNNNNNN code")
        iptc.append(IptcTopic(code=code, label=_text(topic.get("label"), f"{where}.iptc[{index}].label")))
    keywords_raw = raw.get("keywords") or {}
    if not isinstance(keywords_raw, dict):
        raise ConfigError(f"{where}.keywords: expected a mapping of tiers to lists")
    keywords: dict[str, float] = {}
    for tier, entries in keywords_raw.items():
        if tier not in TIER_WEIGHTS:
            raise ConfigError(f"{where}.keywords: unknown tier {tier!r} (use {', '.join(TIER_WEIGHTS)})")
        if not isinstance(entries, list):
            raise ConfigError(f"{where}.keywords.{tier}: expected a list of terms")
        for entry in entries:
            term = _text(entry, f"{where}.keywords.{tier}")
            # A term listed in two tiers keeps the stronger weight.
            keywords[term] = max(keywords.get(term, 0.0), TIER_WEIGHTS[tier])
    return Category(
        slug=slug,
        label=_text(raw.get("label"), f"{where}.label"),
        definition=_text(raw.get("definition"), f"{where}.definition"),
        examples=tuple(_text(e, f"{where}.examples") for e in examples),
        iptc=tuple(iptc),
        keywords=keywords,
    )


def parse_taxonomy(text: str, location: str = "taxonomy") -> Taxonomy:
    """Parse and validate a taxonomy document (the YAML layout of the bundled file)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{location}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise ConfigError(f"{location}: expected a mapping with a 'categories' list")
    categories = tuple(
        _parse_category(raw, f"{location}: categories[{index}]")
        for index, raw in enumerate(data["categories"])
    )
    slugs = [c.slug for c in categories]
    duplicated = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicated:
        raise ConfigError(f"{location}: duplicate slugs {', '.join(duplicated)}")
    fallback = _text(data.get("fallback"), f"{location}: fallback")
    if fallback not in slugs:
        raise ConfigError(f"{location}: fallback {fallback!r} is not one of the categories")
    source = data.get("source") or {}
    if not isinstance(source, dict):
        raise ConfigError(f"{location}: source must be a mapping")
    return Taxonomy(
        categories=categories, fallback=fallback, source={str(k): str(v) for k, v in source.items()}
    )


def bundled_taxonomy_path() -> Path:
    return Path(str(resources.files("wirebrief") / "data" / "taxonomy" / "taxonomy.yaml"))


@cache
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy at ``path``, by default the bundled one (read once per path)."""
    location = path or bundled_taxonomy_path()
    try:
        text = location.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{location}: cannot read taxonomy ({exc.strerror or exc})") from exc
    return parse_taxonomy(text, str(location))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown_table(taxonomy: Taxonomy) -> str:
    """The taxonomy as the Markdown table that ``docs/taxonomy.md`` carries between its markers."""
    lines = [
        "| slug | label | definition | examples | IPTC Media Topics |",
        "|---|---|---|---|---|",
    ]
    for category in taxonomy.categories:
        examples = "<br>".join(_cell(e) for e in category.examples)
        iptc = "<br>".join(f"`{t.code}` {_cell(t.label)}" for t in category.iptc)
        label, definition = _cell(category.label), _cell(category.definition)
        lines.append(f"| `{category.slug}` | {label} | {definition} | {examples} | {iptc} |")
    return "\n".join(lines) + "\n"


DOCS_BEGIN = "<!-- taxonomy-table:begin (generated by `python -m wirebrief.classify.docs_table`) -->"
DOCS_END = "<!-- taxonomy-table:end -->"


def replace_docs_table(document: str, taxonomy: Taxonomy) -> str:
    """``document`` with the text between the table markers replaced by the current table."""
    start = document.find(DOCS_BEGIN)
    end = document.find(DOCS_END)
    if start < 0 or end < start:
        raise ConfigError("the document has no taxonomy table markers")
    head = document[: start + len(DOCS_BEGIN)]
    return f"{head}\n{render_markdown_table(taxonomy)}{document[end:]}"
