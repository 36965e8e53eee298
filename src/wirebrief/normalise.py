"""Normalise: turn a :class:`RawReport` into an :class:`Article` (plain NFC text, UTC time, canonical
URL, language, stable id and content hash).

Text. HTML bodies become plain text with lxml: block elements (``p``, ``div``, ``li``, headings, ...)
become paragraphs, ``<br>`` a line break; scripts, styles, forms, navigation and figures are dropped.
Paragraphs are separated by one blank line; inside a paragraph all whitespace runs become one space.
A plain body with no blank line at all but several lines is read as one paragraph per line. Text is
Unicode NFC; zero-width characters, soft hyphens and control characters are removed; typographic
quotes and dashes are kept as they are.

Time. ISO 8601 and RFC 822 timestamps (with zones) and Unix seconds are read and converted to UTC; a
timestamp without a zone is taken as UTC. A report without a readable date gets :data:`UNDATED`
(1970-01-01T00:00:00Z) — a fixed value, never the clock, so that runs are reproducible; undated
reports are thus all "at the same time" for dedupe and clustering windows.

Language. A deterministic stop-word count over en, fr, es, de, it, pt and nl; when the count is not
conclusive the report's declared language is used, else ``settings.default_language``.
"""

from __future__ import annotations

import email.utils
import functools
import re
import string
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import courlan
import lxml.etree
import lxml.html

from wirebrief.errors import InputError
from wirebrief.records import Article, RawReport, content_hash, stable_id
from wirebrief.settings import Settings

UNDATED = datetime(1970, 1, 1, tzinfo=UTC)
"""Publication time given to a report without a readable date (fixed, so runs are reproducible)."""

# ------------------------------------------------------------------------------------------- text


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BLOCK_TAGS = _words(
    "address article aside blockquote dd div dl dt fieldset footer h1 h2 h3 h4 h5 h6 header "
    "hr li main ol p pre section table tbody thead tfoot tr ul caption summary details"
)
_DROPPED_TAGS = _words(
    "script style noscript iframe object embed applet svg math template head form button select "
    "textarea nav figure figcaption picture video audio canvas map"
)
_CELL_TAGS = frozenset(("td", "th"))
# Characters that carry no text: zero-width spaces/joiners, word joiner, BOM, soft hyphen, and every
# C0/C1 control character except tab and newline.
_INVISIBLE = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}
_INVISIBLE.update(
    {code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if code not in (0x09, 0x0A)}
)
_LINE_SEPARATORS = {0x2028: "\n", 0x2029: "\n\n", 0x0D: "\n", 0x0B: "\n", 0x0C: "\n\n", 0x85: "\n"}
_TRANSLATE: dict[int, str | None] = {**_INVISIBLE, **_LINE_SEPARATORS}
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_TITLE_MAX = 120


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment or page, paragraphs separated by blank lines."""
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return ""
    parts: list[str] = []
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if not isinstance(tag, str):  # comment or processing instruction: only its tail is text
            if event == "end" and element.tail:
                parts.append(element.tail)
            continue
        tag = tag.lower().rsplit("}", 1)[-1]
        if event == "start":
            if tag in _DROPPED_TAGS:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            elif tag == "br":
                parts.append("\n")
            elif tag in _CELL_TAGS:
                parts.append(" ")
            if element.text:
                parts.append(element.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            if element.tail:
                parts.append(element.tail)
    return "".join(parts)


def tidy_text(text: str) -> str:
    """NFC text with invisible characters removed and paragraphs separated by exactly one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").translate(_TRANSLATE))
    blocks = _BLANK_LINE.split(text)
    if len(blocks) == 1 and text.strip().count("\n") >= 1:
        # No blank line anywhere: a one-paragraph-per-line text (as many exports are).
        blocks = text.split("\n")
    paragraphs = (" ".join(block.split()) for block in blocks)
    return "\n\n".join(p for p in paragraphs if p)


# Punctuation that separates words: ASCII punctuation, the General Punctuation block (quotes, dashes,
# ellipsis, ...), guillemets, inverted marks and the middle dot. Mapping it to spaces and splitting is
# several times faster than a Unicode regular expression over the text.
_WORD_SEPARATORS = str.maketrans(
    dict.fromkeys([*string.punctuation, *map(chr, range(0x2000, 0x2070)), "«", "»", "¡", "¿", "·"], " ")
)


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``: what remains between whitespace and punctuation."""
    return text.lower().translate(_WORD_SEPARATORS).split()


def tidy_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text.translate(_TRANSLATE)).split())


def _title_from_text(text: str) -> str:
    first = text.split("\n\n", 1)[0]
    if len(first) <= _TITLE_MAX:
        return first
    cut = first.rfind(" ", 0, _TITLE_MAX)
    return first[: cut if cut > 0 else _TITLE_MAX].rstrip(" ,;:") + "…"


# ------------------------------------------------------------------------------------------- time

_FALLBACK_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y")


def parse_published(value: str | datetime | None) -> datetime | None:
    """A UTC-aware datetime from ISO 8601, RFC 822, Unix seconds or a few common date forms."""
    if value is None:
        return None
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = value.strip()
        if not text:
            return None
        if text.isdigit() and len(text) in (10, 13):
            seconds = int(text) / (1000 if len(text) == 13 else 1)
            return datetime.fromtimestamp(seconds, tz=UTC)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                for pattern in _FALLBACK_FORMATS:
                    try:
                        parsed = datetime.strptime(text, pattern)
                        break
                    except ValueError:
                        continue
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# --------------------------------------------------------------------------------------- language

_STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and of to is that for it with was on as by he she they at from his her have has had "
        "are were be been this which would will not or an their said but who after"
    ),
    "fr": _words(
        "le les des du une et est que qui dans pour pas sur au aux avec ce cette il elle ils sont "
        "été par plus son ses leur mais ont était selon aussi deux"
    ),
    "es": _words(
        "el los las del y una por con para es su sus al lo como más pero fue este esta ha han "
        "según sobre también entre muy sin hasta desde"
    ),
    "de": _words(
        "der die das und ist nicht mit sich dem den des ein eine einer auf für von zu im auch "
        "wird wurde sind hat haben bei nach aus oder werden wie sie es dass"
    ),
    "it": _words(
        "il della delle dei degli di che è per una sono con non gli nel nella alla anche ha hanno "
        "come più dal dalla questo questa stato essere ma tra sul sulla"
    ),
    "pt": _words(
        "o os as da das do dos em um uma não com para por é ao na no nas nos mais foi são pelo "
        "pela seu sua também entre já ainda quando ser está"
    ),
    "nl": _words(
        "de het een en van is dat niet op te zijn voor met die ook als aan er maar om hij zij bij "
        "nog werd wordt naar door heeft hebben worden uit kan dan over"
    ),
}
# Word -> the languages whose stop-word list holds it (one dict lookup per word).
_WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _language, _language_words in _STOP_WORDS.items():
    for _word in _language_words:
        _WORD_LANGUAGES[_word] = (*_WORD_LANGUAGES.get(_word, ()), _language)
_DETECT_CHARS = 4000
_MIN_HITS = 4  # fewer stop words than this: too little text to judge
_MIN_MARGIN = 1.25  # the best language must beat the runner-up by this factor


def detect_language(text: str) -> str | None:
    """The language of ``text`` by stop-word counts, or None when the evidence is too thin."""
    counts = dict.fromkeys(_STOP_WORDS, 0)
    # Only stop words are counted, so they are picked out first (filter with a C predicate).
    for word, occurrences in Counter(
        filter(_WORD_LANGUAGES.__contains__, words(text[:_DETECT_CHARS]))
    ).items():
        for language in _WORD_LANGUAGES[word]:
            counts[language] += occurrences
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    (best, best_count), (_, second_count) = ranked[0], ranked[1]
    if best_count < _MIN_HITS or best_count < _MIN_MARGIN * second_count:
        return None
    return best


def _declared_language(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


# --------------------------------------------------------------------------------------------- URL


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, default port, tracking parameters (utm_*, fbclid, ...) and fragment
    removed, query sorted (courlan); None for anything that is not an absolute http(s) URL."""
    if not url:
        return None
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        normalised = courlan.normalize_url(courlan.scrub_url(url), strict=False)
        parts = urlsplit(normalised)
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def outlet_from_url(url: str) -> str | None:
    """The registrable domain of a URL (``feeds.reuters.com`` -> ``reuters.com``), else its host."""
    host = urlsplit(url).hostname
    return _registrable_domain(host) if host else None


@functools.lru_cache(maxsize=4096)
def _registrable_domain(host: str) -> str:
    # Cached per host: courlan's public-suffix lookup is slow and hosts repeat across a stream.
    domain = courlan.extract_domain(f"https://{host}/")
    return str(domain) if domain else host.removeprefix("www.")


# ------------------------------------------------------------------------------------------- entry


def normalise(raw: RawReport, settings: Settings) -> Article:
    """Normalise one raw report; raises :class:`InputError` when it has no text."""
    where = f"{raw.source}:{raw.locator}"
    body = html_to_text(raw.body) if raw.body_is_html else raw.body
    text = tidy_text(body)
    if not text:
        raise InputError(where, "report has no text")
    title = tidy_line(raw.title) or _title_from_text(text)
    url = canonical_url(raw.url)
    outlet = tidy_line(raw.outlet or "") or (outlet_from_url(url) if url else None) or "unknown"
    published = parse_published(raw.published) or UNDATED
    detected = detect_language(f"{title}\n{text}")
    language = detected or _declared_language(raw.language) or settings.default_language
    article_id = stable_id("a", url) if url else stable_id("a", outlet, title)
    return Article(
        id=article_id,
        outlet=outlet,
        title=title,
        text=text,
        published=published,
        language=language,
        # Over the words only: a report re-flowed into other paragraphs is the same report, not a revision.
        content_hash=content_hash(f"{title}\n{' '.join(text.split())}"),
        source=raw.source,
        url=url,
        byline=tidy_line(raw.byline or "") or None,
    )
