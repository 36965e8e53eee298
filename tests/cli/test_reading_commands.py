"""`stories`, `show` and `export` for people: full ids at any width, unique id prefixes, --json, HTML."""

from __future__ import annotations

import json

import lxml.html

from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief_cli import run_wirebrief


def _story_ids(settings: Settings) -> list[str]:
    with Store.open(settings.resolved_database_url) as store:
        return sorted(s.id for s in store.stories())


def test_stories_shows_full_ids_in_a_narrow_terminal(site_settings_sqlite: Settings) -> None:
    listed = run_wirebrief(site_settings_sqlite.data_dir, "stories", env={"COLUMNS": "50"})
    assert listed.returncode == 0, listed.stderr
    for story_id in _story_ids(site_settings_sqlite):
        assert story_id in listed.stdout


def test_stories_json_is_one_object_per_story(site_settings_sqlite: Settings) -> None:
    listed = run_wirebrief(site_settings_sqlite.data_dir, "stories", "--json")
    assert listed.returncode == 0, listed.stderr
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert sorted(line["story_id"] for line in lines) == _story_ids(site_settings_sqlite)
    assert {"reports", "first_seen", "brief_version", "categories", "title"} <= set(lines[0])


def test_show_and_export_take_a_unique_prefix(site_settings_sqlite: Settings) -> None:
    ids = _story_ids(site_settings_sqlite)
    with Store.open(site_settings_sqlite.resolved_database_url) as store:
        story_id = sorted(b.story_id for b in store.latest_briefs())[0]
    prefix = next(
        story_id[:n] for n in range(3, len(story_id)) if sum(i.startswith(story_id[:n]) for i in ids) == 1
    )
    shown = run_wirebrief(site_settings_sqlite.data_dir, "show", prefix, "--json")
    assert shown.returncode == 0, shown.stderr
    exported = (site_settings_sqlite.resolved_export_dir / f"{story_id}.json").read_text("utf-8")
    assert json.loads(shown.stdout) == json.loads(exported)

    html = run_wirebrief(site_settings_sqlite.data_dir, "export", prefix, "--format", "html")
    assert html.returncode == 0, html.stderr
    document = lxml.html.document_fromstring(html.stdout)
    brief = json.loads(exported)
    assert document.cssselect("h1")[0].text_content().startswith(brief["event_title"]["text"])
    footnotes = document.cssselect("ol.footnotes li")
    assert len(footnotes) == len(brief["sources"])
    assert all(a.get("href", "").startswith("#fn-") for a in document.cssselect("sup.fn a"))


def test_an_ambiguous_or_unknown_prefix_is_one_clear_error(site_settings_sqlite: Settings) -> None:
    ambiguous = run_wirebrief(site_settings_sqlite.data_dir, "show", "s-")
    assert ambiguous.returncode == 5
    assert ambiguous.stderr.startswith("error: story id prefix s- is ambiguous: s-")
    unknown = run_wirebrief(site_settings_sqlite.data_dir, "export", "s-zzzz")
    assert unknown.returncode == 5
    assert "no story with id s-zzzz" in unknown.stderr and "Traceback" not in unknown.stderr
