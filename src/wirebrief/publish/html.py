"""A brief as HTML: a standalone file (citations as numbered footnotes) and the fragment the web pages use.

Both render the JSON export's dict (:func:`wirebrief.publish.brief_to_dict`) through the Jinja2
templates of this package with autoescaping on: report text is only ever inserted as text, and a
source's link becomes an ``href`` only when it is an ``http(s)`` URL (a ``javascript:`` link in a
feed stays plain text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from wirebrief.publish import SourceIndex, brief_to_dict
from wirebrief.records import Brief

# The version of the JSON body of a brief (``brief_to_dict``), served in the API's ``schema_version``.
BRIEF_SCHEMA_VERSION = "1"


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (never a link to run or embed)."""
    if not isinstance(url, str) or not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def citation_numbers(data: Mapping[str, Any]) -> dict[str, int]:
    """Footnote numbers of a brief dict's citations, in order of first appearance."""
    numbers: dict[str, int] = {}

    def walk(sentences: Iterable[Mapping[str, Any]]) -> None:
        for sentence in sentences:
            for key in sentence["citations"]:
                numbers.setdefault(key, len(numbers) + 1)

    for single in ("event_title", "headline"):
        if data.get(single):
            walk([data[single]])
    for paragraph in data["article"]:
        walk(paragraph)
    walk(data["insights"])
    for stakeholder in data["stakeholders"]:
        walk(stakeholder["sentences"])
    return numbers


def make_environment(*extra: PackageLoader) -> Environment:
    """A Jinja2 environment over this package's templates (and ``extra`` loaders first), autoescaped."""
    environment = Environment(
        loader=ChoiceLoader([*extra, PackageLoader("wirebrief.publish", "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["safe_url"] = safe_url
    environment.globals["citation_numbers"] = citation_numbers
    return environment


@cache
def _environment() -> Environment:
    return make_environment()


@cache
def export_css() -> str:
    return files("wirebrief.publish").joinpath("templates/brief.css").read_text("utf-8")


def render_html(brief: Brief, sources: SourceIndex) -> str:
    """A standalone HTML document of the brief: no script, no outside asset, citations as footnotes."""
    data = brief_to_dict(brief, sources)
    template = _environment().get_template("export.html")
    return template.render(brief=data, css=export_css()) + "\n"


__all__ = ["BRIEF_SCHEMA_VERSION", "citation_numbers", "make_environment", "render_html", "safe_url"]
