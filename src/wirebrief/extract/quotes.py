"""Quotes: words inside quotation marks, with the speaker named by a speech verb in the same sentence.

The speaker is the subject of a speech verb ("said", "told", "warned", ...) outside the quotation, or
the object of "according to". Pronouns ("he said") give no speaker: who "he" is needs coreference,
which the small pipeline does not do, and a wrong name is worse than none.

The part of speech, lemma and (post-ruler) dependency label of a token come through a
:data:`TokenAttributes` callable: a doc from the full pipeline has them itself (:func:`parsed_attributes`);
the extractor parses without ``attribute_ruler`` and ``lemmatizer`` (a sixth of the parse time, and
this module is their only reader there) and passes :class:`wirebrief.extract.nlp.SkippedAttributes`, which
computes them from the token's text, tag and label with those same components.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

SPEECH_VERBS = frozenset(
    {
        "say", "tell", "add", "state", "warn", "claim", "write", "announce", "declare", "insist",
        "explain", "note", "vow", "urge", "reply", "respond", "confirm", "deny", "threaten", "report",
        "stress", "allege", "argue", "caution", "pledge", "acknowledge", "assert", "tweet", "post",
    }
)  # fmt: skip
_QUOTE_PAIRS = re.compile(r"“([^”]{2,}?)”|\"([^\"]{2,}?)\"|«([^»]{2,}?)»")
MIN_WORDS_WITHOUT_SPEAKER = 4

TokenAttributes = Callable[[Any], tuple[str, str, str]]  # token -> (pos_, lemma_, dep_)


def parsed_attributes(token: Any) -> tuple[str, str, str]:
    """A token's own ``pos_``, ``lemma_`` and ``dep_`` (set by a pipeline that ran every component)."""
    return token.pos_, token.lemma_, token.dep_


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    start: int  # char offsets of the quoted words inside the doc
    end: int
    text: str
    speaker: str | None


def _speaker_from_token(
    token: Any, quote_start: int, quote_end: int, attributes: TokenAttributes
) -> str | None:
    if attributes(token)[0] == "PRON":
        return None
    doc = token.doc
    for ent in doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in {"PERSON", "ORG", "NORP", "GPE"}:
            return str(ent.text)
    words = [t for t in token.subtree if not (quote_start <= t.idx < quote_end) and not t.is_punct]
    if not words:
        return None
    # The words from the first to the last as written (a span's text: doc.text would join every token).
    text = doc[words[0].i : words[-1].i + 1].text
    return text if len(text.split()) <= 12 else None


def find_speaker(
    sentence: Any, quote_start: int, quote_end: int, attributes: TokenAttributes = parsed_attributes
) -> str | None:
    """The speaker of a quote at doc chars [quote_start, quote_end) in ``sentence`` (a spaCy Span)."""
    for token in sentence:
        if quote_start <= token.idx < quote_end:
            continue
        if token.lower_ == "according":
            for to in token.children:
                for obj in to.children:
                    if attributes(obj)[2] == "pobj":
                        return _speaker_from_token(obj, quote_start, quote_end, attributes)
        pos, lemma, _ = attributes(token)
        if pos == "VERB" and lemma in SPEECH_VERBS:
            for child in token.children:
                if attributes(child)[2] in {"nsubj", "nsubjpass"} and not (
                    quote_start <= child.idx < quote_end
                ):
                    return _speaker_from_token(child, quote_start, quote_end, attributes)
    return None


def find_quotes(
    doc: Any, attributes: TokenAttributes = parsed_attributes, source: str | None = None
) -> Iterator[QuoteSpan]:
    """Quoted passages of a spaCy Doc with their speakers; scare quotes (short, no speaker) are left out.

    ``source``: the text the doc was made from (equal to ``doc.text``, which joins every token again)."""
    for match in _QUOTE_PAIRS.finditer(doc.text if source is None else source):
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        start, end = match.start(group), match.end(group)
        text = match.group(group).strip().rstrip(",").strip()
        if not text:
            continue
        speaker = None
        seen: set[int] = set()
        for pos in (match.start(), max(match.end() - 1, 0)):
            span = doc.char_span(pos, pos + 1, alignment_mode="expand")
            if span is None or span.sent.start in seen:
                continue
            seen.add(span.sent.start)
            speaker = find_speaker(span.sent, start, end, attributes)
            if speaker:
                break
        if speaker is None and len(text.split()) < MIN_WORDS_WITHOUT_SPEAKER:
            continue
        yield QuoteSpan(start, end, text, speaker)
