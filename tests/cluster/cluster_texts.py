"""Hand-written reports for the cluster-stage tests (a helper module, not a test file)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wirebrief.records import Article, content_hash
from wirebrief.settings import Settings

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

QUAKE_A = (
    "A magnitude 6.8 earthquake struck near the Turkish city of Malatya early on Monday, killing at least 41 "
    "people and destroying hundreds of buildings, Turkey's disaster agency AFAD said. Rescue teams searched "
    "collapsed apartment blocks in Malatya through the night as aftershocks shook the region."
)
QUAKE_B = (
    "Rescuers in Malatya pulled survivors from the rubble on Monday after a 6.8 magnitude earthquake hit "
    "eastern Turkey. The AFAD disaster agency put the death toll at 41 and said hundreds of buildings in "
    "Malatya collapsed; aftershocks continued to rattle the province."
)
CHIPS = (
    "Shares of the chipmaker Nvidia rose 4 percent in New York trading after the company reported record "
    "quarterly revenue from data-centre processors and raised its forecast, beating analysts' expectations "
    "for the third quarter in a row."
)
ELECTION = (
    "Voters in Portugal went to the polls on Sunday in a snap parliamentary election called after the prime "
    "minister resigned over an influence-peddling inquiry; exit polls suggested a hung parliament in Lisbon, "
    "with the centre-right alliance narrowly ahead of the Socialists."
)


def make_article(
    article_id: str,
    text: str,
    *,
    title: str = "",
    hours: float = 0.0,
    family: str | None = None,
    outlet: str = "wire",
    language: str = "en",
) -> Article:
    """An article published ``hours`` after ``T0``."""
    return Article(
        id=article_id,
        outlet=outlet,
        title=title,
        text=text,
        published=T0 + timedelta(hours=hours),
        language=language,
        content_hash=content_hash(text),
        source="test",
        family=family,
    )


def settings(**values: object) -> Settings:
    """Settings from defaults and ``values`` only (no environment, no file)."""
    return Settings.model_validate(values)
