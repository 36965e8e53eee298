"""Full-text search over the story read model: SQLite FTS5, or PostgreSQL text search.

Each story of ``story_index`` has one document, keyed by its ``doc_id``: the brief's sentences and, of
each of its reports, the title, the outlet and the first ``queries.REPORT_TEXT_INDEXED`` characters.
SQLite keeps it in the FTS5 table ``story_search`` (rowid = doc_id); PostgreSQL in
``story_search(doc_id, body tsvector)`` with a GIN index, using the ``simple`` configuration (no
stemming: the reports come in many languages).

A query is taken as words, all of which must occur; a phrase in double quotes must occur as written.
What a user types never reaches the engine's query syntax: every word is quoted, so ``AND``, ``NEAR(``
or ``*`` are plain words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Connection, Integer, bindparam, column, text
from sqlalchemy.sql.selectable import TextualSelect

_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
MAX_QUERY_WORDS = 16


def query_terms(query: str) -> list[list[str]]:
    """The terms of a user query: each a list of words (one word, or a quoted phrase)."""
    terms: list[list[str]] = []
    for phrase in _PHRASE.findall(query):
        words = _WORD.findall(phrase.lower())
        if words:
            terms.append(words)
    for word in _WORD.findall(_PHRASE.sub(" ", query).lower()):
        terms.append([word])
    return terms[:MAX_QUERY_WORDS]


def _fts5_query(terms: list[list[str]]) -> str:
    parts = []
    for words in terms:
        # Double quotes make every word a string in FTS5's syntax; \w+ never contains a quote.
        parts.append('"' + " ".join(words) + '"')
    return " AND ".join(parts)


def _tsquery(terms: list[list[str]]) -> str:
    parts = []
    for words in terms:
        # Words are \w+ only, so no tsquery operator can slip in; quoting keeps digits and accents whole.
        quoted = ["'" + w + "'" for w in words]
        parts.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(parts)


def matching_doc_ids(backend: str, query: str) -> TextualSelect | None:
    """A SELECT of the doc ids whose document matches ``query``; None when it has no words."""
    terms = query_terms(query)
    if not terms:
        return None
    if backend == "sqlite":
        sql = "SELECT rowid AS doc_id FROM story_search WHERE story_search MATCH :search_q"
        value = _fts5_query(terms)
    else:
        sql = "SELECT doc_id FROM story_search WHERE body @@ to_tsquery('simple', :search_q)"
        value = _tsquery(terms)
    return text(sql).bindparams(bindparam("search_q", value)).columns(column("doc_id", Integer))


def remove_documents(connection: Connection, doc_ids: Sequence[int]) -> None:
    if not doc_ids:
        return
    column = "rowid" if connection.dialect.name == "sqlite" else "doc_id"
    connection.execute(
        text(f"DELETE FROM story_search WHERE {column} IN :ids").bindparams(bindparam("ids", expanding=True)),
        {"ids": list(doc_ids)},
    )


def add_documents(connection: Connection, documents: Sequence[tuple[int, str]]) -> None:
    """Index ``(doc_id, body)`` pairs (ids not indexed yet)."""
    if not documents:
        return
    rows = [{"doc_id": doc_id, "body": body} for doc_id, body in documents]
    if connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO story_search (rowid, body) VALUES (:doc_id, :body)"), rows)
    else:
        connection.execute(
            text("INSERT INTO story_search (doc_id, body) VALUES (:doc_id, to_tsvector('simple', :body))"),
            rows,
        )


__all__ = ["MAX_QUERY_WORDS", "add_documents", "matching_doc_ids", "query_terms", "remove_documents"]
