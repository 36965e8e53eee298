"""`wirebrief eval verifier`: the labelled set loads, the metrics are right, the command runs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from wirebrief.errors import InputError
from wirebrief.evaluation import eval_app, load_commands
from wirebrief.evaluation.verifier import (
    ERROR_TYPES,
    HALVES,
    binary_metrics,
    evaluate,
    item_group,
    item_half,
    item_records,
    parse_item,
    read_items,
)
from wirebrief.verify import Verifier


def test_metrics_on_hand_made_counts() -> None:
    # 8 supported kept, 2 supported dropped, 6 unsupported dropped, 1 unsupported kept
    gold = [True] * 10 + [False] * 7
    predicted = [True] * 8 + [False] * 2 + [False] * 6 + [True]
    metrics = binary_metrics(gold, predicted)
    assert (metrics.true_supported, metrics.false_rejected) == (8, 2)
    assert (metrics.true_rejected, metrics.false_supported) == (6, 1)
    assert metrics.precision == pytest.approx(8 / 9)
    assert metrics.recall == pytest.approx(0.8)
    assert metrics.specificity == pytest.approx(6 / 7)
    assert metrics.balanced_accuracy == pytest.approx((0.8 + 6 / 7) / 2)


def test_metrics_of_nothing_kept_are_zero_not_a_crash() -> None:
    metrics = binary_metrics([True, False], [False, False])
    assert metrics.precision == 0.0
    assert metrics.recall == 0.0
    assert metrics.specificity == 1.0
    with pytest.raises(ValueError, match="2 labels but 1 predictions"):
        binary_metrics([True, False], [True])


def test_the_bundled_set_is_large_varied_and_roughly_balanced() -> None:
    items = read_items()
    assert len(items) >= 300
    supported = sum(item.supported for item in items)
    assert 0.4 <= supported / len(items) <= 0.6
    errors = Counter(item.error for item in items)
    assert set(errors) == set(ERROR_TYPES)
    assert len({item.id for item in items}) == len(items)
    assert {c.kind for item in items for c in item.cited} == {"sentence", "fact"}


def test_the_eval_runs_on_the_bundled_set() -> None:
    items = read_items()
    result = evaluate(items, Verifier())
    assert len(result.judgements) == len(items)
    table = result.by_error()
    assert sum(count for count, _ in table.values()) == len(items)
    metrics = result.metrics
    counted = (
        metrics.true_supported + metrics.false_supported + metrics.true_rejected + metrics.false_rejected
    )
    assert counted == len(items)
    assert len(result.mistakes()) == metrics.false_supported + metrics.false_rejected
    # Far from perfect (see the report), but it must beat chance by a wide margin.
    assert metrics.balanced_accuracy > 0.7


def test_the_halves_split_by_group_and_both_are_substantial() -> None:
    items = read_items()
    halves: dict[str, set[str]] = {}
    for item in items:
        halves.setdefault(item_half(item.id), set()).add(item_group(item.id))
    assert set(halves) == set(HALVES)
    # A group (items sharing cited material) never straddles the halves.
    assert not halves["dev"] & halves["held-out"]
    for half in HALVES:
        part = [i for i in items if item_half(i.id) == half]
        assert len(part) >= 0.35 * len(items)
        assert 0.3 <= sum(i.supported for i in part) / len(part) <= 0.7
    assert item_group("v021-05") == "v021" and item_group("single") == "single"
    # The split is a pure function of the id: the same id lands in the same half every time.
    assert all(item_half(i.id) == item_half(i.id) for i in items[:20])


def test_the_halves_partition_the_result() -> None:
    items = [i for i in read_items() if i.id.startswith(("v001-", "v002-", "v003-", "v004-"))]
    result = evaluate(items, Verifier())
    parts = [result.half(h) for h in HALVES]
    assert sum(len(p.judgements) for p in parts) == len(result.judgements)
    assert {j.item.id for p in parts for j in p.judgements} == {j.item.id for j in result.judgements}


def test_item_records_resolve_and_an_extractive_copy_is_supported() -> None:
    record = {
        "id": "t1",
        "sentence": "The coast guard rescued 63 migrants south of Lampedusa.",
        "cited": [
            {
                "kind": "sentence",
                "text": "The coast guard rescued 63 migrants south of Lampedusa on Monday.",
                "outlet": "Mediterranean Post",
                "published": "2026-08-11T08:00:00Z",
            },
            {
                "kind": "fact",
                "text": "Italy is at Level 2 in the travel advisory.",
                "published": "2025-01-02",
            },
        ],
        "supported": True,
        "error": "none",
    }
    item = parse_item(record, "test")
    sentence, sentences, articles, facts = item_records(item)
    assert [c.kind for c in sentence.citations] == ["sentence", "fact"]
    (article,) = articles.values()
    assert article.outlet == "Mediterranean Post" and article.published.day == 11
    (fact,) = facts.values()
    assert fact.as_of is not None and fact.as_of.isoformat() == "2025-01-02"
    assert Verifier().check(sentence, sentences, articles, facts).supported


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not valid JSON"),
        ('{"id": "x", "sentence": "s", "cited": []}', "missing field"),
        (
            '{"id": "x", "sentence": "s", "cited": [{"kind": "sentence", "text": "t"}], "supported": true, '
            '"error": "number"}',
            "exactly when",
        ),
        (
            '{"id": "x", "sentence": "s", "cited": [{"kind": "sentence", "text": "t"}], "supported": false, '
            '"error": "typo"}',
            "unknown error type",
        ),
        (
            '{"id": "x", "sentence": "s", "cited": [{"kind": "quote", "text": "t"}], "supported": true, '
            '"error": "none"}',
            "'kind'",
        ),
    ],
)
def test_a_bad_line_is_refused_with_its_line_number(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text("\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=problem) as caught:
        read_items(path)
    assert caught.value.location == f"{path}:line 2"


def _invoke(*args: str) -> Result:
    load_commands()  # as the CLI does: every eval command registered, so "verifier" is a subcommand
    return CliRunner().invoke(eval_app, list(args))


def test_the_command_prints_the_figures_and_the_table(tmp_path: Path) -> None:
    cited = [{"kind": "sentence", "text": "Rescue teams pulled 40 survivors from the rubble in Arequipa."}]
    records = [
        {"id": "a", "sentence": "Rescue teams pulled 40 survivors from the rubble.", "cited": cited,
         "supported": True, "error": "none"},
        {"id": "b", "sentence": "Rescue teams pulled 14 survivors from the rubble.", "cited": cited,
         "supported": False, "error": "number"},
        {"id": "c", "sentence": "Rescue teams should pull more survivors from the rubble.", "cited": cited,
         "supported": False, "error": "advice"},
    ]  # fmt: skip
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = _invoke("verifier", "--data", str(path), "--show-mistakes")
    assert result.exit_code == 0, result.output
    assert "items=3" in result.output
    assert "balanced accuracy=1.0000" in result.output
    assert "precision(supported)=1.0000" in result.output
    assert "advice" in result.output and "number" in result.output
    # A row of figures for each half and one for the whole set.
    rows = {line.split()[1] for line in result.output.splitlines() if line.startswith("│")}
    assert {*HALVES, "all"} <= rows


def test_the_command_limits_the_mistakes_to_one_half(tmp_path: Path) -> None:
    cited = [{"kind": "sentence", "text": "The ferry carried 212 passengers to Skiathos on Friday."}]
    records = [
        {"id": f"g{n}-1", "sentence": "The ferry carried 21 passengers to Skiathos on Friday.",
         "cited": cited, "supported": True, "error": "none"}
        for n in range(6)
    ]  # fmt: skip
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    wanted = {r["id"] for r in records if item_half(r["id"]) == "dev"}
    result = _invoke("verifier", "--data", str(path), "--show-mistakes", "--half", "dev")
    assert result.exit_code == 0, result.output
    listed = {r["id"] for r in records if r["id"] in result.output.split("Mistakes")[-1]}
    assert listed == wanted
    refused = _invoke("verifier", "--data", str(path), "--half", "test")
    assert refused.exit_code == 2


def test_the_command_reports_a_missing_file_as_one_line(tmp_path: Path) -> None:
    result = _invoke("verifier", "--data", str(tmp_path / "absent.jsonl"))
    assert result.exit_code == InputError.exit_code
    assert "cannot read" in result.output
