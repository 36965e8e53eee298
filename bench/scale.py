"""Scale benchmark: end-to-end throughput, live (batch) cost, no-input cost, Dask scale-out.

    .venv/bin/python bench/scale.py [--sizes 1000,5000] [--batch 700 --batches 4] [--stored 20000]
                                    [--extract 300] [--baseline-src DIR] [--json]

Streams come from :mod:`bench.stream` (events told by 2–6 outlets, real Multi-News text). Every figure is
measured in a fresh child process (so peak memory is that run's own), with the code under ``src/`` or,
for the rows marked *baseline*, with the code under ``--baseline-src`` (e.g. a ``git archive`` of an
earlier commit), in the same invocation, so ratios compare runs on the same machine at the same time.

* pattern A: ``run`` on one file of N reports: articles/s end to end, peak RSS (peak of the main
  process; with 2 workers each worker process adds about the spaCy pipeline's size);
* pattern B: batches of ``--batch`` reports, each ingested then briefed (``brief`` in the same process
  as a watcher would): the seconds of each brief step, the last over the first; then a ``brief`` with
  no new input (the whole CLI command, process start included);
* ``--stored N``: the no-input ``brief`` at N stored articles (ingested and clustered with
  ``min_independent_reports`` out of reach, so nothing is extracted or written: only what a no-input
  brief has to read is there);
* Dask: extraction throughput (articles/s, spaCy warmed up on every worker first) of a LocalCluster
  with 1 worker and with 2, over the same ``--extract`` articles.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from stream import generate  # noqa: E402  (a sibling script, not a package)

# Each child prints one JSON line: its figures plus its peak RSS (VmHWM, MB).
_PEAK = textwrap.dedent(
    """
    def _peak_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0
    """
)

_PATTERN_A = _PEAK + textwrap.dedent(
    """
    import json, sys, time
    from wirebrief.pipeline import run
    from wirebrief.settings import Settings
    settings = Settings(data_dir=sys.argv[1])
    start = time.perf_counter()
    summary = run(settings, [sys.argv[2]])
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "articles": summary.ingest.new_articles,
                      "briefs": summary.briefs_new_versions, "peak_mb": _peak_mb()}))
    """
)

_PATTERN_B = _PEAK + textwrap.dedent(
    """
    import json, sys, time
    from wirebrief.pipeline import Pipeline, RunSummary, ingest
    from wirebrief.settings import Settings
    from wirebrief.store import Store
    settings = Settings(data_dir=sys.argv[1])
    rows = []
    with Store.open(settings.resolved_database_url) as store:
        for path in sys.argv[2:]:
            start = time.perf_counter()
            summary = RunSummary(ingest=ingest(store, [path], settings))
            ingested = time.perf_counter()
            Pipeline(settings, store).brief_stories(summary)
            done = time.perf_counter()
            # What the written briefs are made of: a story's brief reads all its reports, so a batch whose
            # stories keep growing costs more even when the archive plays no part.
            story_articles = sum(len(store.story(b.story_id).article_ids) for b in summary.briefs)
            rows.append({"ingest_s": ingested - start, "brief_s": done - ingested,
                         "stored": store.counts()["articles"], "written": summary.briefs_new_versions,
                         "story_articles": story_articles})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)  # progress, batch by batch
    print(json.dumps({"batches": rows, "peak_mb": _peak_mb()}))
    """
)

_NO_INPUT_BRIEF = _PEAK + textwrap.dedent(
    """
    import json, sys, time
    start = time.perf_counter()
    from wirebrief.pipeline import run
    from wirebrief.settings import Settings
    settings = Settings(data_dir=sys.argv[1], **json.loads(sys.argv[2]))
    summary = run(settings, [])
    print(json.dumps({"seconds": time.perf_counter() - start, "written": summary.briefs_new_versions,
                      "peak_mb": _peak_mb()}))
    """
)

_DASK_EXTRACT = _PEAK + textwrap.dedent(
    """
    import json, sys, time
    from distributed import Client, LocalCluster
    from wirebrief.execute.tasks import ExtractJob, chunked, extract_articles
    from wirebrief.ingest import iter_reports
    from wirebrief.normalise import normalise
    from wirebrief.settings import Settings
    settings = Settings(data_dir=sys.argv[1])
    workers = int(sys.argv[3])
    articles = [normalise(raw, settings) for raw in iter_reports(sys.argv[2], on_problem=print)]
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
    with cluster, Client(cluster) as client:
        warm = ExtractJob(settings, tuple(articles[:1]))
        client.run(lambda: extract_articles(warm))  # spaCy loaded on every worker before timing
        jobs = [ExtractJob(settings, chunk) for chunk in chunked(articles, 16)]
        start = time.perf_counter()
        results = client.gather(client.map(extract_articles, jobs, pure=False))
        seconds = time.perf_counter() - start
    done = sum(len(r.extractions) for r in results)
    print(json.dumps({"seconds": seconds, "articles": done, "per_s": done / seconds}))
    """
)


def _child(code: str, src: Path, *args: str, workers: int = 1) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src), "WIREBRIEF_WORKERS": str(workers)}
    # The child's stderr (its progress, or its traceback) goes straight to ours.
    result = subprocess.run(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env, check=False
    )
    if result.returncode != 0:
        sys.exit(f"benchmark child failed (exit {result.returncode}); its stderr is above")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def pattern_a(sizes: list[int], sources: dict[str, Path], work: Path) -> list[dict[str, Any]]:
    """Each size with each code; the current code also with 2 worker processes (``workers: 2``)."""
    rows = []
    for size in sizes:
        stream = work / f"a-{size}.jsonl"
        generate(stream, size, per_day=200_000, seed=size)
        runs = [(label, src, 1) for label, src in sources.items()] + [("current", sources["current"], 2)]
        for label, src, workers in runs:
            data = work / f"a-{size}-{label}-{workers}"
            figures = _child(_PATTERN_A, src, str(data), str(stream), workers=workers)
            rows.append(
                {
                    "code": label,
                    "workers": workers,
                    "reports": size,
                    **figures,
                    "per_s": size / figures["seconds"],
                }
            )
    return rows


def pattern_b(batch: int, batches: int, sources: dict[str, Path], work: Path) -> list[dict[str, Any]]:
    stream = work / "b.jsonl"
    generate(stream, batch * batches, per_day=200_000, seed=11)
    lines = stream.read_text("utf-8").splitlines(keepends=True)
    paths = []
    for number in range(batches):
        path = work / f"b-{number}.jsonl"
        path.write_text("".join(lines[number * batch : (number + 1) * batch]), "utf-8")
        paths.append(str(path))
    rows = []
    for label, src in sources.items():
        data = work / f"b-{label}"
        figures = _child(_PATTERN_B, src, str(data), *paths)
        idle = _child(_NO_INPUT_BRIEF, src, str(data), "{}")
        first, last = figures["batches"][0]["brief_s"], figures["batches"][-1]["brief_s"]
        rows.append(
            {"code": label, **figures, "last_over_first": last / first, "no_input_brief_s": idle["seconds"]}
        )
    return rows


def stored_no_input(stored: int, sources: dict[str, Path], work: Path) -> list[dict[str, Any]]:
    stream = work / f"stored-{stored}.jsonl"
    generate(stream, stored, per_day=200_000, seed=5)
    rows = []
    out_of_reach = json.dumps({"min_independent_reports": 1_000})
    for label, src in sources.items():
        data = work / f"stored-{label}"
        subprocess.run(
            [sys.executable, "-m", "wirebrief.cli", "--data-dir", str(data), "ingest", str(stream)],
            env={**os.environ, "PYTHONPATH": str(src)},
            capture_output=True,
            check=True,
        )
        _child(_NO_INPUT_BRIEF, src, str(data), out_of_reach)  # clusters everything once
        figures = _child(_NO_INPUT_BRIEF, src, str(data), out_of_reach)
        rows.append({"code": label, "stored": stored, **figures})
    return rows


def dask_extract(count: int, src: Path, work: Path) -> list[dict[str, Any]]:
    stream = work / "dask.jsonl"
    generate(stream, count, per_day=200_000, seed=3)
    rows = [
        {"workers": n, **_child(_DASK_EXTRACT, src, str(work / "dask"), str(stream), str(n))} for n in (1, 2)
    ]
    for row in rows:
        row["ratio"] = row["per_s"] / rows[0]["per_s"]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="pattern A sizes, comma-separated ('' skips)")
    parser.add_argument("--batch", type=int, default=700)
    parser.add_argument("--batches", type=int, default=4, help="pattern B batches (0 skips)")
    parser.add_argument("--stored", type=int, default=0, help="no-input brief at this many stored (0 skips)")
    parser.add_argument("--extract", type=int, default=0, help="Dask 1 vs 2 workers on this many (0 skips)")
    parser.add_argument("--baseline-src", type=Path, help="src/ of the code to compare with")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    sources = {"current": REPO / "src"}
    if args.baseline_src:
        sources["baseline"] = args.baseline_src
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="wirebrief-scale-") as tmp:
        work = Path(tmp)
        figures: dict[str, Any] = {
            "cpus": os.cpu_count(),
            "pattern_a": pattern_a(sizes, sources, work) if sizes else [],
            "pattern_b": pattern_b(args.batch, args.batches, sources, work) if args.batches else [],
            "stored_no_input": stored_no_input(args.stored, sources, work) if args.stored else [],
            "dask_extract": dask_extract(args.extract, sources["current"], work) if args.extract else [],
        }
    if args.json:
        print(json.dumps(figures))
        return
    _print(figures)


def _print(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="pattern A: run on one file")
    for column in ("code", "workers", "reports", "seconds", "articles/s", "briefs", "peak MB"):
        table.add_column(column)
    for row in figures["pattern_a"]:
        table.add_row(
            row["code"], str(row["workers"]), str(row["reports"]), f"{row['seconds']:.1f}",
            f"{row['per_s']:.1f}", str(row["briefs"]), f"{row['peak_mb']:.0f}",
        )  # fmt: skip
    console.print(table)
    for row in figures["pattern_b"]:
        table = Table(title=f"pattern B ({row['code']}): ingest + brief per batch")
        for column in (
            "batch",
            "stored",
            "ingest s",
            "brief s",
            "briefs written",
            "their reports",
            "ms/report",
        ):
            table.add_column(column)
        for number, batch in enumerate(row["batches"], start=1):
            per_report = 1000 * batch["brief_s"] / max(1, batch["story_articles"])
            table.add_row(
                str(number), str(batch["stored"]), f"{batch['ingest_s']:.1f}", f"{batch['brief_s']:.1f}",
                str(batch["written"]), str(batch["story_articles"]), f"{per_report:.1f}",
            )  # fmt: skip
        console.print(table)
        console.print(
            f"last brief / first: {row['last_over_first']:.2f}; no-input brief (whole command): "
            f"{row['no_input_brief_s']:.2f} s; peak {row['peak_mb']:.0f} MB"
        )
    for row in figures["stored_no_input"]:
        console.print(f"no-input brief at {row['stored']} stored ({row['code']}): {row['seconds']:.2f} s")
    for row in figures["dask_extract"]:
        console.print(
            f"dask extraction, {row['workers']} worker(s): {row['per_s']:.1f} articles/s "
            f"({row['ratio']:.2f}x)"
        )


if __name__ == "__main__":
    main()
