"""A PostgreSQL schema of its own for a test (or a session of tests), dropped afterwards: the store,
web, alerts and durability tests all run on PostgreSQL this way when ``WIREBRIEF_TEST_POSTGRES_URL``
is set (``.ci/run`` sets it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


@contextmanager
def postgres_schema(base: str, prefix: str = "wb_test") -> Iterator[str]:
    """A URL of the server at ``base`` whose connections work in a fresh schema named ``prefix_…``."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        url = make_url(base).update_query_dict({"options": f"-csearch_path={name}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        admin.dispose()
