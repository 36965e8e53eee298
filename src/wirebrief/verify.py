"""The verifier: every published sentence must be supported by what it cites.

For each brief sentence the verifier resolves its citations to report sentences and reference
records (the *material*), then checks, after normalisation, that

* it cites something, and every citation resolves;
* every number and every proper name or acronym in it appears in the material;
* every quoted passage appears word for word in the material;
* it does not add or drop a negation relative to the material it restates;
* it does not add advice, obligation or speculation ("must", "should", "could") absent from the material;
* its content words are covered by the material (a coverage ratio above a threshold), apart from a
  short, fixed list of attribution words the writer uses to frame reported material ("reported", "said").

A sentence that fails any check is dropped and logged with the reasons; it is never published.
The checks are lexical on purpose: no entailment model ships offline, and a lexical check is
explainable sentence by sentence.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from nltk.stem.porter import PorterStemmer
from spacy.lang.en.stop_words import STOP_WORDS

from wirebrief.records import (
    Article,
    Brief,
    BriefSentence,
    Citation,
    Fact,
    ReportSentence,
    StoryBundle,
    SupportReport,
    Verdict,
)

log = logging.getLogger(__name__)

# Words the writer itself adds to frame reported material: attribution and reporting verbs. They carry
# no claim about the world, so they need not appear in the cited text. Nothing modal or evaluative
# belongs here.
FRAMING_WORDS = frozenset(
    [
        "report",
        "reports",
        "reported",
        "reporting",
        "according",
        "said",
        "says",
        "say",
        "stated",
        "states",
        "told",
        "added",
        "differ",
        "differs",
        "differed",
        "figure",
        "figures",
        "gives",
        "give",
        "gave",
        "put",
        "puts",
        "record",
        "records",
        "recorded",
        "rates",
        "rate",
        "rated",
        "dated",
        "level",
    ]
)

# Words that turn a statement into advice, obligation or speculation. Allowed only when the cited
# material itself uses them (then the sentence is reporting, not adding, the stance).
MODAL_WORDS = frozenset(
    [
        "must",
        "should",
        "ought",
        "need",
        "needs",
        "necessary",
        "essential",
        "urgent",
        "urgently",
        "imperative",
        "advisable",
        "recommend",
        "recommends",
        "recommended",
        "advise",
        "advised",
        "urge",
        "urges",
        "likely",
        "unlikely",
        "probably",
        "perhaps",
        "possibly",
        "possibility",
        "possible",
        "could",
        "might",
        "would",
    ]
)

NEGATORS = frozenset({"not", "no", "never", "neither", "nor", "none", "without", "n't", "cannot", "nothing"})

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
}  # fmt: skip

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-.]*[A-Za-z]|[A-Za-z]|\d[\d,]*(?:\.\d+)?")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]")
_QUOTE_CHARS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})

_stemmer = PorterStemmer()

# Irregular past forms the stemmer leaves alone ("said" must match "say", "struck" "strike").
_IRREGULAR = dict(
    pair.split(":")
    for pair in [
        "said:say",
        "told:tell",
        "made:make",
        "took:take",
        "gave:give",
        "went:go",
        "came:come",
        "saw:see",
        "found:find",
        "left:leave",
        "held:hold",
        "met:meet",
        "kept:keep",
        "began:begin",
        "won:win",
        "lost:lose",
        "brought:bring",
        "thought:think",
        "knew:know",
        "got:get",
        "shot:shoot",
        "fled:flee",
        "struck:strike",
        "sent:send",
        "spent:spend",
        "built:build",
        "fell:fall",
        "rose:rise",
        "led:lead",
        "paid:pay",
        "sold:sell",
        "stood:stand",
        "wrote:write",
        "spoke:speak",
        "broke:break",
        "chose:choose",
        "drove:drive",
        "flew:fly",
        "grew:grow",
        "threw:throw",
        "became:become",
        "ran:run",
        "sat:sit",
        "understood:understand",
        "hid:hide",
        "bought:buy",
        "caught:catch",
        "fought:fight",
        "sought:seek",
        "taught:teach",
    ]
)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stem(word))


def normalise_text(text: str) -> str:
    """NFC, straight quotes and dashes, collapsed white space: the form all comparisons use."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTE_CHARS).split())


def _number_key(raw: str) -> str:
    value = raw.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise_text(text))


def _word_key(token: str) -> str:
    """Stem of a word with possessives and inner punctuation removed ("U.S." -> "us")."""
    word = token.lower().replace("'s", "").replace("’s", "").replace(".", "").replace("'", "")
    return _stem(_IRREGULAR.get(word, word))


@dataclass(frozen=True, slots=True)
class Material:
    """The normalised text a sentence's citations resolve to."""

    text: str
    numbers: frozenset[str]
    stems: frozenset[str]
    has_negation: bool
    has_modal: bool
    negated_stems: frozenset[str]  # the word each negation in the material applies to


def _analyse(texts: Iterable[str]) -> Material:
    parts = [normalise_text(t) for t in texts if t]
    joined = " \n ".join(parts)
    numbers: set[str] = {_number_key(n) for n in _NUMBER.findall(joined)}
    stems: set[str] = set()
    negated_stems: set[str] = set()
    has_negation = has_modal = False
    for part in parts:
        tokens = _tokens(part)
        for position, token in enumerate(tokens):
            low = token.lower()
            if low in NUMBER_WORDS:
                numbers.add(NUMBER_WORDS[low])
            if _is_negator(low):
                has_negation = True
                negated = _negated_word(tokens, position)
                if negated:
                    negated_stems.add(negated)
            if low in MODAL_WORDS:
                has_modal = True
            if not token[0].isdigit():
                stems.add(_word_key(token))
                # Hyphenated names ("al-Nujaba") also count by their parts.
                stems.update(_word_key(piece) for piece in re.split(r"[-’']", token) if piece)
    return Material(
        text=joined.lower(),
        numbers=frozenset(numbers),
        stems=frozenset(stems),
        has_negation=has_negation,
        has_modal=has_modal,
        negated_stems=frozenset(negated_stems),
    )


def _is_negator(low: str) -> bool:
    return low in NEGATORS or low.endswith("n't")


def _negated_word(tokens: list[str], position: int) -> str | None:
    """The word a negation applies to: the first content word within four tokens after it
    ("did not *say*", "had not *assigned*", "no *injuries*")."""
    for token in tokens[position + 1 : position + 5]:
        low = token.lower()
        if token[0].isdigit() or low in _NEGATION_SKIP or low in MODAL_WORDS:
            continue
        return _word_key(token)
    return None


# Words between a negation and the word it negates ("did not yet *say*", "was never *seen*").
_NEGATION_SKIP = frozenset(
    [
        "be",
        "been",
        "being",
        "is",
        "are",
        "was",
        "were",
        "am",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "to",
        "a",
        "an",
        "the",
        "yet",
        "even",
        "ever",
        "always",
        "only",
        "also",
        "any",
        "his",
        "her",
        "its",
        "their",
        "our",
        "your",
        "my",
        "this",
        "that",
        "these",
        "those",
        "so",
        "very",
        "much",
        "immediately",
    ]
)


_STOP_STEMS = frozenset(_stem(w) for w in STOP_WORDS) | frozenset(STOP_WORDS)
_FRAMING_STEMS = frozenset(_stem(w) for w in FRAMING_WORDS)


def citation_texts(
    citation: Citation,
    sentences: Mapping[str, ReportSentence],
    articles: Mapping[str, Article],
    facts: Mapping[str, Fact],
) -> list[str] | None:
    """The texts a citation stands for, or None when it does not resolve.

    A report sentence brings its article's outlet and date with it, so that "Meridian Wire reported on
    2026-11-18 that …" is checkable; a fact brings its statement and every field it was rendered from.
    """
    if citation.kind == "sentence":
        sentence = sentences.get(citation.ref)
        if sentence is None:
            return None
        article = articles.get(sentence.article_id)
        texts = [sentence.text]
        if article is not None:
            published = article.published
            texts.append(
                f"{article.outlet} {published.date().isoformat()} {published.strftime('%A %d %B %Y')}"
            )
        return texts
    fact = facts.get(citation.ref)
    if fact is None:
        return None
    fields = [fact.statement, fact.subject_name, fact.value, fact.value_label or "", fact.issuer]
    if fact.as_of is not None:
        fields.append(f"{fact.as_of.isoformat()} {fact.as_of.strftime('%d %B %Y')}")
    return fields


@dataclass(frozen=True, slots=True)
class VerifierConfig:
    min_coverage: float = 0.8  # share of content words that must appear in the cited material


class Verifier:
    """Checks brief sentences against what they cite; see the module docstring for the rules."""

    def __init__(self, config: VerifierConfig | None = None) -> None:
        self.config = config or VerifierConfig()

    def check(
        self,
        sentence: BriefSentence,
        sentences: Mapping[str, ReportSentence],
        articles: Mapping[str, Article],
        facts: Mapping[str, Fact],
    ) -> Verdict:
        reasons: list[str] = []
        if not sentence.citations:
            return Verdict(sentence, False, ("cites nothing",))
        texts: list[str] = []
        for citation in sentence.citations:
            resolved = citation_texts(citation, sentences, articles, facts)
            if resolved is None:
                reasons.append(f"citation {citation.kind}:{citation.ref} does not resolve")
            else:
                texts.extend(resolved)
        if reasons:
            return Verdict(sentence, False, tuple(reasons))
        material = _analyse(texts)
        reasons.extend(self._problems(sentence.text, material))
        coverage = self._coverage(sentence.text, material)
        if coverage < self.config.min_coverage:
            reasons.append(f"only {coverage:.0%} of its content words are in the cited material")
        return Verdict(sentence, not reasons, tuple(reasons), similarity=round(coverage, 4))

    def _problems(self, text: str, material: Material) -> list[str]:
        problems: list[str] = []
        clean = normalise_text(text)
        for raw in _NUMBER.findall(clean):
            if _number_key(raw) not in material.numbers:
                problems.append(f"number {raw} is not in the cited material")
        tokens = _tokens(clean)
        sentence_stems: set[str] = set()
        negated = False
        for position, token in enumerate(tokens):
            low = token.lower()
            if low in NUMBER_WORDS and NUMBER_WORDS[low] not in material.numbers:
                problems.append(f"number '{token}' is not in the cited material")
            if _is_negator(low):
                negated = True
            if low in MODAL_WORDS and not material.has_modal:
                problems.append(f"'{token}' adds advice or speculation the cited material does not contain")
            if token[0].isdigit():
                continue
            key = _word_key(token)
            sentence_stems.add(key)
            is_name = token[0].isupper() and not (position == 0 and low in STOP_WORDS)
            if is_name and key not in material.stems and key not in _FRAMING_STEMS:
                problems.append(f"name '{token}' is not in the cited material")
        for match in _QUOTE.finditer(clean):
            quoted = " ".join(match.group(1).lower().split()).strip(" ,.")
            if quoted and quoted not in material.text:
                problems.append(f'quoted words "{match.group(1)[:40]}" are not in the cited material')
        if negated and not material.has_negation:
            problems.append("it states a negation the cited material does not contain")
        elif not negated and sentence_stems & material.negated_stems:
            dropped = ", ".join(sorted(sentence_stems & material.negated_stems))
            problems.append(f"it drops a negation present in the cited material ({dropped})")
        return problems

    @staticmethod
    def _coverage(text: str, material: Material) -> float:
        content = [
            _word_key(t)
            for t in _tokens(text)
            if not t[0].isdigit() and t.lower() not in STOP_WORDS and t.lower() not in NUMBER_WORDS
        ]
        content = [c for c in content if c not in _STOP_STEMS and c not in _FRAMING_STEMS]
        if not content:
            return 1.0
        return sum(1 for c in content if c in material.stems) / len(content)

    def verify(self, brief: Brief, bundle: StoryBundle) -> Brief:
        """Return the brief with unsupported sentences removed and its support report attached."""
        sentences = bundle.sentence_index()
        articles = {a.id: a for a in bundle.articles}
        facts = bundle.fact_index()
        verdicts = tuple(self.check(s, sentences, articles, facts) for s in brief.sentences)
        for verdict in verdicts:
            if not verdict.supported:
                log.info(
                    "dropped unsupported sentence in story %s (%s): %r — %s",
                    brief.story_id,
                    verdict.sentence.part,
                    verdict.sentence.text,
                    "; ".join(verdict.reasons),
                )
        kept = tuple(v.sentence for v in verdicts if v.supported)
        return dataclasses.replace(brief, sentences=kept, support=SupportReport(verdicts))
