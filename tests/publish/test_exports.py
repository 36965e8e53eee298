"""Exports: plain text in the example brief's layout, Markdown with sources, JSON with citations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spacy_model import small_english as _nlp
from wirebrief.errors import StorageError
from wirebrief.publish import SourceIndex, export_brief, render_json, render_markdown, render_text
from wirebrief.records import Brief, CategoryScore, IptcTopic, StoryBundle
from wirebrief.settings import Settings
from wirebrief.verify import Verifier
from wirebrief.write import DeterministicWriter, load_stakeholders


@pytest.fixture
def brief(bundle: StoryBundle) -> Brief:
    category = CategoryScore(
        "war-and-conflicts",
        "War and conflicts",
        0.81,
        (IptcTopic("medtop:16000000", "conflict, war and peace"),),
    )
    # A short article leaves report sentences the article does not print: stakeholder paragraphs are
    # written only from those.
    writer = DeterministicWriter(
        Settings(article_max_sentences=3), load_stakeholders(), parse=lambda t: _nlp()(t)
    )
    draft = writer.write(bundle)
    import dataclasses

    return Verifier().verify(dataclasses.replace(draft, categories=(category,)), bundle)


def test_text_follows_the_example_layout(brief: Brief) -> None:
    lines = render_text(brief).splitlines()
    assert lines[0] == brief.title
    assert lines[1] == f"Headline: {brief.headline}"
    insights_at = lines.index("Key Insights from Enrichment Data:")
    assert insights_at > 2  # article paragraphs come between the headline and the insights
    bullets = [line for line in lines[insights_at + 1 :] if line.startswith("- ")]
    assert bullets and all(
        line.startswith("- ") for line in lines[insights_at + 1 : insights_at + 1 + len(bullets)]
    )
    stakeholder_lines = lines[insights_at + 1 + len(bullets) : -1]
    assert any(line.startswith("Travellers: ") for line in stakeholder_lines)
    assert lines[-1].startswith(
        "Categories: war-and-conflicts (0.81; IPTC medtop:16000000 conflict, war and peace)"
    )


def test_a_brief_without_records_says_so_under_the_insights_heading(
    brief: Brief, bundle: StoryBundle
) -> None:
    import dataclasses

    bare = dataclasses.replace(
        brief, sentences=tuple(s for s in brief.sentences if s.citations[0].kind != "fact")
    )
    lines = render_text(bare).splitlines()
    assert lines[lines.index("Key Insights from Enrichment Data:") + 1] == "- (no reference records matched)"
    markdown = render_markdown(bare, SourceIndex.from_bundle(bundle)).splitlines()
    heading = markdown.index("## Key Insights from Enrichment Data")
    assert markdown[heading + 2] == "- (no reference records matched)"


def test_markdown_footnotes_every_sentence_and_lists_its_sources(brief: Brief, bundle: StoryBundle) -> None:
    markdown = render_markdown(brief, SourceIndex.from_bundle(bundle))
    assert markdown.startswith(f"# {brief.title}[^1]")
    _body, sources = markdown.split("## Sources")
    cited = {line.split(":", 1)[0] for line in sources.splitlines() if line.startswith("[^")}
    assert cited == {f"[^{n}]" for n in range(1, len(cited) + 1)}
    assert "Meridian Wire, 2026-11-18" in sources
    assert "U.S. Department of State, as of 2025-06-12" in sources


def test_json_carries_every_part_and_resolvable_citations(brief: Brief, bundle: StoryBundle) -> None:
    data = json.loads(render_json(brief, SourceIndex.from_bundle(bundle)))
    assert data["event_title"]["text"] == brief.title
    assert data["headline"]["text"] == brief.headline
    assert data["article"] and data["insights"] and data["stakeholders"] and data["categories"]
    sentences = [
        data["event_title"],
        data["headline"],
        *[s for p in data["article"] for s in p],
        *data["insights"],
    ]
    for sentence in sentences:
        assert sentence["citations"]
        for citation in sentence["citations"]:
            assert data["sources"][citation]["text"]
    assert data["categories"][0]["iptc"] == [{"code": "medtop:16000000", "label": "conflict, war and peace"}]


def test_exports_are_byte_identical_and_not_rewritten(
    brief: Brief, bundle: StoryBundle, tmp_path: Path
) -> None:
    sources = SourceIndex.from_bundle(bundle)
    first = export_brief(brief, sources, tmp_path)
    contents = [p.read_bytes() for p in first]
    mtimes = [p.stat().st_mtime_ns for p in first]
    second = export_brief(brief, sources, tmp_path)
    assert [p.read_bytes() for p in second] == contents
    assert [p.stat().st_mtime_ns for p in second] == mtimes
    assert sorted(p.suffix for p in first) == [".json", ".md", ".txt"]


def test_an_export_folder_that_cannot_be_created_is_one_clear_error(
    brief: Brief, bundle: StoryBundle, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create the export folder"):
        export_brief(brief, SourceIndex.from_bundle(bundle), blocker / "exports")
