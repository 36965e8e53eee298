"""Settings come from defaults, a YAML/TOML file, the environment and flags, in that rising order."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirebrief.errors import ConfigError
from wirebrief.settings import load_settings


def test_defaults_give_a_sqlite_file_in_the_data_folder() -> None:
    settings = load_settings()
    assert settings.resolved_database_url == "sqlite:///wirebrief-data/wirebrief.db"
    assert settings.resolved_export_dir == Path("wirebrief-data/exports")


def test_file_then_environment_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "wirebrief.yaml"
    config.write_text("cluster_threshold: 0.4\nmax_insights: 3\ndata_dir: from-file\n")
    assert load_settings(config).cluster_threshold == 0.4
    monkeypatch.setenv("WIREBRIEF_MAX_INSIGHTS", "5")
    settings = load_settings(config)
    assert (settings.max_insights, settings.cluster_threshold) == (5, 0.4)
    assert load_settings(config, data_dir=Path("flag")).data_dir == Path("flag")
    assert load_settings(config).data_dir == Path("from-file")


def test_toml_with_a_wirebrief_table(tmp_path: Path) -> None:
    config = tmp_path / "wirebrief.toml"
    config.write_text('[wirebrief]\nwriter = "deterministic"\nmin-independent-reports = 3\n')
    assert load_settings(config).min_independent_reports == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "cluster_threshold: [1, 2\n", "not valid YAML"),
        ("bad.toml", "writer = \n", "not valid TOML"),
        ("list.yaml", "- a\n- b\n", "must be a mapping"),
        ("range.yaml", "cluster_threshold: 7\n", "setting cluster_threshold"),
        ("unknown.yaml", "clusterthreshold: 0.3\n", "setting clusterthreshold"),
    ],
)
def test_a_bad_configuration_file_is_one_clear_error(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_settings(path)
    assert "\n" not in str(caught.value).strip()


def test_a_missing_configuration_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml: cannot read"):
        load_settings(tmp_path / "missing.yaml")
