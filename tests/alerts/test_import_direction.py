"""Arrows point down: only the orchestration (pipeline), the commands and the web app import
``wirebrief.alerts``; ``wirebrief.alerts`` imports neither the web app nor the commands."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "wirebrief"
MAY_IMPORT_ALERTS = ("alerts/", "commands/", "web/", "pipeline.py")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_only_orchestration_commands_and_web_import_alerts() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(MAY_IMPORT_ALERTS):
            continue
        if any(m == "wirebrief.alerts" or m.startswith("wirebrief.alerts.") for m in imported_modules(path)):
            offenders.append(relative)
    assert offenders == []


def test_alerts_import_no_web_and_no_commands() -> None:
    for path in sorted((SRC / "alerts").rglob("*.py")):
        modules = imported_modules(path)
        assert not [m for m in modules if m.startswith(("wirebrief.web", "wirebrief.commands"))], path
