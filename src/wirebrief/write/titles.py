"""The event title (who did what, shortened along a parse) and the headline of a brief."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from wirebrief.records import Article, Brief, BriefPart, BriefSentence, Citation, ReportSentence
from wirebrief.write.select import (
    _DANGLING_OPENERS,
    _DATELINE,
    _PRONOUN_SPEAKER,
    BatchParser,
    SentenceParser,
    _Candidate,
    _first_word,
    _fit_to_print,
    _Material,
    _without_dateline,
    _words,
    states_stale_figure,
)
from wirebrief.write.voice import is_report_text

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


def _named_party(obj: Any) -> str:
    """The party an object names beside it: "receives notice *from Qatar Airways*", "files suit *against
    Google*" — a phrase whose object is a name (not "in March", not "of paper")."""
    for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ in _PARTY_PREPS):
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is not None and pobj.pos_ == "PROPN" and pobj.lower_ not in _TIME_WORDS:
            return f" {prep.text} {_phrase(pobj)}"
        break
    return ""


_PARTY_PREPS = frozenset("from against with to for".split())


def _complement(root: Any, obj: Any) -> str:
    """What an object needs to mean anything: the "of" phrase of a partitive object, the phrase a
    verb like "put" takes after its object ("puts South Korea's chipmakers under pressure")."""
    extra = ""
    if obj.lemma_.lower() in _PARTITIVE_NOUNS:
        of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        extra += (_pobj_phrase(of) or "") if of is not None else ""
    if root.lemma_ in _COMPLEMENT_VERBS:
        # "sends letter on Thursday": a time phrase is not where the object goes.
        prep = next(
            (
                c
                for c in root.children
                if c.dep_ == "prep"
                and c.i > obj.i
                and not any(p.ent_type_ in {"DATE", "TIME"} or p.lower_ in _TIME_WORDS for p in c.children)
            ),
            None,
        )
        extra += (_pobj_phrase(prep) or "") if prep is not None else ""
    return extra


@dataclasses.dataclass(frozen=True, slots=True)
class _Clause:
    """A shortened title and what the ranking needs to know of its grammar."""

    text: str
    passive: bool = False  # a passive that names no agent ("two drones are shot down"): the actor is lost
    modal: bool = False  # "will see", "could explain": a forecast or a consequence, not the event
    weak_verb: bool = False  # a verb that tells no event ("is", "has", "poses", "expresses")
    named: bool = False  # the subject names someone: a proper noun in it


# Verbs that tell a state, a pose or a gesture, not an event a title should lead with ("Officials hold news
# conference", "Worried mother expresses relief", "Timothy Poole poses for photo", "X is new tool").
_WEAK_VERBS = frozenset(
    """be have see pose express hold make send mourn get feel seem look remain use wear want need like love
    involve include suggest become spend discuss chat join suppose""".split()
)
# Verbs that tell an intention or an expectation, not an event: ranked like a modal ("expects to file").
_FORECAST_VERBS = frozenset("expect hope plan intend aim seek try want have need".split())
_MIN_TITLE_WORDS = 4
# A phrase that says when or why, not to whom or where: it never completes a verb alone ("involves
# despite warnings").
_NOT_A_COMPLEMENT = frozenset(
    "despite amid after before during since until like than because although".split()
)
_PRONOUN_SUBJECTS = frozenset("it they he she".split())
_EMPTY_SUBJECTS = frozenset("fact thing way reason idea point problem issue question truth news".split())
# How a parse hangs a closing "…, officials said" off the event's verb.
_TRAILING_SAID = frozenset({"parataxis", "ccomp", "advcl", "conj"})


def _infinitive(children: Sequence[Any]) -> str | None:
    """ "to hold talks in Arusha": the infinitive a verb like "agree" or "plan" takes, with its object or
    its first place phrase (None without one: "agree to go" says too little)."""
    xcomp = next((c for c in children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
    if xcomp is None or not any(c.dep_ == "aux" and c.lower_ == "to" for c in xcomp.children):
        return None
    inner = list(xcomp.children)
    obj = next((c for c in inner if c.dep_ == "dobj" and c.pos_ in {"NOUN", "PROPN"}), None)
    if obj is None:
        return None
    where = next(
        (
            phrase
            for c in [*inner, *obj.children]  # "hold talks in Arusha": the place may hang off the object
            if c.dep_ == "prep"
            and c.i > obj.i
            and c.lower_ in {"in", "at", "on", "with", "for", "to", "over"}
            for p in c.children
            if p.dep_ == "pobj"
            and p.pos_ == "PROPN"
            and p.lower_ not in _TIME_WORDS
            and (phrase := _pobj_phrase(c))
        ),
        "",
    )
    return f"to {xcomp.lemma_} {_phrase(obj)}{where}"


def _clause(
    root: Any, *, max_words: int, pronoun_subject: bool = False, side: bool = False
) -> _Clause | None:
    """Subject, verb (present tense, modal kept) and object of the clause headed by ``root``.

    ``pronoun_subject`` accepts "it"/"they"/… as the subject (a reported clause whose speaker the title
    names: "American Airlines says it receives notice …"); ``side`` reads a clause opened by "after" or
    "because" (the event behind a consequence) as a clause of its own."""
    if root.pos_ not in {"VERB", "AUX"}:
        return None
    # Token.children walks the subtree and builds a Token per word: read it once.
    children = list(root.children)
    # A verb introduced by "as", "while", "after"… heads a side clause ("…, as ships searched for
    # survivors"), never the event itself; a parse that makes it the main verb has gone wrong.
    if not side and any(c.dep_ == "mark" and c.lower_ not in {"that", "whether", "if"} for c in children):
        return None
    subjects = [c for c in children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subjects:
        return None
    if subjects[0].pos_ not in {"NOUN", "PROPN"} and not (
        pronoun_subject and subjects[0].lower_ in _PRONOUN_SUBJECTS
    ):
        return None
    # Several subjects far apart ("ferry … capsized …, and rescuers were searching") mean the parse
    # merged two clauses; pieces of one split name stand side by side and are joined by _phrase.
    if subjects[-1].i - subjects[0].i > 4:
        return None
    subject = subjects[0]
    if subject.lemma_.lower() in _EMPTY_SUBJECTS:
        return None  # "(the very) fact (that …) is glaring example": the noun's meaning is its clause
    subject_span = [t for t in subject.subtree if t.i <= subject.i]
    # "would-be rescuer" gives "Be rescuer"; "Passing Janet Jackson, Rihanna …" gives "Passing Janet
    # Jackson": a verb inside the subject's words is a piece of another clause.
    if any(t.pos_ == "AUX" or t.tag_ == "MD" for t in subject_span) or (
        subject_span and subject_span[0].i == 0 and subject_span[0].tag_ == "VBG" and subject.pos_ == "PROPN"
    ):
        return None
    negated = any(c.dep_ == "neg" for c in children)
    # "Kenya and Tanzania agree …": a subject joined by "and" to another name keeps it.
    partner = next((c for c in subject.children if c.dep_ == "conj" and c.pos_ == "PROPN"), None)
    joined = partner is not None and any(c.dep_ == "cc" and c.lower_ == "and" for c in subject.children)
    subject_text = _phrase(subject) + (f" and {_phrase(partner)}" if joined and partner is not None else "")
    plural = subject.tag_ in {"NNS", "NNPS"} or joined
    modal = next((c.text.lower() for c in children if c.dep_ == "aux" and c.tag_ == "MD"), None)
    particles = " ".join(c.text for c in children if c.dep_ == "prt")
    not_ = " not" if negated else ""
    if modal:
        # "would be treated" stays conditional: dropping the modal would turn a threat into a fact.
        verb = f"{modal}{not_} " + ("be " + root.text if subject.dep_ == "nsubjpass" else root.lemma_)
    elif subject.dep_ == "nsubjpass":
        verb = ("are" if plural else "is") + not_ + " " + root.text
    elif root.lemma_ == "be":
        verb = ("are" if plural else "is") + not_
    elif negated:
        verb = ("do not " if plural else "does not ") + root.lemma_
    else:
        verb = root.lemma_ if plural else _third_person(root.lemma_)
    if particles:
        verb += " " + particles
    objects = [c for c in children if c.dep_ in {"dobj", "attr", "oprd", "acomp"}]
    agent = next((c for c in children if c.dep_ == "agent"), None)
    agent_phrase = _pobj_phrase(agent) if agent is not None else None
    rest = ""
    if objects and objects[0].pos_ == "ADJ" and subject.dep_ == "nsubjpass":
        rest = objects[0].text  # "is found safe" (not "is good": a judgement, or "are unexplored")
    elif objects:
        if objects[0].pos_ not in {"NOUN", "PROPN"}:
            return None  # "cancels one (in three trains)": a bare number or pronoun is no object
        if any(c.lower_ in {"no", "neither"} for c in objects[0].children):
            return None  # "is no fan of": the negation sits on the object, which the phrase drops
        complement = _complement(root, objects[0])
        if objects[0].lemma_.lower() in _PARTITIVE_NOUNS and not complement.startswith(" of "):
            return None  # "gets lot", "restarts part": a share of nothing named
        rest = _phrase(objects[0]) + (complement or _named_party(objects[0]))
    elif subject.dep_ == "nsubjpass" and agent_phrase:
        rest = agent_phrase.strip()  # "drones are shot down by militia": the actor, not the place
    elif (to_do := _infinitive(children)) is not None:
        rest = to_do  # "agree to hold talks in Arusha"
    elif any(c.dep_ in {"xcomp", "ccomp"} for c in children):
        return None  # "involves (using pencils)": the verb's complement is a clause the title would drop
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
            if pobj and prep.lower_ not in _NOT_A_COMPLEMENT:
                rest = f"{prep.text} {_phrase(pobj[0])}"
                break
    if not rest:
        return None
    title = re.sub(r"\s+", " ", f"{subject_text} {verb} {rest}".strip())
    # Three words ("Production is essential", "Rihanna gives run") tell too little to be a title.
    if not _MIN_TITLE_WORDS <= len(title.split()) <= max_words:
        return None
    # A bracket or dash inside the line ("HealthDay)—A little jogging") is a piece of a credit.
    if re.search(r"[()\[\]—–]", title):
        return None
    # A capitalised small word inside the line ("respond In one") is a piece of another clause.
    if any(word in _CAPITALISED_FILLER for word in title.split()[1:]):
        return None
    return _Clause(
        title,
        passive=subject.dep_ == "nsubjpass" and not agent_phrase,
        modal=modal is not None or root.lemma_.lower() in _FORECAST_VERBS,
        # "says turnout is 36.4 percent" tells a figure: "be" is weak only without one.
        weak_verb=root.lemma_.lower() in _WEAK_VERBS and not (root.lemma_ == "be" and re.search(r"\d", rest)),
        named=any(t.pos_ == "PROPN" for t in subject_span),
    )


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
    clauses = _event_clauses(doc)
    return clauses[0].text if clauses else None


def _event_clauses(doc: Any) -> list[_Clause]:
    """The titles a parsed sentence gives: its main clause (see ``event_title``) and, when that tells a
    consequence ("homeowners will see lower repayments after the Reserve Bank cut the repo rate"), the
    clause of the event behind it."""
    # The first sentence's root is the doc's first ROOT token; reading it from the sentence spares
    # building a Token object for every word, a tenth of the writer's time.
    first_sentence = next(iter(doc.sents), None)
    if first_sentence is None or first_sentence.root.dep_ != "ROOT":
        return []
    root = first_sentence.root
    title: _Clause | None = None
    if root.lemma_ in _REPORTING_LEMMAS:
        clauses = [c for c in root.children if c.dep_ == "ccomp"]
        speakers = [c for c in root.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}]
        inner = _clause(clauses[0], max_words=12, pronoun_subject=bool(speakers)) if clauses else None
        if inner and speakers:
            speaker = speakers[0]
            verb = root.lemma_ if speaker.tag_ in {"NNS", "NNPS"} else _third_person(root.lemma_)
            candidate = f"{_phrase(speaker)} {verb} {_lower_first(inner.text, clauses[0])}"
            if len(candidate.split()) <= 16:
                named = (
                    inner.named
                    or speaker.pos_ == "PROPN"
                    or any(c.pos_ == "PROPN" for c in speaker.children if c.dep_ == "compound")
                )
                # What a named speaker says is the event ("Harakat al-Nujaba warns US citizens are
                # legitimate targets"), whatever the verb of what is said.
                weak = inner.weak_verb and not named
                title = dataclasses.replace(inner, text=candidate, passive=False, named=named, weak_verb=weak)
        if title is None and inner is not None and inner.text.split()[0].lower() not in _PRONOUN_SUBJECTS:
            title = inner
    else:
        title = _clause(root, max_words=14)
        # "Two drones were shot down …, Iraqi security officials said": the speaker the parse hung
        # off the event keeps the title's source (and, for a passive, someone who tells it).
        said = next(
            (
                c
                for c in root.children
                if c.lemma_ in _REPORTING_LEMMAS and c.dep_ in _TRAILING_SAID and c.i > root.i
            ),
            None,
        )
        speaker = (
            next((c for c in said.children if c.dep_ == "nsubj" and c.pos_ in {"NOUN", "PROPN"}), None)
            if said is not None
            else None
        )
        if title is not None and said is not None and speaker is not None:
            verb = said.lemma_ if speaker.tag_ in {"NNS", "NNPS"} else _third_person(said.lemma_)
            candidate = f"{_phrase(speaker)} {verb} {_lower_first(title.text, root)}"
            if len(candidate.split()) <= 16:
                title = dataclasses.replace(title, text=candidate, passive=False)
    out = [title] if title else []
    if title is None or title.modal or title.weak_verb:
        for side in (c for c in root.children if c.dep_ == "advcl"):
            if any(m.dep_ == "mark" and m.lower_ in {"after", "because"} for m in side.children):
                behind = _clause(side, max_words=14, side=True)
                if behind is not None:
                    out.append(behind)
    # "AP American Airlines says …": a wire's credit run into the subject is not part of the name.
    out = [dataclasses.replace(c, text=_WIRE_CREDIT.sub("", c.text)) for c in out]
    return [dataclasses.replace(c, text=c.text[0].upper() + c.text[1:]) for c in out]


_WIRE_CREDIT = re.compile(r"^(AP|AFP|Reuters|UPI|CNN|dpa)\s+(?=[A-Z])")


# What a title's grammar costs or gains in the ranking (a lead's score is about 0.5–1): a passive that
# lost its actor, a forecast or consequence, and a subject naming no one tell the reader less of who did
# what.
_PASSIVE_COST = 0.15
_MODAL_COST = 0.2
_NAMED_GAIN = 0.1
# A line that says what a page offers or who took a picture ("BBC News has clips", "poses for photo").
_MEDIA_LINE = re.compile(
    r"\b(has|have|offers?|shares?|posts?|posted|shared)\b.{0,30}\b(clips?|videos?|footage|photos?|"
    r"photographs?|pictures?|images?|gallery|slideshow)\b|\bpos(es|ed|ing) for (a )?(photo|picture)s?\b",
    re.IGNORECASE,
)
# A state the story may have left: a search, a hunt, people missing or trapped …
_OPEN_STATE = re.compile(
    r"\b(missing|search(es|ing)? for|hunt(ing)? for|manhunt|at large|trapped|unaccounted for|on the run)\b",
    re.IGNORECASE,
)
# … and the words of a lead that say it ended.
_CLOSED_STATE = re.compile(
    r"\b(found|located|rescued|freed|released|arrested|captured|caught|detained|turn(s|ed)? up|"
    r"return(s|ed)? home|recovered|surrendered)\b",
    re.IGNORECASE,
)


def superseded(line: str, lead: str | None) -> bool:
    """Whether ``line`` tells a search or a disappearance the ``lead`` (the latest state) says has ended
    ("Police are searching for Conyers' son" under "… after her son was found safe")."""
    return bool(lead) and bool(_OPEN_STATE.search(line)) and bool(_CLOSED_STATE.search(lead or ""))


def _title(
    parse_many: BatchParser,
    ranked: list[_Candidate],
    representatives: list[Article],
    latest: str | None = None,
    stale: Mapping[str, set[str]] | None = None,
    lead: str | None = None,
    exclude: Collection[str] = (),
) -> BriefSentence | None:
    """The event title: of the titles the central lead sentences yield, the one whose words the
    most reports share (the story's main event, not a side development), active voice preferred.

    ``latest`` is the report the article opens with (the story's latest state): its lead sentences are
    candidates too, and a title from them is preferred, so title and lead tell the same state. A title
    that gives a count later reports replaced (``stale``, see ``stale_figures``), says what a page offers
    ("has clips") or tells a search the ``lead`` says has ended (``superseded``) is never chosen. A main
    clause with a named subject and an event verb is preferred (``_Clause``). Sentences whose ids are in
    ``exclude`` give no title (a headline made this way must come from another sentence than the title)."""
    texts = [f"{a.title} {a.text}".lower() for a in representatives]
    best: tuple[float, int, BriefSentence] | None = None
    leads = [c for c in ranked if c.sentence.index <= 2 and c.sentence.id not in exclude][:_TITLE_CANDIDATES]
    leads += [
        c
        for c in ranked
        if c.article.id == latest
        and c.sentence.index <= 1
        and c not in leads
        and c.sentence.id not in exclude
    ]
    # A wire dateline ("BASRA (CPA) — ") is where the report was filed, not who acted.
    docs = parse_many([_DATELINE.sub("", c.sentence.text) for c in leads])
    for rank, (candidate, doc) in enumerate(zip(leads, docs, strict=True)):
        # A caption or credit is no lead, whatever its grammar ("Timothy Poole poses for photo").
        if not is_report_text(candidate.sentence.text):
            continue
        for clause in _event_clauses(doc):
            title = clause.text
            # A verb that tells no event ("Officials hold news conference", "Zeitzer is senior author")
            # makes no title: a whole report headline or sentence does better (see the caller).
            if (
                clause.weak_verb
                or states_stale_figure(title, stale or {})
                or _MEDIA_LINE.search(title)
                or superseded(title, lead)
            ):
                continue
            words = [w.lower() for w in _words(title) if w.lower() not in _TITLE_FILLER]
            hits = sum(sum(1 for t in texts if _word_stem(w) in t) for w in words)
            shared = hits / (len(words) * len(texts))
            # Centrality of the sentence, how widely its words recur, and a little for specificity.
            value = candidate.score + 0.5 * shared + 0.03 * min(len(words), 6)
            value -= _PASSIVE_COST * clause.passive + _MODAL_COST * clause.modal
            value += _NAMED_GAIN * clause.named
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
    of a headline's length, that stands alone (``stands_alone``)."""
    return (
        _MIN_LINE_WORDS <= len(text.split()) <= _MAX_LINE_WORDS and _fit_to_print(text) and stands_alone(text)
    )


# Besides the pronouns and connectives a passage may not open with (``select._DANGLING_OPENERS``), words
# that answer an earlier sentence when they open a line ("Additionally, after the delay …") …
_ANSWERING_OPENERS = frozenset(
    """additionally moreover furthermore besides nonetheless nevertheless still instead likewise similarly
    thus therefore hence plus otherwise consequently accordingly once certainly indeed""".split()
)
_ANSWERING_PHRASE = re.compile(
    r"^\W*(in addition|as a result|on the other hand|in contrast|by contrast|at the same time|even so|"
    r"that said|in turn|once again|in response|what['’]s more|what is more)\b",
    re.IGNORECASE,
)
# … or close it ("…, however.").
_ANSWERING_CLOSE = re.compile(
    r"\b(however|though|nonetheless|nevertheless|instead|as well)\W*$", re.IGNORECASE
)


# "Once there, he wrapped …", "Despite the claims, it feels …": a short opening phrase, then a pronoun.
_PRONOUN_AFTER_OPENING = re.compile(
    r"^[^,]{0,40},\s*(he|she|they|it|we|i)\b|^\W*(now|then|so|and|yet|still|here)\s+(he|she|they|it|we|i)\b",
    re.IGNORECASE,
)


def stands_alone(text: str) -> bool:
    """Whether ``text`` reads without the sentence before it: it neither opens with a pronoun or a
    connective ("But …", "Also, …", "In addition, …", "He said …") nor closes with one ("…, however.")."""
    first = re.split(r"['’]", _first_word(text))[0]  # "It's also worth …" leans back as "It" does
    return not (
        first in _DANGLING_OPENERS
        or first in _ANSWERING_OPENERS
        or _ANSWERING_PHRASE.search(text)
        or _ANSWERING_CLOSE.search(text)
        or _PRONOUN_SPEAKER.search(text)
        or _PRONOUN_AFTER_OPENING.search(text)
    )


# A title or headline speaks for no one: "I'm like, 'So it's my fault …'" is a quotation without its
# context; "Email This …" is a page's share button run into the line.
_FIRST_PERSON = re.compile(r"\b(I|I['’]m|I['’]ve|me|my|we|we['’]re|our|us)\b")
_PAGE_WIDGET = re.compile(r"^\W*(email|share|print|tweet|comment)( this| story)?\b", re.IGNORECASE)


def fit_for_top(text: str, parse: SentenceParser | None) -> bool:
    """A line fit to head a brief (title or headline): clean (``clean_line``), in no one's first person,
    no page widget, and with a finite verb (by ``parse``, when given)."""
    return (
        clean_line(text)
        and not text.rstrip().endswith(("...", "…"))  # trails off: "… in such unfavorable ..."
        # A question or an exclamation is a feature's hook ("Guess who …?", "… of a 20-something!"),
        # not a line of news.
        and not text.rstrip(" \"'”’").endswith(("?", "!"))
        and not _FIRST_PERSON.search(text)
        and not _PAGE_WIDGET.search(text)
        and _tells_something(text, parse)
    )


_FINITE_TAGS = frozenset({"VBZ", "VBP", "VBD", "MD"})


def _tells_something(text: str, parse: SentenceParser | None) -> bool:
    """Whether a line has a finite verb outside a relative clause: "Kira Grunberg in action last year."
    has none (a caption), nor has "All except for Mount St. Helens, which stands apart …"."""
    if parse is None:
        return True
    for token in parse(text):
        if token.tag_ not in _FINITE_TAGS:
            continue
        verb = token.head if token.dep_ in {"aux", "auxpass"} else token
        if verb.dep_ != "relcl":
            return True
    return False


def _headline(
    material: _Material,
    title: str | None = None,
    printed: Iterable[str] = (),
    stale: Mapping[str, set[str]] | None = None,
    lead: str | None = None,
    parse: SentenceParser | None = None,
) -> BriefSentence | None:
    """The report headline nearest the centre of all headlines that is a whole, clean line different
    from the title and from every sentence the brief prints (``printed``, texts): never a caption or
    credit, never cut short, never said twice, never giving a count later reports replaced (``stale``) nor
    a search the ``lead`` says has ended, and with a finite verb (by ``parse``, when given).
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
            fit_for_top(article.title, parse)
            and not cut_title(article)
            and _normal(article.title) not in taken
            and not states_stale_figure(article.title, stale or {})
            and not superseded(article.title, lead)
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
    lead: str | None = None,
    parse: SentenceParser | None = None,
) -> BriefSentence | None:
    """A complete report sentence as a title or headline, when no shortened title or report headline
    will do: the most central clean one whose text is not ``taken`` and whose id is not in ``avoid``
    (sentences the article prints) and that gives no count later reports replaced (``stale``)."""
    taken_texts = {_normal(t) for t in taken}
    skip = set(avoid)
    for candidate in ranked:
        text = _without_dateline(candidate.sentence.text)
        if candidate.sentence.id in skip or _normal(text) in taken_texts or not fit_for_top(text, parse):
            continue
        if states_stale_figure(text, stale or {}) or superseded(text, lead):
            continue
        return BriefSentence(part, text, (Citation("sentence", candidate.sentence.id),))
    return None


def ensure_title(brief: Brief) -> Brief:
    """``brief`` with a title line and an article opening that stands alone.

    When the verifier dropped the shortened title (its sentences are verified already), the article's
    opening sentence — whole, as the report wrote it, and verified — becomes the title, so a brief never
    goes out under an empty line. When the article then opens (or the verifier left it opening) with a
    sentence that leaned on the one before ("Her injuries have left her …"), that sentence goes too, up
    to the first that stands alone (``stands_alone``). Nothing else changes."""
    if brief.support is None:
        return brief
    if not brief.part(BriefPart.TITLE):
        opening = next(
            (s for s in brief.part(BriefPart.ARTICLE) if all(c.kind == "sentence" for c in s.citations)), None
        )
        if opening is not None:
            title = dataclasses.replace(opening, part=BriefPart.TITLE, paragraph=0)
            rest = tuple(s for s in brief.sentences if s is not opening)
            brief = dataclasses.replace(brief, sentences=(title, *rest))
    article = brief.part(BriefPart.ARTICLE)
    leaning: list[BriefSentence] = []
    for sentence in article:
        if stands_alone(sentence.text) or any(c.kind != "sentence" for c in sentence.citations):
            break
        leaning.append(sentence)
    if leaning and len(leaning) < len(article):
        brief = dataclasses.replace(brief, sentences=tuple(s for s in brief.sentences if s not in leaning))
    return brief
