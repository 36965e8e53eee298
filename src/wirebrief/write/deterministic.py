"""The deterministic writer: an extractive, template-bound brief in which every sentence is cited.

No sentence is invented. The writer only

* picks report sentences (extractive multi-document synthesis: centrality to the story's centroid,
  maximal marginal relevance against redundancy, one copy per syndication family);
* shortens one central sentence into an event title along its dependency parse (subject, verb, object);
* renders reference records (Facts) through the statement their provider wrote for them;
* frames material with attribution words only ("Reports give different figures: A reported …").

The verifier checks each of these sentences afterwards like any other writer's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from wirebrief.records import (
    Brief,
    BriefPart,
    BriefSentence,
    Citation,
    Fact,
    Stakeholder,
    StoryBundle,
)
from wirebrief.settings import Settings
from wirebrief.write.insights import _insights, insight_facts
from wirebrief.write.select import (
    _PASSAGE_MAX_SENTENCES,
    BatchParser,
    SentenceParser,
    _disagreements,
    _in_order,
    _introduced,
    _Material,
    _material,
    _names_introduced,
    _Passage,
    _quote_depth,
    _select,
    _with_full_names,
    _without_dateline,
    meaning_words,
    one_spelling,
    stale_figures,
    states_stale_figure,
)
from wirebrief.write.stakeholders import _stakeholders
from wirebrief.write.titles import (
    _headline,
    _line_from_sentences,
    _normal,
    _title,
    event_title,
    fit_for_top,
    stands_alone,
    superseded,
)
from wirebrief.write.voice import written_by

WRITER_NAME = "deterministic"


class DeterministicWriter:
    """Writes a six-part brief from a story bundle; see the module docstring."""

    name = WRITER_NAME

    def __init__(
        self,
        settings: Settings,
        stakeholders: Sequence[Stakeholder],
        parse: SentenceParser,
        parse_many: BatchParser | None = None,
    ) -> None:
        self.settings = settings
        self.stakeholders = tuple(stakeholders)
        self.parse = parse
        # Parsing title candidates is most of the writer's time: a batch parser (nlp.pipe) halves it.
        self.parse_many: BatchParser = parse_many or (lambda texts: [parse(t) for t in texts])
        # A headline candidate is parsed for its verb alone: the batch parser skips NER.
        self._parse_line: SentenceParser = lambda text: next(iter(self.parse_many([text])))

    # ------------------------------------------------------------------------------ selection helpers

    def _article(
        self,
        material: _Material,
        max_words: int,
        disagreements: Sequence[BriefSentence] = (),
        stale: Mapping[str, set[str]] | None = None,
    ) -> list[BriefSentence]:
        # A chosen passage that cannot be printed where it falls (it opens on a subject nothing before
        # has introduced) leaves its words to the next passages in line rather than to nothing: the
        # selection runs again without it. Each round passes over at least one more passage, so it ends.
        passed_over: frozenset[str] = frozenset()
        while True:
            chosen = _select(material, self.settings.article_max_sentences, max_words, passed_over)
            picked = _introduced(_in_order(chosen, stale))
            dropped = {p.sentences[0].id for p in chosen} - {p.sentences[0].id for p in picked}
            if not dropped:
                break
            passed_over |= dropped
        # A passage is a paragraph; passages of one report in a row share one, up to four sentences.
        paragraphs: list[list[_Passage]] = []
        for passage in picked:
            last = paragraphs[-1] if paragraphs else None
            if (
                last
                and last[-1].article.id == passage.article.id
                and sum(len(p.sentences) for p in last) + len(passage.sentences) <= _PASSAGE_MAX_SENTENCES
            ):
                last.append(passage)
            else:
                paragraphs.append([passage])
        # One-sentence paragraphs in a row read as a list of fragments: join neighbours up to three.
        merged: list[list[_Passage]] = []
        for paragraph in paragraphs:
            size = sum(len(p.sentences) for p in paragraph)
            if (
                merged
                and (size == 1 or sum(len(p.sentences) for p in merged[-1]) == 1)
                and (sum(len(p.sentences) for p in merged[-1]) + size <= 3)
            ):
                merged[-1].extend(paragraph)
            else:
                merged.append(paragraph)
        merged = merged[:7]
        out: list[BriefSentence] = []
        introduced: set[str] = set()
        for number, paragraph in enumerate(merged):
            pairs = [(p, s) for p in paragraph for s in p.sentences]
            # The report's own judgements, guesses or "I", one after another in a report: one
            # quotation, as the report's.
            quoted = written_by(
                [_without_dateline(s.text) if s.id in p.framed else None for p, s in pairs],
                [p.article.outlet for p, _ in pairs],
                [
                    bool(k)
                    and s.article_id == pairs[k - 1][1].article_id
                    and s.index == pairs[k - 1][1].index + 1
                    for k, (_, s) in enumerate(pairs)
                ],
            )
            for (_, sentence), framed_text in zip(pairs, quoted, strict=True):
                text = sentence.text
                # Where a report was filed ("BASRA (CPA) — ") belongs at the head of a report, not in the
                # middle of a synthesis: only the article's opening sentence keeps its dateline.
                if out:
                    text = _without_dateline(text)
                if framed_text is not None:
                    introduced |= _names_introduced(framed_text)
                    text, sources = framed_text, list[str]()
                else:
                    # A name used alone ("…, Furness said") before the brief has given it in full is
                    # given in full, citing the report sentence that names the person so.
                    text, sources = _with_full_names(text, introduced, material.surnames)
                citations = tuple(Citation("sentence", i) for i in (sentence.id, *sources))
                out.append(BriefSentence(BriefPart.ARTICLE, text, citations, paragraph=number))
        # Where figures changed or reports disagree on one, the article says so after the reports' own
        # paragraphs. Reference records are not folded in: they are the insights, stated once.
        closing = len(merged)
        for disagreement in disagreements:
            out.append(dataclasses.replace(disagreement, paragraph=closing))
        return out

    # ------------------------------------------------------------------------------------------ write

    def article_sentences(self, bundle: StoryBundle, max_words: int | None = None) -> list[BriefSentence]:
        """The article part alone (what `wirebrief eval summarise` measures)."""
        budget = max_words or self.settings.article_max_words
        return self._article(_material(bundle), budget)

    def write(self, bundle: StoryBundle) -> Brief:
        material = _material(bundle)
        representatives, scored = material.representatives, material.candidates
        facts = list(bundle.facts)
        # Lead, title and headline tell the story's latest state: no count that later reports replaced.
        stale = stale_figures(bundle)
        article_part = (
            self._article(
                material, self.settings.article_max_words, _disagreements(bundle, paragraph=0), stale
            )
            if material.passages
            else []
        )
        printed = {c.ref for s in article_part for c in s.citations if c.kind == "sentence"}
        passage_of = {s.id: p.article.id for p in material.passages for s in p.sentences}
        latest = passage_of.get(article_part[0].citations[0].ref) if article_part else None
        ranked = sorted(scored, key=lambda c: (-c.score, c.sentence.id))
        # Title and headline tell the state the lead tells: no search its lead says has ended.
        lead = article_part[0].text if article_part else None
        title = _title(self.parse_many, ranked, representatives, latest, stale, lead) if scored else None
        printed_texts = [s.text for s in article_part]
        headline = _headline(
            material, title.text if title else None, printed_texts, stale, lead, self._parse_line
        )
        if title is None:
            # No safe shortened title: a whole, clean report headline or sentence, never an empty line.
            other = (
                _headline(material, headline.text, printed_texts, stale, lead, self._parse_line)
                if headline
                else None
            )
            title = (
                BriefSentence(BriefPart.TITLE, other.text, other.citations)
                if other is not None
                else _line_from_sentences(
                    BriefPart.TITLE,
                    ranked,
                    [headline.text] if headline else [],
                    printed,
                    stale,
                    lead,
                    self._parse_line,
                )
            )
        if headline is None:
            headline = _line_from_sentences(
                BriefPart.HEADLINE,
                ranked,
                [title.text] if title else [],
                printed,
                stale,
                lead,
                self._parse_line,
            )
        if headline is None and title is not None:
            # No report headline or whole sentence fits (each is a caption, leans on the sentence before
            # it, or the article prints it): the event another lead sentence tells, shortened as a title
            # is, heads the brief instead of an empty line.
            other = _title(
                self.parse_many,
                ranked,
                representatives,
                latest,
                stale,
                lead,
                exclude={c.ref for c in title.citations},
            )
            if other is not None and _normal(other.text) != _normal(title.text):
                headline = BriefSentence(BriefPart.HEADLINE, other.text, other.citations)
        if headline is None:
            headline, article_part = self._headline_from_article(article_part, title, stale, lead)
        # Records worth printing at all (no capital or population, no advisory for a place the story
        # is not in): the insights list the best of them, a stakeholder paragraph may take another.
        printable = insight_facts(bundle, facts)
        insights = printable[: self.settings.max_insights]
        article_part = _without_told_records(article_part, insights)
        sentences: list[BriefSentence] = [line for line in (title, headline) if line is not None]
        sentences += article_part
        sentences += _insights(insights, self.settings.max_insights)
        # In a stakeholder's paragraph, as in the article, a name used alone is given in full unless the
        # article has named the person.
        introduced = {name for s in article_part for name in _names_introduced(s.text)}
        paragraphs, omitted = _stakeholders(
            self.stakeholders,
            bundle,
            scored,
            printed,
            printable,
            material.surnames,
            introduced,
            said=[meaning_words(s.text) for s in article_part],
            shown_facts={f.id for f in insights},
        )
        mentions = [m for e in bundle.extractions.values() for m in e.mentions]
        sentences = one_spelling(_without_repeats(sentences + paragraphs), mentions)
        written = {s.stakeholder for s in sentences if s.part == BriefPart.STAKEHOLDER}
        for stakeholder in self.stakeholders:
            if stakeholder.name not in written and stakeholder.name not in omitted:
                omitted[stakeholder.name] = "what reports say that concerns it is in the brief already"
        metadata = {"stakeholders": ", ".join(s.name for s in self.stakeholders)}
        if omitted:
            # Why a stakeholder has no paragraph, for the JSON export's reader.
            metadata["stakeholders_omitted"] = "; ".join(
                f"{s.name}: {omitted[s.name]}" for s in self.stakeholders if s.name in omitted
            )
        return Brief.for_story(bundle, sentences, self.name, metadata)

    def _headline_from_article(
        self,
        article_part: list[BriefSentence],
        title: BriefSentence | None,
        stale: Mapping[str, set[str]],
        lead: str | None,
    ) -> tuple[BriefSentence | None, list[BriefSentence]]:
        """A last resort before an empty headline line: the first article sentence after the lead that
        is fit to head a brief moves up to be the headline (it is then not printed twice), provided the
        sentence after it does not lean on it. The article as it was when none qualifies."""
        taken = _normal(title.text) if title else ""
        for k, line in enumerate(article_part[1:], start=1):
            if (
                line.part != BriefPart.ARTICLE
                or _normal(line.text) == taken
                or not fit_for_top(line.text, self._parse_line)
                or states_stale_figure(line.text, stale)
                or superseded(line.text, lead)
            ):
                continue
            following = article_part[k + 1] if k + 1 < len(article_part) else None
            if (
                following is not None
                and following.paragraph == line.paragraph
                and not stands_alone(following.text)
            ):
                continue
            headline = BriefSentence(BriefPart.HEADLINE, line.text, line.citations)
            return headline, article_part[:k] + article_part[k + 1 :]
        return None, article_part


def _without_told_records(article: list[BriefSentence], records: Sequence[Fact]) -> list[BriefSentence]:
    """The article without the sentences that tell again a travel-advisory level an insight states (the
    record's level and its label: "Level 4" and "Do Not Travel"), so the record is stated once, as the
    dated, sourced insight. The opening sentence stays: the lead tells the story's latest state,
    whatever else it says."""
    told = [
        (f"level {fact.value}", fact.value_label.casefold())
        for fact in records
        if fact.predicate.startswith("travel_advisory") and fact.value_label
    ]
    if not told:
        return article
    return [
        sentence
        for k, sentence in enumerate(article)
        if k == 0
        or sentence.part != BriefPart.ARTICLE
        or not any(
            level in sentence.text.casefold() and label in sentence.text.casefold() for level, label in told
        )
    ]


def _without_repeats(sentences: list[BriefSentence]) -> list[BriefSentence]:
    """No sentence is printed twice in a brief: a line the title, headline or an earlier part already
    printed is left out where it comes again."""
    seen: set[str] = set()
    out: list[BriefSentence] = []
    open_quote: tuple[BriefPart, int | None, int] | None = None  # a left-out line's open quotation
    for sentence in sentences:
        key = " ".join(_without_dateline(sentence.text).lower().split()).strip(" .")
        # The rest of a quotation a left-out line opened goes with it: it would lose its speaker.
        if open_quote is not None and open_quote[:2] == (sentence.part, sentence.paragraph):
            depth = _quote_depth(sentence.text, open_quote[2])[0]
            open_quote = (sentence.part, sentence.paragraph, depth) if depth else None
            continue
        open_quote = None
        if key in seen:
            depth = _quote_depth(sentence.text, 0)[0]
            open_quote = (sentence.part, sentence.paragraph, depth) if depth else None
            continue
        seen.add(key)
        out.append(sentence)
    # A stakeholder paragraph whose report sentences were all printed before keeps no record alone.
    led = {
        (s.paragraph, s.stakeholder)
        for s in out
        if s.part == BriefPart.STAKEHOLDER and s.citations[0].kind == "sentence"
    }
    return [s for s in out if s.part != BriefPart.STAKEHOLDER or (s.paragraph, s.stakeholder) in led]


__all__ = ["DeterministicWriter", "event_title"]
