"""`wirebrief refresh` against a real HTTP server on 127.0.0.1 serving small files in the official
formats, cut from the real ones in ../shared/reference."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer
from designation_list_files import EU_FSF, UK_PAGE
from typer.testing import CliRunner

from wirebrief.commands.refresh import register
from wirebrief.enrich import Enricher
from wirebrief.enrich.refresh import (
    ERRORS_FILE,
    REVISIONS_FILE,
    SOURCES_BY_NAME,
    check_source,
    read_refresh_errors,
    refresh_reference,
)
from wirebrief.records import Entity, EntityKind
from wirebrief.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/reference is absent")

KEPT = ("Iraq", "France", "Kenya", "Yemen", "Canada", "Japan")
IRAQ = Entity(id="iso3166:IQ", name="Iraq", kind=EntityKind.COUNTRY)


def _csv_rows(name: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO((SHARED / "travel-advisories" / name).read_text("utf-8"))))
    return rows[0], [r for r in rows[1:] if r and r[0] in KEPT]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), "utf-8")


def _un_without(reference: str) -> bytes:
    """The real UN list with one entry (by reference number) taken out."""
    xml = gzip.decompress((SHARED / "un-sanctions-list" / "un_sc_consolidated.xml.gz").read_bytes()).decode()
    pattern = re.compile(
        r"<ENTITY>(?:(?!</ENTITY>).)*?<REFERENCE_NUMBER>" + re.escape(reference) + r"<.*?</ENTITY>", re.S
    )
    assert pattern.search(xml), reference
    return pattern.sub("", xml, count=1).encode()


def _set_iraq(folder: Path, level: int, label: str, day: str) -> None:
    """Change Iraq's U.S. advisory in both the JSON and the CSV being served."""
    rows = json.loads((folder / "unitedstates_summary.json").read_text("utf-8"))
    for row in rows:
        if row["destination"] == "Iraq":
            row["risk_level"], row["risk_level_number"] = f"Level {level}: {label}", level
            row["last_updated_advisory"] = f"{day}T00:00:00"
    (folder / "unitedstates_summary.json").write_text(json.dumps(rows, indent=4), "utf-8")
    header, body = _csv_rows("unitedstates_summary.csv")
    for row in body:
        if row[0] == "Iraq":
            row[1], row[2], row[4] = f"Level {level}: {label}", f"{day}T00:00:00", str(level)
    _write_csv(folder / "unitedstates_summary.csv", header, body)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "served"
    folder.mkdir()
    rows = json.loads((SHARED / "travel-advisories" / "unitedstates_summary.json").read_text("utf-8"))
    kept = [r for r in rows if r["destination"] in KEPT]
    (folder / "unitedstates_summary.json").write_text(json.dumps(kept, indent=4), "utf-8")
    for name in ("unitedstates_summary.csv", "canada_summary.csv", "australia_summary.csv"):
        _write_csv(folder / name, *_csv_rows(name))
    (folder / "consolidated.xml").write_bytes(_un_without("SOe.001"))  # al-Shabaab, added back later
    (folder / "eu_fsf.xml").write_text(EU_FSF, "utf-8")
    (folder / "uk_proscribed.html").write_text(UK_PAGE, "utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _settings(tmp_path: Path) -> Settings:
    return Settings.model_validate({"data_dir": tmp_path / "data", "allow_private_addresses": True})


def test_a_changed_level_and_a_new_listing_become_revisions_and_new_facts(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = served
    settings = _settings(tmp_path)
    first = refresh_reference(settings, [base])
    assert first.built and not first.errors
    assert sorted(first.fresh_sources) == sorted(SOURCES_BY_NAME)
    [before] = [f for f in Enricher(settings).facts_for([IRAQ]) if f.provider == "travel-advisory-us"]
    assert (before.value, before.as_of and before.as_of.isoformat()) == ("4", "2025-07-17")

    _set_iraq(folder, 3, "Reconsider Travel", "2025-09-01")
    (folder / "consolidated.xml").write_bytes(
        gzip.decompress((SHARED / "un-sanctions-list" / "un_sc_consolidated.xml.gz").read_bytes())
    )
    second = refresh_reference(settings, [base])
    assert second.built and not second.errors
    changes = {(r.subject_id, r.predicate, r.old_value, r.new_value, r.change) for r in second.revisions}
    assert changes == {
        ("iso3166:IQ", "travel_advisory_level", "4", "3", "lowered"),
        ("wb:al-shabaab", "un_sanctions_listing", None, "SOe.001", "added"),
    }
    iraq = next(r for r in second.revisions if r.subject_id == "iso3166:IQ")
    # Dates come from the source: the advisory's own date, and the newest record of the U.S. file.
    assert iraq.as_of is not None and iraq.as_of.isoformat() == "2025-09-01"
    assert iraq.detected_at is not None and iraq.detected_at.isoformat() == "2025-09-01"

    [after] = [f for f in Enricher(settings).facts_for([IRAQ]) if f.provider == "travel-advisory-us"]
    assert (after.value, after.value_label) == ("3", "Reconsider Travel")
    assert "Level 3" in after.statement and "2025-09-01" in after.statement
    recorded = [json.loads(line) for line in (settings.data_dir / "reference" / REVISIONS_FILE).open()]
    assert {
        "subject_id": "iso3166:IQ",
        "old_value": "4",
        "new_value": "3",
        "as_of": "2025-09-01",
    }.items() <= (next(r for r in recorded if r["subject_id"] == "iso3166:IQ").items())
    # The same sources again: nothing changed, nothing recorded.
    third = refresh_reference(settings, [base])
    assert third.built and third.revisions == []


def test_html_and_a_truncated_file_are_errors_and_the_last_good_data_stays(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = served
    settings = _settings(tmp_path)
    assert refresh_reference(settings, [base]).built
    _set_iraq(folder, 2, "Exercise Increased Caution", "2025-09-02")
    (folder / "consolidated.xml").write_text("<!DOCTYPE html><html><body>Service unavailable</body></html>")
    json_text = (folder / "unitedstates_summary.json").read_text("utf-8")
    (folder / "unitedstates_summary.json").write_text(json_text[: len(json_text) // 2], "utf-8")
    csv_text = (folder / "unitedstates_summary.csv").read_text("utf-8")
    (folder / "unitedstates_summary.csv").write_text(csv_text[: csv_text.rindex(",")], "utf-8")

    result = refresh_reference(settings, [base])
    lines = {e.source: e.line() for e in result.errors}
    assert set(lines) == {"un-sanctions", "travel-advisory-us-json", "travel-advisory-us-csv"}
    assert "HTML" in lines["un-sanctions"] and "consolidated.xml" in lines["un-sanctions"]
    assert "truncated" in lines["travel-advisory-us-json"]
    assert "truncated" in lines["travel-advisory-us-csv"]
    assert "last good download" in lines["un-sanctions"] and "2020-11-30" in lines["un-sanctions"]
    # The failed sources keep their last good files, so nothing about Iraq changed.
    assert result.built and result.revisions == []
    [fact] = [f for f in Enricher(settings).facts_for([IRAQ]) if f.provider == "travel-advisory-us"]
    assert fact.value == "4"
    assert {e["source"] for e in read_refresh_errors(settings)} == set(lines)
    assert (settings.data_dir / "reference" / ERRORS_FILE).exists()


def test_a_first_refresh_that_fails_builds_nothing_and_the_bundled_snapshot_stays(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = served
    settings = _settings(tmp_path)
    (folder / "canada_summary.csv").write_text("<html><body>moved</body></html>")
    result = refresh_reference(settings, [base])
    assert not result.built and [e.source for e in result.errors] == ["travel-advisory-ca"]
    assert "snapshot in use stays" in result.errors[0].kept
    assert not (settings.data_dir / "reference" / "snapshot.json").exists()
    [fact] = [f for f in Enricher(settings).facts_for([IRAQ]) if f.provider == "travel-advisory-us"]
    assert fact.as_of is not None and fact.as_of.isoformat() == "2025-07-17"  # the bundled record


@pytest.mark.slow
def test_the_command_prints_the_changes_as_a_table_and_names_a_failing_source(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    folder, base = served
    app = typer.Typer()
    register(app)
    settings = _settings(tmp_path)
    runner = CliRunner()
    assert refresh_reference(settings, [base]).built
    _set_iraq(folder, 3, "Reconsider Travel", "2025-09-01")
    outcome = runner.invoke(app, ["--source", base], obj=settings, env={"COLUMNS": "220"})
    assert outcome.exit_code == 0, outcome.output
    assert "Iraq (iso3166:IQ)" in outcome.output and "lowered" in outcome.output
    assert "4 (Do Not Travel)" in outcome.output and "3 (Reconsider Travel)" in outcome.output

    broken = runner.invoke(
        app, ["--source", base, "--source", f"un-sanctions={base}missing.xml"], obj=settings
    )
    assert broken.exit_code == 1
    assert "un-sanctions:" in broken.output and "HTTP 404" in broken.output


def test_check_source_refuses_a_csv_without_its_columns() -> None:
    with pytest.raises(ValueError, match="no column 'details_url'"):
        check_source(
            SOURCES_BY_NAME["travel-advisory-ca"], b"destination,risk_level,last_updated\nX,Y,2025-01-01\n"
        )
