"""Helpers of the alerts tests: secrets, rule files, briefs of the shared test bundle."""

from __future__ import annotations

from pathlib import Path

from wirebrief.records import Brief, BriefPart, BriefSentence, Citation, StoryBundle
from wirebrief.settings import Settings

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OLD_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"


def write_rules(path: Path, body: str) -> Path:
    path.write_text(body, "utf-8")
    return path


def brief_of(bundle: StoryBundle, *sentences: tuple[BriefPart, str, tuple[Citation, ...]]) -> Brief:
    """A brief of ``bundle`` with ``sentences`` (part, text, citations)."""
    return Brief.for_story(
        bundle,
        [BriefSentence(part, text, citations) for part, text, citations in sentences],
        "deterministic",
        {},
    )


def first_brief(bundle: StoryBundle) -> Brief:
    head = (Citation("sentence", "a-one#s3"),)
    return brief_of(
        bundle,
        (BriefPart.TITLE, "Drone attack near Ain al-Asad", head),
        (
            BriefPart.HEADLINE,
            "At least 12 people were killed in a drone attack near the Ain al-Asad base.",
            head,
        ),
        (BriefPart.INSIGHT, "The U.S. rates Iraq at Level 4.", (Citation("fact", "f-advisory-iq"),)),
    )


def with_settings(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update=changes)


def make_event(
    store: object, number: int, rule_id: str = "iraq", channels: tuple[str, ...] = ("soc",)
) -> str:
    """Enqueue a synthetic event ``number`` of ``rule_id`` for ``channels``; its id."""
    from datetime import UTC, datetime

    from wirebrief.store import alerts as stored

    event = stored.AlertEvent(
        id=f"evt-test-{rule_id}-{number:04d}",
        rule_id=rule_id,
        story_id=f"s-{number}",
        brief_version=1,
        type="story.matched",
        reasons=("first match",),
        title=f"Story {number}",
        summary=f"Headline of story {number}.",
        created_at=datetime.now(UTC),
        data={"story_id": f"s-{number}", "headline": {"text": f"Headline of story {number}."}},
        text=f"Story {number}\n\nHeadline of story {number}.\n",
    )
    now = datetime.now(UTC)
    stored.enqueue(store, event, [(c, now) for c in channels])  # type: ignore[arg-type]
    return event.id
