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
