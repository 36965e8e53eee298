"""Facts from the bundled snapshot and knowledge base, provider failures, and ranking."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from wirebrief.enrich import (
    AffiliationProvider,
    DesignationProvider,
    Enricher,
    TravelAdvisoryProvider,
    rank_facts,
)
from wirebrief.enrich.status import read_status
from wirebrief.errors import ProviderError
from wirebrief.extract.gazetteer import bundled_gazetteer
from wirebrief.extract.places import country_index
from wirebrief.records import Entity, Fact, stable_id
from wirebrief.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
BUNDLED = Path(__file__).resolve().parents[2] / "src" / "wirebrief" / "data" / "reference" / "snapshot.json"


def iraq() -> Entity:
    return country_index().entity("IQ")


def nujaba() -> Entity:
    entry = bundled_gazetteer().get("wb:harakat-al-nujaba")
    assert entry is not None
    return entry.to_entity()


def by_predicate(facts: list[Fact], predicate: str) -> list[Fact]:
    return [f for f in facts if f.predicate == predicate]


def test_iraq_has_the_us_level_4_advisory_with_its_date_and_url() -> None:
    facts = Enricher(Settings()).facts_for([iraq()])
    us = [f for f in by_predicate(facts, "travel_advisory_level") if f.provider == "travel-advisory-us"]
    assert len(us) == 1
    advisory = us[0]
    assert (advisory.value, advisory.value_label, advisory.issuer) == (
        "4",
        "Do Not Travel",
        "U.S. Department of State",
    )
    assert advisory.source_url.startswith("https://travel.state.gov/") and "iraq" in advisory.source_url
    assert advisory.as_of is not None
    assert advisory.statement == (
        'The U.S. Department of State rates Iraq at Level 4, "Do Not Travel", '
        f"in its travel advisory dated {advisory.as_of.isoformat()}."
    )
    if (SHARED / "reference").exists():
        rows = json.loads(
            (SHARED / "reference/travel-advisories/unitedstates_summary.json").read_text("utf-8")
        )
        official = next(r for r in rows if r["destination"] == "Iraq" and r["risk_level_number"] == 4)
        assert advisory.as_of.isoformat() == official["last_updated_advisory"][:10]
        assert advisory.source_url == official["advisory_details_url"]
    # Canada and Australia rate Iraq at their highest level too.
    others = {
        f.provider: f.value
        for f in by_predicate(facts, "travel_advisory_level")
        if f.provider != "travel-advisory-us"
    }
    assert others == {"travel-advisory-ca": "4", "travel-advisory-au": "4"}


def test_harakat_al_nujaba_has_its_designations_with_dates_and_its_coalition() -> None:
    facts = Enricher(Settings()).facts_for([nujaba()])
    designations = {(f.value, f.as_of) for f in by_predicate(facts, "us_designation")}
    assert designations == {("SDGT", dt.date(2019, 3, 5)), ("FTO", dt.date(2025, 9, 17))}
    sdgt = next(f for f in by_predicate(facts, "us_designation") if f.value == "SDGT")
    assert sdgt.statement == (
        "The U.S. Department of State designated Harakat al-Nujaba a Specially Designated Global Terrorist "
        "on 2019-03-05."
    )
    assert sdgt.source_url.startswith("https://")
    membership = by_predicate(facts, "member_of")
    assert [(f.value, f.value_label) for f in membership] == [
        ("wb:islamic-resistance-in-iraq", "Islamic Resistance in Iraq")
    ]
    assert [f.value for f in by_predicate(facts, "backed_by")] == ["iso3166:IR"]


def test_fact_ids_are_stable_and_derived_from_the_record() -> None:
    first = Enricher(Settings()).facts_for([iraq(), nujaba()])
    second = Enricher(Settings()).facts_for([nujaba(), iraq(), nujaba()])
    assert first == second
    for fact in first:
        as_of = fact.as_of.isoformat() if fact.as_of else ""
        assert fact.id == stable_id("f", fact.provider, fact.subject_id, fact.predicate, fact.value, as_of)
    assert len({f.id for f in first}) == len(first)


def test_un_listing_of_al_shabaab_has_reference_and_date() -> None:
    entry = bundled_gazetteer().get("wb:al-shabaab")
    assert entry is not None
    facts = by_predicate(Enricher(Settings()).facts_for([entry.to_entity()]), "un_sanctions_listing")
    assert [(f.value, f.as_of) for f in facts] == [("SOe.001", dt.date(2010, 4, 12))]


class BrokenProvider:
    """A real provider whose source is gone: every call fails the way a provider is allowed to."""

    name = "broken"

    def facts_for(self, entity: Entity) -> list[Fact]:
        raise ProviderError(self.name, "the source answered 503")


def test_a_failing_provider_is_skipped_and_recorded() -> None:
    enricher = Enricher(
        Settings(), providers=[BrokenProvider(), DesignationProvider(), AffiliationProvider()]
    )
    facts = enricher.facts_for([nujaba()])
    assert by_predicate(facts, "us_designation") and by_predicate(facts, "member_of")
    assert [str(e) for e in enricher.errors] == ["provider broken: the source answered 503"]
    # The errors are those of the last call.
    enricher.providers = [DesignationProvider()]
    enricher.facts_for([nujaba()])
    assert enricher.errors == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (BUNDLED.read_bytes()[:5000], "truncated"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML"),
    ],
    ids=["truncated", "html"],
)
def test_a_broken_snapshot_falls_back_to_the_bundled_records_with_their_dates(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "snapshot.json"
    path.write_bytes(content)
    settings = Settings(reference_snapshot=path, data_dir=tmp_path / "data")
    enricher = Enricher(settings)
    facts = enricher.facts_for([iraq(), nujaba()])
    bundled = Enricher(Settings(data_dir=tmp_path / "other")).facts_for([iraq(), nujaba()])
    # The last good snapshot (the bundled one) answers, each record with its own date.
    assert [(f.id, f.as_of) for f in facts] == [(f.id, f.as_of) for f in bundled]
    [advisory] = [f for f in facts if f.provider == "travel-advisory-us"]
    assert advisory.as_of == dt.date(2025, 7, 17)
    # The error is logged, kept for the caller, and recorded for `wirebrief sources`.
    [error] = enricher.errors
    assert error.provider == "reference-snapshot" and problem in error.problem
    status = read_status(settings)["reference-snapshot"]
    assert status.location == str(path) and status.last_error is not None and problem in status.last_error
    assert status.last_success_at is None
    # Once the file is good again, the next Enricher reads it and the status says so.
    path.write_bytes(BUNDLED.read_bytes())
    assert (
        Enricher(settings).facts_for([iraq()]) and read_status(settings)["reference-snapshot"].last_success_at
    )


def test_a_missing_snapshot_file_is_a_provider_error(tmp_path: Path) -> None:
    provider = TravelAdvisoryProvider("US", tmp_path / "absent.json")
    with pytest.raises(ProviderError, match="cannot read"):
        provider.facts_for(iraq())


def test_ranking_puts_designations_and_advisories_above_profiles_and_follows_mentions() -> None:
    facts = Enricher(Settings()).facts_for([iraq(), nujaba()])
    story_time = dt.datetime(2026, 11, 18, tzinfo=dt.UTC)
    ranked = rank_facts(facts, {"wb:harakat-al-nujaba": 6, "iso3166:IQ": 3}, story_time)
    assert sorted(f.id for f in ranked) == sorted(f.id for f in facts)
    position = {f.id: i for i, f in enumerate(ranked)}
    profile = [position[f.id] for f in facts if f.predicate in {"capital", "population"}]
    weighty = [position[f.id] for f in facts if f.predicate in {"us_designation", "travel_advisory_level"}]
    assert max(weighty) < min(profile)
    # The newer designation of the same entity ranks above the older one.
    fto = next(f for f in facts if f.predicate == "us_designation" and f.value == "FTO")
    sdgt = next(f for f in facts if f.predicate == "us_designation" and f.value == "SDGT")
    assert position[fto.id] < position[sdgt.id]
    # An entity the story names more often comes first for the same kind of record.
    flipped = rank_facts(facts, {"wb:harakat-al-nujaba": 1, "iso3166:IQ": 20}, story_time)
    assert flipped[0].subject_id == "iso3166:IQ"
    assert (
        rank_facts(list(reversed(facts)), {"wb:harakat-al-nujaba": 6, "iso3166:IQ": 3}, story_time) == ranked
    )


def test_a_low_foreign_advisory_on_a_much_named_country_ranks_below_the_story_subjects_records() -> None:
    # The Iraq story names the United States more often than anything else; Canada's level-1 advice
    # for the United States must still not outrank the militia's designations or the U.S. Iraq advisory.
    united_states = country_index().entity("US")
    facts = Enricher(Settings()).facts_for([iraq(), nujaba(), united_states])
    mentions = {"iso3166:US": 20, "wb:harakat-al-nujaba": 12, "iso3166:IQ": 10}
    ranked = rank_facts(facts, mentions, dt.datetime(2026, 11, 18, tzinfo=dt.UTC))
    top = ranked[:3]
    assert {(f.predicate, f.subject_id) for f in top} <= {
        ("us_designation", "wb:harakat-al-nujaba"),
        ("travel_advisory_level", "iso3166:IQ"),
        ("member_of", "wb:harakat-al-nujaba"),
    }
    canada_on_us = next(
        f for f in ranked if f.provider == "travel-advisory-ca" and f.subject_id == "iso3166:US"
    )
    us_on_iraq = next(
        f for f in ranked if f.provider == "travel-advisory-us" and f.subject_id == "iso3166:IQ"
    )
    assert ranked.index(us_on_iraq) < ranked.index(canada_on_us)
