"""The event title (who did what, shortened along a parse) and the headline of a brief."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from wirebrief.records import Article, Brief, BriefPart, BriefSentence, Citation, ReportSentence
from wirebrief.write.select import (
    _DATELINE,
    BatchParser,
    _Candidate,
    _fit_to_print,
    _Material,
    _without_dateline,
    _words,
    states_stale_figure,
)

# never came from a fifth or sixth candidate.
_TITLE_CANDIDATES = 4
_CAPITALISED_FILLER = frozenset(
    "In On At To For From With By Of As After Before During While When If The A An And But Or".split()
)
_TITLE_FILLER = frozenset("a an the of in on at to for from with by is are does do not".split())


def _word_stem(word: str) -> str:
    """A crude stem for substring search: "threatens" and "threatened" both contain "threaten"."""
    for suffix in ("ies", "es", "s", "ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class ParsedToken(Protocol):
    """The slice of a spaCy token the title builder reads."""

    text: str
    lemma_: str
    dep_: str
    pos_: str
    tag_: str
    i: int

    @property
    def children(self) -> Any: ...

    @property
    def subtree(self) -> Any: ...


def _third_person(lemma: str) -> str:
    irregular = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if lemma in irregular:
        return irregular[lemma]
    if re.search(r"(s|sh|ch|x|z|o)$", lemma):
        return lemma + "es"
    if re.search(r"[^aeiou]y$", lemma):
        return lemma[:-1] + "ies"
    return lemma + "s"


_KEEP_IN_PHRASE = {"compound", "amod", "nummod", "poss", "case", "flat", "nmod", "npadvmod", "quantmod"}


def _phrase(head: Any) -> str:
    """The head noun with its close left modifiers ("Iraqi militia", "US citizens"), as written.

    The span runs from the leftmost kept modifier to the head, so hyphenated names ("Iran-backed",
    "al-Nujaba") keep their hyphens; a leading determiner or possessive pronoun is left out.
    """
    keep = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        for child in token.children:
            if child.dep_ in _KEEP_IN_PHRASE and child.i < head.i:
                keep.append(child)
                stack.append(child)
    start = min(t.i for t in keep)
    doc = head.doc
    while start < head.i and (doc[start].dep_ in {"det", "punct"} or doc[start].tag_ == "PRP$"):
        start += 1
    end = head.i
    # "the militia Harakat al-Nujaba": a name in apposition with no comma between belongs to the phrase.
    for child in head.children:
        if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i > head.i:
            between = doc[head.i + 1 : child.i]
            if all(t.dep_ in {"compound", "flat"} or t.text in {"-", "al"} for t in between):
                end = child.i
            break
    # A name the parser split into sibling subjects ("militia" "Harakat al" "-" "Nujaba", each an nsubj
    # of the verb) is still one phrase: extend over the siblings that follow without a gap.
    while end + 1 < len(doc):
        nxt = doc[end + 1]
        sibling = nxt.dep_ == head.dep_ and nxt.head.i == head.head.i and nxt.i != head.head.i
        part_of_sibling = nxt.dep_ in {"compound", "flat"} and nxt.head.dep_ == head.dep_
        if not (sibling or part_of_sibling) or head.dep_ not in {"nsubj", "nsubjpass", "dobj"}:
            break
        end += 1
    return str(doc[start : end + 1].text)


# Words that make a prepositional phrase say when, not to whom (when no NER marks it as a date).
_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today yesterday tomorrow tonight night morning
    evening afternoon midnight noon dawn week weekend month year minutes hours days weeks months
    years""".split()
)
_REPORTING_LEMMAS = frozenset({"say", "tell", "announce", "report", "state", "add", "warn", "claim"})


# Objects that say nothing without their "of" phrase ("restarts part" of what?).
_PARTITIVE_NOUNS = frozenset(
    "part parts half rest share some most much all none one many majority lot lots number couple series "
    "kind type sort variety".split()
)
# Verbs whose object needs the phrase that follows it ("puts chipmakers" under what?).
_COMPLEMENT_VERBS = frozenset("put place leave keep bring push send set plunge drive force".split())


def _pobj_phrase(prep: Any) -> str | None:
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return f" {prep.text} {_phrase(pobj)}" if pobj is not None else None


def _complement(root: Any, obj: Any) -> str:
    """What an object needs to mean anything: the "of" phrase of a partitive object, the phrase a
    verb like "put" takes after its object ("puts South Korea's chipmakers under pressure")."""
    extra = ""
    if obj.lemma_.lower() in _PARTITIVE_NOUNS:
        of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        extra += (_pobj_phrase(of) or "") if of is not None else ""
    if root.lemma_ in _COMPLEMENT_VERBS:
        prep = next((c for c in root.children if c.dep_ == "prep" and c.i > obj.i), None)
        extra += (_pobj_phrase(prep) or "") if prep is not None else ""
    return extra


def _clause(root: Any, *, max_words: int) -> str | None:
    """Subject, verb (present tense, modal kept) and object of the clause headed by ``root``."""
    if root.pos_ not in {"VERB", "AUX"}:
        return None
    # Token.children walks the subtree and builds a Token per word: read it once.
    children = list(root.children)
    # A verb introduced by "as", "while", "after"… heads a side clause ("…, as ships searched for
    # survivors"), never the event itself; a parse that makes it the main verb has gone wrong.
    if any(c.dep_ == "mark" and c.lower_ not in {"that", "whether", "if"} for c in children):
        return None
    subjects = [c for c in children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subjects or subjects[0].pos_ not in {"NOUN", "PROPN"}:
        return None
    # Several subjects far apart ("ferry … capsized …, and rescuers were searching") mean the parse
    # merged two clauses; pieces of one split name stand side by side and are joined by _phrase.
    if subjects[-1].i - subjects[0].i > 4:
        return None
    subject = subjects[0]
    negated = any(c.dep_ == "neg" for c in children)
    plural = subject.tag_ in {"NNS", "NNPS"}
    modal = next((c.text.lower() for c in children if c.dep_ == "aux" and c.tag_ == "MD"), None)
    particles = " ".join(c.text for c in children if c.dep_ == "prt")
    not_ = " not" if negated else ""
    if modal:
        # "would be treated" stays conditional: dropping the modal would turn a threat into a fact.
        verb = f"{modal}{not_} " + ("be " + root.text if subject.dep_ == "nsubjpass" else root.lemma_)
    elif subject.dep_ == "nsubjpass":
        verb = ("are" if plural else "is") + not_ + " " + root.text
    elif negated:
        verb = ("do not " if plural else "does not ") + root.lemma_
    elif root.lemma_ == "be":
        verb = ("are" if plural else "is") + not_
    else:
        verb = root.lemma_ if plural else _third_person(root.lemma_)
    if particles:
        verb += " " + particles
    objects = [c for c in children if c.dep_ in {"dobj", "attr", "oprd"}]
    rest = ""
    if objects:
        if objects[0].pos_ not in {"NOUN", "PROPN"}:
            return None  # "cancels one (in three trains)": a bare number or pronoun is no object
        if any(c.lower_ in {"no", "neither"} for c in objects[0].children):
            return None  # "is no fan of": the negation sits on the object, which the phrase drops
        complement = _complement(root, objects[0])
        if objects[0].lemma_.lower() in _PARTITIVE_NOUNS and not complement.startswith(" of "):
            return None  # "gets lot", "restarts part": a share of nothing named
        rest = _phrase(objects[0]) + complement
    else:
        # Only a phrase after the verb completes it: "In a new memo, X argues …" does not make "X
        # argues In new memo". "warns on Tuesday" says when, not to whom: time phrases are no object,
        # and neither is a bare number or pronoun ("respond in one").
        for prep in (c for c in children if c.dep_ in {"prep", "agent"} and c.i > root.i):
            pobj = [
                c
                for c in prep.children
                if c.dep_ == "pobj"
                and c.ent_type_ not in {"DATE", "TIME"}
                and c.lower_ not in _TIME_WORDS
                and c.pos_ in {"NOUN", "PROPN"}
            ]
            if pobj:
                rest = f"{prep.text} {_phrase(pobj[0])}"
                break
    if not rest:
        return None
    title = re.sub(r"\s+", " ", f"{_phrase(subject)} {verb} {rest}".strip())
    if not 3 <= len(title.split()) <= max_words:
        return None
    # A capitalised small word inside the line ("respond In one") is a piece of another clause.
    if any(word in _CAPITALISED_FILLER for word in title.split()[1:]):
        return None
    return title


def _lower_first(text: str, clause_root: Any) -> str:
    """Lower-case the clause's first letter unless it starts a name or nationality ("American")."""
    first = min(clause_root.subtree, key=lambda t: t.i)
    for token in clause_root.subtree:
        if token.dep_ not in {"det", "punct", "mark"}:
            first = token
            break
    # Only a capital that comes from opening the original sentence is dropped, and only on a common
    # word ("Officials", "Rescue teams"): "American" or "Iraqi" keep theirs wherever they stand.
    common = first.pos_ in {"NOUN", "DET", "NUM", "PRON"} or first.lower_ in STOP_WORDS
    if first.i != 0 or not common or first.tag_ in {"NNP", "NNPS"} or not text[:1].isupper():
        return text
    return text[0].lower() + text[1:]


def event_title(doc: Any) -> str | None:
    """Who does what to whom, in one plain present-tense line, from a parsed sentence (or None).

    "X said that Y would do Z" gives "X says Y would do Z" when it is short enough, else the
    reported clause alone; a pronoun subject ("He", "They") gives nothing, since it names no one.
    """
    # The first sentence's root is the doc's first ROOT token; reading it from the sentence spares
    # building a Token object for every word, a tenth of the writer's time.
    first_sentence = next(iter(doc.sents), None)
    if first_sentence is None or first_sentence.root.dep_ != "ROOT":
        return None
    root = first_sentence.root
    title: str | None = None
    if root.lemma_ in _REPORTING_LEMMAS:
        clauses = [c for c in root.children if c.dep_ == "ccomp"]
        speakers = [c for c in root.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}]
        inner = _clause(clauses[0], max_words=12) if clauses else None
        if inner and speakers:
            speaker = speakers[0]
            verb = root.lemma_ if speaker.tag_ in {"NNS", "NNPS"} else _third_person(root.lemma_)
            candidate = f"{_phrase(speaker)} {verb} {_lower_first(inner, clauses[0])}"
            if len(candidate.split()) <= 16:
                title = candidate
        title = title or inner
    else:
        title = _clause(root, max_words=14)
    if not title:
        return None
    return title[0].upper() + title[1:]


# A report sentence concerns a stakeholder when it shows at least this much evidence: a named country
# of its own counts two, each distinct keyword (by stem) and each entity kind it follows one. One
# common word alone ("closed my eyes") is not enough, unless the sentence names the subject of a


def _title(
    parse_many: BatchParser,
    ranked: list[_Candidate],
    representatives: list[Article],
    latest: str | None = None,
    stale: Mapping[str, set[str]] | None = None,
) -> BriefSentence | None:
    """The event title: of the titles the central lead sentences yield, the one whose words the
    most reports share (the story's main event, not a side development), active voice preferred.

    ``latest`` is the report the article opens with (the story's latest state): its lead sentences are
    candidates too, and a title from them is preferred, so title and lead tell the same state. A title
    that gives a count later reports replaced (``stale``, see ``stale_figures``) is never chosen."""
    texts = [f"{a.title} {a.text}".lower() for a in representatives]
    best: tuple[float, int, BriefSentence] | None = None
    leads = [c for c in ranked if c.sentence.index <= 2][:_TITLE_CANDIDATES]
    leads += [c for c in ranked if c.article.id == latest and c.sentence.index <= 1 and c not in leads]
    # A wire dateline ("BASRA (CPA) — ") is where the report was filed, not who acted.
    docs = parse_many([_DATELINE.sub("", c.sentence.text) for c in leads])
    for rank, (candidate, doc) in enumerate(zip(leads, docs, strict=True)):
        title = event_title(doc)
        if not title or states_stale_figure(title, stale or {}):
            continue
        words = [w.lower() for w in _words(title) if w.lower() not in _TITLE_FILLER]
        hits = sum(sum(1 for t in texts if _word_stem(w) in t) for w in words)
        shared = hits / (len(words) * len(texts))
        # Centrality of the sentence, how widely its words recur, and a little for specificity.
        value = candidate.score + 0.5 * shared + 0.03 * min(len(words), 6)
        if re.search(r"\b(is|are)( not)? \w+ed\b", title):
            value -= 0.15
        if candidate.article.id == latest:
            value += _LATEST_STATE_BONUS
        sentence = BriefSentence(BriefPart.TITLE, title, (Citation("sentence", candidate.sentence.id),))
        if best is None or value > best[0]:
            best = (value, rank, sentence)
    return best[2] if best else None


# A title from the report the article opens with gains this much (about a third of a lead's score).
_LATEST_STATE_BONUS = 0.2
# A headline or fallback title shorter than this is a label ("Live updates"), not a line of news.
_MIN_LINE_WORDS = 4
_MAX_LINE_WORDS = 35


def _normal(text: str) -> str:
    """The words of a line as compared for repeats: a dateline, case and spacing aside."""
    return " ".join(_without_dateline(text).lower().split()).strip(" .")


def cut_title(article: Article) -> bool:
    """Whether the report's title was cut short (it stops mid-word in its own text, or trails off)."""
    title = article.title.strip()
    if title.endswith(("...", "…")):
        return True
    # A title that opens a line of the text and stops before that line ends is the start of the line
    # cut at some length ("… hung a"), not a headline of its own.
    at = article.text.find(title)
    if at < 0 or (at > 0 and article.text[at - 1] != "\n"):
        return False
    end = at + len(title)
    return end < len(article.text) and article.text[end] != "\n" and title[-1:] not in '.!?"”'


def clean_line(text: str) -> bool:
    """A line fit to be a title or headline: report text (no caption or credit) in the brief's voice,
    of a headline's length."""
    return _MIN_LINE_WORDS <= len(text.split()) <= _MAX_LINE_WORDS and _fit_to_print(text)


def _headline(
    material: _Material,
    title: str | None = None,
    printed: Iterable[str] = (),
    stale: Mapping[str, set[str]] | None = None,
) -> BriefSentence | None:
    """The report headline nearest the centre of all headlines that is a whole, clean line different
    from the title and from every sentence the brief prints (``printed``, texts): never a caption or
    credit, never cut short, never said twice, never giving a count later reports replaced (``stale``).
    None when no report's headline qualifies
    (``_line_from_sentences`` then supplies one)."""
    representatives = material.representatives
    scores = material.headline_scores
    order = (
        [representatives[int(i)] for i in np.argsort(-scores, kind="stable")]
        if scores is not None
        else list(representatives)
    )
    taken = {_normal(t) for t in printed} | ({_normal(title)} if title else set())
    for article in order:
        if (
            clean_line(article.title)
            and not cut_title(article)
            and _normal(article.title) not in taken
            and not states_stale_figure(article.title, stale or {})
        ):
            cited = ReportSentence.title_of(article)
            return BriefSentence(BriefPart.HEADLINE, article.title, (Citation("sentence", cited.id),))
    return None


def _line_from_sentences(
    part: BriefPart,
    ranked: Sequence[_Candidate],
    taken: Iterable[str],
    avoid: Iterable[str] = (),
    stale: Mapping[str, set[str]] | None = None,
) -> BriefSentence | None:
    """A complete report sentence as a title or headline, when no shortened title or report headline
    will do: the most central clean one whose text is not ``taken`` and whose id is not in ``avoid``
    (sentences the article prints) and that gives no count later reports replaced (``stale``)."""
    taken_texts = {_normal(t) for t in taken}
    skip = set(avoid)
    for candidate in ranked:
        text = _without_dateline(candidate.sentence.text)
        if candidate.sentence.id in skip or _normal(text) in taken_texts or not clean_line(text):
            continue
        if states_stale_figure(text, stale or {}):
            continue
        return BriefSentence(part, text, (Citation("sentence", candidate.sentence.id),))
    return None


def ensure_title(brief: Brief) -> Brief:
    """``brief`` with a title line: when the verifier dropped the shortened title (its sentences are
    verified already), the article's opening sentence — whole, as the report wrote it, and verified —
    becomes the title, so a brief never goes out under an empty line. Nothing else changes."""
    if brief.part(BriefPart.TITLE) or brief.support is None:
        return brief
    article = brief.part(BriefPart.ARTICLE)
    opening = next((s for s in article if all(c.kind == "sentence" for c in s.citations)), None)
    if opening is None:
        return brief
    title = dataclasses.replace(opening, part=BriefPart.TITLE, paragraph=0)
    rest = tuple(s for s in brief.sentences if s is not opening)
    return dataclasses.replace(brief, sentences=(title, *rest))
