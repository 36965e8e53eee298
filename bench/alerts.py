"""Benchmark of alert matching per brief version and of webhook delivery.

    .venv/bin/python bench/alerts.py [--stories 10000] [--rules 500] [--versions 300]
        [--deliveries 300] [--json]

Rows (each the median of 3 passes). Matching and the hook are timed in CPU seconds of this process
(``time.process_time``: the machine may be shared); deliveries in wall-clock seconds (the receiver runs
in a thread of this process).

* match: µs per brief version for ``RuleSet.fire`` over ``--rules`` generated rules (categories,
  countries, entities, query words, minimum sources, advisory level, record events), with the loaders
  answered from memory: the matching itself;
* hook at N stored: µs per brief version for ``AlertHook.brief_saved`` (features, matching, the
  store look-ups of the rules that already alerted on the story and of its previous version, the
  outbox insert) on a SQLite store holding N stories with a brief and an alert each, for N = one tenth
  of ``--stories`` and ``--stories``; their ratio shows the cost does not grow with the stored stories;
* deliveries/s: ``Deliverer.run`` sending ``--deliveries`` signed webhooks one after another to a
  local receiver (``http.server`` on 127.0.0.1 answering 204), each outcome stored.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from wirebrief.alerts.deliver import Deliverer
from wirebrief.alerts.outbox import AlertHook
from wirebrief.alerts.rules import (
    PreviousVersion,
    Rule,
    RuleSet,
    WebhookChannel,
    brief_features,
    record_state,
)
from wirebrief.records import (
    Article,
    Brief,
    BriefPart,
    BriefSentence,
    CategoryScore,
    Citation,
    Entity,
    EntityKind,
    Fact,
    Story,
    StoryBundle,
    content_hash,
)
from wirebrief.settings import Settings
from wirebrief.store import Store, schema
from wirebrief.store import alerts as stored

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CATEGORIES = [f"cat-{i}" for i in range(40)]
COUNTRIES = ["IQ", "PE", "FR", "DE", "KE", "TZ", "PH", "YE", "BR", "ZA", "ES", "IT", "LY", "SD", "GH", "NL"]
WORDS = [f"word{i}" for i in range(400)]
BASE = datetime(2026, 11, 1, tzinfo=UTC)


def make_rules(count: int, rng: random.Random) -> RuleSet:
    rules = []
    for n in range(count):
        fields: dict[str, Any] = {"id": f"rule-{n}", "channels": ["hook"]}
        kind = n % 5
        if kind == 0:
            fields["categories"] = rng.sample(CATEGORIES, 2)
        elif kind == 1:
            fields["countries"] = rng.sample(COUNTRIES, 2)
        elif kind == 2:
            fields["query"] = " ".join(rng.sample(WORDS, 2))
        elif kind == 3:
            fields |= {"countries": [rng.choice(COUNTRIES)], "advisory_level": rng.randint(2, 4)}
        else:
            fields |= {"events": ["level_raised"], "entities": [f"wb:e{rng.randint(0, 99)}"]}
        fields["min_sources"] = rng.randint(1, 3)
        rules.append(Rule.model_validate(fields))
    channel = WebhookChannel(url="http://127.0.0.1:9/hook", secrets=(SECRET,))
    return RuleSet(rules, {"hook": channel})


def make_bundle(n: int, rng: random.Random) -> StoryBundle:
    country = COUNTRIES[n % len(COUNTRIES)]
    articles = tuple(
        Article(
            id=f"a-{n}-{k}",
            outlet=f"Outlet {k}",
            title=f"Story {n} report {k} " + " ".join(rng.sample(WORDS, 3)),
            text="text",
            published=BASE + timedelta(minutes=n, seconds=k),
            language="en",
            content_hash=content_hash(f"{n}-{k}"),
            source="bench",
        )
        for k in range(3)
    )
    story = Story(f"s-{n:06d}", tuple(a.id for a in articles), articles[0].published, articles[-1].published)
    fact = Fact(
        id=f"f-{country}-{n % 4}",
        subject_id=f"iso3166:{country}",
        subject_name=country,
        predicate="travel_advisory_level",
        value=str(1 + n % 4),
        issuer="bench",
        source_url="https://example.org",
        as_of=date(2026, 1, 1),
        retrieved_at=date(2026, 1, 1),
        statement=f"{country} is at level {1 + n % 4}.",
        provider="travel-advisory-us",
    )
    return StoryBundle(
        story=story,
        articles=articles,
        extractions={},
        entities={
            f"iso3166:{country}": Entity(f"iso3166:{country}", country, EntityKind.COUNTRY),
            f"wb:e{n % 100}": Entity(f"wb:e{n % 100}", f"Entity {n % 100}", EntityKind.ORGANISATION),
        },
        facts=(fact,),
        categories=tuple(CategoryScore(c, c, 0.5) for c in rng.sample(CATEGORIES, 2)),
    )


def make_brief(bundle: StoryBundle, toll: int, rng: random.Random) -> Brief:
    cite = (Citation("sentence", f"{bundle.articles[0].id}#s0"),)
    words = " ".join(rng.sample(WORDS, 12))
    return Brief.for_story(
        bundle,
        [
            BriefSentence(BriefPart.TITLE, f"Story {bundle.story.id}", cite),
            BriefSentence(BriefPart.HEADLINE, f"At least {toll} people were hurt, {words}.", cite),
            BriefSentence(
                BriefPart.INSIGHT, bundle.facts[0].statement, (Citation("fact", bundle.facts[0].id),)
            ),
        ],
        "bench",
        {},
    )


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_match(rules: RuleSet, versions: int, rng: random.Random) -> float:
    items = []
    for n in range(versions):
        bundle = make_bundle(n, rng)
        old = replace(make_brief(bundle, 10, rng), version=1)
        new = replace(make_brief(bundle, 12, rng), version=2)
        features = brief_features(
            new, bundle.entities.values(), bundle.facts, [a.title for a in bundle.articles]
        )
        previous = PreviousVersion(old, record_state(bundle.facts), bundle.fact_index())
        items.append((new, features, previous))
    passes = []
    for _ in range(3):
        start = time.process_time()
        for new, features, previous in items:
            rules.fire(new, features, alerted=lambda: {"rule-0"}, previous=lambda p=previous: p)  # type: ignore[misc]
        passes.append((time.process_time() - start) / versions * 1e6)
    return median(passes)


def fill_store(store: Store, stories: int, rng: random.Random) -> None:
    """``stories`` stories, each with a brief (version 1) and one alert event, written in bulk."""
    now = datetime.now(UTC)
    with store._writing() as connection:
        for start in range(0, stories, 1000):
            chunk = range(start, min(stories, start + 1000))
            connection.execute(
                insert(schema.stories),
                [
                    {
                        "id": f"s-{n:06d}",
                        "first_seen": BASE,
                        "last_seen": BASE,
                        "version_key": f"sv-{n}",
                        "active": True,
                    }
                    for n in chunk
                ],
            )
    with store.transaction():
        for n in range(stories):
            bundle = make_bundle(n, rng)
            store.save_facts(bundle.facts)
            brief = store.save_brief(make_brief(bundle, 10, rng))
            event = stored.AlertEvent(
                id=f"evt-fill-{n}",
                rule_id=f"rule-{n % 500}",
                story_id=bundle.story.id,
                brief_version=brief.version or 1,
                type="story.matched",
                reasons=(),
                title="",
                summary="",
                created_at=now,
                data={},
                text="",
            )
            stored.enqueue(store, event, [("hook", now + timedelta(days=365))])


def bench_hook(
    settings: Settings, rules: RuleSet, stories: int, versions: int, folder: Path
) -> tuple[float, float]:
    """(median µs per brief version, alerts enqueued per version)."""
    rng = random.Random(7)
    database = folder / f"hook-{stories}.db"
    with Store.open(f"sqlite:///{database}") as store:
        fill_store(store, stories, rng)
        hook = AlertHook(settings, rules)
        step = max(1, stories // versions)
        targets = [n * step for n in range(versions)]
        passes = []
        fired = 0
        for round_number in range(3):
            elapsed = 0.0
            for n in targets:
                bundle = make_bundle(n, rng)
                with store.transaction():
                    brief = store.save_brief(make_brief(bundle, 20 + round_number, rng))
                    start = time.process_time()
                    fired += len(hook.brief_saved(store, brief, bundle))
                    elapsed += time.process_time() - start
            passes.append(elapsed / len(targets) * 1e6)
        return median(passes), fired / (3 * len(targets))


@contextmanager
def receiver() -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def bench_delivery(settings: Settings, count: int, folder: Path) -> float:
    rng = random.Random(11)
    passes = []
    with receiver() as port:
        channel = WebhookChannel(url=f"http://127.0.0.1:{port}/hook", secrets=(SECRET,))
        rules = RuleSet([Rule.model_validate({"id": "r", "channels": ["hook"]})], {"hook": channel})
        configured = settings.model_copy(
            update={"alerts_allow_private_targets": True, "alerts_rate_limit_per_hour": 1_000_000}
        )
        for round_number in range(3):
            with Store.open(f"sqlite:///{folder / f'deliver-{round_number}.db'}") as store:
                now = datetime.now(UTC)
                with store.transaction():
                    for n in range(count):
                        bundle = make_bundle(n, rng)
                        event = stored.AlertEvent(
                            id=f"evt-{n}",
                            rule_id="r",
                            story_id=bundle.story.id,
                            brief_version=1,
                            type="story.matched",
                            reasons=("first match",),
                            title=f"Story {n}",
                            summary="Headline.",
                            created_at=now,
                            data={"headline": {"text": "x" * 2000}},
                            text="text",
                        )
                        stored.enqueue(store, event, [("hook", now)])
                start = time.perf_counter()
                report = Deliverer(configured, store, rules).run(limit=count)
                elapsed = time.perf_counter() - start
                assert report.delivered == count, report
                passes.append(count / elapsed)
    return median(passes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--versions", type=int, default=300, help="brief versions timed per pass")
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print one JSON object of the figures")
    args = parser.parse_args(argv)
    rng = random.Random(3)
    rules = make_rules(args.rules, rng)
    settings = Settings(data_dir=Path(tempfile.gettempdir()) / "wirebrief-bench-alerts")
    figures: dict[str, float | int] = {"rules": args.rules, "stories": args.stories}
    figures["match_us_per_version"] = round(bench_match(rules, args.versions, rng), 1)
    small = max(1, args.stories // 10)
    timer: Callable[[], float] = time.perf_counter
    with tempfile.TemporaryDirectory() as folder:
        started = timer()
        small_us, _ = bench_hook(settings, rules, small, args.versions, Path(folder))
        large_us, fired = bench_hook(settings, rules, args.stories, args.versions, Path(folder))
        figures[f"hook_us_per_version_at_{small}_stories"] = round(small_us, 1)
        figures[f"hook_us_per_version_at_{args.stories}_stories"] = round(large_us, 1)
        figures["alerts_enqueued_per_version"] = round(fired, 1)
        figures["hook_ratio_large_to_small"] = round(
            figures[f"hook_us_per_version_at_{args.stories}_stories"]
            / figures[f"hook_us_per_version_at_{small}_stories"],
            2,
        )
        figures["deliveries_per_s"] = round(bench_delivery(settings, args.deliveries, Path(folder)), 1)
        figures["bench_wall_s"] = round(timer() - started, 1)
    if args.json:
        print(json.dumps(figures))
        return 0
    table = Table("figure", "value", title=f"alerts: {args.rules} rules (medians of 3)")
    for name, value in figures.items():
        table.add_row(name, str(value))
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
