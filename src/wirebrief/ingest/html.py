"""HTML article pages: main text and metadata through trafilatura."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from wirebrief.errors import InputError
from wirebrief.ingest import _io
from wirebrief.ingest.base import ReadContext
from wirebrief.records import RawReport

_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|article)[\s>]", re.IGNORECASE)
# htmldate's output format: keep the time and zone when the page gives them.
# Less text than this is navigation or boilerplate that trafilatura's fallbacks picked up, not a report.
_MIN_ARTICLE_CHARS = 120
_DATE_PARAMS = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


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
        document: Any = trafilatura.bare_extraction(
            tree,
            url=page_url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params=_DATE_PARAMS,
        )
        fields: dict[str, Any] = {}
        if document is not None:
            fields = document.as_dict() if hasattr(document, "as_dict") else dict(document)
        text = str(fields.get("text") or "").strip()
        if not text:
            context.on_problem(InputError(location, "no article text found in the page"))
            return
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
            published=published or (str(fields["date"]) if fields.get("date") else None),
            language=str(fields.get("language") or declared_language or "") or None,
            byline=str(fields.get("author") or "").strip() or None,
            extra={"sitename": str(fields["sitename"])} if fields.get("sitename") else {},
        )


def _meta(tree: Any, *names: str) -> str | None:
    """The content of the first ``<meta property|name=NAME>`` present, in the order of ``names``."""
    for name in names:
        for attribute in ("property", "name", "itemprop"):
            values = tree.xpath(f'//meta[@{attribute}="{name}"]/@content')
            if values and str(values[0]).strip():
                return str(values[0]).strip()
    return None
