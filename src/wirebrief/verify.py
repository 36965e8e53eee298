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
  "expected to") that the material does not itself express;
* its content words are covered by the material (a share above a threshold), apart from a short,
  fixed list of attribution words the writer uses to frame reported material ("reported", "said").

An article's outlet and date count as material only for a sentence that names the outlet
("Meridian Wire reported on 2026-11-18 …"): a date must not lend support to an unrelated figure.

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
from functools import cache, lru_cache
from importlib import resources

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

log = logging.getLogger(__name__)

# Words the writer itself adds to frame reported material: attribution and reporting verbs. They carry
# no claim about the world, so they need not appear in the cited text. Nothing modal or evaluative
# belongs here.
FRAMING_WORDS = frozenset(
    """report reports reported reporting according said says say stated states told added differ differs
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
    "future or conditional": frozenset("will would expected expects expect plans planned plan".split()),
}
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
    above/below before/after majority/minority resume/suspend""".split()
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
    hid:hide bought:buy caught:catch fought:fight sought:seek taught:teach""".split()
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


def _modal_families(tokens: list[str]) -> set[str]:
    lowered = [t.lower() for t in tokens]
    found = set()
    for family, words in MODAL_FAMILIES.items():
        # "may" is modal only in lower case (not the month); "plan"/"expect" only before "to".
        if family == "future or conditional":
            hits = [
                i
                for i, w in enumerate(lowered)
                if w in words and (w in {"will", "would"} or lowered[i + 1 : i + 2] == ["to"])
            ]
        else:
            hits = [i for i, w in enumerate(lowered) if w in words]
        if family == "speculation" and "may" in tokens:
            hits.append(0)
        if hits:
            found.add(family)
    return found


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
        unit.append(_word_key(token))
        if len(unit) == wanted:
            break
    return tuple(unit)


def _analyse(texts: Iterable[str]) -> Material:
    parts = [normalise_text(t) for t in texts if t]
    joined = " \n ".join(parts)
    numbers: set[str] = {_number_key(n) for n in _NUMBER.findall(joined)}
    stems: set[str] = set()
    negated_units: set[tuple[str, ...]] = set()
    families: set[str] = set()
    has_negation = False
    for part in parts:
        tokens = _tokens(part)
        families |= _modal_families(tokens)
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
    )


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
        return CitedMaterial([sentence.text], framing, article.outlet)
    fact = facts.get(citation.ref)
    if fact is None:
        return None
    # The label is quoted as a label ("Do Not Travel" names a level; it negates nothing).
    label = f'"{fact.value_label}"' if fact.value_label else ""
    fields = [fact.statement, fact.subject_name, fact.value, label, fact.issuer]
    if fact.as_of is not None:
        fields.append(f"{fact.as_of.isoformat()} {fact.as_of.strftime('%d %B %Y')}")
    return CitedMaterial(fields)


@dataclass(frozen=True, slots=True)
class VerifierConfig:
    # Share of content words that must appear in the cited material. 0.85 had the best balanced accuracy
    # on the odd-numbered groups of the labelled set (the even ones are kept for reporting).
    min_coverage: float = 0.85


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
        lowered = sentence.text.lower()
        for citation in sentence.citations:
            resolved = citation_texts(citation, sentences, articles, facts)
            if resolved is None:
                reasons.append(f"citation {citation.kind}:{citation.ref} does not resolve")
                continue
            texts.extend(resolved.texts)
            if resolved.outlet and resolved.outlet.lower() in lowered:
                texts.append(resolved.framing)
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
        for family in sorted(_modal_families(tokens) - material.modal_families):
            problems.append(f"it adds {family} the cited material does not contain")
        for match in _QUOTE.finditer(clean):
            quoted = " ".join(match.group(1).lower().split()).strip(" ,.")
            if quoted and quoted not in material.text:
                problems.append(f'quoted words "{match.group(1)[:40]}" are not in the cited material')
        for mine, theirs in _OPPOSITE_STEMS:
            for said, other in ((mine, theirs), (theirs, mine)):
                if said in sentence_stems and said not in material.stems and other in material.stems:
                    problems.append(f"'{said}' contradicts '{other}' in the cited material")
        if negated and not material.has_negation:
            problems.append("it states a negation the cited material does not contain")
        elif not negated:
            dropped = [u for u in material.negated_units if all(w in sentence_stems for w in u)]
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
