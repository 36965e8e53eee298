"""Building Fact records: stable ids and the one sentence that states each record."""

from __future__ import annotations

import datetime as dt

from wirebrief.records import Fact, stable_id


def fact_id(provider: str, subject_id: str, predicate: str, value: str, as_of: dt.date | None) -> str:
    return stable_id("f", provider, subject_id, predicate, value, as_of.isoformat() if as_of else "")


def make_fact(
    *,
    provider: str,
    subject_id: str,
    subject_name: str,
    predicate: str,
    value: str,
    issuer: str,
    source_url: str,
    as_of: dt.date | None,
    retrieved_at: dt.date,
    statement: str,
    value_label: str | None = None,
) -> Fact:
    return Fact(
        id=fact_id(provider, subject_id, predicate, value, as_of),
        subject_id=subject_id,
        subject_name=subject_name,
        predicate=predicate,
        value=value,
        issuer=issuer,
        source_url=source_url,
        as_of=as_of,
        retrieved_at=retrieved_at,
        statement=statement,
        provider=provider,
        value_label=value_label,
    )
