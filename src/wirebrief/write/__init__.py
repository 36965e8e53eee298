"""The write stage: turn a story bundle into a six-part brief whose every sentence is cited."""

from __future__ import annotations

from wirebrief.write.deterministic import DeterministicWriter, event_title
from wirebrief.write.stakeholders import load_stakeholders, parse_stakeholders
from wirebrief.write.titles import ensure_title

__all__ = ["DeterministicWriter", "ensure_title", "event_title", "load_stakeholders", "parse_stakeholders"]
