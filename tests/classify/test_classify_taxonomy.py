"""The taxonomy data: exact slug set, well-formed entries, and docs/taxonomy.md equal to the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirebrief.classify import load_taxonomy
from wirebrief.classify.taxonomy import DOCS_BEGIN, DOCS_END, parse_taxonomy, render_markdown_table
from wirebrief.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "taxonomy.md"

EXPECTED_SLUGS = (
    "war-and-conflicts", "terrorism", "crime-and-justice", "politics", "elections", "diplomacy",
    "business-and-economy", "technology", "science", "health", "environment", "disasters-and-accidents",
    "transport-and-travel", "humanitarian-aid", "migration", "human-rights", "energy", "education", "sports",
    "arts-and-entertainment", "religion", "labour", "general-news",
)  # fmt: skip


def test_bundled_taxonomy_has_exactly_the_agreed_slugs_in_order() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.slugs == EXPECTED_SLUGS
    assert taxonomy.fallback == "general-news"


def test_every_category_is_defined_exemplified_mapped_and_has_keywords() -> None:
    for category in load_taxonomy().categories:
        assert category.label and category.definition.endswith("."), category.slug
        assert len(category.examples) >= 2, category.slug
        assert category.iptc, category.slug
        if category.slug != "general-news":
            assert len(category.keywords) >= 30, category.slug
            assert set(category.keywords.values()) <= {1.0, 2.0, 3.0}


def test_docs_table_equals_the_data() -> None:
    document = DOCS.read_text(encoding="utf-8")
    start, end = document.index(DOCS_BEGIN) + len(DOCS_BEGIN), document.index(DOCS_END)
    assert document[start:end].strip() == render_markdown_table(load_taxonomy()).strip(), (
        "docs/taxonomy.md is out of date: run python -m wirebrief.classify.docs_table docs/taxonomy.md"
    )


def test_every_slug_appears_in_the_docs() -> None:
    document = DOCS.read_text(encoding="utf-8")
    for slug in EXPECTED_SLUGS:
        assert f"`{slug}`" in document


def test_a_duplicate_slug_is_refused_with_a_clear_error() -> None:
    entry = (
        "  - slug: sports\n    label: Sports\n    definition: Sport.\n"
        "    iptc: [{code: 'medtop:15000000', label: sport}]\n"
    )
    text = f"fallback: sports\ncategories:\n{entry}{entry}"
    with pytest.raises(ConfigError, match="duplicate slugs sports"):
        parse_taxonomy(text, "test.yaml")


def test_a_malformed_iptc_code_is_refused() -> None:
    text = (
        "fallback: sports\ncategories:\n  - slug: sports\n    label: Sports\n    definition: Sport.\n"
        "    iptc: [{code: '15000000', label: sport}]\n"
    )
    with pytest.raises(ConfigError, match="not a medtop"):
        parse_taxonomy(text, "test.yaml")


def test_an_unknown_keyword_tier_is_refused() -> None:
    text = (
        "fallback: sports\ncategories:\n  - slug: sports\n    label: Sports\n    definition: Sport.\n"
        "    iptc: [{code: 'medtop:15000000', label: sport}]\n    keywords: {huge: [goal]}\n"
    )
    with pytest.raises(ConfigError, match="unknown tier 'huge'"):
        parse_taxonomy(text, "test.yaml")
