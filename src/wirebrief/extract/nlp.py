"""Loading the spaCy pipeline: once per process and model name, with our gazetteer ruler before ``ner``.

The statistical NER of the small English model tags "Harakat al-Nujaba" as PERSON; an ``entity_ruler``
placed before ``ner`` fixes the names we know, and ``ner`` keeps the spans the ruler set. The ruler uses
phrase patterns (the gazetteer names run through the same tokenizer) because token patterns miss how
spaCy splits "al-Nujaba" into "al", "-", "Nujaba".
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from wirebrief.errors import ConfigError
from wirebrief.extract.gazetteer import Gazetteer, bundled_gazetteer
from wirebrief.records import EntityKind

RULER_NAME = "wirebrief_gazetteer"
KEEP_NAMES_WHOLE = "wirebrief_keep_names_whole"
_LABELS = {
    EntityKind.PERSON: "PERSON",
    EntityKind.ORGANISATION: "ORG",
    EntityKind.GROUP: "NORP",
    EntityKind.PLACE: "GPE",
    EntityKind.COUNTRY: "GPE",
}
_PIPELINES: dict[str, Any] = {}
_LOCK = threading.Lock()
# Components the extract stage runs without: they only set pos_, lemma_ and morph (and relabel
# whitespace), which no later component reads and only quote finding uses; together they cost about a
# sixth of the parse (11.6 + 1.3 of 77 CPU ms per 500-word article with en_core_web_sm, measured with
# bench/extract.py --components).
SKIPPED_IN_EXTRACTION = ("attribute_ruler", "lemmatizer")


@Language.component(KEEP_NAMES_WHOLE)
def keep_names_whole(doc: Doc) -> Doc:
    """No sentence starts inside a name the ruler found (the parser keeps preset boundaries)."""
    for ent in doc.ents:
        for token in ent[1:]:
            token.is_sent_start = False
    return doc


def name_variants(name: str) -> list[str]:
    """Spellings one name appears in: apostrophe forms (’ ' none) and a capitalised first letter
    ("al-Nujaba" opens a sentence as "Al-Nujaba")."""
    forms = {name}
    if "'" in name:
        forms |= {name.replace("'", "’"), name.replace("'", "")}
    forms |= {f[0].upper() + f[1:] for f in list(forms) if f[:1].islower()}
    return sorted(forms)


def ruler_patterns(gazetteer: Gazetteer) -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = []
    for entry in gazetteer:
        label = _LABELS[entry.kind]
        for name in (entry.name, *entry.aliases):
            patterns.extend({"label": label, "pattern": form, "id": entry.id} for form in name_variants(name))
        patterns.extend({"label": label, "pattern": acronym, "id": entry.id} for acronym in entry.acronyms)
    return patterns


def _import_model(model_name: str) -> Any:
    import spacy

    try:
        module = importlib.import_module(model_name.replace("-", "_"))
    except ModuleNotFoundError:
        try:
            return spacy.load(model_name)
        except OSError as exc:
            raise ConfigError(
                f"spaCy pipeline {model_name!r} is not installed: install its package "
                f"(e.g. `pip install {model_name.replace('_', '-')}`) or set spacy_model "
                "(WIREBRIEF_SPACY_MODEL) to an installed pipeline"
            ) from exc
    return module.load()


def load_pipeline(model_name: str, gazetteer: Gazetteer | None = None) -> Any:
    """The spaCy ``Language`` for ``model_name`` with the gazetteer ruler; loaded once per process.

    A custom ``gazetteer`` gets its own pipeline (cached by model name and gazetteer identity).
    """
    gaz = gazetteer if gazetteer is not None else bundled_gazetteer()
    key = model_name if gazetteer is None else f"{model_name}#{id(gazetteer)}"
    with _LOCK:
        nlp = _PIPELINES.get(key)
        if nlp is None:
            nlp = _import_model(model_name)
            # The ruler runs before the parser too, so that the parser can be told not to end a
            # sentence inside a known name (it split "Kata’ib | Hezbollah" once).
            first = next((p for p in ("parser", "senter", "ner") if p in nlp.pipe_names), None)
            ruler = nlp.add_pipe(
                "entity_ruler",
                name=RULER_NAME,
                before=first,
                config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True},
            )
            with nlp.select_pipes(enable=[]):
                ruler.add_patterns(ruler_patterns(gaz))
            nlp.add_pipe(KEEP_NAMES_WHOLE, after=RULER_NAME)
            _PIPELINES[key] = nlp
    return nlp


class SkippedAttributes:
    """``pos_``, ``lemma_`` and ``dep_`` of a token of a doc parsed without the ``skipped`` components,
    as those components would have set them.

    Each token is run, alone, through the skipped components with its text, tag and dependency label
    (what their rules read): ``attribute_ruler``'s one-token rules and the rule lemmatizer then give what
    the full pipeline gives. Its few two-token rules set only the lemmas of colloquial pairs ("gon na",
    "let 's") and the part of speech of "is" after an expletive "there". Answers are cached by (text, tag,
    label), so a word costs one tiny doc per process however often it occurs. (spaCy's rule lemmatizer
    caches by word and part of speech itself, so in the full pipeline too the lemma of an inflected form
    the tagger calls a base form depends on the process's past: "said" as VBP is "said" until "said" has
    been lemmatized as a past tense, "say" after.)
    """

    _MAX_CACHED = 100_000

    def __init__(self, nlp: Any, skipped: Sequence[str]) -> None:
        self._vocab = nlp.vocab
        self._components = [nlp.get_pipe(name) for name in skipped]
        self._cache: dict[tuple[str, str, str], tuple[str, str, str]] = {}

    def __call__(self, token: Any) -> tuple[str, str, str]:
        key = (token.text, token.tag_, token.dep_)
        found = self._cache.get(key)
        if found is None:
            doc = Doc(self._vocab, words=[key[0]], tags=[key[1]], deps=[key[2]] if key[2] else None)
            for component in self._components:
                doc = component(doc)
            found = (doc[0].pos_, doc[0].lemma_, doc[0].dep_)
            if len(self._cache) >= self._MAX_CACHED:
                self._cache.clear()
            self._cache[key] = found
        return found
