"""The extract stage: ``Extractor(settings).extract(article) -> Extraction``.

Sentences of the article text (what briefs cite), entity mentions linked to canonical ids
(``iso3166:XX``, ``geonames:<id>``, our knowledge base ``wb:<slug>``), and quotes with their speakers.
"""

from __future__ import annotations

from wirebrief.extract.extractor import MENTION_LABELS, Extractor, segments
from wirebrief.extract.gazetteer import Gazetteer, GazetteerEntry, bundled_gazetteer, load_gazetteer
from wirebrief.extract.nlp import load_pipeline

__all__ = [
    "MENTION_LABELS",
    "Extractor",
    "Gazetteer",
    "GazetteerEntry",
    "bundled_gazetteer",
    "load_gazetteer",
    "load_pipeline",
    "segments",
]
