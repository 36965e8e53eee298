"""Streamed formats keep memory flat: a 200 MB JSONL file is read in a subprocess whose own peak RSS
(VmHWM) is measured after a warm-up and again at the end."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

_MEASURE = textwrap.dedent(
    """
    import resource, sys
    from wirebrief.ingest import iter_reports
    from wirebrief.settings import Settings

    def peak_kib():
        # VmHWM is this process's own peak; ru_maxrss would start at the parent's peak (Linux keeps
        # it across fork + exec), which could hide growth below it.
        try:
            with open("/proc/self/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    reports = iter_reports(sys.argv[1], on_problem=print, settings=Settings.model_validate({}))
    count = 0
    for report in reports:
        count += 1
        if count == 2000:
            warm = peak_kib()
    end = peak_kib()
    print(count, warm, end)
    """
)


def _peak_growth_kib(path: Path) -> tuple[int, int]:
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, timeout=600, check=True
    )
    count, warm, end = (int(x) for x in result.stdout.split()[-3:])
    return count, end - warm


@pytest.mark.slow
def test_200_mb_jsonl_is_streamed_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    body = "The council met on Monday and agreed the budget for the coming year. " * 28
    written = 0
    lines = 0
    with path.open("w", encoding="utf-8") as handle:
        while written < 200_000_000:
            line = (
                json.dumps({"title": f"Report {lines}", "text": body, "url": f"https://e.org/{lines}"}) + "\n"
            )
            handle.write(line)
            written += len(line)
            lines += 1
    count, growth_kib = _peak_growth_kib(path)
    assert count == lines
    # Reading 200 MB may not raise the peak by more than 20 MB after the first 2,000 reports.
    assert growth_kib < 20_000, f"peak RSS grew by {growth_kib} KiB"


def test_csv_stream_memory_does_not_hold_the_file(tmp_path: Path) -> None:
    path = tmp_path / "medium.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("title,text\n")
        for index in range(10_000):
            handle.write(f"Report {index},{'Budget talks resumed on Tuesday in the capital. ' * 20}\n")
    count, growth_kib = _peak_growth_kib(path)
    assert count == 10_000
    # The file is about 10 MB: holding it (or the reports) would show here.
    assert growth_kib < 5_000, f"peak RSS grew by {growth_kib} KiB"
