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
import fnmatch
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from nltk.stem.porter import PorterStemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.lang.en.stop_words import STOP_WORDS

from wirebrief.records import (
    Article,
    Brief,
    BriefPart,
    BriefSentence,
    CategoryScore,
    Citation,
    EntityKind,
    Fact,
    ReportSentence,
    Stakeholder,
    StoryBundle,
)
from wirebrief.settings import Settings

WRITER_NAME = "deterministic"

# A sentence opening with one of these leans on a previous sentence ("He added …", "This comes …"):
# without that context it reads wrong, so it is used only right after the sentence it follows.
_DANGLING_OPENERS = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "this",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "him",
        "them",
        "that",
        "there",
        "but",
        "and",
        "also",
        "so",
        "meanwhile",
        "however",
        "yet",
        "then",
        "such",
        "both",
    ]
)
_PRONOUN_SPEAKER = re.compile(r"[,\"”]\s*(he|she|they|it)\s+(said|added|told|says|stated)\b", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Lead sentences parsed for a title. Parsing is most of the writer's time; on the sample the title
# never came from a fifth or sixth candidate.
_TITLE_CANDIDATES = 4
_TITLE_FILLER = frozenset("a an the of in on at to for from with by is are does do not".split())


def _word_stem(word: str) -> str:
    """A crude stem for substring search: "threatens" and "threatened" both contain "threaten"."""
    for suffix in ("ies", "es", "s", "ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


_DATELINE = re.compile(r"^[A-Z]{2}[A-Z .'’-]*(,[^()—–]{1,20})?\s*(\([^)]{1,30}\))?\s*[—–-]{1,2}\s+")


def _without_dateline(text: str) -> str:
    """The sentence without a leading wire dateline, capitalised; the text itself if nothing is left."""
    rest = _DATELINE.sub("", text, count=1)
    return rest[:1].upper() + rest[1:] if rest.strip() else text


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the other."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


# What a count measures; "killed", "died" and "dead" are one measure (the death toll).
_CASUALTY_STEMS = {
    "kill": "dead", "dead": "dead", "die": "dead", "death": "dead", "injur": "injured", "wound": "injured",
    "miss": "missing", "displac": "displaced", "rescu": "rescued", "arrest": "arrested", "evacu": "evacuated",
}  # fmt: skip
# Counts written as words, as reports write small numbers ("Fifteen people were killed").
_COUNT_WORDS = {
    word: str(value)
    for value, word in enumerate(
        "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split(),
        start=2,
    )
}
_FIGURE = re.compile(rf"\b(\d[\d,]*|{'|'.join(_COUNT_WORDS)})\s+(?:[a-z]+\s+){{0,2}}?(people|persons|"
                     r"civilians|passengers|migrants|residents|workers|soldiers|children|bodies|dead|deaths|"
                     r"victims|casualties)\b", re.IGNORECASE)  # fmt: skip


# How far from a figure its measure word may stand ("killed 12 people", "12 people were rescued").
_MEASURE_WORDS_BEFORE, _MEASURE_WORDS_AFTER = 3, 4


def _measure_of(text: str, figure: re.Match[str]) -> str | None:
    """What a figure counts ("killed", "rescued"…), from the words right around it; None when no
    measure or more than one stands there. Only the figure's neighbours count, and agent nouns are not
    measures: in "a ferry carrying 187 people capsized, and rescuers were searching" the 187 were
    aboard, not rescued."""
    near = [
        *text[: figure.start()].split()[-_MEASURE_WORDS_BEFORE:],
        figure.group(2),
        *text[figure.end() :].split()[:_MEASURE_WORDS_AFTER],
    ]
    labels: set[str] = set()
    for raw in near:
        word = raw.strip(".,;:!?\"'()“”‘’").lower()
        if word.endswith(("er", "ers")):
            continue
        labels.update(label for stem, label in _CASUALTY_STEMS.items() if word.startswith(stem))
    return labels.pop() if len(labels) == 1 else None


# A passage is at most this long; a redundancy above this cosine with a chosen passage skips a passage.
_PASSAGE_MAX_SENTENCES, _PASSAGE_MAX_WORDS = 4, 120
_PASSAGE_REDUNDANCY = 0.4
# Where a quotation mark opens rather than closes: after a space or an opening bracket or dash.
_BEFORE_OPENING_QUOTE = frozenset(" \t\n([{—–-/")


def _quote_depth(text: str, depth: int) -> tuple[int, bool]:
    """The quotation depth after ``text`` starting at ``depth``, and whether a closing mark came with
    no quotation open (the sentence ends a quote an earlier sentence began).

    Curly marks say which way they face; a straight mark opens after a space and before a word,
    closes otherwise, and toggles when it stands alone between spaces."""
    orphan_close = False
    for k, mark in enumerate(text):
        if mark not in '"“”':
            continue
        if mark == "“":
            opening = True
        elif mark == "”":
            opening = False
        else:
            before = text[k - 1] if k else " "
            after = text[k + 1] if k + 1 < len(text) else " "
            opening = before in _BEFORE_OPENING_QUOTE and not after.isspace()
            if before in _BEFORE_OPENING_QUOTE and after.isspace():
                opening = depth == 0
        if opening:
            depth += 1
        elif depth:
            depth -= 1
        else:
            orphan_close = True
    return depth, orphan_close


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


SentenceParser = Callable[[str], Any]  # text -> spaCy Doc
BatchParser = Callable[[list[str]], Iterable[Any]]  # texts -> spaCy Docs (e.g. ``nlp.pipe``)


@dataclass(frozen=True, slots=True)
class _Candidate:
    sentence: ReportSentence
    article: Article
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class _Passage:
    """Consecutive sentences of one report that read only together: an opening sentence and those that
    lean on it ("He added …", the rest of a quotation it opens). The article picks whole passages, so a
    sentence that needs its context arrives with it and none dangles."""

    article: Article
    sentences: tuple[ReportSentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def start(self) -> int:
        return self.sentences[0].index


@dataclass(frozen=True, slots=True)
class _Material:
    """What the writer works from: one report per family, its usable sentences scored for the title and
    the stakeholders, and its passages with their scores and pairwise similarity for the article."""

    representatives: list[Article]
    candidates: list[_Candidate]
    passages: list[_Passage]
    passage_scores: np.ndarray
    passage_similarity: np.ndarray
    # Each representative's headline scored against the centre of all of them (None: nothing to score).
    headline_scores: np.ndarray | None = None
    # Last names of the people the reports name in full, with that full name and the report sentence
    # that gives it (see ``_surnames``).
    surnames: Mapping[str, _FullName] = dataclasses.field(default_factory=dict)


# A full name: two or more capitalised words, with the particles names carry ("Daniel Furness",
# "Muntadhar al-Asadi", "Khalid bin Salman").
_NAME_WORD = r"(?:[a-z]{1,3}-)?[A-Z][\w'’-]*[a-z][\w'’-]*"
_FULL_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:(?:al|bin|de|del|van|von|der|da|le|la)\s+)?{_NAME_WORD})+")
_CAPITALISED_WORD = re.compile(r"\b[A-Z][a-z][\w-]*")


@dataclass(frozen=True, slots=True)
class _FullName:
    text: str  # "Daniel Furness"
    sentence_id: str  # the report sentence that names him so


def _surnames(bundle: StoryBundle, order: Sequence[Article]) -> dict[str, _FullName]:
    """Last names of the people the reports name in full ("Furness" from "Daniel Furness"), each with
    the first full name given for it (reports in ``order``). Left out: a last name that stands for two
    people, and a word the reports also use in lower case or as a place ("Lima" of "Teresa Lima" is
    also a city): alone, it is a word or a place, not a name that needs introducing."""
    mentions = [
        m
        for article in order
        if (extraction := bundle.extractions.get(article.id)) is not None
        for m in extraction.mentions
    ]
    places = {m.text for m in mentions if m.label in {"GPE", "LOC", "FAC", "NORP"}}
    lower_words = {
        word for article in bundle.articles for word in re.findall(r"\b[a-z][\w'’-]*", article.text)
    }
    full: dict[str, _FullName] = {}
    people: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        words = mention.text.split()
        if mention.label != "PERSON" or len(words) < 2:
            continue
        last = words[-1]
        if not last[:1].isupper() or last.lower() in lower_words or last in places:
            continue
        people[last].add(mention.text)
        full.setdefault(last, _FullName(mention.text, mention.sentence_id))
    return {last: name for last, name in full.items() if len(people[last]) == 1}


def _names_introduced(text: str) -> set[str]:
    """The surnames ``text`` introduces with a full name."""
    return {m.group(0).split()[-1] for m in _FULL_NAME.finditer(text)}


def _short_references(text: str, surnames: Mapping[str, _FullName]) -> set[str]:
    """Surnames ``text`` uses alone ("…, Furness said"): a reader needs the full name before them."""
    inside = {(m.start(), m.end()) for m in _FULL_NAME.finditer(text)}
    return {
        word.group(0)
        for word in _CAPITALISED_WORD.finditer(text)
        if word.group(0) in surnames and not any(a <= word.start() < b for a, b in inside)
    }


def _with_full_names(
    text: str, introduced: set[str], surnames: Mapping[str, _FullName]
) -> tuple[str, list[str]]:
    """``text`` with each surname it uses alone before the brief has named that person in full given
    in full at its first use ("…," Furness said → "…," Daniel Furness said), and the ids of the report
    sentences that give those full names (to cite beside the sentence itself). ``introduced`` gains
    the names ``text`` now introduces."""
    introduced |= _names_introduced(text)
    sources: list[str] = []
    for surname in sorted(_short_references(text, surnames) - introduced):
        full = surnames[surname]
        inside = [(m.start(), m.end()) for m in _FULL_NAME.finditer(text)]
        for word in _CAPITALISED_WORD.finditer(text):
            if word.group(0) == surname and not any(a <= word.start() < b for a, b in inside):
                text = text[: word.start()] + full.text + text[word.end() :]
                break
        introduced.add(surname)
        sources.append(full.sentence_id)
    return text, sources


# The article folds in the reference records that say who an actor is (a designation, a sanctions
# listing, a coalition) whatever the story; a travel advisory only where the story is about people's
# safety in the place (a rate cut or a cup final is no reason to quote one); a country's capital or
# population never (background, left to the insights).
_ACTOR_PREDICATES = frozenset(
    {
        "us_designation",
        "un_sanctions_listing",
        "eu_terrorist_listing",
        "uk_proscription",
        "member_of",
        "backed_by",
        "aligned_with",
        "leader_of",
    }
)
_SAFETY_CATEGORIES = frozenset(
    {
        "war-and-conflicts",
        "terrorism",
        "crime-and-justice",
        "disasters-and-accidents",
        "health",
        "transport-and-travel",
        "humanitarian-aid",
        "migration",
        "human-rights",
    }
)


def _bears_on(fact: Fact, categories: Sequence[CategoryScore]) -> bool:
    """Whether ``fact`` belongs in the article of a story in ``categories`` (see above)."""
    if fact.predicate in _ACTOR_PREDICATES:
        return True
    if fact.predicate.startswith("travel_advisory"):
        return any(c.slug in _SAFETY_CATEGORIES for c in categories)
    return False


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _first_word(text: str) -> str:
    words = _words(text)
    return words[0].lower() if words else ""


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
# record the stakeholder follows.
_STAKEHOLDER_MIN_EVIDENCE = 2
_stemmer = PorterStemmer()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stem(word))


def _stems(text: str) -> list[str]:
    return [_stem(w) for w in _words(text.lower())]


@dataclass(frozen=True, slots=True)
class _StakeholderInterest:
    """A stakeholder's interests in the form sentences are matched against."""

    keyword_stems: frozenset[str]
    phrase_stems: tuple[str, ...]  # keywords of several words, matched as stemmed phrases
    countries: frozenset[str]
    entity_kinds: frozenset[EntityKind]

    @classmethod
    def of(cls, stakeholder: Stakeholder) -> _StakeholderInterest:
        stems = [" ".join(_stems(k)) for k in stakeholder.keywords]
        return cls(
            frozenset(s for s in stems if s and " " not in s),
            tuple(s for s in stems if " " in s),
            frozenset(stakeholder.countries),
            frozenset(stakeholder.entity_kinds),
        )

    def evidence(self, stems: list[str], entity_ids: set[str], kinds: set[EntityKind]) -> int:
        joined = " ".join(stems)
        score = len(self.keyword_stems.intersection(stems))
        score += sum(1 for phrase in self.phrase_stems if f" {phrase} " in f" {joined} ")
        score += 2 * sum(1 for e in entity_ids if e.removeprefix("iso3166:") in self.countries)
        score += len(kinds & self.entity_kinds)
        return score


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

    # ------------------------------------------------------------------------------ selection helpers

    @staticmethod
    def _representatives(bundle: StoryBundle) -> list[Article]:
        """One article per syndication family (the earliest), English only, in time order."""
        seen: set[str] = set()
        chosen: list[Article] = []
        for article in sorted(bundle.articles, key=lambda a: (a.published, a.id)):
            if article.independent_source in seen or article.language != "en":
                continue
            seen.add(article.independent_source)
            chosen.append(article)
        return chosen

    @staticmethod
    def _usable(sentence: ReportSentence) -> bool:
        words = _words(sentence.text)
        if not 6 <= len(words) <= 60:
            return False
        if _first_word(sentence.text) in _DANGLING_OPENERS:
            return False
        if _PRONOUN_SPEAKER.search(sentence.text):
            return False
        text = sentence.text
        # A sentence split inside a quotation is a fragment: straight quotes must pair up, curly ones match.
        if text.count('"') % 2 or text.count("“") != text.count("”"):
            return False
        return text.rstrip()[-1:] in {".", '"', "”", "!"}

    @staticmethod
    def _leans_back(sentence: ReportSentence) -> bool:
        """Whether the sentence needs the one before it ("He added …", "This comes …")."""
        return _first_word(sentence.text) in _DANGLING_OPENERS or bool(_PRONOUN_SPEAKER.search(sentence.text))

    @staticmethod
    def _complete(sentence: ReportSentence) -> bool:
        """A whole sentence of reasonable length, not a heading or a fragment cut by the splitter."""
        return 4 <= len(_words(sentence.text)) <= 80 and sentence.text.rstrip()[-1:] in {
            ".",
            '"',
            "”",
            "!",
            "?",
        }

    def _passages(self, article: Article, sentences: Sequence[ReportSentence]) -> list[_Passage]:
        """The report cut into passages (see ``_Passage``). A passage is kept only when it opens
        without leaning back, closes every quotation it opens, and stays short; the rest is never used."""

        @dataclass(slots=True)
        class Group:
            sentences: list[ReportSentence]
            opens_cleanly: bool
            depth: int  # quotation marks left open after the last sentence

        groups: list[Group] = []
        for sentence in sentences:
            last = groups[-1] if groups else None
            depth_after, closes_earlier_quote = _quote_depth(sentence.text, last.depth if last else 0)
            if (
                last is not None
                and len(last.sentences) < _PASSAGE_MAX_SENTENCES
                and (self._leans_back(sentence) or last.depth > 0 or closes_earlier_quote)
            ):
                last.sentences.append(sentence)
                last.depth = depth_after
                continue
            depth, closes_earlier_quote = _quote_depth(sentence.text, 0)
            opens_cleanly = not self._leans_back(sentence) and not closes_earlier_quote
            groups.append(Group([sentence], opens_cleanly, depth))
        # A quotation whose pronoun speaker comes at its close ('"We will …. Families …," she said')
        # names that speaker in the passage before it: the two belong together.
        joined: list[Group] = []
        for group in groups:
            opens_quote = group.sentences[0].text.lstrip()[:1] in {'"', "“"}
            pronoun_speaker = any(_PRONOUN_SPEAKER.search(s.text) for s in group.sentences)
            if joined and opens_quote and pronoun_speaker:
                joined[-1].sentences.extend(group.sentences)
                joined[-1].depth = group.depth
            else:
                joined.append(group)
        return [
            _Passage(article, tuple(group.sentences))
            for group in joined
            if group.opens_cleanly
            and group.depth == 0
            and len(group.sentences) <= _PASSAGE_MAX_SENTENCES
            and sum(len(s.text.split()) for s in group.sentences) <= _PASSAGE_MAX_WORDS
            and all(self._complete(s) for s in group.sentences)
        ]

    def _select(self, material: _Material, max_sentences: int, max_words: int) -> list[_Passage]:
        """Greedy by score: the most central passages, each unlike those already taken, until the word
        budget is spent (the passage that crosses it is kept) or the sentence limit would be passed."""
        chosen: list[int] = []
        words = sentences = 0
        for i in np.argsort(-material.passage_scores, kind="stable"):
            if words >= max_words:
                break
            passage = material.passages[i]
            if sentences + len(passage.sentences) > max_sentences:
                continue
            if chosen and float(material.passage_similarity[i, chosen].max()) > _PASSAGE_REDUNDANCY:
                continue
            chosen.append(int(i))
            words += len(passage.text.split())
            sentences += len(passage.sentences)
        return [material.passages[i] for i in chosen]

    # ------------------------------------------------------------------------------------- the parts

    def _title(self, ranked: list[_Candidate], representatives: list[Article]) -> BriefSentence | None:
        """The event title: of the titles the central lead sentences yield, the one whose words the
        most reports share (the story's main event, not a side development), active voice preferred."""
        texts = [f"{a.title} {a.text}".lower() for a in representatives]
        best: tuple[float, int, BriefSentence] | None = None
        leads = [c for c in ranked if c.sentence.index <= 2][:_TITLE_CANDIDATES]
        # A wire dateline ("BASRA (CPA) — ") is where the report was filed, not who acted.
        docs = self.parse_many([_DATELINE.sub("", c.sentence.text) for c in leads])
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

    @staticmethod
    def _headline(material: _Material) -> BriefSentence:
        """The report headline nearest the centre of all headlines (the first report's when nothing can be
        scored)."""
        representatives = material.representatives
        scores = material.headline_scores
        best = representatives[int(np.argmax(scores))] if scores is not None else representatives[0]
        title = ReportSentence.title_of(best)
        return BriefSentence(BriefPart.HEADLINE, best.title, (Citation("sentence", title.id),))

    @staticmethod
    def _in_order(chosen: list[_Passage]) -> list[_Passage]:
        """The article opens with the news: the best-scoring chosen passage that opens a report (a
        lead), then the rest in time order (report time, then place in the report)."""
        leads = [p for p in chosen if p.start == 0]
        opening = leads[:1]
        return opening + sorted(
            (p for p in chosen if p not in opening),
            key=lambda p: (p.article.published, p.article.id, p.start),
        )

    def _article(
        self,
        material: _Material,
        facts: Sequence[Fact],
        max_words: int,
        disagreements: Sequence[BriefSentence] = (),
        categories: Sequence[CategoryScore] = (),
    ) -> list[BriefSentence]:
        chosen = self._select(material, self.settings.article_max_sentences, max_words)
        picked = self._in_order(chosen)
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
            for sentence in (s for p in paragraph for s in p.sentences):
                text = sentence.text
                # Where a report was filed ("BASRA (CPA) — ") belongs at the head of a report, not in the
                # middle of a synthesis: only the article's opening sentence keeps its dateline.
                if out:
                    text = _without_dateline(text)
                # A name used alone ("…, Furness said") before the brief has given it in full is given
                # in full, citing the report sentence that names the person so.
                text, sources = _with_full_names(text, introduced, material.surnames)
                citations = (Citation("sentence", sentence.id), *(Citation("sentence", i) for i in sources))
                out.append(BriefSentence(BriefPart.ARTICLE, text, citations, paragraph=number))
        # Where reports disagree on a figure, the article says so after the reports' own paragraphs ...
        closing = len(merged)
        for disagreement in disagreements:
            out.append(dataclasses.replace(disagreement, paragraph=closing))
        closing += 1 if disagreements else 0
        # ... and folds the two most relevant reference records that bear on the story in as its
        # closing paragraph.
        for fact in [f for f in facts if _bears_on(f, categories)][:2]:
            out.append(
                BriefSentence(
                    BriefPart.ARTICLE, fact.statement, (Citation("fact", fact.id),), paragraph=closing
                )
            )
        return out

    @staticmethod
    def _disagreements(bundle: StoryBundle, paragraph: int) -> list[BriefSentence]:
        """Where independent reports give different figures for the same count, say so and cite both."""
        by_key: dict[tuple[str, str], dict[str, tuple[ReportSentence, Article]]] = defaultdict(dict)
        articles = {a.id: a for a in bundle.articles if a.language == "en"}
        for article_id, extraction in sorted(bundle.extractions.items()):
            article = articles.get(article_id)
            if article is None:
                continue
            for sentence in extraction.sentences:
                counted: dict[str, set[str]] = defaultdict(set)
                for figure in _FIGURE.finditer(sentence.text):
                    measure = _measure_of(sentence.text, figure)
                    if measure is not None:
                        number = figure.group(1).replace(",", "")
                        counted[measure].add(_COUNT_WORDS.get(number.lower(), number))
                for measure, numbers in counted.items():
                    if len(numbers) == 1:  # two counts of one measure in a sentence: a range or a change
                        key = (measure, next(iter(numbers)))
                        by_key[key].setdefault(article.independent_source, (sentence, article))
        by_measure: dict[str, list[tuple[str, ReportSentence, Article]]] = defaultdict(list)
        for (measure, number), sources in sorted(by_key.items()):
            first = min(sources.values(), key=lambda sa: (sa[1].published, sa[1].id))
            by_measure[measure].append((number, *first))
        out: list[BriefSentence] = []
        for _measure, figures in sorted(by_measure.items()):
            if len(figures) < 2:
                continue
            figures.sort(key=lambda f: (f[2].published, f[2].id))
            (n1, s1, a1), (n2, s2, a2) = figures[0], figures[1]
            if a1.independent_source == a2.independent_source:
                continue
            text = (
                f"Reports give different figures: {a1.outlet} reported {n1} on "
                f"{a1.published.date().isoformat()} and {a2.outlet} reported {n2} on "
                f"{a2.published.date().isoformat()}."
            )
            out.append(
                BriefSentence(
                    BriefPart.ARTICLE,
                    text,
                    (Citation("sentence", s1.id), Citation("sentence", s2.id)),
                    paragraph=paragraph,
                )
            )
        return out[:2]

    def _insights(self, facts: Sequence[Fact]) -> list[BriefSentence]:
        return [
            BriefSentence(BriefPart.INSIGHT, fact.statement, (Citation("fact", fact.id),), paragraph=n)
            for n, fact in enumerate(facts[: self.settings.max_insights])
        ]

    def _stakeholders(
        self,
        bundle: StoryBundle,
        candidates: list[_Candidate],
        used: set[str],
        facts: Sequence[Fact],
        surnames: Mapping[str, _FullName],
        introduced: set[str],
    ) -> list[BriefSentence]:
        """A paragraph per stakeholder the story concerns, from the report sentences that touch its
        interests, led by at most one reference record of a kind it follows.

        A stakeholder gets a paragraph only when some report sentence concerns it: a record alone says
        nothing about what the story means for it. A record leads one paragraph at most (the travel
        advisory is not repeated under every heading), and it is about a subject the stakeholder's
        sentences name, or one of the story's top-ranked records."""
        story_slugs = {c.slug for c in bundle.categories}
        mentions_by_sentence: dict[str, set[str]] = defaultdict(set)
        for extraction in bundle.extractions.values():
            for mention in extraction.mentions:
                if mention.entity_id:
                    mentions_by_sentence[mention.sentence_id].add(mention.entity_id)
        top_facts = {f.id for f in facts[: self.settings.max_insights]}
        stems = {c.sentence.id: _stems(c.sentence.text) for c in candidates}
        facts_used: set[str] = set()
        out: list[BriefSentence] = []
        paragraph = 0
        for stakeholder in self.stakeholders:
            # An unclassified story is not ruled out by category: nothing says it is off the list.
            if stakeholder.categories and story_slugs and not story_slugs & set(stakeholder.categories):
                continue
            interest = _StakeholderInterest.of(stakeholder)
            followed = [
                f
                for f in facts
                if f.id not in facts_used
                and any(fnmatch.fnmatch(f.predicate, p) for p in stakeholder.fact_predicates)
            ]
            followed_subjects = {f.subject_id for f in followed}
            relevant: list[tuple[int, float, _Candidate]] = []
            for candidate in candidates:
                entity_ids = mentions_by_sentence.get(candidate.sentence.id, set())
                kinds = {entity.kind for e in entity_ids if (entity := bundle.entities.get(e)) is not None}
                evidence = interest.evidence(stems[candidate.sentence.id], entity_ids, kinds)
                # One sign of interest is enough in a sentence naming the subject of a record the
                # stakeholder follows ("US citizens in Iraq" beside Iraq's travel advisory).
                if evidence >= _STAKEHOLDER_MIN_EVIDENCE or (evidence and entity_ids & followed_subjects):
                    fresh = 0 if candidate.sentence.id in used else 1
                    relevant.append((fresh, evidence + candidate.score, candidate))
            if not relevant:
                continue
            relevant.sort(key=lambda r: (-r[0], -r[1], r[2].sentence.id))
            # Two reports often state the same thing ("The quake killed 12 …", "The earthquake killed 12
            # …"): a sentence sharing most of its stems with one already picked adds nothing.
            distinct: list[_Candidate] = []
            for _, _, candidate in relevant:
                words = set(stems[candidate.sentence.id])
                if all(_overlap(words, set(stems[c.sentence.id])) < 0.6 for c in distinct):
                    distinct.append(candidate)
                if len(distinct) == 3:
                    break
            picked = distinct[:2]
            named = {e for c in picked for e in mentions_by_sentence.get(c.sentence.id, set())}
            matching = [f for f in followed if f.subject_id in named or f.id in top_facts]
            for fact in matching[:1]:
                facts_used.add(fact.id)
                out.append(
                    BriefSentence(
                        BriefPart.STAKEHOLDER, fact.statement, (Citation("fact", fact.id),),
                        paragraph=paragraph, stakeholder=stakeholder.name,
                    )
                )  # fmt: skip
            if not matching:
                picked = distinct
            named = set(introduced)
            for candidate in sorted(picked, key=lambda c: (c.article.published, c.sentence.id)):
                text, sources = _with_full_names(_without_dateline(candidate.sentence.text), named, surnames)
                citations = (
                    Citation("sentence", candidate.sentence.id),
                    *(Citation("sentence", i) for i in sources),
                )
                out.append(
                    BriefSentence(
                        BriefPart.STAKEHOLDER,
                        text,
                        citations,
                        paragraph=paragraph,
                        stakeholder=stakeholder.name,
                    )
                )
            paragraph += 1
        return out

    # ------------------------------------------------------------------------------------------ write

    def _material(self, bundle: StoryBundle) -> _Material:
        """One TF-IDF fit over every sentence of one report per family: sentences and passages are
        scored by their similarity to that centroid, the story's centre of gravity."""
        representatives = self._representatives(bundle) or sorted(bundle.articles, key=lambda a: a.published)
        sentences = [
            (article, sentence)
            for article in representatives
            if article.id in bundle.extractions
            for sentence in bundle.extractions[article.id].sentences
        ]
        if not sentences:
            return _Material(representatives, [], [], np.zeros(0), np.zeros((0, 0)))
        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, norm="l2")
        try:
            matrix = vectorizer.fit_transform([sentence.text for _, sentence in sentences])
        except ValueError:  # nothing but stop words: no centre to measure against
            return _Material(representatives, [], [], np.zeros(0), np.zeros((0, 0)))
        centroid = np.asarray(matrix.mean(axis=0)).ravel()
        centroid /= np.linalg.norm(centroid) or 1.0
        centrality = np.asarray(matrix @ centroid).ravel()
        candidates = [
            # Wire style puts the news first: an early sentence of a report gets a small bonus.
            _Candidate(sentence, article, float(value) + 0.6 / (1 + sentence.index))
            for (article, sentence), value in zip(sentences, centrality, strict=True)
            if self._usable(sentence)
        ]
        passages = [
            passage
            for article in representatives
            if article.id in bundle.extractions
            for passage in self._passages(article, bundle.extractions[article.id].sentences)
        ]
        if not passages:
            return _Material(representatives, candidates, [], np.zeros(0), np.zeros((0, 0)))
        passage_matrix = vectorizer.transform([p.text for p in passages])
        starts = np.array([p.start for p in passages], dtype=float)
        # Centrality, damped gently by how far into its report a passage starts.
        scores = np.asarray(passage_matrix @ centroid).ravel() / np.sqrt(1.0 + starts)
        similarity = (passage_matrix @ passage_matrix.T).toarray()
        headline_scores = None
        if len(representatives) > 1:
            # The most representative headline is the one nearest the centre of all the headlines,
            # weighed in the story's terms (one transform, no second fit).
            headlines = vectorizer.transform([a.title for a in representatives])
            headline_centre = np.asarray(headlines.mean(axis=0)).ravel()
            headline_scores = np.asarray(headlines @ headline_centre).ravel()
        return _Material(
            representatives,
            candidates,
            passages,
            scores,
            similarity,
            headline_scores,
            _surnames(bundle, representatives),
        )

    def article_sentences(self, bundle: StoryBundle, max_words: int | None = None) -> list[BriefSentence]:
        """The article part alone (what `wirebrief eval summarise` measures)."""
        budget = max_words or self.settings.article_max_words
        return self._article(self._material(bundle), list(bundle.facts), budget, (), bundle.categories)

    def write(self, bundle: StoryBundle) -> Brief:
        material = self._material(bundle)
        representatives, scored = material.representatives, material.candidates
        facts = list(bundle.facts)
        sentences: list[BriefSentence] = []
        title = None
        if scored:
            ranked = sorted(scored, key=lambda c: (-c.score, c.sentence.id))
            title = self._title(ranked, representatives)
        headline = self._headline(material)
        sentences.append(title or BriefSentence(BriefPart.TITLE, headline.text, headline.citations))
        sentences.append(headline)
        article_part = (
            self._article(
                material,
                facts,
                self.settings.article_max_words,
                self._disagreements(bundle, paragraph=0),
                bundle.categories,
            )
            if material.passages
            else []
        )
        sentences += article_part
        sentences += self._insights(facts)
        used = {c.ref for s in article_part for c in s.citations}
        # In a stakeholder's paragraph, as in the article, a name used alone is given in full unless the
        # article has named the person.
        introduced = {name for s in article_part for name in _names_introduced(s.text)}
        sentences += self._stakeholders(bundle, scored, used, facts, material.surnames, introduced)
        metadata = {"stakeholders": ", ".join(s.name for s in self.stakeholders)}
        return Brief.for_story(bundle, _without_repeats(sentences), self.name, metadata)


def _without_repeats(sentences: list[BriefSentence]) -> list[BriefSentence]:
    """No sentence is printed twice within a part (a stakeholder may restate an article sentence)."""
    seen: set[tuple[str, str | None, str]] = set()
    out: list[BriefSentence] = []
    for sentence in sentences:
        key = (sentence.part.value, sentence.stakeholder, " ".join(sentence.text.lower().split()))
        if key in seen:
            continue
        seen.add(key)
        out.append(sentence)
    return out


__all__ = ["DeterministicWriter", "event_title"]
