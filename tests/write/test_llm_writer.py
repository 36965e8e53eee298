"""The LLM writer against a real chat-completions server on 127.0.0.1: every failure keeps the brief."""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from llm_chat_server import Reply, answer, chat_server

from spacy_model import parse as _parse
from wirebrief.errors import ConfigError
from wirebrief.records import Brief, BriefPart, StoryBundle
from wirebrief.settings import Settings
from wirebrief.write import DeterministicWriter, load_stakeholders
from wirebrief.write.llm import LLMWriter, build_prompt, parse_answer


def _s(text: str, *aliases: str) -> dict[str, Any]:
    return {"text": text, "citations": list(aliases)}


# The aliases the prompt gives the conftest bundle's items (checked in test_prompt_lists_every_item).
THREAT = "An Iraqi militia threatened US citizens in Iraq on Tuesday after warnings of a strike on Iran."
TARGETS = "Harakat al-Nujaba said American citizens would become targets if the strike went ahead."
URGED = "Officials in Baghdad urged the militias to stay out of the conflict."
KILLED = (
    "Meridian Wire reported that at least 12 people were killed in a drone attack near the Ain al-Asad base."
)
BACKED = (
    "The Iran-backed Harakat al-Nujaba warned on Tuesday that US citizens in Iraq were legitimate targets."
)
HOSPITAL = "The drone attack near the Ain al-Asad base killed 15 people, according to a local hospital."
GOOD: dict[str, Any] = {
    "event_title": _s("Iraqi militia threatens US citizens", "S1"),
    "headline": _s("Iraqi militia threatens US citizens over strike warning", "S1"),
    "article": [[_s(THREAT, "S2"), _s(TARGETS, "S3")], [_s(URGED, "S8"), _s(KILLED, "S5")]],
    "insights": [_s('The U.S. Department of State rates Iraq at Level 4, "Do Not Travel".', "F1")],
    "stakeholders": [
        {"name": "Travellers", "sentences": [_s(BACKED, "S7")]},
        {"name": "Humanitarian organisations", "sentences": [_s(HOSPITAL, "S9")]},
    ],
}
GOOD_SENTENCE_COUNT = 9


def _settings(tmp_path: Path, base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "llm_base_url": base_url,
        "llm_model": "test-model",
        "llm_timeout_s": 5.0,
        "llm_max_retries": 2,
        "llm_retry_base_s": 0.01,
    }
    values.update(overrides)
    return Settings(**values)


def _writer(settings: Settings) -> LLMWriter:
    stakeholders = load_stakeholders()
    return LLMWriter(settings, stakeholders, DeterministicWriter(settings, stakeholders, parse=_parse))


def _with_article_sentence(text: str, citations: list[str]) -> dict[str, Any]:
    reply = copy.deepcopy(GOOD)
    reply["article"][1].append({"text": text, "citations": citations})
    return reply


def _texts(brief: Brief) -> list[str]:
    return [s.text for s in brief.sentences]


def _assert_fallback(brief: Brief, reason_part: str) -> None:
    assert brief.writer.startswith("deterministic (fallback from llm: "), brief.writer
    assert reason_part in brief.metadata["fallback_reason"], brief.metadata["fallback_reason"]
    # The fallback is a whole brief: a title, a headline and an article.
    assert brief.title and brief.headline and brief.part(BriefPart.ARTICLE)


def test_prompt_lists_every_item_under_its_alias(bundle: StoryBundle, tmp_path: Path) -> None:
    prompt = build_prompt(bundle, load_stakeholders(), Settings(data_dir=tmp_path))
    assert prompt.alias_of("a-one#title") == "S1"
    assert prompt.alias_of("a-one#s0") == "S2"
    assert prompt.alias_of("a-two#s1") == "S8"
    assert prompt.alias_of("f-advisory-iq") == "F1"
    user = prompt.messages[1]["content"]
    assert "[S9] The drone attack near the Ain al-Asad base killed 15 people" in user
    assert prompt.omitted_sentences == 0


def test_prompt_stays_within_its_token_budget_leading_sentences_first(
    bundle: StoryBundle, tmp_path: Path
) -> None:
    full = build_prompt(bundle, load_stakeholders(), Settings(data_dir=tmp_path))
    budget = full.estimated_tokens - 30
    prompt = build_prompt(
        bundle, load_stakeholders(), Settings(data_dir=tmp_path, llm_max_prompt_tokens=budget)
    )
    assert prompt.estimated_tokens <= budget
    assert prompt.omitted_sentences > 0
    shown = {c.ref for c in prompt.aliases.values()}
    # the lead sentence of each report survives before any later sentence
    assert {"a-one#s0", "a-two#s0"} <= shown
    assert "a-one#s3" not in shown


def test_a_good_answer_becomes_a_verified_llm_brief(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(answer(GOOD, prompt_tokens=812, completion_tokens=420)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
    assert brief.writer == "llm:test-model"
    assert brief.title == "Iraqi militia threatens US citizens"
    assert len(brief.sentences) == GOOD_SENTENCE_COUNT
    assert brief.support is not None and not brief.support.dropped
    assert {s.stakeholder for s in brief.part(BriefPart.STAKEHOLDER)} == {
        "Travellers",
        "Humanitarian organisations",
    }
    assert [s.paragraph for s in brief.part(BriefPart.ARTICLE)] == [0, 0, 1, 1]
    assert brief.part(BriefPart.INSIGHT)[0].citations[0].ref == "f-advisory-iq"
    meta = brief.metadata
    assert (meta["llm_prompt_tokens"], meta["llm_completion_tokens"]) == ("812", "420")
    assert (meta["llm_attempts"], meta["llm_cache_hit"], meta["llm_reasks"]) == ("1", "false", "0")
    assert "fallback_reason" not in meta
    sent = server.requests[0]
    assert sent["model"] == "test-model"
    assert sent["temperature"] == 0
    assert "[S2] An Iraqi militia threatened" in sent["messages"][1]["content"]


def test_a_timeout_is_retried_then_falls_back(bundle: StoryBundle, tmp_path: Path) -> None:
    slow = Reply(200, json.dumps(GOOD), delay_s=2.0)
    with chat_server(slow, slow) as server:
        settings = _settings(tmp_path, server.base_url, llm_timeout_s=0.3, llm_max_retries=1)
        brief = _writer(settings).write(bundle)
        assert server.request_count == 2
    _assert_fallback(brief, "timed out")
    assert brief.metadata["llm_attempts"] == "2"


def test_http_429_is_retried_and_then_succeeds(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(Reply(429, "rate limited"), answer(GOOD)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
        assert server.request_count == 2
    assert brief.writer == "llm:test-model"
    assert brief.metadata["llm_attempts"] == "2"
    assert "HTTP 429" in brief.metadata["llm_notes"]


def test_http_500_every_time_falls_back_after_bounded_retries(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(*[Reply(500, "boom")] * 5) as server:
        brief = _writer(_settings(tmp_path, server.base_url, llm_max_retries=2)).write(bundle)
        assert server.request_count == 3
    _assert_fallback(brief, "HTTP 500")


def test_http_400_is_not_retried(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(Reply(400, "bad request"), answer(GOOD)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
        assert server.request_count == 1
    _assert_fallback(brief, "HTTP 400")


def test_invalid_json_is_re_asked_once(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(answer('{"event_title": {"text": "Iraqi militia'), answer(GOOD)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
        assert server.request_count == 2
        reask = server.requests[1]["messages"]
    assert brief.writer == "llm:test-model"
    assert brief.metadata["llm_reasks"] == "1"
    assert reask[-2]["role"] == "assistant"
    assert "not valid JSON" in reask[-1]["content"]


def test_json_fenced_in_markdown_is_accepted(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(answer("```json\n" + json.dumps(GOOD) + "\n```")) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
    assert brief.writer == "llm:test-model"


def test_json_missing_fields_twice_falls_back(bundle: StoryBundle, tmp_path: Path) -> None:
    incomplete = {k: v for k, v in GOOD.items() if k != "headline"}
    with chat_server(answer(incomplete), answer(incomplete)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
        assert server.request_count == 2
        assert "headline: missing" in server.requests[1]["messages"][-1]["content"]
    _assert_fallback(brief, "headline: missing")
    assert brief.metadata["llm_reasks"] == "1"


def test_citations_to_unknown_ids_are_dropped_and_so_is_a_sentence_left_without(
    bundle: StoryBundle, tmp_path: Path
) -> None:
    reply = copy.deepcopy(GOOD)
    reply["article"][0][0]["citations"] = ["S99", "S2", "a-one#s0"]  # one known alias, two unknown ids
    reply["article"][1].append(
        {"text": "Officials in Baghdad urged the militias to stay out.", "citations": ["S42"]}
    )
    with chat_server(answer(reply)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
    assert brief.writer == "llm:test-model"
    first = brief.part(BriefPart.ARTICLE)[0]
    assert [c.ref for c in first.citations] == ["a-one#s0"]
    assert "Officials in Baghdad urged the militias to stay out." not in _texts(brief)
    assert brief.metadata["llm_dropped_citations"] == "3"
    assert brief.metadata["llm_uncited_sentences"] == "1"


@pytest.mark.parametrize(
    ("bad_sentence", "citations", "reason"),
    [
        ("The government must carefully consider its actions.", ["S2", "S8"], "adds advice or obligation"),
        (
            "At least 21 people were killed in a drone attack near the Ain al-Asad base on Monday.",
            ["S5"],
            "number 21",
        ),
        ("Officials in Baghdad did not urge the militias to stay out of the conflict.", ["S8"], "negation"),
        (
            'Colonel Rana Haddad said American citizens would "become targets if the strike went ahead".',
            ["S3"],
            "name 'Colonel'",
        ),
    ],
    ids=["fluent-advice", "wrong-number", "flipped-negation", "misattributed-quote"],
)
def test_an_unsupported_sentence_is_dropped_and_the_rest_published(
    bundle: StoryBundle, tmp_path: Path, bad_sentence: str, citations: list[str], reason: str
) -> None:
    with chat_server(answer(_with_article_sentence(bad_sentence, citations))) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
    assert brief.writer == "llm:test-model"
    assert bad_sentence not in _texts(brief)
    assert len(brief.sentences) == GOOD_SENTENCE_COUNT
    assert brief.support is not None
    (dropped,) = brief.support.dropped
    assert dropped.sentence.text == bad_sentence
    assert any(reason in r for r in dropped.reasons), dropped.reasons
    assert brief.metadata["llm_supported"] == str(GOOD_SENTENCE_COUNT)


def test_too_few_supported_sentences_falls_back(bundle: StoryBundle, tmp_path: Path) -> None:
    reply = copy.deepcopy(GOOD)
    reply["article"] = [
        [{"text": "The government must act now to protect 400 citizens.", "citations": ["S2"]}]
    ]
    reply["insights"] = [{"text": "A wider war is likely within weeks.", "citations": ["S3"]}]
    reply["stakeholders"] = [
        {
            "name": "Travellers",
            "sentences": [{"text": "Tourists should leave Iraq at once.", "citations": ["F1"]}],
        }
    ]
    with chat_server(answer(reply)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
    _assert_fallback(brief, "only 2 of 5 sentences (40%) were supported")


def test_an_unsupported_title_falls_back(bundle: StoryBundle, tmp_path: Path) -> None:
    reply = copy.deepcopy(GOOD)
    reply["event_title"] = {"text": "Iraqi militia attacks US embassy", "citations": ["S1"]}
    with chat_server(answer(reply)) as server:
        brief = _writer(_settings(tmp_path, server.base_url)).write(bundle)
    _assert_fallback(brief, "event title")


def test_the_cache_answers_an_unchanged_story_without_a_request(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(answer(GOOD), answer(GOOD)) as server:
        settings = _settings(tmp_path, server.base_url)
        first = _writer(settings).write(bundle)
        second = _writer(settings).write(bundle)  # a new writer: the cache is on disk, not in memory
        assert server.request_count == 1
    assert first.metadata["llm_cache_hit"] == "false"
    assert second.metadata["llm_cache_hit"] == "true"
    assert second.metadata["llm_attempts"] == "0"
    assert second.metadata["llm_prompt_tokens"] == "0"
    assert first.sentences == second.sentences
    assert len(list((tmp_path / "llm-cache").glob("*.json"))) == 1


def test_a_failed_answer_is_not_cached(bundle: StoryBundle, tmp_path: Path) -> None:
    with chat_server(answer("not json"), answer("still not json"), answer(GOOD)) as server:
        settings = _settings(tmp_path, server.base_url)
        first = _writer(settings).write(bundle)
        second = _writer(settings).write(bundle)
        assert server.request_count == 3
    assert first.writer.startswith("deterministic (fallback")
    assert second.writer == "llm:test-model"


def test_the_answer_contract_rejects_a_non_object() -> None:
    with pytest.raises(ValueError, match="not a JSON object"):
        parse_answer("[1, 2]")


def test_a_missing_model_name_is_a_configuration_error(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, llm_base_url="http://127.0.0.1:9/v1")
    stakeholders = load_stakeholders()
    with pytest.raises(ConfigError, match="llm_model"):
        LLMWriter(settings, stakeholders, DeterministicWriter(settings, stakeholders, parse=_parse))


def test_an_endpoint_that_is_not_listening_falls_back(bundle: StoryBundle, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = _settings(tmp_path, f"http://127.0.0.1:{port}/v1", llm_max_retries=1)
    brief = _writer(settings).write(bundle)
    _assert_fallback(brief, "cannot reach the endpoint")
    assert brief.metadata["llm_attempts"] == "2"
