"""Machine-readable results shared by every ``wirebrief eval …`` command and ``bench/`` script.

* ``--json``: the figures as one JSON object on stdout, instead of the tables (which then go nowhere,
  so stdout parses as JSON);
* ``--predictions FILE``: one JSON line per scored item, ``{"id": …, "gold": …, "predicted": …}`` plus
  whatever else identifies the item (the set it belongs to, the system that predicted it), so that the
  figures can be recomputed, or another metric computed, without running the command again.

A command takes both options with the ``JsonFlag`` and ``PredictionsFile`` annotations, builds its
console with :func:`table_console` and ends with :func:`emit_figures`; see ``docs/evaluation.md``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from wirebrief.errors import InputError

JsonFlag = Annotated[
    bool,
    typer.Option("--json", help="Print the figures as one JSON object on stdout instead of the tables."),
]
PredictionsFile = Annotated[
    Path | None,
    typer.Option(
        "--predictions",
        metavar="FILE",
        help="Also write one JSON line per scored item to FILE: id, gold, predicted.",
    ),
]


def table_console(as_json: bool, **options: Any) -> Console:
    """The console for a command's tables and notes: silent under ``--json`` so stdout is JSON only."""
    return Console(quiet=as_json, **options)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: dataclasses as objects, sets and tuples as lists, paths as text,
    and NaN or infinite numbers as ``null`` (JSON has no such numbers)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return [jsonable(item) for item in sorted(value, key=str)]
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def emit_figures(figures: Mapping[str, Any]) -> None:
    """Print ``figures`` as one JSON object (one line) on stdout."""
    sys.stdout.write(json.dumps(jsonable(figures), ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()


def write_predictions(path: Path | None, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write ``rows`` as JSON lines to ``path`` (nothing when ``path`` is None); the number written.

    Each row must have ``id``, ``gold`` and ``predicted``. A file that cannot be written is an
    :class:`InputError` naming it.
    """
    if path is None:
        return 0
    written = 0
    try:
        with path.open("w", encoding="utf-8") as handle:
            for row in rows:
                missing = {"id", "gold", "predicted"} - set(row)
                if missing:
                    raise ValueError(f"a prediction row lacks {sorted(missing)}")
                handle.write(json.dumps(jsonable(row), ensure_ascii=False, allow_nan=False) + "\n")
                written += 1
    except OSError as exc:
        raise InputError(str(path), f"cannot write predictions ({exc.strerror or exc})") from exc
    return written


__all__ = ["JsonFlag", "PredictionsFile", "emit_figures", "jsonable", "table_console", "write_predictions"]
