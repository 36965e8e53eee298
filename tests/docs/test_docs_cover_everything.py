"""Documentation is part of the product: every setting and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer.main

from wirebrief.cli import app
from wirebrief.commands import register_all
from wirebrief.evaluation import load_commands
from wirebrief.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
_registered: list[bool] = []


def _commands() -> list[tuple[str, Any]]:
    load_commands()
    if not _registered:
        register_all(app)
        _registered.append(True)
    group = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    # Typer builds its commands on its own copy of click, so groups are recognised by their commands.
    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):
            for name, sub in sorted(command.commands.items()):
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", group)
    return found


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text("utf-8")
    missing = [name for name in Settings.model_fields if f"`{name}`" not in text]
    assert not missing, f"settings missing from docs/configuration.md: {missing}"


def test_every_command_and_option_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text("utf-8")
    missing = []
    for name, command in _commands():
        if f"wirebrief {name}" not in text:
            missing.append(f"wirebrief {name}")
        for param in command.params:
            for flag in getattr(param, "opts", []):
                if flag.startswith("--") and flag not in text:
                    missing.append(f"wirebrief {name} {flag}")
    assert not missing, f"missing from docs/cli.md: {missing}"


def test_every_command_has_help_text() -> None:
    for name, command in _commands():
        assert (command.help or "").strip(), f"wirebrief {name} has no --help text"


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    commands = {line.strip() for block in blocks for line in block.splitlines()}
    assert "make run" in commands and "make test" in commands
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
