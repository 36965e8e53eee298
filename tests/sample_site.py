"""The sample site: the bundled sample news plus two hostile feeds, run through the pipeline once per
test session into a real SQLite file (and PostgreSQL when WIREBRIEF_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

from pathlib import Path

from wirebrief.pipeline import run
from wirebrief.samples import sample_dir
from wirebrief.settings import Settings

HOSTILE_FEEDS = Path(__file__).parent / "web" / "data" / "hostile"


def build_site(data_dir: Path, database_url: str | None = None, **overrides: object) -> Settings:
    """Run the pipeline over the sample and the hostile feeds; the settings the site is served with."""
    settings = Settings(data_dir=data_dir, database_url=database_url, **overrides)  # type: ignore[arg-type]
    summary = run(settings, [str(sample_dir()), str(HOSTILE_FEEDS)])
    assert summary.stories_briefed > 5, "the sample should give several briefed stories"
    return settings
