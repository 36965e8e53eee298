"""Splitting article text into the pieces spaCy processes (no model needed)."""

from __future__ import annotations

from wirebrief.extract import segments


def test_paragraphs_keep_their_offsets() -> None:
    text = "First paragraph. Two sentences.\n\n  Second paragraph.\n\n\n"
    parts = list(segments(text))
    assert [p for _, p in parts] == ["First paragraph. Two sentences.", "  Second paragraph."]
    assert all(text[offset : offset + len(part)] == part for offset, part in parts)


def test_a_paragraph_longer_than_the_limit_is_cut_at_a_sentence_end() -> None:
    sentence = "The militia repeated its warning to foreign citizens. "
    text = sentence * 40
    parts = list(segments(text, max_chars=300))
    assert len(parts) > 1
    assert "".join(p for _, p in parts) == text
    assert all(len(p) <= 300 for _, p in parts)
    assert all(p.endswith(". ") for _, p in parts[:-1])
