"""HTML article pages: main text and metadata through trafilatura."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from wirebrief.errors import InputError
from wirebrief.ingest import _io
from wirebrief.ingest.base import ReadContext
from wirebrief.records import RawReport

_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|article)[\s>]", re.IGNORECASE)
# Less text than this is navigation or boilerplate that trafilatura's fallbacks picked up, not a report.
_MIN_ARTICLE_CHARS = 120
# htmldate's output format: keep the time and zone when the page gives them.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class HtmlSource:
    name: str = "html"
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml")
    media_types: tuple[str, ...] = ("text/html", "application/xhtml+xml")
    streamed: bool = False

    def sniff(self, head: bytes) -> bool:
        return _HTML_START.search(head[:4096]) is not None

    def read(self, stream: BinaryIO, location: str, context: ReadContext) -> Iterator[RawReport]:
        data = _io.read_all(stream, location, context.settings.max_input_bytes)
        _io.check_text_head(data[: _io.HEAD_BYTES], location)
        import trafilatura  # heavy import, only when an HTML page is read

        page_url = location if location.startswith(("http://", "https://")) else None
        tree = trafilatura.load_html(data)
        if tree is None:
            context.on_problem(InputError(location, "not an HTML page trafilatura can parse"))
            return
        declared_language = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
        # Text only: trafilatura copies the tree it is given, so the parsed page is still whole for the
        # metadata below (one parse for both).
        document: Any = trafilatura.bare_extraction(
            tree, url=page_url, include_comments=False, include_tables=False
        )
        text = str(getattr(document, "text", None) or "").strip()
        if not text:
            context.on_problem(InputError(location, "no article text found in the page"))
            return
        fields = _page_metadata(tree, page_url)
        title = str(fields.get("title") or "").strip()
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        # trafilatura repeats the headline as the first line of the text.
        if lines and title and lines[0] == title:
            lines = lines[1:]
        if sum(len(line) for line in lines) < _MIN_ARTICLE_CHARS:
            context.on_problem(InputError(location, "no article text found in the page"))
            return
        canonical = fields.get("url") or page_url
        # A page's own machine-readable metadata beats a guess: htmldate often keeps only the day of
        # article:published_time, and the site name is the outlet's name as it writes it.
        published = _meta(tree, "article:published_time", "og:published_time", "datePublished")
        if not published:
            from htmldate import find_date

            published = find_date(
                tree, url=canonical, extensive_search=True, original_date=True, outputformat=_DATE_FORMAT
            )
        site_name = _meta(tree, "og:site_name") or str(fields.get("sitename") or "") or None
        yield RawReport(
            source=location,
            locator=location.rsplit("/", 1)[-1] or location,
            title=title,
            # trafilatura puts one paragraph per line; blank lines are our paragraph separator.
            body="\n\n".join(lines),
            body_is_html=False,
            url=str(canonical) if canonical else None,
            # Without a URL to take the host from, the page's site name stands for the outlet.
            outlet=site_name,
            published=published or None,
            language=str(declared_language or "") or None,
            byline=str(fields.get("author") or "").strip() or None,
            extra={"sitename": str(fields["sitename"])} if fields.get("sitename") else {},
        )


def _page_metadata(tree: Any, page_url: str | None) -> dict[str, str | None]:
    """Title, author, canonical URL and site name, the way ``trafilatura.extract_metadata`` finds them
    (meta tags, then JSON-LD, then the page's title, byline and link elements), without the parts we
    never use: categories, tags and licence (most of its time on a typical page) and the date, which
    :meth:`HtmlSource.read` takes from the page's meta tags or htmldate itself."""
    from trafilatura import metadata as found

    document = found.examine_meta(tree)
    # trafilatura's own rule: a one-word "author" meta tag is usually a site or desk name, not a byline.
    if document.author and " " not in document.author:
        document.author = None
    # trafilatura's JSON-LD reader is best effort and may raise anything on odd markup.
    with contextlib.suppress(Exception):
        document = found.extract_meta_json(tree, document)
    title = document.title or found.extract_title(tree)
    author = document.author or found.extract_author(tree)
    url = document.url or found.extract_url(tree, page_url)
    sitename = document.sitename or found.extract_sitename(tree)
    return {
        "title": title,
        "author": author,
        "url": url,
        "sitename": sitename.lstrip("@") if sitename else None,
    }


def _meta(tree: Any, *names: str) -> str | None:
    """The content of the first ``<meta property|name=NAME>`` present, in the order of ``names``."""
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            values = tree.xpath(f'//meta[@{attribute}="{name}"]/@content')
            if values and str(values[0]).strip():
                return str(values[0]).strip()
    return None
