"""How a brief's title, headline and opening sentence read, for `wirebrief eval editorial`.

A wire editor reads the top of a brief first and strikes

* a **title from an availability or credit line** ("BBC News has clips", "Watch the video",
  "Photo: Reuters"): it says what the page offers, not what happened (hard defect);
* a **title with no finite verb** ("Kira Grunberg in action last year"): a label or caption, not who did
  what (soft: a part-of-speech check, which can misread a headline's clipped grammar);
* a **headline that starts mid-argument**: opening with a connective ("But …", "Also, …", "In
  addition, …") or ending in one (", however.") — it answers a sentence the reader never saw (hard);
* an **opening sentence that leans back**: the article's first sentence opening with a connective or a
  pronoun subject ("He said …", "In addition, the hospital …") (hard), or with a short definite subject
  the title and headline have not introduced ("The suspects were detained …") (soft: "The company" may be
  named in the title under its name).

The word lists are this module's own, not the writer's (``write/select.py``, ``write/titles.py``), so the
figures do not have the writer grade itself. The part-of-speech check uses the configured spaCy pipeline's
tagger (loaded once, on first use).
"""

from __future__ import annotations

import functools
import re
from typing import Any

# Lines that say what a page offers or who owns a picture, not what happened.
_AVAILABILITY = re.compile(
    r"\b(has|have|had|offers?|posts?|posted|shares?|shared) (the |some |a |these |more )?"
    r"(clips?|videos?|footage|photos?|pictures?|images?|gallery|slideshow|highlights|live coverage)\b|"
    r"^\s*(watch|listen|video|photos?|gallery|slideshow|live|see|pictured|above|below|click)\b\s*[:|—–-]?|"
    r"\b(video|footage|audio) (is )?(available|below|above|here)\b|\bplay(s)? (the )?video\b|"
    r"\b(photo|image|picture|video) (credit|courtesy|via)\b|\bcredit:|\bcourtesy (of|photo)\b|"
    r"\bfile (photo|picture|image)\b|\b(photograph|photo|picture)ed by\b|^\s*\(?(ap|reuters|afp|getty)\b",
    re.IGNORECASE,
)
# Words that tie a sentence to one before it when they open it.
_OPENING_CONNECTIVE = re.compile(
    r"^\s*[\"“]?(but|and|or|also|however|meanwhile|still|yet|so|additionally|moreover|furthermore|"
    r"nonetheless|nevertheless|instead|then|thus|therefore|hence|besides|likewise|similarly|otherwise|"
    r"accordingly|consequently|again(?=,)|too(?=,)|plus|even so|that said|as a result|in turn|in addition|"
    r"in contrast|by contrast|on the other hand|at the same time|despite this|despite that|"
    r"because of this|for that reason|on top of that|once again|after that|before that|in response|"
    r"as well|not only that)\b",
    re.IGNORECASE,
)
_CLOSING_CONNECTIVE = re.compile(
    r"[,;]?\s*\b(however|though|nonetheless|nevertheless|instead|as well|either|too)\s*[.!?]?[\"”]?\s*$",
    re.IGNORECASE,
)
# A pronoun as the opening subject needs the sentence before it to say who it is. "This"/"That"/"These"/
# "Those" count only before a verb ("This comes after …"), not before a noun ("This week, …").
_PRONOUN_OPENING = re.compile(
    r"^\s*(he|she|they|it|his|her|their|its|him|them)\b|"
    r"^\s*(this|that|these|those)\s+(is|was|are|were|has|had|have|comes|came|means|meant|follows|"
    r"followed|includes|included|said|says|led|marks|marked|would|will|could|can)\b",
    re.IGNORECASE,
)
# "The suspects were detained": a short definite subject (one to three lower-case words) right before a
# finite verb, with nothing (a name, a clause, an "of" phrase) that says which suspects.
_DEFINITE_SUBJECT = re.compile(
    r"^\s*(?:the|these|those)\s+((?:[a-z][\w'’-]*\s+){0,2}?)([a-z][\w'’-]*)\s+"
    r"(is|are|was|were|has|have|had|will|would|could|can|did|said|say|says)\b",
    re.IGNORECASE,
)
_LEAD_WORD = re.compile(r"[a-z]+")
_FINITE_TAGS = frozenset({"VBZ", "VBP", "VBD", "MD"})


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def availability_line(text: str) -> bool:
    """Whether ``text`` says what a page offers (clips, video, photos) or credits a picture."""
    return bool(_AVAILABILITY.search(text))


def starts_mid_argument(text: str) -> bool:
    """Whether ``text`` opens or closes with a connective that answers an earlier sentence."""
    return bool(_OPENING_CONNECTIVE.search(text) or _CLOSING_CONNECTIVE.search(text))


def leans_back(text: str) -> bool:
    """Whether ``text`` opens with a connective or a pronoun subject (it needs the sentence before it)."""
    return bool(_OPENING_CONNECTIVE.search(text) or _PRONOUN_OPENING.search(text))


def unintroduced_subject(text: str, context: str) -> bool:
    """Whether ``text`` opens with a short definite subject ("The suspects were …") whose noun
    ``context`` (the title and headline the reader has seen) does not name."""
    match = _DEFINITE_SUBJECT.search(text)
    if match is None:
        return False
    known = {_stem(w) for w in _LEAD_WORD.findall(context.lower())}
    return _stem(match.group(2)) not in known


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    """The configured spaCy pipeline with its tagger and parser running, no NER (loaded once)."""
    import spacy

    from wirebrief.settings import load_settings

    name = load_settings().spacy_model
    try:
        return spacy.load(name, disable=["ner", "lemmatizer"])
    except OSError:  # an installed package whose name differs from the pipeline's
        import importlib

        return importlib.import_module(name.replace("-", "_")).load(disable=["ner", "lemmatizer"])


def has_finite_verb(text: str) -> bool:
    """Whether ``text`` has a finite verb (present or past tense, or a modal) by the tagger, or a root
    the tagger read as a plural noun that heads the line's grammar the way a verb does ("Navy destroyer
    collides with merchant ship": words before it and a prepositional phrase after it)."""
    for token in _parser()(text):
        if token.tag_ in _FINITE_TAGS:
            return True
        if (
            token.dep_ == "ROOT"
            and token.tag_ == "NNS"
            and token.n_lefts
            and any(c.dep_ == "prep" and c.i > token.i for c in token.children)
        ):
            return True
    return False
