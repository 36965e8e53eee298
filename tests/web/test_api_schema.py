"""The API fuzzed against its own OpenAPI schema (schemathesis, bounded examples): no answer is a 5xx.

Every GET operation of /openapi.json gets generated requests (hypothesis, derandomised, a bounded number
per operation) sent to a real uvicorn on 127.0.0.1 over the sample site. The push endpoint has its own
tests. (schemathesis's pytest plugin is not used: its lazy fixtures do not load on this pytest.)
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from wirebrief.settings import Settings

schemathesis = pytest.importorskip("schemathesis")

pytestmark = pytest.mark.slow
EXAMPLES_PER_OPERATION = 15


def test_no_request_makes_the_server_fail(sqlite_site: tuple[str, Settings]) -> None:
    base, _ = sqlite_site
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json").include(method="GET")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures: list[str] = []
    tried = 0

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            nonlocal tried
            tried += 1
            response = case.call(timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query}: {response.status_code}")

        check()
    assert tried >= len(operations)
    assert failures == []
