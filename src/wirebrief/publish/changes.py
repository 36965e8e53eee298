"""What changed between two versions of a story's brief ("what changed since the last brief").

Pure functions over two :class:`~wirebrief.records.Brief` versions and the store's records (the
story's articles and the facts the briefs cite); :func:`load_brief_changes` gathers those from a store.

*New reports*: where the store holds the membership of both story versions the briefs were written
from (schema revision 0003 onwards), they are exactly the reports that joined between the two, late
arrivals with an older publication time included, and the reports that left are listed too. For
versions written before memberships were stored, the new reports fall back to the story's current
reports published after the older brief's ``as_of`` and up to the newer brief's ``as_of`` (a late or
departed report is then missed; ``membership_stored`` says which way they were found).

*Changed figures* is a deliberately simple comparison: sentences of the same brief part are paired
when their wording with the numbers masked is nearly the same (``difflib`` ratio ≥
``SENTENCE_MATCH_RATIO``) and their numbers differ; a fact whose subject and predicate are cited by
both briefs with different values is listed too. Figures that appear in reworded sentences are not
compared (a pairing by number position would invent changes).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Final

from wirebrief.errors import NotFoundError
from wirebrief.records import Article, Brief, BriefSentence, CategoryScore, Fact

if TYPE_CHECKING:
    from wirebrief.store import Store

# Masked wording this similar counts as "the same sentence" (0.8: a word or two may differ).
SENTENCE_MATCH_RATIO: Final = 0.8

# A figure: digits with thousands separators or a decimal part, and an optional percent sign; not
# part of a word ("COVID-19", "G7").
_FIGURE: Final = re.compile(r"(?<![\w.-])\d+(?:[.,]\d+)*(?:\s?%)?")


@dataclass(frozen=True, slots=True)
class NewReport:
    article_id: str
    outlet: str
    title: str
    published: datetime

    @classmethod
    def of(cls, article: Article) -> NewReport:
        return cls(
            article_id=article.id, outlet=article.outlet, title=article.title, published=article.published
        )


@dataclass(frozen=True, slots=True)
class MembershipChange:
    """Reports that joined and left a story between one of its versions and a later membership."""

    since_version: str  # the older story version key
    joined: tuple[NewReport, ...]
    left: tuple[NewReport, ...]


@dataclass(frozen=True, slots=True)
class FactChange:
    fact_id: str
    statement: str  # the fact's statement; its id when the fact is no longer stored


@dataclass(frozen=True, slots=True)
class FigureChange:
    """Numbers that differ in two versions of one statement (a brief sentence, or a fact)."""

    where: str  # the brief part ("key facts") or "fact <predicate>"
    old_text: str
    new_text: str
    old_figures: tuple[str, ...]
    new_figures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BriefChanges:
    story_id: str
    from_version: int
    to_version: int
    from_story_version: str
    to_story_version: str
    from_report_count: int
    to_report_count: int
    new_reports: tuple[NewReport, ...]
    new_facts: tuple[FactChange, ...]
    removed_facts: tuple[FactChange, ...]
    changed_figures: tuple[FigureChange, ...]
    new_categories: tuple[CategoryScore, ...]
    removed_categories: tuple[CategoryScore, ...]
    left_reports: tuple[NewReport, ...] = ()
    # True when new/left reports come from the stored memberships, False for the publication-time
    # fallback (story versions recorded before memberships were stored).
    membership_stored: bool = False

    @property
    def story_changed(self) -> bool:
        return self.from_story_version != self.to_story_version

    @property
    def has_changes(self) -> bool:
        return bool(
            self.new_reports
            or self.left_reports
            or self.new_facts
            or self.removed_facts
            or self.changed_figures
            or self.new_categories
            or self.removed_categories
        )


def figures(text: str) -> tuple[str, ...]:
    """The numbers in ``text``, in order ("12", "1,200", "3.5 %")."""
    return tuple(match.group().replace(" ", "") for match in _FIGURE.finditer(text))


def _masked(text: str) -> str:
    return _FIGURE.sub("#", text.lower())


def cited_fact_ids(brief: Brief) -> tuple[str, ...]:
    """Ids of the facts ``brief`` cites, in first-citation order."""
    seen: dict[str, None] = {}
    for sentence in brief.sentences:
        for citation in sentence.citations:
            if citation.kind == "fact":
                seen.setdefault(citation.ref)
    return tuple(seen)


def new_reports(old: Brief, new: Brief, articles: Iterable[Article]) -> tuple[NewReport, ...]:
    """The story's reports published after ``old.as_of`` and up to ``new.as_of``, oldest first."""
    found = [NewReport.of(a) for a in articles if old.as_of < a.published <= new.as_of]
    return tuple(sorted(found, key=lambda r: (r.published, r.article_id)))


def fact_changes(
    old: Brief, new: Brief, facts: Mapping[str, Fact]
) -> tuple[tuple[FactChange, ...], tuple[FactChange, ...]]:
    """(facts cited by ``new`` only, facts cited by ``old`` only), in citation order."""
    old_ids, new_ids = cited_fact_ids(old), cited_fact_ids(new)

    def described(fact_id: str) -> FactChange:
        fact = facts.get(fact_id)
        return FactChange(fact_id, fact.statement if fact is not None else fact_id)

    added = tuple(described(i) for i in new_ids if i not in set(old_ids))
    removed = tuple(described(i) for i in old_ids if i not in set(new_ids))
    return added, removed


def _sentence_figure_changes(
    old_sentences: Sequence[BriefSentence], new_sentences: Sequence[BriefSentence]
) -> list[FigureChange]:
    changes: list[FigureChange] = []
    old_texts = {s.text for s in old_sentences}
    unmatched_old = [s for s in old_sentences if figures(s.text)]
    for sentence in new_sentences:
        new_figures = figures(sentence.text)
        if not new_figures or sentence.text in old_texts:
            continue
        masked = _masked(sentence.text)
        best: BriefSentence | None = None
        best_ratio = SENTENCE_MATCH_RATIO
        for candidate in unmatched_old:
            if candidate.part != sentence.part:
                continue
            ratio = difflib.SequenceMatcher(None, _masked(candidate.text), masked).ratio()
            if ratio >= best_ratio:
                best, best_ratio = candidate, ratio
        if best is None:
            continue
        unmatched_old.remove(best)
        old_figures = figures(best.text)
        if old_figures != new_figures:
            changes.append(
                FigureChange(
                    where=str(sentence.part.value),
                    old_text=best.text,
                    new_text=sentence.text,
                    old_figures=old_figures,
                    new_figures=new_figures,
                )
            )
    return changes


def _fact_value_changes(old: Brief, new: Brief, facts: Mapping[str, Fact]) -> list[FigureChange]:
    def by_claim(brief: Brief) -> dict[tuple[str, str], Fact]:
        found: dict[tuple[str, str], Fact] = {}
        for fact_id in cited_fact_ids(brief):
            fact = facts.get(fact_id)
            if fact is not None:
                found.setdefault((fact.subject_id, fact.predicate), fact)
        return found

    old_claims, new_claims = by_claim(old), by_claim(new)
    changes: list[FigureChange] = []
    for claim, new_fact in new_claims.items():
        old_fact = old_claims.get(claim)
        if old_fact is not None and old_fact.value != new_fact.value:
            changes.append(
                FigureChange(
                    where=f"fact {new_fact.predicate}",
                    old_text=old_fact.statement,
                    new_text=new_fact.statement,
                    old_figures=(old_fact.value,),
                    new_figures=(new_fact.value,),
                )
            )
    return changes


def _count_changes(old: Brief, new: Brief, already: Sequence[FigureChange]) -> list[FigureChange]:
    """Counts (the dead, the injured, the rescued …) that both briefs give with different numbers,
    however the sentences giving them are worded: a toll that rose from 12 to 17 between two versions
    is a changed figure even when the new version tells it in a new sentence."""
    from wirebrief.write.select import measured_figures  # the writer's reading of counts

    def counts(brief: Brief) -> dict[str, tuple[set[str], str]]:
        found: dict[str, tuple[set[str], str]] = {}
        for sentence in brief.sentences:
            for measure, numbers in measured_figures(sentence.text).items():
                seen, first = found.get(measure, (set(), sentence.text))
                found[measure] = (seen | numbers, first)
        return found

    def plain(numbers: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(n.replace(",", "") for n in numbers))

    reported = {(plain(c.old_figures), plain(c.new_figures)) for c in already}
    old_counts, new_counts = counts(old), counts(new)
    changes: list[FigureChange] = []
    for measure, (numbers, text) in sorted(new_counts.items()):
        if measure not in old_counts or old_counts[measure][0] == numbers:
            continue
        old_numbers, old_text = old_counts[measure]
        old_figures = tuple(sorted(old_numbers, key=int))
        new_figures = tuple(sorted(numbers, key=int))
        if (plain(old_figures), plain(new_figures)) in reported:
            continue
        changes.append(
            FigureChange(
                where=f"{measure} count",
                old_text=old_text,
                new_text=text,
                old_figures=old_figures,
                new_figures=new_figures,
            )
        )
    return changes


def figure_changes(old: Brief, new: Brief, facts: Mapping[str, Fact]) -> tuple[FigureChange, ...]:
    """Numbers that changed in paired sentences of the two briefs, counts the two give differently,
    and cited facts with new values."""
    paired = _sentence_figure_changes(old.sentences, new.sentences)
    return tuple(paired + _count_changes(old, new, paired) + _fact_value_changes(old, new, facts))


def category_changes(old: Brief, new: Brief) -> tuple[tuple[CategoryScore, ...], tuple[CategoryScore, ...]]:
    """(categories of ``new`` only, categories of ``old`` only), compared by slug."""
    old_slugs = {c.slug for c in old.categories}
    new_slugs = {c.slug for c in new.categories}
    return (
        tuple(c for c in new.categories if c.slug not in old_slugs),
        tuple(c for c in old.categories if c.slug not in new_slugs),
    )


def compare_briefs(
    old: Brief, new: Brief, *, articles: Iterable[Article], facts: Mapping[str, Fact]
) -> BriefChanges:
    """Everything that changed from ``old`` to ``new`` (two stored versions of one story's brief).

    ``articles`` are the story's reports (at least those published after ``old.as_of``); ``facts``
    holds the facts either brief cites, by id (a missing one is shown by its id).
    """
    if old.story_id != new.story_id:
        raise ValueError(f"briefs of two stories: {old.story_id} and {new.story_id}")
    if old.version is None or new.version is None:
        raise ValueError("compare stored briefs (their version is set)")
    added_facts, removed_facts = fact_changes(old, new, facts)
    added_categories, removed_categories = category_changes(old, new)
    return BriefChanges(
        story_id=new.story_id,
        from_version=old.version,
        to_version=new.version,
        from_story_version=old.story_version,
        to_story_version=new.story_version,
        from_report_count=old.report_count,
        to_report_count=new.report_count,
        new_reports=new_reports(old, new, articles),
        new_facts=added_facts,
        removed_facts=removed_facts,
        changed_figures=figure_changes(old, new, facts),
        new_categories=added_categories,
        removed_categories=removed_categories,
    )


def choose_versions(versions: Sequence[int], start: int | None, end: int | None) -> tuple[int, int] | None:
    """The (from, to) versions to compare: by default the latest two; None when there is only one.

    Raises :class:`NotFoundError` for a version that is not stored, and ``ValueError`` when ``start``
    is not older than ``end``.
    """
    for wanted in (start, end):
        if wanted is not None and wanted not in versions:
            raise NotFoundError(f"no brief version {wanted} (stored: {', '.join(map(str, versions))})")
    to_version = end if end is not None else versions[-1]
    if start is None:
        older = [v for v in versions if v < to_version]
        if not older:
            return None
        start = older[-1]
    if start >= to_version:
        raise ValueError(f"--from {start} must be older than --to {to_version}")
    return start, to_version


def load_brief_changes(store: Store, story_id: str, start: int, end: int) -> BriefChanges:
    """Compare two stored brief versions of ``story_id`` with the store's articles and facts."""
    old, new = store.brief(story_id, start), store.brief(story_id, end)
    if old is None or new is None:
        raise NotFoundError(f"story {story_id} has no brief version {start if old is None else end}")
    story = store.story(story_id)
    articles = store.articles(list(story.article_ids)) if story is not None else []
    fact_ids = sorted(set(cited_fact_ids(old)) | set(cited_fact_ids(new)))
    facts = {f.id: f for f in store.facts(fact_ids)} if fact_ids else {}
    changes = compare_briefs(old, new, articles=articles, facts=facts)
    after = store.story_version(story_id, new.story_version)
    between = (
        membership_change(store, story_id, old.story_version, after.article_ids)
        if after is not None and after.article_ids is not None
        else None
    )
    if between is None:
        return changes
    return replace(changes, new_reports=between.joined, left_reports=between.left, membership_stored=True)


def reports_by_id(store: Store, article_ids: Iterable[str]) -> dict[str, NewReport]:
    """The stored reports of ``article_ids`` (those that exist), by id."""
    return {a.id: NewReport.of(a) for a in store.articles(sorted(set(article_ids)))}


def membership_change(
    store: Store, story_id: str, since_version: str, article_ids: Sequence[str]
) -> MembershipChange | None:
    """The reports in ``article_ids`` that were not in story version ``since_version``, and those that
    were and are not, oldest first; None when that version's membership is not stored (an older
    database)."""
    version = store.story_version(story_id, since_version)
    if version is None or version.article_ids is None:
        return None
    before, after = set(version.article_ids), set(article_ids)
    reports = reports_by_id(store, before ^ after)

    def in_time_order(ids: set[str]) -> tuple[NewReport, ...]:
        found = (reports[i] for i in ids if i in reports)
        return tuple(sorted(found, key=lambda r: (r.published, r.article_id)))

    return MembershipChange(
        since_version, joined=in_time_order(after - before), left=in_time_order(before - after)
    )
