"""What the command line says: exit codes for unusable inputs, whole messages, plurals, bars, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from wirebrief_cli import PORT_STRIKE_REPORTS as REPORTS
from wirebrief_cli import run_wirebrief


def _reports_file(tmp_path: Path, reports: list[dict[str, str]]) -> Path:
    path = tmp_path / "reports.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    return path


@pytest.mark.slow  # one full pipeline run
def test_run_with_a_missing_input_says_so_before_the_briefs_and_exits_3(tmp_path: Path) -> None:
    reports = _reports_file(tmp_path, REPORTS)
    missing = tmp_path / "nope.jsonl"
    # stdout and stderr in one stream, in the order a terminal shows them.
    wirebrief = [sys.executable, "-m", "wirebrief.cli", "--data-dir", str(tmp_path / "data")]
    result = subprocess.run(
        [*wirebrief, "run", "--show", str(missing), str(reports)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
    )
    output = result.stdout
    assert result.returncode == 3, output
    assert "Traceback" not in output
    assert "version 1" in output  # the good input still made its brief
    assert output.index(f"{missing}: no such file or directory") < output.index("version 1")
    assert f"error: 1 input of 2 could not be read: {missing}" in output


def test_ingest_exits_3_when_one_given_input_is_missing_and_stores_the_other(tmp_path: Path) -> None:
    reports = _reports_file(tmp_path, REPORTS)
    missing = tmp_path / "nope.jsonl"
    result = run_wirebrief(tmp_path / "data", "ingest", str(reports), str(missing))
    assert result.returncode == 3, result.stderr
    assert "read 2 reports: 2 new" in result.stdout
    assert f"problem: {missing}: no such file or directory" in result.stderr
    assert f"could not be read: {missing}" in result.stderr


def test_a_broken_json_line_is_reported_with_the_whole_message(tmp_path: Path) -> None:
    # A raw control character inside a JSON string: the decoder's message has its position.
    broken = '{"title": "a\x01b", "text": "x"}'
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(REPORTS[0]) + "\n" + broken + "\n" + json.dumps(REPORTS[1]) + "\n", "utf-8")
    result = run_wirebrief(tmp_path / "data", "ingest", str(path))
    assert result.returncode == 0, result.stderr
    assert (
        f"{path}:line 2: not valid JSON (Invalid control character at: line 1 column 13 (char 12))"
        in result.stderr
    )


def test_counts_of_one_are_singular(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(REPORTS[0]) + "\n" + '{"title": "no text"}\n', "utf-8")
    result = run_wirebrief(tmp_path / "data", "ingest", str(path))
    assert result.returncode == 0, result.stderr
    assert "read 1 report: 1 new" in result.stdout
    assert "0 duplicates dropped" in result.stdout
    assert result.stdout.rstrip().endswith("1 problem")


def test_brief_shows_no_bar_for_the_ingest_it_does_not_do(tmp_path: Path) -> None:
    result = run_wirebrief(tmp_path / "data", "brief")
    assert result.returncode == 0, result.stderr
    assert "ingest" not in result.stderr
    assert "0/?" not in result.stderr


def _all_command_paths() -> list[list[str]]:
    from wirebrief.cli import app
    from wirebrief.commands import register_all
    from wirebrief.evaluation import load_commands

    load_commands()
    register_all(app)
    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_no_help_screen_shows_a_value_type_on_a_plain_flag() -> None:
    from wirebrief.cli import app

    paths = _all_command_paths()
    assert ["run"] in paths and ["eval", "dedupe"] in paths
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], terminal_width=200)
        assert result.exit_code == 0, (path, result.output)
        assert "<bool>" not in result.output, (path, result.output)
        if path == ["run"]:
            assert "--show" in result.output and "--no-show" in result.output


def test_a_feed_declaring_an_unknown_encoding_does_not_stop_a_folder(tmp_path: Path) -> None:
    # The file that once ended a whole folder's ingest with a LookupError traceback.
    regression = (
        Path(__file__).parents[1] / "ingest" / "data" / "fuzz-regressions" / "unknown-declared-encoding.xml"
    )
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a-bogus.xml").write_bytes(regression.read_bytes())
    _reports_file(folder, REPORTS)
    result = run_wirebrief(tmp_path / "data", "ingest", str(folder))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "read 3 reports: 3 new" in result.stdout  # the feed's one item and the two reports
