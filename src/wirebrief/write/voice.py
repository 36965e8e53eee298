"""Whose voice a report sentence speaks in, and whether it is report text at all.

A brief states facts and attributed statements only. A report sentence that judges ("The numbers are
staggering."), guesses ("… will probably …"), advises ("Do not use it.") or speaks as "I"/"you" is the
reporter's or a source's voice: the brief may carry it only with its speaker named in the sentence
("…, the coastguard said", "according to …"). A quotation likewise keeps its speaker. And the text
around a report that is not the report — photo captions, credits, bylines, navigation and sign-up
prompts — never becomes a sentence, a title or a headline.
"""

from __future__ import annotations

import re

# A reporting verb or phrase that names whose statement a sentence is.
_SPEAKER = re.compile(
    r"\b(said|says|say|saying|told|tells|according to|wrote|writes|argued|argues|claimed|claims|"
    r"stated|states|added|adds|noted|notes|announced|announces|warned|warns|insisted|insists|"
    r"predicted|predicts|suggested|suggests|explained|explains|acknowledged|admitted|admits|"
    r"testified|tweeted|posted|described|describes|called|calls|believes|believed|thinks|"
    r"found|finds|showed|shows|concluded|estimated|estimates|reported|reports|urged|urges|"
    r"asked|asks|in a statement|in an interview|"
    r"in a (?:memo|review|letter|post|report|filing|study))\b",
    re.IGNORECASE,
)
# Judgement words: how the writer of a report feels about what happened, not what happened.
_JUDGEMENT = re.compile(
    r"\b(staggering|stunning|amazing|astonishing|incredible|incredibly|remarkable|remarkably|brilliant|"
    r"terrible|terribly|awful|horrible|horrific|wonderful|beautiful|beautifully|gorgeous|cute|adorable|"
    r"ugly|boring|dull|delightful|disappointing|masterpiece|masterful|excellent|superb|mediocre|"
    r"lackluster|lacklustre|outstanding|impressive|hilarious|charming|fascinating|ridiculous|absurd|"
    r"shameful|disgraceful|outrageous|pathetic|fantastic|fabulous|awesome|lovely|pretty|"
    r"sadly|unfortunately|fortunately|thankfully|luckily|surely|obviously|clearly|frankly|honestly|"
    r"arguably|undoubtedly|undeniably|needless|of course)\b",
    re.IGNORECASE,
)
# Guesses; "would", "could" and "may" also report plans, rules and conditions ("the bill would raise
# taxes"), so they are not counted here.
_GUESS = re.compile(
    r"\b(probably|perhaps|maybe|might|likely|unlikely|presumably|possibly|"
    r"seems?|seemed|appears? to|is poised|are poised|bound to|expected to)\b",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    r"^\W*(do not|don't|never|always|make sure|be sure|remember|avoid|try|consider|check|beware|"
    r"imagine|think about|note that|let's)\b|\b(should|must|ought to|need to|needs to|have to)\b",
    re.IGNORECASE,
)
# "I", "we", "you" outside quotation marks: the reporter or columnist speaking.
_PERSONAL = re.compile(
    r"(?<!War )(?<!Type )(?<!Class )(?<!Phase )\b(I|I'm|I've|I'd|[Mm]e|[Mm]y|[Mm]ine|[Ww]e|[Ww]e're|[Ww]e've|"
    r"[Oo]ur|[Oo]urs|us|[Yy]ou|[Yy]our|"
    r"[Yy]ou're|[Yy]ours)\b"
)
# Degree words that judge when written in lower case ("great little scenes", "the best of them"); a
# capital makes them part of a name ("Great Lakes").
_RANKING = re.compile(r"\b(great|greatest|best|worst|finest)\b(?!-)")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]?")
# A quotation long enough to be someone's statement (four words or more), or a closing mark with no
# opening one (the end of a quotation a previous sentence began).
_STATEMENT_QUOTE = re.compile(r"[\"“](?:[^\"”\s]+\s+){3,}|^[^\"“]*[\"”]\s*$")

_NOT_REPORT_TEXT = re.compile(
    r"image (?:copyright|caption)|^\W*(?:image|photo|picture|video) (?:from|via|of)\b|"
    r"\bphoto(?:graph)?s?\s*(?::|by\b|credit|courtesy)|\(courtesy|"
    r"courtesy of\b|getty images|\bap photo\b|\breuters/|/ap\b|/getty|\bfile photo\b|\bcaption\b|"
    r"\bpictured\b|is shown in this|\bin this [^.]{0,40}\b(?:photo|image|picture|handout)|"
    r"^\W*published\b|^\W*by [A-Z][\w.'’-]+ [A-Z][\w.'’-]+(?:,|\W*$)|"
    r"read more|click here|sign up\b|subscribe\b|follow (?:us|him|her|them) on|newsletter|"
    r"all rights reserved|\bcopyright\b|share this|this (?:story|article) (?:has been|was) updated|"
    r"^\W*advertisement|^\W*by [A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+\W*$|\(associated press\)|"
    r"^\W*(?:related|more|watch|see also|listen)\s*:|\bjavascript\b|cookies?\b|your browser",
    re.IGNORECASE,
)


_QUOTED_SPAN = re.compile(r"[\"“]([^\"”]+)[\"”]")
_SMALL_WORDS = frozenset("a an the of and or in on at to for with by from as is it".split())


def _without_titles(text: str) -> str:
    """``text`` with quoted titles ("Keeping Up With the Kardashians") set aside: a name in quotation
    marks, its words capitalised but for small ones, is not anyone's statement."""

    def title_or_quote(match: re.Match[str]) -> str:
        words = [w for w in match.group(1).split() if w.lower() not in _SMALL_WORDS]
        titled = words and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
        return "TITLE" if titled else match.group(0)

    return _QUOTED_SPAN.sub(title_or_quote, text)


def is_report_text(text: str) -> bool:
    """False for captions, credits, bylines, navigation, sign-up prompts and advertising in capitals."""
    letters = [ch for ch in text if ch.isalpha()]
    shouting = len(text.split()) >= 4 and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)
    return not shouting and not _NOT_REPORT_TEXT.search(text)


def speaker_named(text: str) -> bool:
    return bool(_SPEAKER.search(text))


def own_voice(text: str) -> str | None:
    """Why ``text`` would speak in the brief's own voice (a judgement, a guess, advice, "I"/"you", or a
    quotation with no speaker), or None when it states a fact or names its speaker."""
    if speaker_named(text):
        return None
    if _STATEMENT_QUOTE.search(_without_titles(text)):
        return "quotation without its speaker"
    outside = _QUOTED.sub(" ", text)
    if _PERSONAL.search(outside):
        return "first or second person"
    if _JUDGEMENT.search(outside) or _RANKING.search(outside):
        return "judgement"
    if _GUESS.search(outside):
        return "speculation"
    if _ADVICE.search(outside):
        return "advice"
    return None
