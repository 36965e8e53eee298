"""The EU terrorist list and UK proscribed organisations: parsers of the official formats, the bundled
curated records, refresh from a real HTTP server on 127.0.0.1, and a provider that times out, answers
HTML instead of XML, or sends a truncated file."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer
from designation_list_files import EU_FSF, UK_PAGE
from typer.testing import CliRunner

from wirebrief.commands.sources import register as register_sources
from wirebrief.enrich import Enricher
from wirebrief.enrich.lists import (
    EU_LIST_URL,
    UK_PROSCRIBED_URL,
    candidate_names,
    match_eu,
    match_uk,
    parse_eu_fsf,
    parse_uk_proscribed,
)
from wirebrief.enrich.refresh import SOURCES_BY_NAME, check_source, provider_health, refresh_reference
from wirebrief.enrich.status import read_status
from wirebrief.errors import ConfigError
from wirebrief.extract.gazetteer import Gazetteer, GazetteerEntry, bundled_gazetteer, load_gazetteer
from wirebrief.records import Entity, EntityKind, Fact
from wirebrief.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/reference is absent")


def hezbollah() -> Entity:
    entry = bundled_gazetteer().get("wb:hezbollah")
    assert entry is not None
    return entry.to_entity()


def list_facts(facts: list[Fact]) -> dict[str, list[Fact]]:
    return {
        provider: [f for f in facts if f.provider == provider]
        for provider in ("eu-terrorist-list", "uk-proscribed")
    }


# -------------------------------------------------------------------------------------------- parsers


def test_the_eu_parser_keeps_terrorist_list_entries_with_names_and_dates() -> None:
    generated, listings = parse_eu_fsf(EU_FSF.encode())
    assert generated == dt.date(2026, 6, 5)
    # The entry under another programme (IRQ) is not on the terrorist list.
    assert [(x.reference_number, x.names, x.listed_on) for x in listings] == [
        ("EU.9001.1", ("Hizballah Military Wing", "Hezbollah Military Wing"), dt.date(2013, 7, 25)),
        ("EU.9001.2", ("Northern Example Brigades (a.k.a. NEB)",), dt.date(2004, 5, 6)),
    ]
    first = listings[0]
    assert first.subject_type == "enterprise" and first.regulation == "TEST/1 (OJ L1)"
    assert first.regulation_url == "https://eur-lex.europa.eu/test/1"


def test_an_eu_entry_without_a_designation_date_takes_its_earliest_regulation() -> None:
    xml = b"""<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity euReferenceNumber="EU.1.1">
      <regulation publicationDate="2019-02-02" entryIntoForceDate="2019-02-03" programme="TERR"/>
      <regulation publicationDate="2002-06-17" programme="TERR"/>
      <subjectType code="person"/><nameAlias wholeName="A Person" strong="true"/></sanctionEntity></export>"""
    generated, [listing] = parse_eu_fsf(xml)
    assert (
        generated is None and listing.listed_on == dt.date(2002, 6, 17) and listing.subject_type == "person"
    )


def test_the_uk_parser_reads_each_group_heading_with_its_day_or_month() -> None:
    groups = parse_uk_proscribed(UK_PAGE.encode())
    assert [(g.name, g.proscribed_on, g.proscribed_in) for g in groups] == [
        ("Hizballah (Party of God)", dt.date(2019, 3, 1), None),
        ("Example Liberation Army", None, "2001-03"),
        ("Example Coastal Front (ECF)", None, "2002-11"),
    ]


def test_list_names_match_exactly_and_an_unknown_group_gets_no_id() -> None:
    assert candidate_names("Northern Example Brigades (a.k.a. NEB, a.k.a. Example Brigades)") == [
        "Northern Example Brigades (a.k.a. NEB, a.k.a. Example Brigades)",
        "Northern Example Brigades",
        "NEB",
        "Example Brigades",
    ]
    gazetteer = bundled_gazetteer()
    eu = match_eu(parse_eu_fsf(EU_FSF.encode())[1], gazetteer)
    uk = match_uk(parse_uk_proscribed(UK_PAGE.encode()), gazetteer)
    # The made-up groups match nothing: no near match, no guessed id.
    assert {k: [x.reference_number for x in v] for k, v in eu.items()} == {"wb:hezbollah": ["EU.9001.1"]}
    assert {k: [x.name for x in v] for k, v in uk.items()} == {"wb:hezbollah": ["Hizballah (Party of God)"]}
    # A group named in our own gazetteer by its acronym in parentheses is matched by that name.
    own = Gazetteer.from_entries(
        [GazetteerEntry("wb:example-coastal-front", "Coastal Front", EntityKind.ORGANISATION, (), ("ECF",))]
    )
    assert list(match_uk(parse_uk_proscribed(UK_PAGE.encode()), own)) == ["wb:example-coastal-front"]
    # An entity outside the knowledge base gets no list facts at all.
    stranger = Entity(id="wb:not-in-the-knowledge-base", name="Hizballah", kind=EntityKind.ORGANISATION)
    assert list_facts(Enricher(Settings()).facts_for([stranger])) == {
        "eu-terrorist-list": [],
        "uk-proscribed": [],
    }


def test_check_source_refuses_html_for_xml_a_cut_page_and_a_page_without_groups() -> None:
    eu, uk = SOURCES_BY_NAME["eu-terrorist-list"], SOURCES_BY_NAME["uk-proscribed"]
    with pytest.raises(ValueError, match="HTML page, not XML"):
        check_source(eu, b"<!DOCTYPE html><html><body>Maintenance</body></html>")
    with pytest.raises(ValueError, match="truncated or not XML"):
        check_source(eu, EU_FSF.encode()[: len(EU_FSF) // 2])
    with pytest.raises(ValueError, match="not the EU financial sanctions file"):
        check_source(eu, b"<CONSOLIDATED_LIST/>")
    with pytest.raises(ValueError, match="truncated"):
        check_source(uk, UK_PAGE.encode()[: UK_PAGE.index("Example Coastal")])
    with pytest.raises(ValueError, match="no usable records"):
        check_source(uk, b"<html><body><h3>Sign in</h3><p>Please sign in.</p></body></html>")
    assert check_source(eu, EU_FSF.encode()) == 2 and check_source(uk, UK_PAGE.encode()) == 3


# --------------------------------------------------------------------------------- bundled records


def test_the_bundled_snapshot_gives_hezbollah_its_curated_eu_and_uk_records() -> None:
    found = list_facts(Enricher(Settings()).facts_for([hezbollah()]))
    [eu], [uk] = found["eu-terrorist-list"], found["uk-proscribed"]
    assert (eu.as_of, eu.source_url, eu.issuer) == (
        dt.date(2013, 7, 25),
        EU_LIST_URL,
        "Council of the European Union",
    )
    assert eu.statement == (
        "The Council of the European Union's terrorist list (Common Position 2001/931/CFSP) includes "
        "Hezbollah as Hizballah Military Wing, listed on 2013-07-25."
    )
    assert (uk.as_of, uk.source_url, uk.issuer) == (dt.date(2019, 3, 1), UK_PROSCRIBED_URL, "UK Home Office")
    assert uk.statement == (
        "The UK Home Office lists Hezbollah as a proscribed terrorist organisation under the Terrorism Act "
        '2000 (listed as "Hizballah (Party of God)"), proscribed on 2019-03-01.'
    )
    # Curated records are dated by the day they were checked against their sources.
    assert eu.retrieved_at == uk.retrieved_at == dt.date(2026, 11, 25)


def test_checked_wikidata_ids_reach_the_entity_and_entries_without_one_get_none() -> None:
    gazetteer = bundled_gazetteer()
    islamic_state = gazetteer.get("wb:islamic-state")
    nujaba = gazetteer.get("wb:harakat-al-nujaba")
    assert islamic_state is not None and nujaba is not None
    assert islamic_state.to_entity().external_ids["wikidata"] == "wikidata:Q2429253"
    assert "wikidata" not in nujaba.to_entity().external_ids


# ------------------------------------------------------------------------------- refresh over HTTP


class SlowOrPlain(SimpleHTTPRequestHandler):
    """Serves the folder; a path under /slow/ answers only after SLOW_S seconds."""

    SLOW_S = 3.0

    def do_GET(self) -> None:
        if self.path.startswith("/slow/"):
            time.sleep(self.SLOW_S)
            self.path = self.path.removeprefix("/slow")
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "served"
    folder.mkdir()
    (folder / "eu_fsf.xml").write_text(EU_FSF, "utf-8")
    (folder / "uk_proscribed.html").write_text(UK_PAGE, "utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SlowOrPlain, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _settings(tmp_path: Path) -> Settings:
    return Settings.model_validate(
        {"data_dir": tmp_path / "data", "allow_private_addresses": True, "fetch_timeout_s": 1.0}
    )


def _overrides(base: str, eu: str = "eu_fsf.xml", uk: str = "uk_proscribed.html") -> list[str]:
    # The other five sources come from the shared files on disk, these two from the server.
    un_list = SHARED / "un-sanctions-list" / "un_sc_consolidated.xml.gz"
    return [
        str(SHARED / "travel-advisories"),
        f"un-sanctions={un_list}",
        f"eu-terrorist-list={base}{eu}",
        f"uk-proscribed={base}{uk}",
    ]


@needs_shared
def test_a_refresh_parses_the_official_files_into_facts(served: tuple[Path, str], tmp_path: Path) -> None:
    _, base = served
    settings = _settings(tmp_path)
    result = refresh_reference(settings, _overrides(base))
    assert result.built and not result.errors, [e.line() for e in result.errors]
    assert result.source_dates["eu-terrorist-list"] == "2026-06-05"
    found = list_facts(Enricher(settings).facts_for([hezbollah()]))
    [eu], [uk] = found["eu-terrorist-list"], found["uk-proscribed"]
    assert (eu.value, eu.as_of, eu.retrieved_at) == ("EU.9001.1", dt.date(2013, 7, 25), dt.date(2026, 6, 5))
    assert "as generated on 2026-06-05" in eu.statement and "reference EU.9001.1" in eu.statement
    assert uk.as_of == dt.date(2019, 3, 1)
    statuses = read_status(settings)
    assert statuses["eu-terrorist-list"].records == 2 and statuses["eu-terrorist-list"].last_error is None

    # A group added to the page is a revision, dated by the date the page gives.
    folder = served[0]
    page = UK_PAGE.replace(
        "<h2>Northern Ireland</h2>",
        "<h3>Hezbollah Military Wing</h3><p>Proscribed on 2 July 2008.</p><h2>Northern Ireland</h2>",
    )
    (folder / "uk_proscribed.html").write_text(page, "utf-8")
    again = refresh_reference(settings, _overrides(base))
    changes = [(r.subject_id, r.predicate, r.change, r.as_of) for r in again.revisions]
    assert changes == [("wb:hezbollah", "uk_proscription", "added", dt.date(2008, 7, 2))]


FAILURES = {
    # name: (EU path or None, UK path or None, what the error says)
    "timeout": ("slow/eu_fsf.xml", None, "timed out"),
    "html-instead-of-xml": ("maintenance.html", None, "HTML page, not XML"),
    "truncated": (None, "cut.html", "truncated"),
}


@needs_shared
@pytest.mark.parametrize("failure", sorted(FAILURES))
def test_a_failing_list_provider_is_shown_in_sources_and_its_last_good_records_stay(
    served: tuple[Path, str], tmp_path: Path, failure: str
) -> None:
    folder, base = served
    (folder / "maintenance.html").write_text(
        "<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>", "utf-8"
    )
    (folder / "cut.html").write_text(UK_PAGE[: UK_PAGE.index("Example Coastal")], "utf-8")
    settings = _settings(tmp_path)
    assert refresh_reference(settings, _overrides(base)).built
    before = Enricher(settings).facts_for([hezbollah()])

    eu_path, uk_path, problem = FAILURES[failure]
    result = refresh_reference(
        settings, _overrides(base, eu_path or "eu_fsf.xml", uk_path or "uk_proscribed.html")
    )
    failing = "eu-terrorist-list" if eu_path else "uk-proscribed"
    [error] = result.errors
    assert error.source == failing and problem in error.problem
    assert "last good download stays in use" in error.kept
    # The snapshot is still built; the failed list keeps its last good records and their dates.
    assert result.built
    after = Enricher(settings).facts_for([hezbollah()])
    assert [(f.id, f.as_of, f.retrieved_at) for f in after] == [
        (f.id, f.as_of, f.retrieved_at) for f in before
    ]
    assert list_facts(after)[failing]

    status = read_status(settings)[failing]
    assert (
        status.last_success_at is not None and status.last_error is not None and problem in status.last_error
    )
    [health] = [h for h in provider_health(settings) if h.name == failing]
    assert health.snapshot_date == ("2026-06-05" if eu_path else "2019-03-01")
    assert health.records_from == "official file"

    app = typer.Typer()
    register_sources(app)
    shown = CliRunner().invoke(app, ["sources"], obj=settings, env={"COLUMNS": "250"})
    assert shown.exit_code == 0, shown.output
    [row] = [line for line in shown.output.splitlines() if f"│ {failing} " in line]
    assert problem in row and health.snapshot_date in row and "official file" in row


@needs_shared
def test_a_first_refresh_without_a_good_list_file_keeps_the_curated_records(
    served: tuple[Path, str], tmp_path: Path
) -> None:
    _, base = served
    settings = _settings(tmp_path)
    result = refresh_reference(settings, _overrides(base, eu="absent.xml"))
    [error] = result.errors
    assert error.source == "eu-terrorist-list" and "HTTP 404" in error.problem
    assert "curated records" in error.kept
    assert result.built  # the other sources are good: the EU list is optional
    [eu] = list_facts(Enricher(settings).facts_for([hezbollah()]))["eu-terrorist-list"]
    assert eu.as_of == dt.date(2013, 7, 25) and eu.retrieved_at == dt.date(2026, 11, 25)
    [health] = [h for h in provider_health(settings) if h.name == "eu-terrorist-list"]
    assert (health.records_from, health.last_success_at) == ("curated knowledge base", None)


def test_a_wikidata_id_that_is_no_qid_is_refused(tmp_path: Path) -> None:
    (tmp_path / "organisations.yaml").write_text(
        "- id: wb:example\n  name: Example Group\n  kind: organisation\n  wikidata: Q12x\n", "utf-8"
    )
    with pytest.raises(ConfigError, match="wikidata must be a QID"):
        load_gazetteer(tmp_path)
