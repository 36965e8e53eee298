"""The health of each reference provider: when it last succeeded and failed, and with what.

``wirebrief refresh`` records every source's outcome here, and the Enricher records a snapshot it could
not read; ``wirebrief sources`` shows it beside the date of the records in use. The file is
``data_dir/reference/provider-status.json`` (source name -> status). Only these records carry the clock;
nothing a brief cites does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wirebrief.settings import Settings

STATUS_FILE = "provider-status.json"


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    name: str
    location: str | None = None
    last_success_at: str | None = None
    last_error_at: str | None = None
    last_error: str | None = None
    records: int | None = None  # records in the last good file


def status_path(settings: Settings) -> Path:
    return settings.data_dir / "reference" / STATUS_FILE


def now_for_log() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def read_status(settings: Settings) -> dict[str, ProviderStatus]:
    """The recorded statuses; a missing or unreadable file is no record (the view says "-")."""
    path = status_path(settings)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    fields = set(ProviderStatus.__dataclass_fields__)
    return {
        str(name): ProviderStatus(
            **{k: v for k, v in row.items() if k in fields and k != "name"}, name=str(name)
        )
        for name, row in data.items()
        if isinstance(row, dict)
    }


def _write(settings: Settings, statuses: Mapping[str, ProviderStatus]) -> None:
    path = status_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = {name: {k: v for k, v in asdict(s).items() if k != "name"} for name, s in sorted(statuses.items())}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=1) + "\n", "utf-8")
    os.replace(temporary, path)


def record_success(settings: Settings, name: str, location: str, records: int, at: str) -> None:
    statuses = read_status(settings)
    old = statuses.get(name, ProviderStatus(name))
    statuses[name] = ProviderStatus(name, location, at, old.last_error_at, old.last_error, records)
    _write(settings, statuses)


def record_error(settings: Settings, name: str, location: str, problem: str, at: str) -> None:
    statuses = read_status(settings)
    old = statuses.get(name, ProviderStatus(name))
    statuses[name] = ProviderStatus(name, location, old.last_success_at, at, problem, old.records)
    _write(settings, statuses)


def as_rows(statuses: Mapping[str, ProviderStatus]) -> list[dict[str, Any]]:
    return [asdict(s) for _, s in sorted(statuses.items())]
