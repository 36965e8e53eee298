"""Every bundled record names as its issuer whoever publishes its source link."""

from __future__ import annotations

from urllib.parse import urlparse

from wirebrief.extract.gazetteer import bundled_gazetteer

# Official hosts and the issuer they publish for; any other host is a press or secondary source.
OFFICIAL_HOSTS = {"state.gov": "U.S. Department of State", "gov.uk": "UK Home Office"}
GOVERNMENT_WORDS = ("Department", "Ministry", "Government", "Office", "Council")


def _official_issuer(url: str) -> str | None:
    host = urlparse(url).hostname or ""
    return next((issuer for suffix, issuer in OFFICIAL_HOSTS.items() if host.endswith(suffix)), None)


def test_relation_issuers_are_the_publishers_of_their_links() -> None:
    relations = [r for entry in bundled_gazetteer() for r in entry.relations]
    assert relations
    for relation in relations:
        official = _official_issuer(relation.source_url)
        if official is None:
            assert not any(word in relation.issuer for word in GOVERNMENT_WORDS), relation
        else:
            assert relation.issuer == official, relation
