"""Print the settings table of docs/configuration.md from the Settings model (run after adding a setting)."""

from __future__ import annotations

from wirebrief.settings import Settings


def main() -> None:
    print("| setting | environment variable | default | meaning |")
    print("|---|---|---|---|")
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if isinstance(default, tuple):
            shown = ", ".join(map(str, default)) or "(none)"
        elif isinstance(default, dict):
            shown = "(built-in mapping)" if default else "(none)"
        else:
            shown = "(none)" if default is None else str(default)
        description = (field.description or "").replace("|", "/")
        print(f"| `{name}` | `WIREBRIEF_{name.upper()}` | `{shown}` | {description} |")


if __name__ == "__main__":
    main()
