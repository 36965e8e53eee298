"""The event title (who did what, shortened along a parse) and the headline of a brief."""

from __future__ import annotations

import re
from typing import Any, Protocol

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from wirebrief.records import Article, BriefPart, BriefSentence, Citation, ReportSentence
from wirebrief.write.select import _DATELINE, BatchParser, _Candidate, _Material, _words

# never came from a fifth or sixth candidate.
_TITLE_CANDIDATES = 4
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
_PARTITIVE_NOUNS = frozenset("part parts half rest share some most much all none one many majority".split())
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
        verb = "are" if plural else "is"
    else:
        verb = root.lemma_ if plural else _third_person(root.lemma_)
    if particles:
        verb += " " + particles
    objects = [c for c in children if c.dep_ in {"dobj", "attr", "oprd"}]
    rest = ""
    if objects:
        if objects[0].pos_ not in {"NOUN", "PROPN"}:
            return None  # "cancels one (in three trains)": a bare number or pronoun is no object
        rest = _phrase(objects[0]) + _complement(root, objects[0])
    else:
        for prep in (c for c in children if c.dep_ in {"prep", "agent"}):
            # "warns on Tuesday" says when, not to whom: time phrases are no object.
            pobj = [
                c
                for c in prep.children
                if c.dep_ == "pobj" and c.ent_type_ not in {"DATE", "TIME"} and c.lower_ not in _TIME_WORDS
            ]
            if pobj:
                rest = f"{prep.text} {_phrase(pobj[0])}"
                break
    if not rest:
        return None
    title = re.sub(r"\s+", " ", f"{_phrase(subject)} {verb} {rest}".strip())
    if not 3 <= len(title.split()) <= max_words:
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
    parse_many: BatchParser, ranked: list[_Candidate], representatives: list[Article]
) -> BriefSentence | None:
    """The event title: of the titles the central lead sentences yield, the one whose words the
    most reports share (the story's main event, not a side development), active voice preferred."""
    texts = [f"{a.title} {a.text}".lower() for a in representatives]
    best: tuple[float, int, BriefSentence] | None = None
    leads = [c for c in ranked if c.sentence.index <= 2][:_TITLE_CANDIDATES]
    # A wire dateline ("BASRA (CPA) — ") is where the report was filed, not who acted.
    docs = parse_many([_DATELINE.sub("", c.sentence.text) for c in leads])
    for rank, (candidate, doc) in enumerate(zip(leads, docs, strict=True)):
        title = event_title(doc)
        if not title:
            continue
        words = [w.lower() for w in _words(title) if w.lower() not in _TITLE_FILLER]
        hits = sum(sum(1 for t in texts if _word_stem(w) in t) for w in words)
        shared = hits / (len(words) * len(texts))
        # Centrality of the sentence, how widely its words recur, and a little for specificity.
        value = candidate.score + 0.5 * shared + 0.03 * min(len(words), 6)
        if re.search(r"\b(is|are)( not)? \w+ed\b", title):
            value -= 0.15
        sentence = BriefSentence(BriefPart.TITLE, title, (Citation("sentence", candidate.sentence.id),))
        if best is None or value > best[0]:
            best = (value, rank, sentence)
    return best[2] if best else None


def _headline(material: _Material) -> BriefSentence:
    """The report headline nearest the centre of all headlines (the first report's when nothing can be
    scored)."""
    representatives = material.representatives
    scores = material.headline_scores
    best = representatives[int(np.argmax(scores))] if scores is not None else representatives[0]
    title = ReportSentence.title_of(best)
    return BriefSentence(BriefPart.HEADLINE, best.title, (Citation("sentence", title.id),))
