"""Junk filter: documents that are not news reports and must never join a story.

Scraped collections are full of pages that are not reports at all: cookie banners, newsletter and
sign-up walls, the boilerplate of an embedded tweet, "JavaScript is disabled" and error pages, web
archive notices. They share their wording across unrelated stories, so letting them cluster would
glue unrelated stories together. The rules here look at how much of a text is such boilerplate and at
its length; each rule returns a reason in plain words so the pipeline can count and report them.
"""

from __future__ import annotations

import itertools
import re
from typing import Final

from wirebrief.records import Article

# Fewer words than this is not enough text to be a report (a caption, a teaser, a stray line).
MIN_WORDS: Final = 25
# A text whose lines are mostly boilerplate (by characters) is junk even when it is long.
MAX_BOILERPLATE_SHARE: Final = 0.5

# Phrases that mark a line as page furniture rather than reporting, grouped by the reason reported.
# Each pattern comes with a literal word that every match contains (its trigger): a line is searched
# with a pattern only when it holds the trigger, which keeps the filter fast on long reports.
_BOILERPLATE: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "cookie banner": (
        ("cookies", r"\b(?:we|this (?:web)?site) uses? cookies\b"),
        ("cookie", r"\bcookie (?:policy|settings|preferences|consent)\b"),
        ("cookies", r"\baccept (?:all )?cookies\b"),
        ("by continuing to", r"\bby continuing to (?:browse|use) (?:this|our) (?:site|website)\b"),
    ),
    "sign-up wall": (
        ("sign up", r"\bsign up (?:for|to)\b"),
        ("subscribe", r"\bsubscribe (?:to|now|today)\b"),
        ("mailing list", r"\bmailing list\b"),
        ("newsletter", r"\bnewsletter\b"),
        (" in to ", r"\b(?:log|sign) in to (?:continue|read|your account)\b"),
        ("account", r"\bcreate (?:a|an|your) (?:free )?account\b"),
        ("sign the petition", r"\bsign the petition\b"),
        ("confirm your", r"\bconfirm your (?:signature|email|subscription)\b"),
        ("like us", r"\blike us on facebook\b"),
        ("join us on facebook", r"\bjoin us on facebook\b"),
        ("fill in your contact details", r"\bfill in your contact details\b"),
        ("already a subscriber", r"\balready a subscriber\b"),
    ),
    "tweet embed": (
        ("tweet with a location", r"\btweet with a location\b"),
        ("add a location to your tweets", r"\badd a location to your tweets\b"),
        ("your tweet location history", r"\byour tweet location history\b"),
        ("pic.twitter.com/", r"\bpic\.twitter\.com/\w+"),
        ("(@", r"^\W*— .{0,80}\(@\w+\) \w+ \d{1,2}, \d{4}"),
    ),
    "error page": (
        ("javascript", r"\bjavascript is (?:disabled|turned off)\b"),
        ("javascript", r"\b(?:enable|turn on) javascript\b"),
        ("not found", r"\bpage (?:was )?not found\b"),
        ("not found", r"\b404\b.{0,40}\bnot found\b"),
        ("could not be found", r"\bthe page you requested could not be found\b"),
        ("this feature is not available right now", r"\bthis feature is not available right now\b"),
        ("please try again later", r"\bplease try again later\b"),
        ("could not be loaded", r"\bcould not be loaded\b"),
        ("rented", r"\brating is available when the video has been rented\b"),
        ("your browser", r"\byour browser (?:does not|doesn't) support\b"),
        ("denied", r"\baccess (?:to this page )?(?:has been )?denied\b"),
        ("custom domain mapping", r"\bcustom domain mapping\b"),
    ),
    "web archive notice": (
        ("internet archive", r"\binternet archive\b"),
        ("wayback machine", r"\bwayback machine\b"),
        ("this c", r"\bthis (?:collection|crawl) (?:contains|was run)\b"),
        ("web c", r"\bweb (?:captures|collections)\b"),
        ("warc files", r"\bwarc files\b"),
        ("crawl data", r"\bcrawl data\b"),
        ("seed", r"\bseed ?list\b|\bseed(?: ?list)? (?:for|of) (?:this|the) crawl\b"),
        ("wide", r"\bwide\d{5}\b"),
        ("crawl ", r"\bcrawl (?:start|end) date\b|\bcrawl of outlinks\b"),
        ("not publicly accessible", r"\b(?:files|data) (?:is|are) (?:currently )?not publicly accessible\b"),
    ),
}
_PATTERNS: Final = tuple(
    (reason, trigger, re.compile(pattern, re.IGNORECASE))
    for reason, entries in _BOILERPLATE.items()
    for trigger, pattern in entries
)
_LINE_SPLIT: Final = re.compile(r"\n\s*\n|\n")
_WORD: Final = re.compile(r"[^\W_]+")


def _boilerplate_reason(line: str) -> str | None:
    lowered = line.lower()
    for reason, trigger, pattern in _PATTERNS:
        if trigger in lowered and pattern.search(line):
            return reason
    return None


def is_junk(article: Article) -> str | None:
    """Why ``article`` is not a news report (``"too short: 12 words"``, ``"cookie banner"``, ...).

    None when it is one.
    """
    text = article.text.strip()
    # Counting stops early: only whether there are fewer than MIN_WORDS matters.
    words = sum(1 for _ in itertools.islice(_WORD.finditer(text), MIN_WORDS))
    if words < MIN_WORDS:
        return f"too short: {words} words"
    lines = [line.strip() for line in _LINE_SPLIT.split(text) if line.strip()]
    total = sum(len(line) for line in lines)
    share_by_reason: dict[str, int] = {}
    reporting = 0
    for line in lines:
        reason = _boilerplate_reason(line)
        if reason is not None:
            share_by_reason[reason] = share_by_reason.get(reason, 0) + len(line)
        else:
            reporting += len(line)
            if reporting > total * (1.0 - MAX_BOILERPLATE_SHARE):
                return None  # enough reporting already: the rest cannot make it junk
    boilerplate = sum(share_by_reason.values())
    if total and boilerplate / total >= MAX_BOILERPLATE_SHARE:
        # Name the kind of page that makes up most of it (ties broken by name, for determinism).
        return max(sorted(share_by_reason), key=lambda reason: share_by_reason[reason])
    return None
