"""normalise(): text, time, language, URL, outlet, id and hash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from wirebrief.errors import InputError
from wirebrief.normalise import (
    UNDATED,
    canonical_url,
    detect_language,
    html_to_text,
    normalise,
    parse_published,
    tidy_text,
    words,
)
from wirebrief.records import RawReport, content_hash, stable_id
from wirebrief.settings import Settings

SETTINGS = Settings.model_validate({})
ENGLISH = (
    "The council said on Monday that the new bridge would open in the spring, after two years of work "
    "and a long dispute with the builders over the cost of the steel."
)


def _raw(**fields: object) -> RawReport:
    values: dict[str, object] = {
        "source": "test.jsonl",
        "locator": "line 1",
        "title": "A title",
        "body": ENGLISH,
    }
    values.update(fields)
    return RawReport(**values)  # type: ignore[arg-type]


def test_html_paragraphs_become_blank_line_separated_text() -> None:
    html = (
        "<div><h2>Heading</h2><p>First <b>bold</b>\n  paragraph.</p><script>var x = 1;</script>"
        "<p>Second&nbsp;one &amp; more.</p>Line one<br>line two<br><br>Third block"
        "<figure><img src='x'><figcaption>Caption</figcaption></figure><ul><li>Item "
        "a</li><li>Item b</li></ul>"
        "<!-- a comment --></div>"
    )
    text = tidy_text(html_to_text(html))
    assert text == (
        "Heading\n\nFirst bold paragraph.\n\nSecond one & more.\n\nLine one line two\n\nThird block"
        "\n\nItem a\n\nItem b"
    )


def test_tidy_text_nfc_invisible_characters_and_quotes_kept() -> None:
    decomposed = "Cafe\u0301 \u201cquoted\u201d \u2014 dash\u200b\u00ad\x07"
    assert tidy_text(decomposed) == "Café “quoted” — dash"
    # Hard-wrapped lines inside a paragraph are joined; blank lines separate paragraphs.
    assert tidy_text("one\ntwo\n\n\n  three  \n") == "one two\n\nthree"
    # No blank line at all: one paragraph per line.
    assert tidy_text("first line\r\nsecond line") == "first line\n\nsecond line"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T10:00:00Z", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("2026-11-20T10:00:00+02:00", datetime(2026, 11, 20, 8, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("Tue, 17 Nov 2026 08:30:00 +0100", datetime(2026, 11, 17, 7, 30, tzinfo=UTC)),
        ("Tue, 17 Nov 2026 08:30:00 GMT", datetime(2026, 11, 17, 8, 30, tzinfo=UTC)),
        ("Tue, 17 Nov 2026 08:30:00 EST", datetime(2026, 11, 17, 13, 30, tzinfo=UTC)),
        ("1767225600", datetime(2026, 1, 1, tzinfo=UTC)),
        ("November 20, 2026", datetime(2026, 11, 20, tzinfo=UTC)),
        (
            datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2026, 1, 1, 17, tzinfo=UTC),
        ),
        ("yesterday", None),
        ("", None),
        ("0001-01-01", None),
    ],
)
def test_parse_published(value: str | datetime, expected: datetime | None) -> None:
    assert parse_published(value) == expected


def test_report_without_date_gets_the_fixed_fallback() -> None:
    first = normalise(_raw(published=None), SETTINGS)
    second = normalise(_raw(published="not a date"), SETTINGS)
    assert first.published == second.published == UNDATED == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ENGLISH, "en"),
        (
            "Le conseil a annoncé lundi que le nouveau pont sera ouvert au printemps, après "
            "deux ans de travaux "
            "et un long conflit avec les constructeurs sur le coût de l'acier.",
            "fr",
        ),
        (
            "El consejo dijo el lunes que el nuevo puente se abrirá en primavera, tras dos "
            "años de obras y una "
            "larga disputa con los constructores por el costo del acero.",
            "es",
        ),
        (
            "Der Rat sagte am Montag, dass die neue Brücke im Frühjahr eröffnet wird, nach "
            "zwei Jahren Arbeit "
            "und einem langen Streit mit den Bauherren über die Kosten für den Stahl.",
            "de",
        ),
        (
            "Il consiglio ha detto lunedì che il nuovo ponte sarà aperto in primavera, dopo "
            "due anni di lavori "
            "e una lunga disputa con i costruttori sul costo dell'acciaio.",
            "it",
        ),
        (
            "O conselho disse na segunda-feira que a nova ponte será aberta na primavera, "
            "depois de dois anos "
            "de obras e de uma longa disputa com os construtores sobre o custo do aço.",
            "pt",
        ),
        (
            "De raad zei maandag dat de nieuwe brug in het voorjaar open gaat, na twee jaar werk en een lang "
            "conflict met de bouwers over de kosten van het staal.",
            "nl",
        ),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_language_falls_back_to_declared_then_default() -> None:
    assert detect_language("Bridge opens") is None
    short = "Bridge opens soon"
    assert normalise(_raw(body=short, language="pt-BR"), SETTINGS).language == "pt"
    settings = Settings.model_validate({"default_language": "fr"})
    assert normalise(_raw(body=short), settings).language == "fr"
    # Confident detection beats a wrong declaration.
    assert normalise(_raw(language="de"), SETTINGS).language == "en"


def test_canonical_url_strips_tracking_and_fragment() -> None:
    assert (
        canonical_url("HTTPS://WWW.Example.COM:443/News/Story?utm_source=rss&b=2&a=1&fbclid=x#comments")
        == "https://www.example.com/News/Story?a=1&b=2"
    )
    assert canonical_url("https://example.com") == "https://example.com/"
    assert canonical_url("/relative/path") is None
    assert canonical_url("mailto:desk@example.com") is None
    assert canonical_url(None) is None


def test_ids_outlets_and_hash() -> None:
    with_url = normalise(_raw(url="https://feeds.example.co.uk/a?utm_medium=x"), SETTINGS)
    assert with_url.url == "https://feeds.example.co.uk/a"
    assert with_url.id == stable_id("a", "https://feeds.example.co.uk/a")
    assert with_url.outlet == "example.co.uk"
    without_url = normalise(_raw(outlet="  Meridian   Wire "), SETTINGS)
    assert without_url.outlet == "Meridian Wire"
    assert without_url.id == stable_id("a", "Meridian Wire", "A title")
    assert without_url.content_hash == content_hash("A title\n" + ENGLISH)
    assert normalise(_raw(), SETTINGS).outlet == "unknown"


def test_same_report_reflowed_has_the_same_hash_and_a_changed_one_does_not() -> None:
    base = normalise(_raw(body="One two three.\n\nFour five six."), SETTINGS)
    reflowed = normalise(_raw(body="One two three. Four five six."), SETTINGS)
    edited = normalise(_raw(body="One two three.\n\nFour five seven."), SETTINGS)
    assert base.content_hash == reflowed.content_hash != edited.content_hash


def test_html_body_title_and_byline() -> None:
    article = normalise(
        _raw(
            title="  Storm \n closes  airport ",
            body="<p>The airport closed.</p><p>Flights resume.</p>",
            body_is_html=True,
            byline=" Lee  Park ",
        ),
        SETTINGS,
    )
    assert article.title == "Storm closes airport"
    assert article.text == "The airport closed.\n\nFlights resume."
    assert article.byline == "Lee Park"
    assert article.source == "test.jsonl"


def test_missing_title_is_taken_from_the_text() -> None:
    article = normalise(_raw(title="", body="Short first paragraph.\n\nSecond."), SETTINGS)
    assert article.title == "Short first paragraph."
    long_first = "word " * 60
    assert normalise(_raw(title="", body=long_first), SETTINGS).title.endswith("…")


@pytest.mark.parametrize("body", ["", "   \n\n  ", "<p> </p><script>alert(1)</script>"])
def test_empty_report_raises_naming_source_and_locator(body: str) -> None:
    with pytest.raises(InputError, match="report has no text") as caught:
        normalise(_raw(body=body, body_is_html=body.startswith("<")), SETTINGS)
    assert caught.value.location == "test.jsonl:line 1"


def test_normalise_is_deterministic() -> None:
    raw = _raw(url="https://e.org/x", published="2026-01-01T00:00:00Z")
    assert normalise(raw, SETTINGS) == normalise(raw, SETTINGS)


def test_words_split_at_whitespace_and_punctuation() -> None:
    text = "U.S. “Quoted” — word, l’homme… 1,000 «bonjour» ¿Qué? snake_case x·y\tend"
    assert words(text) == [
        "u", "s", "quoted", "word", "l", "homme", "1", "000", "bonjour", "qué", "snake", "case", "x", "y",
        "end",
    ]  # fmt: skip


def test_html_applets_are_dropped_like_scripts() -> None:
    assert html_to_text("<p>Kept</p><applet><p>applet fallback</p></applet>").split() == ["Kept"]
