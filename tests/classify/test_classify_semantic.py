"""The default classifier's dense half: the packaged static embedding and the calibrated head."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from wirebrief.classify import Classifier, load_taxonomy
from wirebrief.classify.embedding import _check, load_embedder
from wirebrief.classify.semantic import bundled_head, read_head
from wirebrief.errors import ConfigError
from wirebrief.settings import Settings

POLLS = [
    ("New poll shows tight race",
     "The Democrat leads her Republican rival by two points among likely voters, with the race still "
     "within the margin of error."),
    ("Senator widens lead in Ohio race",
     "The incumbent is eight points clear of his challenger, a new survey shows."),
    ("Labour stretches its lead",
     "The party is now 14 points ahead of the Conservatives in the race for Downing Street, "
     "the pollster found."),
    ("Mayor ahead by 12 points",
     "Voters favour the incumbent over her rival in the first poll since the debate."),
]  # fmt: skip


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(Settings())


def test_the_default_path_never_imports_torch() -> None:
    code = (
        "import sys\n"
        "from wirebrief.classify import Classifier\n"
        "from wirebrief.settings import load_settings\n"
        "classifier = Classifier(load_settings())\n"
        "assert classifier.semantic\n"
        "print(classifier.classify('Cup final win', 'The striker scored twice in the final.')[0].slug)\n"
        "heavy = {'torch', 'wordllama', 'sentence_transformers'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    slug, heavy = result.stdout.splitlines()
    assert slug == "sports"
    assert heavy == "[]"  # no torch, and not even the wordllama package: only its weight files are read


def test_an_election_poll_is_never_sport(classifier: Classifier) -> None:
    for title, text in POLLS:
        slugs = [s.slug for s in classifier.classify(title, text)]
        assert slugs[0] in {"elections", "politics"}, (title, slugs)
        assert "sports" not in slugs, (title, slugs)


def test_a_story_spanning_conflict_and_diplomacy_gets_both(classifier: Classifier) -> None:
    scores = classifier.classify(
        "Foreign ministers meet as fighting rages",
        "Foreign ministers of both countries held talks in Geneva on a peace deal while their armies fought "
        "along the border, with dozens of soldiers killed.",
    )
    assert {s.slug for s in scores} >= {"war-and-conflicts", "diplomacy"}


def test_the_top_score_is_its_margin_over_the_runner_up(classifier: Classifier) -> None:
    for title, text in POLLS:
        scores = classifier.classify(title, text)
        assert scores[0].score >= 0.5  # the top slug against its strongest rival
        if len(scores) > 1:  # the runner-up against the top: the two share one
            assert scores[0].score + scores[1].score == pytest.approx(1.0, abs=2e-4)


def test_the_bundled_head_covers_the_bundled_taxonomy() -> None:
    head = bundled_head()
    assert head.slugs == load_taxonomy().slugs
    assert head.coef.shape == (len(head.slugs), load_embedder().dimensions)
    assert head.temperature > 0 and head.lexicon_weight > 0
    assert "tune half" in head.provenance


def test_the_embedding_is_unit_length_deterministic_and_zero_for_nothing() -> None:
    embedder = load_embedder()
    vectors = embedder.embed(["Shares rose after profits beat forecasts.", ""])
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert not vectors[1].any()
    assert np.array_equal(embedder.embed(["Shares rose after profits beat forecasts."])[0], vectors[0])


def test_words_are_tokenised_as_in_the_whole_line() -> None:
    embedder = load_embedder()
    line = "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three months."
    assert embedder.token_ids(line) == embedder.tokenizer.encode(line, add_special_tokens=False).ids


def test_a_weight_file_with_another_hash_is_refused(tmp_path: Path) -> None:
    weights = tmp_path / "weights.safetensors"
    weights.write_bytes(b"not the pinned weights")
    with pytest.raises(ConfigError, match=r"weights\.safetensors"):
        _check(weights, "0" * 64)
    with pytest.raises(ConfigError, match="missing"):
        _check(tmp_path / "absent.safetensors", "0" * 64)


def test_a_file_that_is_not_a_head_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "head.npz"
    path.write_bytes(b"junk")
    with pytest.raises(ConfigError, match=r"head\.npz"):
        read_head(path)


def test_a_saved_head_reads_back_equal(tmp_path: Path) -> None:
    head = bundled_head()
    head.save(tmp_path / "copy.npz")
    again = read_head(tmp_path / "copy.npz")
    assert again.slugs == head.slugs and np.array_equal(again.coef, head.coef)
    assert again.temperature == head.temperature and again.provenance == head.provenance


def test_another_taxonomy_falls_back_to_the_lexicons(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "src" / "wirebrief" / "data" / "taxonomy" / "taxonomy.yaml"
    text = source.read_text(encoding="utf-8")
    custom = tmp_path / "taxonomy.yaml"
    custom.write_text(text.replace("slug: religion", "slug: faith"), encoding="utf-8")
    classifier = Classifier(Settings(taxonomy_file=custom))
    assert not classifier.semantic and classifier.method == "keyword lexicons"
    assert classifier.classify("Cup final win", "The striker scored twice in the final.")[0].slug == "sports"


def test_lexicon_only_is_still_available() -> None:
    lexical = Classifier(Settings(), semantic=False)
    assert lexical.method == "keyword lexicons"
    assert lexical.classify(*POLLS[0])[0].slug != "sports"  # "racing" no longer lemmatises into "race"


BBC = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "bbc-news" / "bbc_news.jsonl.gz"


@pytest.mark.slow
def test_the_shipped_head_is_rebuilt_exactly_from_its_sources(tmp_path: Path) -> None:
    from wirebrief.classify.training import main

    if not BBC.is_file():
        pytest.skip(f"BBC News data not found at {BBC} (shared/ is absent)")
    main(["--bbc", str(BBC), "--out", str(tmp_path / "head.npz")])
    rebuilt, shipped = read_head(tmp_path / "head.npz"), bundled_head()
    assert rebuilt.slugs == shipped.slugs and rebuilt.provenance == shipped.provenance
    assert np.allclose(rebuilt.coef, shipped.coef, atol=1e-6)
    assert np.allclose(rebuilt.intercept, shipped.intercept, atol=1e-6)
    assert rebuilt.temperature == shipped.temperature
