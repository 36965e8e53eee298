"""Choosing report material for a brief: one report per family, usable sentences and passages scored
against the story's centre, redundancy, order, and figures the reports disagree on."""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from nltk.stem.porter import PorterStemmer
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.lang.en.stop_words import STOP_WORDS

from wirebrief.records import (
    Article,
    BriefPart,
    BriefSentence,
    Citation,
    Mention,
    ReportSentence,
    StoryBundle,
)
from wirebrief.write.voice import attributable, hands_over, is_report_text, own_voice, speaker_named

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


_WORD_EDGES = ".,;:!?\"'()“”‘’"


def _figure_number(figure: re.Match[str]) -> str:
    """A count as digits: "1,200" and "Fifteen" read "1200" and "15"."""
    number = figure.group(1).replace(",", "")
    return _COUNT_WORDS.get(number.lower(), number)


def _measures(word: str) -> set[str]:
    """What a word beside a figure says is counted ("killed" → dead); agent nouns count nothing: in "a
    ferry carrying 187 people capsized, and rescuers were searching" the 187 were aboard, not rescued."""
    word = word.strip(_WORD_EDGES).lower()
    if word.endswith(("er", "ers")):
        return set()
    return {label for stem, label in _CASUALTY_STEMS.items() if word.startswith(stem)}


def _counted(text: str, number: str) -> str:
    """``number`` with what ``text`` counts, in the report's own words ("12 people were killed",
    "17 people killed" for "killed 17 people"): a bare "reported 9" left the reader guessing 9 of what."""
    for figure in _FIGURE.finditer(text):
        if _figure_number(figure) != number:
            continue
        counted = f"{number}{figure.group(0)[len(figure.group(1)) :]}"
        if _measures(figure.group(2)):
            return counted
        after = text[figure.end() :].split()[:_MEASURE_WORDS_AFTER]
        for k, word in enumerate(after):
            if _measures(word):
                return " ".join([counted, *after[:k], word.strip(_WORD_EDGES)])
        before = text[: figure.start()].split()[-_MEASURE_WORDS_BEFORE:]
        for word in reversed(before):
            if _measures(word):
                return f"{counted} {word.strip(_WORD_EDGES)}"
        return counted
    return number


def _measure_of(text: str, figure: re.Match[str]) -> str | None:
    """What a figure counts ("killed", "rescued"…), from the words right around it (``_measures``); None
    when no measure or more than one stands there."""
    near = [
        *text[: figure.start()].split()[-_MEASURE_WORDS_BEFORE:],
        figure.group(2),
        *text[figure.end() :].split()[:_MEASURE_WORDS_AFTER],
    ]
    labels: set[str] = set()
    for word in near:
        labels |= _measures(word)
    return labels.pop() if len(labels) == 1 else None


def measured_figures(text: str) -> dict[str, set[str]]:
    """The counts ``text`` gives, by what they count ("dead": {"12"}), counts written as words read
    as digits; a figure with no single measure beside it is left out."""
    counted: dict[str, set[str]] = defaultdict(set)
    for figure in _FIGURE.finditer(text):
        measure = _measure_of(text, figure)
        if measure is not None:
            counted[measure].add(_figure_number(figure))
    return dict(counted)


def stale_figures(bundle: StoryBundle) -> dict[str, set[str]]:
    """The counts a later day's reports have replaced, by measure ("dead": {"12"} when reports of the
    20th said 12 dead and those of the 21st say 17): a count given on an earlier day and not on the
    latest day any report gives that measure. Reports of one day that differ disagree, so neither of
    their counts is stale (``_disagreements`` tells both)."""
    last_day: dict[str, dict[str, date]] = defaultdict(dict)
    for article in bundle.articles:
        extraction = bundle.extractions.get(article.id)
        if article.language != "en" or extraction is None:
            continue
        day = article.published.date()
        for sentence in extraction.sentences:
            for measure, numbers in measured_figures(sentence.text).items():
                if len(numbers) == 1:  # two counts of one measure in a sentence: a range or a change
                    (number,) = numbers
                    known = last_day[measure].get(number)
                    last_day[measure][number] = max(known, day) if known else day
    stale: dict[str, set[str]] = {}
    for measure, days in last_day.items():
        latest = max(days.values())
        if replaced := {number for number, day in days.items() if day < latest}:
            stale[measure] = replaced
    return stale


def states_stale_figure(text: str, stale: Mapping[str, set[str]]) -> bool:
    """Whether ``text`` gives a count that later reports replaced, and not the count that replaced it
    ("12 people were killed" is stale beside a later 17; "the toll rose from 12 to 17" is not)."""
    for measure, numbers in measured_figures(text).items():
        replaced = stale.get(measure, set())
        if numbers & replaced and not numbers - replaced:
            return True
    return False


# A passage is at most this long; a redundancy above this cosine with a chosen passage skips a passage.
_PASSAGE_MAX_SENTENCES, _PASSAGE_MAX_WORDS = 4, 120
_PASSAGE_REDUNDANCY = 0.4
# The article's opening is the latest of this many best-scoring report leads among the chosen passages.
_LEAD_CHOICES = 3
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
    # Sentences in the report's own voice, printed as what the report wrote (``voice.as_written_by``).
    framed: frozenset[str] = frozenset()

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


def _words(text: str) -> list[str]:
    return _WORDS.findall(text)


def _first_word(text: str) -> str:
    words = _words(text)
    return words[0].lower() if words else ""


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
    return text.rstrip()[-1:] in {".", '"', "”", "!"} and _fit_to_print(text)


def _framing(texts: Sequence[str], before: str = "") -> list[bool] | None:
    """Which sentences of a passage are printed as what their report wrote (``voice.attributable``),
    or None when the passage cannot be printed together. ``before`` is the report's sentence before it.

    A quotation (and the "I" or "we" inside it) with no speaker of its own keeps its speaker when the
    sentence right before it names one, or the quotation's closing sentence right after it does (the
    passage is printed whole); a sentence after one that hands over ("the family said in a
    statement:") is that speaker's. A judgement, guess, advice, exclamation or "I"/"we" of the report's
    own writer is quoted whole as the report's, unless the sentence before it names a speaker or
    quotes someone: whose words it is would then be a guess, so it is not printed."""
    framed: list[bool] = []
    spoken = False  # the sentence before names a speaker, or is a quotation that keeps its speaker
    for k, text in enumerate(texts):
        if not is_report_text(text):
            return None
        voice = own_voice(text)
        if voice is None:
            framed.append(False)
            spoken = speaker_named(text)
            continue
        previous = texts[k - 1] if k else before
        inside = texts[k - 1] if k else ""
        after = texts[k + 1] if k + 1 < len(texts) else ""
        # Inside a quotation an earlier sentence of the passage opened, or with quotation marks of its own.
        open_quote = _quote_depth(" ".join(texts[:k]), 0)[0] > 0
        quoted = voice in _QUOTED_VOICE and bool(_QUOTE_MARKS.search(text) or open_quote)
        # Quotations in a row after the sentence that names their speaker are that speaker's.
        if (quoted and (spoken or (speaker_named(after) and _QUOTE_MARKS.search(after)))) or (
            k and hands_over(inside)
        ):
            framed.append(False)
            spoken = quoted
        elif attributable(text) and not speaker_named(previous) and not _QUOTE_MARKS.search(previous):
            framed.append(True)
        else:
            return None
    return framed


_QUOTED_VOICE = frozenset({"quotation without its speaker", "first or second person"})
_QUOTE_MARKS = re.compile(r"[\"“”]")


def _fit_to_print(text: str) -> bool:
    """Report text (no caption, credit or navigation) in a voice the brief may carry: a fact, or a
    judgement, guess, advice or quotation with its speaker named (see ``voice``)."""
    return is_report_text(text) and own_voice(text) is None


def _leans_back(sentence: ReportSentence) -> bool:
    """Whether the sentence needs the one before it ("He added …", "This comes …")."""
    return _first_word(sentence.text) in _DANGLING_OPENERS or bool(_PRONOUN_SPEAKER.search(sentence.text))


def _complete(sentence: ReportSentence) -> bool:
    """A whole sentence of reasonable length, not a heading, a fragment cut by the splitter or a line
    that trails off ("Police in Houston say they're...")."""
    if sentence.text.rstrip().endswith(("...", "…")):
        return False
    return 4 <= len(_words(sentence.text)) <= 80 and sentence.text.rstrip()[-1:] in {
        ".",
        '"',
        "”",
        "!",
        "?",
    }


def _quotes_the_speaker_before(text: str, before: Sequence[str]) -> bool:
    """Whether ``text`` is a quotation that names no speaker right after a sentence that names one
    ("Smith spoke on Monday." then '"It was a disaster."'), or after quotations that follow such a
    sentence: it goes with them, so that it keeps its speaker."""
    if own_voice(text) not in _QUOTED_VOICE:
        return False
    if speaker_named(before[-1]):
        return True
    for sentence in reversed(before[:-1]):
        quotation = own_voice(sentence) in _QUOTED_VOICE and _QUOTE_MARKS.search(sentence)
        if speaker_named(sentence) or not quotation:
            break
    else:
        return False
    last = before[-1]
    return (
        speaker_named(sentence)
        and bool(_QUOTE_MARKS.search(text) and _QUOTE_MARKS.search(last))
        and own_voice(last) in _QUOTED_VOICE
    )


def _passages(article: Article, sentences: Sequence[ReportSentence]) -> list[_Passage]:
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
            and (
                _leans_back(sentence)
                or last.depth > 0
                or closes_earlier_quote
                or _quotes_the_speaker_before(sentence.text, [s.text for s in last.sentences])
                or hands_over(last.sentences[-1].text)
            )
        ):
            last.sentences.append(sentence)
            last.depth = depth_after
            continue
        depth, closes_earlier_quote = _quote_depth(sentence.text, 0)
        opens_cleanly = not _leans_back(sentence) and not closes_earlier_quote
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
    passages = []
    previous = {s.id: sentences[k - 1].text for k, s in enumerate(sentences) if k}
    for group in joined:
        if not group.opens_cleanly or group.depth != 0 or len(group.sentences) > _PASSAGE_MAX_SENTENCES:
            continue
        if sum(len(s.text.split()) for s in group.sentences) > _PASSAGE_MAX_WORDS:
            continue
        if not all(_complete(s) for s in group.sentences):
            continue
        # A passage whose later sentence may not be printed (a quotation without its speaker, a
        # question) keeps the sentences before it, when they close their quotations: what opens a
        # passage never leans on what follows it.
        before = previous.get(group.sentences[0].id, "")
        kept, framed = _printable_prefix([s.text for s in group.sentences], before)
        if kept:
            ids = frozenset(s.id for s, frame in zip(group.sentences[:kept], framed, strict=True) if frame)
            passages.append(_Passage(article, tuple(group.sentences[:kept]), ids))
    return passages


def _printable_prefix(texts: Sequence[str], before: str = "") -> tuple[int, list[bool]]:
    """How many of ``texts`` (a passage), from the first, can be printed together, and which of those
    are framed as the report's (``_framing``): all of them when they can, else the longest beginning
    that can and closes its quotations."""
    for end in range(len(texts), 0, -1):
        head = texts[:end]
        depth = 0
        for text in head:
            depth, _ = _quote_depth(text, depth)
        framed = _framing(head, before) if depth == 0 else None
        if framed is not None:
            return end, framed
    return 0, []


_stemmer = PorterStemmer()
# A sentence with at least this share of its meaning words already in one chosen sentence restates it.
_RESTATES = 0.4
_RESTATES_PLAIN = 0.5


@lru_cache(maxsize=65536)
def _meaning_stem(word: str) -> str:
    return str(_stemmer.stem(word))


def meaning_words(text: str) -> frozenset[str]:
    """What a sentence says, as a set: its content words stemmed, its names, and its numbers with
    counts written as words read as digits ("Fifteen people" and "15 people" share "15"). Where it was
    filed (a dateline) and who said it ("said", "according to") are not what it says."""
    out: set[str] = set()
    for token in _MEANING_TOKEN.findall(_without_dateline(text).lower()):
        token = token.strip("'’-.,")
        if not token or token in STOP_WORDS or token in _ATTRIBUTION_WORDS:
            continue
        if token[0].isdigit():
            out.add(token.replace(",", ""))
        else:
            out.add(_COUNT_WORDS.get(token) or _meaning_stem(token))
    return frozenset(out)


_MEANING_TOKEN = re.compile(r"[a-z][a-z'’-]*|\d[\d,.]*")
_ATTRIBUTION_WORDS = frozenset("said says say told tells according added adds reported reports".split())


def _is_number(word: str) -> bool:
    return word[:1].isdigit()


def restates(
    words: frozenset[str],
    said: Iterable[frozenset[str]],
    share: float = _RESTATES,
    weight: Mapping[str, float] | None = None,
) -> bool:
    """Whether a sentence of ``words`` restates one of the sentences ``said``: the numbers, names and
    predicates it shares with that one sentence make up ``share`` of what it says (each word counted by
    ``weight``, e.g. how specific it is to a few of the story's sentences). A sentence with a number
    the other lacks tells a new figure, so it restates nothing there."""
    if not words:
        return False

    def size(items: Iterable[str]) -> float:
        return sum(weight.get(w, 1.0) for w in items) if weight is not None else float(len(list(items)))

    total = size(words)
    numbers = {w for w in words if _is_number(w)}
    for other in said:
        weighted = size(words & other) >= share * total
        plain = len(words & other) >= _RESTATES_PLAIN * len(words)
        # Half its words in one sentence already said is a restatement however specific they are; a
        # new number is a new figure, unless the rest of the sentence is that sentence again.
        if (weighted or plain) if not (numbers - other) else (weighted and plain):
            return True
    return False


def _specificity(texts: Sequence[frozenset[str]]) -> dict[str, float]:
    """Each word's weight for ``restates``: its inverse document frequency over the story's sentences,
    so the story's topic words ("ferry", "coast guard") count for less than the facts around them."""
    frequency: dict[str, int] = defaultdict(int)
    for words in texts:
        for word in words:
            frequency[word] += 1
    n = len(texts)
    return {word: math.log((n + 1) / (count + 1)) + 1.0 for word, count in frequency.items()}


def _select(
    material: _Material, max_sentences: int, max_words: int, passed_over: frozenset[str] = frozenset()
) -> list[_Passage]:
    """Greedy by score: the most central passages, each unlike those already taken, until the word
    budget is spent (the passage that crosses it is kept) or the sentence limit would be passed.
    Passages opening with a sentence in ``passed_over`` are not taken.

    Unlike means on meaning as well as wording: a passage is skipped when it is close to a chosen one
    (TF-IDF cosine), or when one of its sentences restates a chosen sentence (``restates``): two
    outlets telling the same fact in their own words say it once in the brief.

    Facts come first: a passage in a report's own voice (quoted as the report's) is offered only after
    every factual one, so opinion fills what the facts leave of the budget."""
    chosen: list[int] = []
    taken: list[_Passage] = []
    said: list[frozenset[str]] = []
    meanings_of = {s.id: meaning_words(s.text) for p in material.passages for s in p.sentences}
    weight = _specificity(list(meanings_of.values()))
    words = sentences = 0
    # Facts before quoted opinion: what reports state (facts, attributed statements) is taken before
    # any passage the brief would quote as a report's own judgement, guess or "I" (``_Passage.framed``),
    # whatever its score; such a passage's factual opening counts as fact. Quoted opinion fills only
    # what the facts leave of the budget.
    offers: list[tuple[bool, float, int, _Passage]] = []  # (opinion, -score, index, what to take)
    for k, whole in enumerate(material.passages):
        score = -float(material.passage_scores[k])
        if whole.framed and (head := _factual_head(whole)) is not None:
            offers.append((False, score, k, head))
        offers.append((bool(whole.framed), score, k, whole))
    offers.sort(key=lambda offer: offer[:3])
    for _, _, i, passage in offers:
        if words >= max_words:
            break
        # A passage whose factual opening is taken already, or one the caller passes over.
        if i in chosen or passage.sentences[0].id in passed_over:
            continue
        if sentences + len(passage.sentences) > max_sentences:
            continue
        if chosen and float(material.passage_similarity[i, chosen].max()) > _PASSAGE_REDUNDANCY:
            continue
        meanings = [meanings_of[s.id] for s in passage.sentences]
        # The passage up to its first sentence that restates one already taken (a beginning that
        # closes its quotations); nothing when its opening sentence does.
        fresh = next((k for k, m in enumerate(meanings) if restates(m, said, weight=weight)), len(meanings))
        while fresh and _quote_depth(" ".join(s.text for s in passage.sentences[:fresh]), 0)[0]:
            fresh -= 1
        if not fresh:
            continue
        if fresh < len(passage.sentences):
            passage = dataclasses.replace(passage, sentences=passage.sentences[:fresh])
        chosen.append(int(i))
        taken.append(passage)
        said.extend(meanings[:fresh])
        words += len(passage.text.split())
        sentences += len(passage.sentences)
    return taken


def _factual_head(passage: _Passage) -> _Passage | None:
    """The sentences of ``passage`` before its first one in the report's own voice, when there are
    some and they close their quotations; None otherwise."""
    end = next(k for k, s in enumerate(passage.sentences) if s.id in passage.framed)
    while end and _quote_depth(" ".join(s.text for s in passage.sentences[:end]), 0)[0]:
        end -= 1
    return (
        dataclasses.replace(passage, sentences=passage.sentences[:end], framed=frozenset()) if end else None
    )


def _in_order(chosen: list[_Passage], stale: Mapping[str, set[str]] | None = None) -> list[_Passage]:
    """The article opens with the story's latest state: of the best-scoring chosen passages that open
    a report (leads; ``chosen`` is best first), the one from the latest report; then the rest in event
    order (report time, then place in the report). A passage giving a count that later reports replaced
    (``stale``, see ``stale_figures``) does not open the article while another chosen lead, or else
    another chosen passage that gives the count now, can."""

    def current(passage: _Passage) -> bool:
        return not any(states_stale_figure(s.text, stale or {}) for s in passage.sentences)

    def tells_the_count(passage: _Passage) -> bool:
        return any(
            measure in (stale or {}) for s in passage.sentences for measure in measured_figures(s.text)
        )

    # A lead the brief can print in its own voice opens it rather than one it quotes as the report's.
    leads = [p for p in chosen if p.start == 0 and p.sentences[0].id not in p.framed] or [
        p for p in chosen if p.start == 0
    ]
    if stale and not all(current(p) for p in leads[:_LEAD_CHOICES]):
        leads = (
            [p for p in leads if current(p)]
            or [p for p in chosen if current(p) and tells_the_count(p)]
            or leads
        )
    leads = leads[:_LEAD_CHOICES]
    opening = [max(leads, key=lambda p: (p.article.published, p.article.id))] if leads else []
    return opening + sorted(
        (p for p in chosen if p not in opening),
        key=lambda p: (p.article.published, p.article.id, p.start),
    )


# "The suspects were detained …": a short plural definite subject right before its verb, with nothing
# (a name, a clause, an "of" phrase) that says which suspects.
_PLURAL_DEFINITE_OPENING = re.compile(
    r"^(?:The|These|Those)\s+(?:[a-z][\w'’-]*\s+){0,2}?([a-z][\w'’-]*s)\s+(?:were|are|have|had)\b"
)


def _introduced(passages: list[_Passage]) -> list[_Passage]:
    """``passages`` (in reading order) less those that open on a plural definite subject no earlier
    passage has introduced ("The suspects were detained …" before any suspect is named): such a
    sentence leans on a sentence of its report the brief does not print."""
    seen: set[str] = set()
    out: list[_Passage] = []
    for passage in passages:
        found = _PLURAL_DEFINITE_OPENING.match(_without_dateline(passage.sentences[0].text))
        # "suspects" is introduced by "suspect", "suspected"; the first four letters and one more.
        root = found.group(1).lower()[: max(4, len(found.group(1)) - 3)] if found else ""
        if out and found and not any(word.startswith(root) for word in seen):
            continue
        out.append(passage)
        seen.update(w.lower() for s in passage.sentences for w in _words(s.text))
    return out


def _disagreements(bundle: StoryBundle, paragraph: int) -> list[BriefSentence]:
    """Where independent reports give different figures for the same count, say so and cite both."""
    by_key: dict[tuple[str, str], dict[str, tuple[ReportSentence, Article]]] = defaultdict(dict)
    articles = {a.id: a for a in bundle.articles if a.language == "en"}
    for article_id, extraction in sorted(bundle.extractions.items()):
        article = articles.get(article_id)
        if article is None:
            continue
        for sentence in extraction.sentences:
            for measure, numbers in measured_figures(sentence.text).items():
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
        # Reports of one day that differ disagree; a figure that differs between days has changed
        # (a toll rising from 2 to 4 is news, not a dispute), told first to latest with both dates.
        same_day = [
            (f1, f2)
            for k, f1 in enumerate(figures)
            for f2 in figures[k + 1 :]
            if f1[2].published.date() == f2[2].published.date()
            and f1[2].independent_source != f2[2].independent_source
        ]
        if same_day:
            (n1, s1, a1), (n2, s2, a2) = same_day[0]
            text = (
                f"Reports give different figures: {a1.outlet} reported {_counted(s1.text, n1)} on "
                f"{a1.published.date().isoformat()} and {a2.outlet} reported {n2} on "
                f"{a2.published.date().isoformat()}."
            )
        else:
            (n1, s1, a1), (n2, s2, a2) = figures[0], figures[-1]
            if a1.published.date() == a2.published.date() or not (n1.isdigit() and n2.isdigit()):
                continue
            direction = "up" if int(n2) > int(n1) else "down"
            first_day, last_day = a1.published.date().isoformat(), a2.published.date().isoformat()
            text = (
                f"{a1.outlet} reported {_counted(s1.text, n1)} on {first_day}, and then "
                f"{a2.outlet} reported {n2} on {last_day}, {direction} from {n1}."
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


def _material(bundle: StoryBundle) -> _Material:
    """One TF-IDF fit over every sentence of one report per family: sentences and passages are
    scored by their similarity to that centroid, the story's centre of gravity."""
    representatives = _representatives(bundle) or sorted(bundle.articles, key=lambda a: a.published)
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
        if _usable(sentence)
    ]
    passages = [
        passage
        for article in representatives
        if article.id in bundle.extractions
        for passage in _passages(article, bundle.extractions[article.id].sentences)
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


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
_QUOTED_SPAN = re.compile(r"[\"“][^\"”]*[\"”]?")


def _spelling_key(name: str) -> str:
    """A name with accents, apostrophes, hyphens, spaces and case set aside: "Kata'ib Hezbollah" and
    "Kataib Hezbollah", "Grünberg" and "Grunberg" share one."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in plain if ch.isalnum()).casefold()


def _respelled(
    text: str, first: Mapping[str, str], spelled_in: Mapping[str, str]
) -> tuple[str, list[Citation]]:
    """``text`` with each name the brief has spelled (``first``: spelling key -> spelling) written that
    way, and the report sentences that support the spellings it changed. A name is found by its letters
    with any apostrophes, hyphens or spaces between them ("Kata'ib", "Kata’ib", "Kataib")."""
    support: list[Citation] = []
    for key, spelling in first.items():
        if len(key) < 4 or spelling not in spelled_in:
            continue
        loose = re.compile(
            r"(?<!\w)" + r"[\s'’-]?".join(re.escape(ch) for ch in key) + r"(?!\w)", re.IGNORECASE
        )
        for found in loose.finditer(text):
            # A name is capitalised: "apple" in a record's text is not "Apple".
            word = found.group(0)
            if word != spelling and word[:1].isupper() and _spelling_key(word) == key:
                text = text.replace(word, spelling)
                cited = Citation("sentence", spelled_in[spelling])
                if cited not in support:
                    support.append(cited)
    return text, support


def one_spelling(sentences: Sequence[BriefSentence], mentions: Iterable[Mention]) -> list[BriefSentence]:
    """``sentences`` with every name spelled as the brief first spells it: a later line that writes the
    name another way ("Kataib Hezbollah" after "Kata'ib Hezbollah") takes the first spelling and cites,
    beside its own sources, a report sentence that spells it so (the verifier's support for the name).
    Names are the story's name mentions, found in each line by their text (a headline has no
    mentions of its own)."""
    spelled_in: dict[str, str] = {}  # a spelling -> a report sentence that writes it
    for mention in mentions:
        # Possessives ("Qatar Airways'") are not spellings, and a spelling with letters outside ASCII
        # ("Grünberg" beside "Grunberg") is left as each report wrote it: the check of names against
        # cited material reads such letters apart.
        name = mention.text
        if (
            mention.label in _NAME_LABELS
            and _spelling_key(name)
            and name.isascii()
            and not name.endswith(("'", "’", "'s", "’s"))
            # A dateline's capitals ("HOUSTON - …") are typography, not a spelling: taken first, they
            # made every later "Houston" "HOUSTON".
            and not (name.isupper() and len(name) > 4)
        ):
            spelled_in.setdefault(name, mention.sentence_id)
    # Longer names first, so "Kata'ib Hezbollah" is read before any shorter name inside it.
    names = sorted(spelled_in, key=lambda n: (-len(n), n))
    patterns = {n: re.compile(rf"(?<!\w){re.escape(n)}(?!\w)") for n in names}
    first: dict[str, str] = {}  # spelling key -> the brief's spelling
    out: list[BriefSentence] = []
    for sentence in sentences:
        text, citations = sentence.text, list(sentence.citations)
        if citations and citations[0].kind == "fact":
            # A record spells a name its issuer's way ("Kata'ib Hezbollah" beside the reports'
            # "Kataib Hezbollah"): it takes the brief's spelling too, citing a report sentence that
            # spells the name so; every other word stays as the issuer wrote it.
            text, respelled = _respelled(text, first, spelled_in)
            citations += [c for c in respelled if c not in citations]
            out.append(dataclasses.replace(sentence, text=text, citations=tuple(citations)))
            continue
        for name in names:
            if not patterns[name].search(text):
                continue
            spelling = first.setdefault(_spelling_key(name), name)
            if spelling != name:
                # Words inside quotation marks are the speaker's, exactly as reported.
                quoted = [(q.start(), q.end()) for q in _QUOTED_SPAN.finditer(text)]
                pieces, last = [], 0
                for found in patterns[name].finditer(text):
                    inside = any(a <= found.start() < b for a, b in quoted)
                    # The case of the first letter is the sentence's, not the name's ("The Port of
                    # Rotterdam Authority said" opens a line; "the Port …" is how another line has it).
                    same_letter = found.group(0)[:1].casefold() == spelling[:1].casefold()
                    written = found.group(0)[:1] + spelling[1:] if same_letter else spelling
                    pieces += [text[last : found.start()], found.group(0) if inside else written]
                    last = found.end()
                text = "".join([*pieces, text[last:]])
                support = Citation("sentence", spelled_in[spelling])
                if support not in citations:
                    citations.append(support)
        out.append(dataclasses.replace(sentence, text=text, citations=tuple(citations)))
    return out
