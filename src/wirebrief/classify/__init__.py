"""Classify stage: score reports and stories against wirebrief's category taxonomy.

``Classifier(settings).classify(title, text)`` gives every category at or above the threshold with its
score, IPTC Media Topics and evidence; ``aggregate(per_article)`` gives a story's categories;
``Classifier.explain`` shows the keywords and sentence behind the top scores. The taxonomy itself
(slugs, definitions, examples, IPTC codes, lexicons) is documented in ``docs/taxonomy.md``.
"""

from __future__ import annotations

from wirebrief.classify.classifier import CategoryExplanation, Classifier, TermEvidence, aggregate
from wirebrief.classify.taxonomy import Category, Taxonomy, load_taxonomy

__all__ = [
    "Category",
    "CategoryExplanation",
    "Classifier",
    "Taxonomy",
    "TermEvidence",
    "aggregate",
    "load_taxonomy",
]
