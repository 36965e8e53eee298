"""The bundled sample news corpus and its gold annotations.

The corpus is invented news written for wirebrief (invented outlets, invented spokespeople) so that
``wirebrief run`` can show its whole job offline. Layout inside this package::

    gold.json      which report belongs to which story, and what kind of copy it is
    README.md      the files, outlets, stories and where each special case is
    news/          the reports themselves: feeds/*.xml (RSS 2.0, Atom), pages/*.html,
                   reports.jsonl, reports.csv

``sample_dir()`` is the ``news/`` folder, so pointing ingest at it reads reports only; gold file
paths are relative to it (``sample_dir() / report.file``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

from wirebrief.errors import InputError

ReportKind = Literal[
    "original", "wire-copy", "exact-duplicate", "near-duplicate", "revision", "non-english", "noise"
]
REPORT_KINDS: tuple[ReportKind, ...] = get_args(ReportKind)

_NEWS_FOLDER = "news"
_GOLD_FILE = "gold.json"


@dataclass(frozen=True, slots=True)
class GoldReport:
    """One report of the corpus: the file it is in (relative to ``sample_dir()``), its URL there, its
    story and how it relates to other reports."""

    file: str
    locator: str
    story: str
    kind: ReportKind


@dataclass(frozen=True, slots=True)
class GoldStory:
    """One event of the corpus with the taxonomy slugs and ISO 3166 alpha-2 countries it concerns."""

    id: str
    title: str
    categories: tuple[str, ...]
    countries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gold:
    """The gold annotations: every report with its story, and every story."""

    reports: tuple[GoldReport, ...]
    stories: Mapping[str, GoldStory]

    def files(self) -> tuple[str, ...]:
        """The corpus files that hold reports, sorted."""
        return tuple(sorted({report.file for report in self.reports}))

    def reports_of(self, story_id: str) -> tuple[GoldReport, ...]:
        return tuple(report for report in self.reports if report.story == story_id)

    def multi_report_stories(self) -> tuple[str, ...]:
        """Ids of the stories told by at least two reports (the rest are single off-topic reports)."""
        counts: dict[str, int] = {}
        for report in self.reports:
            counts[report.story] = counts.get(report.story, 0) + 1
        return tuple(sorted(story for story, count in counts.items() if count >= 2))

    def story_by_locator(self) -> dict[str, str]:
        """Story id by report URL (an URL appearing in two files always belongs to one story)."""
        return {report.locator: report.story for report in self.reports}


def _package_root() -> Path:
    resource = files(__name__)
    # The samples ship as plain files inside the installed package (wheel or editable), so the
    # resource is a real directory; a zipped install would need extraction, which we do not support.
    if not isinstance(resource, Path):
        raise InputError(str(resource), "the sample corpus is not installed as plain files")
    return resource


def sample_dir() -> Path:
    """The folder of sample reports (feeds, pages, JSONL, CSV) that ``wirebrief run`` reads by default."""
    return _package_root() / _NEWS_FOLDER


def sample_inputs() -> tuple[Path, ...]:
    """Every sample file that holds reports, sorted by path."""
    return tuple(sample_dir() / name for name in load_gold().files())


def gold_path() -> Path:
    return _package_root() / _GOLD_FILE


def _require(entry: Mapping[str, Any], key: str, location: str) -> Any:
    if key not in entry:
        raise InputError(location, f"missing field {key!r}")
    return entry[key]


def _strings(value: Any, location: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputError(location, "expected a list of strings")
    return tuple(value)


def load_gold(path: Path | None = None) -> Gold:
    """Read and check the gold file (default: the bundled ``gold.json``).

    Raises ``InputError`` when the file is unreadable, a field is missing, a kind is unknown, a report
    names a story that is not defined, or a (file, locator) pair appears twice.
    """
    location = str(path or gold_path())
    try:
        document = json.loads((path or gold_path()).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(location, f"cannot read gold file: {error}") from error
    if not isinstance(document, dict):
        raise InputError(location, "expected a JSON object with 'reports' and 'stories'")

    stories: dict[str, GoldStory] = {}
    raw_stories = _require(document, "stories", location)
    if not isinstance(raw_stories, dict):
        raise InputError(location, "'stories' must be an object keyed by story id")
    for story_id, entry in raw_stories.items():
        where = f"{location}: story {story_id}"
        stories[story_id] = GoldStory(
            id=story_id,
            title=str(_require(entry, "title", where)),
            categories=_strings(_require(entry, "categories", where), where),
            countries=_strings(_require(entry, "countries", where), where),
        )

    reports: list[GoldReport] = []
    seen: set[tuple[str, str]] = set()
    raw_reports = _require(document, "reports", location)
    if not isinstance(raw_reports, list):
        raise InputError(location, "'reports' must be a list")
    for index, entry in enumerate(raw_reports):
        where = f"{location}: report {index}"
        kind = str(_require(entry, "kind", where))
        if kind not in REPORT_KINDS:
            raise InputError(where, f"unknown kind {kind!r} (known: {', '.join(REPORT_KINDS)})")
        report = GoldReport(
            file=str(_require(entry, "file", where)),
            locator=str(_require(entry, "locator", where)),
            story=str(_require(entry, "story", where)),
            kind=kind,
        )
        if report.story not in stories:
            raise InputError(where, f"story {report.story!r} is not defined under 'stories'")
        if (report.file, report.locator) in seen:
            raise InputError(where, f"{report.file} {report.locator} is listed twice")
        seen.add((report.file, report.locator))
        reports.append(report)
    return Gold(reports=tuple(reports), stories=MappingProxyType(stories))


__all__ = [
    "REPORT_KINDS",
    "Gold",
    "GoldReport",
    "GoldStory",
    "ReportKind",
    "gold_path",
    "load_gold",
    "sample_dir",
    "sample_inputs",
]
