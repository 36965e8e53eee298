"""The publish stage: render a verified brief as plain text, Markdown or JSON, and write exports.

The plain text follows the layout of the example brief: the event title line, ``Headline: …``, the
article paragraphs, ``Key Insights from Enrichment Data:`` with ``- `` bullets, one paragraph per
stakeholder, then the categories. Markdown and JSON carry every sentence's citations with the
sources they resolve to. Output depends only on the brief and its sources, so it is byte-identical
across runs.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from wirebrief.errors import StorageError
from wirebrief.records import (
    Article,
    Brief,
    BriefPart,
    BriefSentence,
    Citation,
    Fact,
    ReportSentence,
    StoryBundle,
)

ExportFormat = Literal["md", "json", "text", "html"]
FORMATS: tuple[ExportFormat, ...] = ("md", "json", "text")  # the default set; "html" on request
SUFFIX = {"md": ".md", "json": ".json", "text": ".txt", "html": ".html"}


@dataclass(frozen=True, slots=True)
class SourceIndex:
    """What a brief's citations resolve to, for rendering its sources."""

    sentences: Mapping[str, ReportSentence]
    articles: Mapping[str, Article]
    facts: Mapping[str, Fact]

    @classmethod
    def from_bundle(cls, bundle: StoryBundle) -> SourceIndex:
        return cls(bundle.sentence_index(), {a.id: a for a in bundle.articles}, bundle.fact_index())

    def describe(self, citation: Citation) -> dict[str, str]:
        if citation.kind == "sentence":
            sentence = self.sentences.get(citation.ref)
            article = self.articles.get(sentence.article_id) if sentence else None
            return {
                "kind": "report",
                "id": citation.ref,
                "text": sentence.text if sentence else "",
                "outlet": article.outlet if article else "",
                "published": article.published.isoformat() if article else "",
                "url": (article.url or "") if article else "",
                "title": article.title if article else "",
            }
        fact = self.facts.get(citation.ref)
        return {
            "kind": "reference-record",
            "id": citation.ref,
            "text": fact.statement if fact else "",
            "issuer": fact.issuer if fact else "",
            "as_of": fact.as_of.isoformat() if fact and fact.as_of else "",
            "url": fact.source_url if fact else "",
            "provider": fact.provider if fact else "",
        }


def _paragraphs(sentences: Iterable[BriefSentence]) -> list[list[BriefSentence]]:
    groups: OrderedDict[tuple[int, str | None], list[BriefSentence]] = OrderedDict()
    for sentence in sentences:
        groups.setdefault((sentence.paragraph, sentence.stakeholder), []).append(sentence)
    return list(groups.values())


# The insights line of a brief that no reference record concerns (text and Markdown alike).
NO_RECORDS = "- (no reference records matched)"


def _category_line(brief: Brief) -> str:
    parts = []
    for category in brief.categories:
        codes = ", ".join(f"{t.code} {t.label}" for t in category.iptc)
        parts.append(f"{category.slug} ({category.score:.2f}" + (f"; IPTC {codes})" if codes else ")"))
    return "Categories: " + "; ".join(parts)


def render_text(brief: Brief) -> str:
    """Plain text in the layout of the example brief."""
    lines = [brief.title, f"Headline: {brief.headline}"]
    lines += [" ".join(s.text for s in p) for p in _paragraphs(brief.part(BriefPart.ARTICLE))]
    lines.append("Key Insights from Enrichment Data:")
    lines += [f"- {s.text}" for s in brief.part(BriefPart.INSIGHT)] or [NO_RECORDS]
    for paragraph in _paragraphs(brief.part(BriefPart.STAKEHOLDER)):
        lines.append(f"{paragraph[0].stakeholder}: " + " ".join(s.text for s in paragraph))
    if brief.categories:
        lines.append(_category_line(brief))
    return "\n".join(lines) + "\n"


def render_markdown(brief: Brief, sources: SourceIndex) -> str:
    """Markdown with a footnote on every sentence and the sources listed at the end."""
    numbers: dict[Citation, int] = {}

    def cite(sentence: BriefSentence) -> str:
        marks = []
        for citation in sentence.citations:
            number = numbers.setdefault(citation, len(numbers) + 1)
            marks.append(f"[^{number}]")
        return sentence.text + "".join(marks)

    out = [f"# {' '.join(cite(s) for s in brief.part(BriefPart.TITLE))}", ""]
    out += [f"**Headline:** {' '.join(cite(s) for s in brief.part(BriefPart.HEADLINE))}", ""]
    out += [
        f"*Story `{brief.story_id}` · version {brief.version or '-'} · {brief.report_count} reports from "
        f"{brief.independent_sources} independent sources · as of {brief.as_of.isoformat()} · "
        f"writer: {brief.writer}*",
        "",
    ]
    for paragraph in _paragraphs(brief.part(BriefPart.ARTICLE)):
        out += [" ".join(cite(s) for s in paragraph), ""]
    out += ["## Key Insights from Enrichment Data", ""]
    out += [f"- {cite(s)}" for s in brief.part(BriefPart.INSIGHT)] or [NO_RECORDS]
    out.append("")
    stakeholder_paragraphs = _paragraphs(brief.part(BriefPart.STAKEHOLDER))
    if stakeholder_paragraphs:
        out += ["## Stakeholder Perspectives", ""]
        for paragraph in stakeholder_paragraphs:
            out += [f"**{paragraph[0].stakeholder}.** " + " ".join(cite(s) for s in paragraph), ""]
    out += ["## Categories", "", "| category | score | IPTC Media Topics | evidence |", "|---|---|---|---|"]
    for category in brief.categories:
        codes = "; ".join(f"{t.code} ({t.label})" for t in category.iptc)
        evidence = ", ".join(category.evidence[:5]).replace("|", "/")
        out.append(f"| {category.slug} | {category.score:.2f} | {codes} | {evidence} |")
    out += ["", "## Sources", ""]
    for citation, number in numbers.items():
        info = sources.describe(citation)
        if info["kind"] == "report":
            out.append(
                f'[^{number}]: {info["outlet"]}, {info["published"][:10]}: "{info["text"]}"'
                + (f" <{info['url']}>" if info["url"] else "")
            )
        else:
            out.append(
                f"[^{number}]: {info['issuer']}, as of {info['as_of'] or 'undated'}: {info['text']}"
                + (f" <{info['url']}>" if info["url"] else "")
            )
    if brief.support is not None:
        out += [
            "",
            f"*Verified: {brief.support.supported} sentences supported, "
            f"{len(brief.support.dropped)} dropped as unsupported.*",
        ]
    return "\n".join(out) + "\n"


def _sentence_json(sentence: BriefSentence) -> dict[str, Any]:
    return {"text": sentence.text, "citations": [f"{c.kind}:{c.ref}" for c in sentence.citations]}


def brief_to_dict(brief: Brief, sources: SourceIndex) -> dict[str, Any]:
    """The JSON export: the six parts, each sentence with its citations, and the cited sources."""
    cited = {c for s in brief.sentences for c in s.citations}
    return {
        "story_id": brief.story_id,
        "version": brief.version,
        "story_version": brief.story_version,
        "as_of": brief.as_of.isoformat(),
        "writer": brief.writer,
        "report_count": brief.report_count,
        "independent_sources": brief.independent_sources,
        "event_title": _sentence_json(brief.part(BriefPart.TITLE)[0])
        if brief.part(BriefPart.TITLE)
        else None,
        "headline": _sentence_json(brief.part(BriefPart.HEADLINE)[0])
        if brief.part(BriefPart.HEADLINE)
        else None,
        "article": [[_sentence_json(s) for s in p] for p in _paragraphs(brief.part(BriefPart.ARTICLE))],
        "insights": [_sentence_json(s) for s in brief.part(BriefPart.INSIGHT)],
        "stakeholders": [
            {"name": p[0].stakeholder, "sentences": [_sentence_json(s) for s in p]}
            for p in _paragraphs(brief.part(BriefPart.STAKEHOLDER))
        ],
        "categories": [
            {
                "slug": c.slug,
                "label": c.label,
                "score": round(c.score, 4),
                "iptc": [{"code": t.code, "label": t.label} for t in c.iptc],
                "evidence": list(c.evidence),
            }
            for c in brief.categories
        ],
        "verification": None
        if brief.support is None
        else {
            "supported": brief.support.supported,
            "dropped": [
                {"part": v.sentence.part.value, "text": v.sentence.text, "reasons": list(v.reasons)}
                for v in brief.support.dropped
            ],
        },
        "sources": {
            f"{c.kind}:{c.ref}": sources.describe(c) for c in sorted(cited, key=lambda c: (c.kind, c.ref))
        },
        "metadata": dict(sorted(brief.metadata.items())),
    }


def render_json(brief: Brief, sources: SourceIndex) -> str:
    return json.dumps(brief_to_dict(brief, sources), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render(brief: Brief, sources: SourceIndex, fmt: ExportFormat) -> str:
    if fmt == "text":
        return render_text(brief)
    if fmt == "md":
        return render_markdown(brief, sources)
    if fmt == "html":
        from wirebrief.publish.html import render_html  # Jinja2 loads only when HTML is asked for

        return render_html(brief, sources)
    return render_json(brief, sources)


def export_brief(
    brief: Brief, sources: SourceIndex, directory: Path, formats: Sequence[ExportFormat] = FORMATS
) -> list[Path]:
    """Write the brief in each format to `directory/<story id><suffix>`; unchanged files stay untouched."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            str(directory), f"cannot create the export folder ({exc.strerror or exc})"
        ) from exc
    written = []
    for fmt in formats:
        path = directory / f"{brief.story_id}{SUFFIX[fmt]}"
        content = render(brief, sources, fmt)
        try:
            if not path.exists() or path.read_text("utf-8") != content:
                path.write_text(content, "utf-8")
        except OSError as exc:
            raise StorageError(str(path), f"cannot write the export ({exc.strerror or exc})") from exc
        written.append(path)
    return written
