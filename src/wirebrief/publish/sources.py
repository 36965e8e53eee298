"""What a stored brief's citations resolve to, read from a store (for the CLI, pages, API and feeds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wirebrief.publish import SourceIndex
from wirebrief.records import Brief, ReportSentence

if TYPE_CHECKING:
    from wirebrief.store import Store


def load_source_index(store: Store, brief: Brief) -> SourceIndex:
    """The report sentences (titles included), articles and facts the brief cites, as stored now."""
    article_ids = {c.ref.split("#")[0] for s in brief.sentences for c in s.citations if c.kind == "sentence"}
    articles = {a.id: a for a in store.articles(sorted(article_ids))}
    sentences: dict[str, ReportSentence] = {}
    for article_id in sorted(article_ids):
        extraction = store.extraction(article_id)
        if extraction is not None:
            sentences.update({s.id: s for s in extraction.sentences})
        if article_id in articles:
            title = ReportSentence.title_of(articles[article_id])
            sentences[title.id] = title
    fact_ids = sorted({c.ref for s in brief.sentences for c in s.citations if c.kind == "fact"})
    facts = {f.id: f for f in store.facts(fact_ids)}
    return SourceIndex(sentences, articles, facts)
