"""The bundled reference snapshot: reproducible from ../shared with our own parsers, and small."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from defusedxml import EntitiesForbidden

from wirebrief.enrich.snapshot import (
    CANADA_LEVELS,
    latest_by_country,
    main,
    parse_un_xml,
    parse_us_json,
    parse_worded_csv,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared"
BUNDLED = ROOT / "src" / "wirebrief" / "data" / "reference" / "snapshot.json"


@pytest.mark.skipif(not (SHARED / "reference").exists(), reason="../shared/reference is not there")
def test_the_bundled_snapshot_is_rebuilt_byte_for_byte_from_shared(tmp_path: Path) -> None:
    out = tmp_path / "snapshot.json"
    assert main(["build", "--shared", str(SHARED), "--out", str(out)]) == 0
    assert out.read_bytes() == BUNDLED.read_bytes()


def test_the_bundled_snapshot_stays_small() -> None:
    assert BUNDLED.stat().st_size < 1_000_000


def test_us_advisories_keep_levels_and_skip_rows_without_one() -> None:
    rows = [
        {
            "destination": "Iraq",
            "risk_level": "Level 4: Do Not Travel",
            "last_updated_advisory": "2025-07-17T00:00:00",
            "advisory_details_url": "https://travel.state.gov/iraq.html",
            "risk_level_number": 4,
        },
        {
            "destination": "Mexico",
            "risk_level": "Other",
            "last_updated_advisory": "2024-09-06T00:00:00",
            "advisory_details_url": "https://travel.state.gov/mexico.html",
            "risk_level_number": -1,
        },
        {
            "destination": "Burma (Myanmar)",
            "risk_level": "Level 4: Do Not Travel",
            "last_updated_advisory": "2024-01-02T00:00:00",
            "advisory_details_url": "https://travel.state.gov/burma.html",
        },
        {
            "destination": "Burma",
            "risk_level": None,
            "last_updated_advisory": None,
            "advisory_details_url": None,
        },
    ]
    data = json.dumps(rows).encode()
    records = latest_by_country(parse_us_json(data))
    assert sorted(records) == ["IQ", "MM"]
    assert (records["IQ"].level, records["IQ"].label, records["IQ"].date) == (
        4,
        "Do Not Travel",
        dt.date(2025, 7, 17),
    )


def test_worded_advisories_map_to_the_issuers_four_levels() -> None:
    data = (
        b"destination,risk_level,last_updated,details_url\n"
        b"Iraq,Avoid all travel,2026-07-29T14:31:46,https://travel.gc.ca/destinations/iraq\n"
        b"Algeria,Exercise a high degree of caution (with regional advisories),2026-07-29T14:31:46,"
        b"https://travel.gc.ca/destinations/algeria\n"
        b"Atlantis,Avoid all travel,2026-07-29T14:31:46,https://travel.gc.ca/destinations/atlantis\n"
    )
    records = {r.country: r for r in parse_worded_csv(data, "CA", CANADA_LEVELS)}
    assert sorted(records) == ["DZ", "IQ"]  # an unknown destination is left out, not guessed
    assert records["DZ"].level == 2 and records["DZ"].label.endswith("(with regional advisories)")


def test_un_list_parser_reads_entities_and_aliases() -> None:
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
    <CONSOLIDATED_LIST dateGenerated="2020-11-30T20:31:19.923-05:00"><INDIVIDUALS/><ENTITIES>
      <ENTITY><DATAID>1</DATAID><FIRST_NAME>AL-SHABAAB</FIRST_NAME><UN_LIST_TYPE>Somalia</UN_LIST_TYPE>
      <REFERENCE_NUMBER>SOe.001</REFERENCE_NUMBER><LISTED_ON>2010-04-12</LISTED_ON>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>AL-SHABAB</ALIAS_NAME></ENTITY_ALIAS></ENTITY>
    </ENTITIES></CONSOLIDATED_LIST>"""
    generated, listings = parse_un_xml(xml)
    assert generated == dt.date(2020, 11, 30)
    assert [(x.reference_number, x.name, x.aliases, x.listed_on) for x in listings] == [
        ("SOe.001", "AL-SHABAAB", ("AL-SHABAB",), dt.date(2010, 4, 12))
    ]


def test_un_list_parser_refuses_entity_expansion() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
    <CONSOLIDATED_LIST><ENTITIES><ENTITY><FIRST_NAME>&b;</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>"""
    with pytest.raises(EntitiesForbidden):
        parse_un_xml(bomb)
