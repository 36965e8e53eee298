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
from collections.abc import Sequence

# A reporting verb or phrase that names whose statement a sentence is.
_SPEAKER = re.compile(
    r"\b(said|says|say|saying|told|tells|according to|wrote|writes|argued|argues|claimed|claims|"
    r"stated|added|adds|announced|announces|warned|warns|insisted|insists|"
    r"predicted|predicts|suggested|suggests|explained|explains|acknowledged|admitted|admits|"
    r"testified|tweeted|believes|believed|thinks|"
    r"concluded|estimated|urged|urges|"
    r"asked|asks|in a statement|in an interview|"
    r"in (?:a|an|his|her|its|their) (?:memo|review|letter|post|report|filing|study|column|op-ed|editorial))\b"
    # Verbs that also tell what happened ("the body was found", "a town called Hope", "reported
    # missing") name a speaker only where they report something said: a clause ("the study found
    # that …"), a quotation ('called the deal "a Satan sandwich"', 'as Greenberg notes, "…"'), or a
    # source after them or at the end ("…, notes the Irish Times.", "…, the report found.").
    r"|\b(?:found|finds|showed|shows|called|calls|described|describes|states|noted|notes|reported|"
    r"reports|posted|estimates|shown)(?=\s+(?:that|how|why)\b|[^\"“”]*[\"“]|\W*$)"
    r"|[,\"”]\s*(?:found|finds|showed|shows|noted|notes|reported|reports|estimates)\s+(?:the\s+)?(?-i:[A-Z])",
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
    r"arguably|undoubtedly|undeniably|needless|of course|shocking|bizarre|heartbreaking|heartwarming|"
    r"jaw-dropping|mind-blowing|breathtaking|tragic|tragically|weird|creepy|crazy|insane|"
    r"the message is clear|safe to say|no doubt|bar none|sort of|kinda|sorta)\b(?!-)|"
    # A word stretched for effect ("wayyy cheaper", "sooo good") is a columnist's, not a report's.
    r"(?-i:\b[a-z]+(?P<stretched>[a-z])(?P=stretched)(?P=stretched)\b)",
    re.IGNORECASE,
)
# Guesses; "would", "could" and "may" also report plans, rules and conditions ("the bill would raise
# taxes"), so they are not counted here.
_GUESS = re.compile(
    r"\b(probably|perhaps|maybe|might|likely|unlikely|presumably|possibly|"
    r"seems?|seemed|appears? to|it appears|apparently|seemingly|is poised|are poised|bound to|"
    r"expected to|chances are|almost certainly)\b",
    re.IGNORECASE,
)
_ADVICE = re.compile(
    # An imperative opening the sentence (not a quoted title: '"Meet the Press" aired …').
    r"^[^\w\"“]*(do not|don[’']t|never|always|make sure|be sure|remember|avoid|try|consider|check|"
    r"beware|imagine|think about|note that|let[’']s|guess|talk about|meet|behold|enjoy|get ready|"
    r"say hello|here[’']s|here is|picture this|brace yourself)\b|"
    # The same after a condition: "If this is relatable, consider an EKG."
    r"^\W*if\b[^,]{1,80},\s*(?:consider|try|do not|don[’']t|make sure|be sure|remember|avoid|check|ask)\b|"
    # "Must", "have to" and "need to" with a subject of their own report a rule or a requirement
    # ("Visitors must register", "the government's need to borrow"); addressed to the reader or said
    # of "we" they advise.
    r"\b(should|ought to|(?:you|we) (?:must|need to|have to)|it[’']s time to|it is time to)\b",
    re.IGNORECASE,
)
# "I", "we", "you" outside quotation marks: the reporter or columnist speaking. An "I" inside an
# abbreviation or a label ("F.B.I.", "I-70", "Sanders (I-Vt.)", "World War I") is no one speaking, nor
# is the "Me Too" movement; "mine" is left out (a coal mine).
_PERSONAL = re.compile(
    r"(?<!War )(?<!Type )(?<!Class )(?<!Phase )(?<![.-])\b(I(?![.-]\w)|I'm|I've|I'd|[Mm]e(?! [Tt]oo)|[Mm]y|"
    r"[Ww]e|[Ww]e're|[Ww]e've|[Oo]ur|[Oo]urs|us|[Yy]ou|[Yy]our|"
    r"[Yy]ou're|[Yy]ours)\b"
)
# Degree words that judge when written in lower case ("great little scenes", "the best of them"); a
# capital makes them part of a name ("Great Lakes").
# A superlative before a participle describes ("among the worst affected", "the best known").
_RANKING = re.compile(r"\b(great|greatest|best|worst|finest)\b(?!-)(?!\s+(?:known|\w+ed)\b)")
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
    r"^\W*(?:related|more|watch|see also|listen)\s*:|\bjavascript\b|cookies?\b|your browser|"
    # Where people stand in a photo ("Actress America Ferrera, center, listens …"), teasers.
    r",\s*(?:left|right|center|centre|second from (?:left|right)|top|bottom|in red|foreground)\s*,|"
    r"after the jump|"
    # A news photo's caption dates the picture in full ("…, in Rome, Friday, Oct. 14, 2011."); report
    # prose names the day alone.
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+\d{1,2},\s+(?:19|20)\d\d\b|"
    # The site speaking about itself: its pages, archives, forums and feeds ("Free archives of stories
    # are maintained on our site", "Join the conversation on Twitter", "take your questions").
    r"\bfollow us\b|\bour (?:site|website|page|archives?|newsletter|podcast|app)\b|"
    r"\bthis (?:dedicated )?page\b|"
    r"join the conversation|take your questions|share (?:your )?ideas for stories|"
    r"^\W*(?:close|commentary|opinion|editorial|updated)\b(?-i:\s+[A-Z])|"
    r"^\W*by [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]*\.?)* [A-Z][\w'’-]+ and [A-Z][\w.'’-]+ [A-Z][\w'’-]+",
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


# A transcript's speaker label ("OPAL LEE: I kept telling …", "Q: …") or a post's author
# ("@DurrtyNathaniel: My iPhone …") names whose words follow.
_SPEAKER_LABEL = re.compile(r"^\W*(?:[A-Z][A-Z.'’ -]{0,40}|@\w+):\s")


def speaker_named(text: str) -> bool:
    return bool(_SPEAKER.search(text) or _SPEAKER_LABEL.search(text))


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
    # A question asks, an exclamation exclaims: the writer speaking to the reader, not a report.
    ending = outside.rstrip(" \t)’'")[-1:]
    if ending == "?":
        return "question"
    if ending == "!":
        return "exclamation"
    return None


# The voices that are a report's own writer speaking outside quotation marks. A sentence in one of them
# may be printed as what the report wrote, quoted whole with the report's outlet named ("Pacific Signal
# wrote: "The numbers are staggering.""): the speaker is then the report, which is what it is. A
# quotation with no speaker is someone else's words and a question states nothing: neither is printed.
_WRITERS_VOICE = frozenset({"judgement", "speculation", "advice", "first or second person", "exclamation"})
_ANY_QUOTE = re.compile(r"[\"“”]")


def attributable(text: str) -> bool:
    """Whether ``text`` speaks in its report's own voice (see ``own_voice``) and can be quoted whole as
    what the report wrote: no quotation mark inside it, so the quotation is the report's words exactly."""
    asks = _QUOTED.sub(" ", text).rstrip(" \t)’'").endswith("?")
    return own_voice(text) in _WRITERS_VOICE and not asks and not _ANY_QUOTE.search(text)


def written_by(
    texts: Sequence[str | None], outlets: Sequence[str], follows: Sequence[bool]
) -> list[str | None]:
    """A paragraph's sentences with those to quote (not None) quoted as what their report's outlet
    wrote: the brief names the speaker and keeps the words. ``follows[k]``: sentence k comes right after
    sentence k - 1 in the same report. Sentences to quote that so follow each other make one quotation
    over sentences ('Pacific Signal wrote: "The numbers are staggering.', 'No one saw it coming."'), as
    a report quotes a speaker; the others stay None."""
    out: list[str | None] = []
    for k, text in enumerate(texts):
        if text is None:
            out.append(None)
            continue
        opens = not k or texts[k - 1] is None or not follows[k]
        closes = k + 1 == len(texts) or texts[k + 1] is None or not follows[k + 1]
        out.append((f'{outlets[k]} wrote: "' if opens else "") + text.strip() + ('"' if closes else ""))
    return out


def hands_over(text: str) -> bool:
    """Whether ``text`` hands over to a speaker's words that follow it ("In a statement, the family
    said:"): the next sentence is theirs, even without quotation marks."""
    return text.rstrip().endswith(":") and (speaker_named(text) or "statement" in text.lower())
