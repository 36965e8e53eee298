"""Story bundles made straight from sentences, for the writer's tests: no extraction, no store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from wirebrief.records import (
    Article,
    Extraction,
    Fact,
    Mention,
    ReportSentence,
    Story,
    StoryBundle,
    content_hash,
)


def report_bundle(
    story_id: str,
    reports: Sequence[tuple[str, str, datetime, list[str]]],
    facts: tuple[Fact, ...] = (),
    organisations: Iterable[str] = (),
) -> StoryBundle:
    """A story of one report per (article id, outlet, published, sentences); the first sentence is also
    the report's title. Each name in ``organisations`` is an ORG mention wherever a sentence has it."""
    names = tuple(organisations)
    articles, extractions = [], {}
    for article_id, outlet, published, texts in reports:
        text = " ".join(texts)
        articles.append(
            Article(
                id=article_id,
                outlet=outlet,
                title=texts[0],
                text=text,
                published=published,
                language="en",
                content_hash=content_hash(text),
                source="test",
                url=f"https://{outlet.lower().replace(' ', '')}.example/{article_id}",
            )
        )
        sentences = tuple(
            ReportSentence(ReportSentence.make_id(article_id, i), article_id, i, t)
            for i, t in enumerate(texts)
        )
        mentions = tuple(
            Mention(s.id, article_id, name, "ORG", s.text.index(name), s.text.index(name) + len(name))
            for s in sentences
            for name in names
            if name in s.text
        )
        extractions[article_id] = Extraction(article_id, sentences, mentions)
    story = Story(story_id, tuple(a.id for a in articles), articles[0].published, articles[-1].published)
    return StoryBundle(
        story=story,
        articles=tuple(articles),
        extractions=extractions,
        entities={},
        facts=facts,
        categories=(),
    )
