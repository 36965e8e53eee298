"""Running the ``wirebrief`` command line in a child process, as a user would, for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_wirebrief(
    data_dir: Path, *args: str, env: Mapping[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``wirebrief --data-dir DATA_DIR ARGS…`` through the real entry point, with a wide terminal (so
    tables are not wrapped) and ``env`` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "wirebrief.cli", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "250", **(env or {})},
    )


# Two independent reports of one story (a port strike): enough for `wirebrief brief` to write a brief.
PORT_STRIKE_REPORTS: list[dict[str, str]] = [
    {
        "url": "https://alpha.example/valdora-port-strike",
        "outlet": "Alpha Desk",
        "title": "Dock workers walk out in Valdora port over pay",
        "published": "2026-11-20T08:00:00Z",
        "text": "About 2,400 dock workers in the port of Valdora stopped work on Friday in a dispute over "
        "pay. The union said the strike would last 48 hours. Port managers said ships were being diverted.",
    },
    {
        "url": "https://beta.example/valdora-shipping-halted",
        "outlet": "Beta News",
        "title": "Valdora port strike halts shipping",
        "published": "2026-11-20T10:00:00Z",
        "text": "A strike by dock workers in the port of Valdora halted shipping on Friday. The union said "
        "2,400 workers had walked out over pay and the stoppage would last 48 hours.",
    },
]
