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
