"""Story-level categories of the bundled sample against its gold file, through the real pipeline."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from wirebrief.pipeline import run
from wirebrief.samples import load_gold, sample_dir
from wirebrief.settings import Settings
from wirebrief.store import Store


@pytest.mark.slow
def test_sample_stories_get_a_gold_category_first(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    run(settings, [str(sample_dir())])
    gold = load_gold()
    story_of = {r.locator: r.story for r in gold.reports}
    first_in_gold: dict[str, bool] = {}
    with Store.open(settings.resolved_database_url) as store:
        urls = {a.id: a.url for a in store.articles()}
        for story in store.stories():
            members = Counter(story_of.get(urls[a]) for a in story.article_ids)
            gold_story = members.most_common(1)[0][0]
            categories = store.categories(story.id)
            if gold_story is None or not categories:  # junk filtered out before classification
                continue
            first_in_gold[gold_story] = categories[0].slug in gold.stories[gold_story].categories
    assert len(first_in_gold) >= 15
    # Measured 15 of 17 with the default and with the lexicons alone; the two misses are a climate summit
    # (business-and-economy first) and a migrant-boat rescue (disasters-and-accidents first).
    assert sum(first_in_gold.values()) >= len(first_in_gold) - 2, first_in_gold
