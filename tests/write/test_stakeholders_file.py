"""The bundled stakeholders: every fact pattern names a predicate some provider emits."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from wirebrief.write import load_stakeholders

REPO_ROOT = Path(__file__).resolve().parents[2]


def _documented_predicates() -> set[str]:
    """The predicates in the provider table of docs/enrichment.md (its second column)."""
    text = (REPO_ROOT / "docs" / "enrichment.md").read_text("utf-8")
    predicates: set[str] = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`") and "-" in cells[0]:
            predicates.update(re.findall(r"`([a-z_]+)`", cells[1]))
    return predicates


def test_every_bundled_fact_pattern_matches_a_documented_predicate() -> None:
    predicates = _documented_predicates()
    assert {"travel_advisory_level", "us_designation", "un_sanctions_listing"} <= predicates
    for stakeholder in load_stakeholders():
        for pattern in stakeholder.fact_predicates:
            assert any(fnmatch.fnmatch(p, pattern) for p in predicates), (stakeholder.name, pattern)


def test_one_member_state_named_in_passing_does_not_concern_the_eu() -> None:
    from wirebrief.write.stakeholders import _STAKEHOLDER_MIN_EVIDENCE, _StakeholderInterest, _stems

    eu = next(s for s in load_stakeholders() if s.name == "European Union")
    interest = _StakeholderInterest.of(eu)
    passing = "Andromeda could mean the galaxy, the TV show or the Swedish band."
    assert interest.evidence(_stems(passing), {"iso3166:SE"}, set()) < _STAKEHOLDER_MIN_EVIDENCE
    policy = "Sweden asked the European Commission to extend the sanctions."
    assert interest.evidence(_stems(policy), {"iso3166:SE"}, set()) >= _STAKEHOLDER_MIN_EVIDENCE
