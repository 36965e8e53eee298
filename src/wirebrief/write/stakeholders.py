"""Loading the configured stakeholders (``data/stakeholders.yaml`` or ``settings.stakeholders_file``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from wirebrief.errors import ConfigError
from wirebrief.records import EntityKind, Stakeholder

_FIELDS = {"name", "description", "countries", "entity_kinds", "categories", "fact_predicates", "keywords"}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: must be a list of strings")
    return tuple(value)


def parse_stakeholders(data: Any, source: str) -> tuple[Stakeholder, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("stakeholders"), list):
        raise ConfigError(f"{source}: expected a mapping with a 'stakeholders' list")
    result: list[Stakeholder] = []
    for number, item in enumerate(data["stakeholders"], start=1):
        where = f"{source}: stakeholder {number}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ConfigError(f"{where}: needs a 'name'")
        unknown = set(item) - _FIELDS
        if unknown:
            raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        kinds = _strings(item.get("entity_kinds"), f"{where} entity_kinds")
        try:
            entity_kinds = tuple(EntityKind(k) for k in kinds)
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}; use one of {', '.join(k.value for k in EntityKind)}") from exc
        result.append(
            Stakeholder(
                name=item["name"].strip(),
                description=str(item.get("description", "")),
                countries=tuple(c.upper() for c in _strings(item.get("countries"), f"{where} countries")),
                entity_kinds=entity_kinds,
                categories=_strings(item.get("categories"), f"{where} categories"),
                fact_predicates=_strings(item.get("fact_predicates"), f"{where} fact_predicates"),
                keywords=_strings(item.get("keywords"), f"{where} keywords"),
            )
        )
    return tuple(result)


def load_stakeholders(path: Path | None = None) -> tuple[Stakeholder, ...]:
    """The stakeholders from ``path``, or the bundled list when ``path`` is None."""
    if path is None:
        text = resources.files("wirebrief").joinpath("data/stakeholders.yaml").read_text("utf-8")
        source = "bundled stakeholders.yaml"
    else:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read stakeholders file ({exc})") from exc
        source = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    return parse_stakeholders(data, source)
