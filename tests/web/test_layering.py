"""Arrows point down: the store imports only records, errors and settings (and itself); the web's read
side (pages, API, feeds) reaches the store and publish, never another stage's internals."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "wirebrief"


def _wirebrief_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wirebrief"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("wirebrief"))
    return found


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("path", sorted((SRC / "store").rglob("*.py")), ids=lambda p: p.name)
def test_the_store_imports_only_the_ground_floor(path: Path) -> None:
    allowed = {"records", "errors", "settings", "store"}
    assert {_top(m) for m in _wirebrief_imports(path)} <= allowed


@pytest.mark.parametrize("name", ["app.py", "api.py", "pages.py", "feeds.py", "common.py", "state.py"])
def test_the_web_read_side_uses_store_and_publish_only(name: str) -> None:
    allowed = {"", "records", "errors", "settings", "store", "publish", "web"}
    assert {_top(m) for m in _wirebrief_imports(SRC / "web" / name)} <= allowed


@pytest.mark.parametrize("path", sorted((SRC / "publish").rglob("*.py")), ids=lambda p: p.name)
def test_publish_does_not_reach_up_into_web(path: Path) -> None:
    assert not {m for m in _wirebrief_imports(path) if _top(m) in ("web", "commands", "pipeline")}


def test_the_alerts_page_reads_rules_through_their_loader_and_the_store() -> None:
    # The alerts page may load the rules (alerts.outbox.load_rules, alerts.rules' types) and read
    # store/alerts.py; nothing else of the alerts stage (no delivery, no webhook or mail code).
    found = _wirebrief_imports(SRC / "web" / "alerts_pages.py")
    alerts = {m for m in found if _top(m) == "alerts"}
    assert alerts <= {"wirebrief.alerts.outbox", "wirebrief.alerts.rules"}
    assert {_top(m) for m in found} <= {"errors", "settings", "store", "web", "alerts"}
