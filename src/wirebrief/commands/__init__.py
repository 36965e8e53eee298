"""Further `wirebrief` commands, one module per feature, each with ``register(app)``.

Keeping them out of ``wirebrief.cli`` lets a feature own its command (and its heavy imports, which
stay inside the command functions so that ``wirebrief --help`` stays fast).
"""

from __future__ import annotations

import importlib
import pkgutil

import typer


def plural(count: int, noun: str) -> str:
    """``1 report``, ``2 reports``: a count with its noun in the right number (regular plurals only)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def register_all(app: typer.Typer) -> None:
    """Import every submodule and let it add its commands to ``app``."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}").register(app)
