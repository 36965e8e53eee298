"""`wirebrief eval …` commands: quality measurements against labelled data.

Each submodule registers its command on ``eval_app``; heavy imports stay inside the command functions
so that ``wirebrief --help`` stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

eval_app = typer.Typer(
    help="Measure quality against labelled data (clustering, classification, ...).", no_args_is_help=True
)


def load_commands() -> None:
    """Import every submodule so that its ``@eval_app.command`` registrations run."""
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")
