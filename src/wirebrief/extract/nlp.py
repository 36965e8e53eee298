"""Loading the spaCy pipeline: once per process and model name, with our gazetteer ruler before ``ner``.

The statistical NER of the small English model tags "Harakat al-Nujaba" as PERSON; an ``entity_ruler``
placed before ``ner`` fixes the names we know, and ``ner`` keeps the spans the ruler set. The ruler uses
phrase patterns (the gazetteer names run through the same tokenizer) because token patterns miss how
spaCy splits "al-Nujaba" into "al", "-", "Nujaba".
"""

from __future__ import annotations

import importlib
import threading
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
