"""The similarity the clusterer decides on: BM25 term weights and average linkage to a story."""

from __future__ import annotations

import math

from cluster_texts import CHIPS, ELECTION, QUAKE_A, QUAKE_B, make_article, settings

from wirebrief.cluster import StoryClusterer
from wirebrief.cluster.features import (
    DocumentFrequencies,
    TermCounts,
    term_counts,
    tfidf_vector,
)


def test_the_frequency_table_tracks_the_average_length() -> None:
    table = DocumentFrequencies()
    table.add({"quake": 3.0, "malatya": 1.0})
    table.add({"quake": 1.0, "vote": 1.0})
    assert table.documents == 2
    assert table.counts == {"quake": 2, "malatya": 1, "vote": 1}
    assert table.average_length == 3.0


def _quake_to_filler(count: float) -> float:
    """Weight of a term repeated ``count`` times against one said 10 times, in a fresh stream."""
    table = DocumentFrequencies()
    for other in ("vote", "chip", "rain"):
        table.add({other: 1.0})
    counts = TermCounts({"quake": count, "filler": 10.0})
    table.add(counts.counts)
    vector = tfidf_vector(counts, table)
    return vector["quake"] / vector["filler"]


def test_a_repeated_term_saturates() -> None:
    ratios = [_quake_to_filler(count) for count in (1.0, 2.0, 64.0, 1e6)]
    assert ratios == sorted(ratios)  # more is still more ...
    # ... but a term said a million times weighs hardly more than one said 64 times (a logarithmic
    # term frequency, 1 + ln(count), would give it more than twice the weight).
    assert ratios[3] < 1.2 * ratios[2]


def _cosine(left: dict[str, float], right: dict[str, float]) -> float:
    return sum(weight * right[term] for term, weight in left.items() if term in right)


def test_an_article_is_scored_by_its_average_cosine_with_the_story_reports() -> None:
    clusterer = StoryClusterer(settings(cluster_threshold=0.0))
    reports = [
        make_article("a1", QUAKE_A, title="Earthquake kills 41 in eastern Turkey"),
        make_article("a2", QUAKE_B, title="Survivors pulled from Malatya rubble", hours=1),
    ]
    for report in reports:
        clusterer.add(report)
    story_id = clusterer.story_of("a1")
    assert story_id is not None and clusterer.story_of("a2") == story_id

    # Vectors as the clusterer weighs them at the time of the newcomer.
    newcomer = make_article("a3", CHIPS + " " + QUAKE_A, hours=2)
    table = clusterer._frequencies
    counts = term_counts(newcomer, use_entities=True)
    table.add(counts.counts)
    vector = tfidf_vector(counts, table)
    members = [tfidf_vector(term_counts(r, use_entities=True), table) for r in reports]

    from wirebrief.cluster.online import _average_cosine

    state = clusterer._stories[story_id]
    summed: dict[str, float] = {}
    for member in members:
        for term, weight in member.items():
            summed[term] = summed.get(term, 0.0) + weight
    expected = sum(_cosine(vector, member) for member in members) / len(members)
    assert math.isclose(_average_cosine(vector, summed, len(members)), expected, rel_tol=1e-9)
    # The clusterer's own story state gives the same kind of score: average, not centroid cosine.
    centroid_cosine = _cosine(vector, summed) / math.sqrt(_cosine(summed, summed))
    assert _average_cosine(vector, state.centroid, len(state.members)) < centroid_cosine


def test_a_large_story_is_not_easier_to_join_than_a_single_report() -> None:
    # With centroid cosine, an off-topic report scores higher against a grown story than against any
    # single one of its reports; with the average cosine it does not.
    reports = [
        make_article(f"q{i}", text, title=title, hours=i)
        for i, (text, title) in enumerate(
            [
                (QUAKE_A, "Earthquake kills 41 in eastern Turkey"),
                (QUAKE_B, "Survivors pulled from Malatya rubble"),
                (QUAKE_A.replace("41", "44"), "Malatya quake toll rises to 44"),
            ]
        )
    ]
    clusterer = StoryClusterer(settings(cluster_threshold=0.0))
    for report in reports:
        clusterer.add(report)
    story_id = clusterer.story_of("q0")
    assert story_id is not None
    state = clusterer._stories[story_id]
    assert len(state.members) == 3

    from wirebrief.cluster.online import _average_cosine

    table = clusterer._frequencies
    outsider = make_article(
        "x", ELECTION + " Rescue teams searched the region after the earthquake.", hours=4
    )
    counts = term_counts(outsider, use_entities=True)
    table.add(counts.counts)
    vector = tfidf_vector(counts, table)
    singles = [tfidf_vector(term_counts(r, use_entities=True), table) for r in reports]
    average = _average_cosine(vector, state.centroid, len(state.members))
    assert average <= max(_cosine(vector, single) for single in singles) + 1e-9


def test_windowed_frequencies_forget_the_days_that_leave_the_window() -> None:
    from datetime import UTC, datetime, timedelta

    from wirebrief.cluster.features import DocumentFrequencies

    day = datetime(2026, 3, 1, 9, tzinfo=UTC)
    windowed = DocumentFrequencies(window=timedelta(days=3))
    all_time = DocumentFrequencies()
    for n, terms in enumerate(
        [{"quake": 2.0, "malatya": 1.0}, {"quake": 1.0}, {"chips": 1.0}, {"vote": 3.0}]
    ):
        windowed.add(terms, day + timedelta(days=n))
        all_time.add(terms, day + timedelta(days=n))
    # Days 1 and 2 are in the window of day 3 (days 1-3); day 0 has left it.
    assert windowed.documents == 3 and all_time.documents == 4
    assert windowed.counts == {"quake": 1, "chips": 1, "vote": 1}
    assert "malatya" not in windowed.counts and all_time.counts["malatya"] == 1
    assert windowed.average_length == (1.0 + 1.0 + 3.0) / 3
    assert windowed.idf("malatya") == windowed.idf("never-seen") > windowed.idf("quake")
