"""Keyword matching: lemmas, longest match, exact-case entries."""

from __future__ import annotations

from wirebrief.classify.lexicon import Lexicon, tokenize


def test_inflections_match_their_lemma() -> None:
    lexicon = Lexicon({"business": {"profit": 3.0}})
    hits = lexicon.match(tokenize("Profits rose; the profit beat forecasts."))
    assert [h.surface for h in hits] == ["Profits", "profit"]


def test_longest_entry_wins_and_consumes_its_words() -> None:
    lexicon = Lexicon({"labour": {"labour": 2.0, "labour shortage": 3.0}, "politics": {"Labour Party": 3.0}})
    hits = lexicon.match(tokenize("A labour shortage worries the Labour Party."))
    assert [(h.entry, sorted(h.weights)) for h in hits] == [
        ("labour shortage", ["labour"]),
        ("Labour Party", ["politics"]),
    ]


def test_exact_case_entry_beats_folded_entry_of_equal_length() -> None:
    lexicon = Lexicon({"humanitarian": {"aid": 2.0}, "health": {"AIDS": 3.0}})
    assert [sorted(h.weights) for h in lexicon.match(tokenize("AIDS"))] == [["health"]]
    assert [sorted(h.weights) for h in lexicon.match(tokenize("food aids"))] == [["humanitarian"]]


def test_hyphenated_and_spaced_forms_match_alike() -> None:
    lexicon = Lexicon({"war": {"cease-fire": 3.0}})
    assert len(lexicon.match(tokenize("a cease fire and a cease-fire"))) == 2


def test_authorities_are_not_authors() -> None:
    lexicon = Lexicon({"arts": {"author": 2.0}})
    assert lexicon.match(tokenize("The authorities said")) == []
