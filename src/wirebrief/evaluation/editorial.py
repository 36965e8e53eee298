"""`wirebrief eval editorial`: how a set of briefs reads, measured from their JSON exports.

No gold is needed: each measure is a defect a wire editor would strike, counted over every brief of a
folder of JSON exports (``<story>.json`` as ``wirebrief run`` writes them), or over the briefs the
pipeline writes from a corpus (``--corpus``: any location ``wirebrief run`` reads, run into a fresh
temporary data folder).

Hard defects (each should be 0):

* *verbatim repeats*: a sentence whose text (case and spacing aside) the brief has already printed,
  the title and headline included;
* *empty titles*, *empty headlines*, and *title equal to headline*;
* *junk lines*: a title, headline or sentence that is a photo caption, a credit, a byline or navigation
  ("Image copyright …", "(courtesy: …)", "Read more", "Sign up for …");
* *capital/population insights*: background bullets that explain nothing about the story;
* *unattributed voice*: an evaluative, speculative or advisory sentence (or a quotation) with no speaker
  in it ("The numbers are staggering.", "do not use it").

Soft measures: the share of article sentences that restate an earlier article sentence (at least half
of their content words already in that one sentence), and the share of stakeholder paragraphs whose
first sentence is a reference record rather than a report.

The voice check here is a word list of its own, deliberately separate from the writer's filter, so the
figure is not the writer grading itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from wirebrief.evaluation import eval_app
from wirebrief.evaluation.editorial_lines import (
    availability_line,
    has_finite_verb,
    leans_back,
    starts_mid_argument,
    unintroduced_subject,
)
from wirebrief.evaluation.output import JsonFlag, PredictionsFile, emit_figures, write_predictions

_WORD = re.compile(r"[a-z][a-z'’-]*|\d[\d,.]*")
_STOP = frozenset(
    """a an the and or but of in on at to for from with by as is are was were be been being has have had
    do does did not no it its this that these those he she they them his her their we our you your i my
    me us will would can could may might shall should must said says say told tells also than then there
    here who whom whose which what when where why how all any some more most other such only own same so
    too very just about after before over under into out up down off again further once during while if
    because until against between through above below both each few nor s t now""".split()
)
_JUNK = re.compile(
    r"image (copyright|caption)|\bphoto(graph)?\s*(:|by|credit|courtesy)|\(courtesy|courtesy of\b|"
    r"getty images|\bap photo\b|\(ap photo|\bfile photo\b|\bcaption\b|read more|click here|sign up\b|"
    r"subscribe\b|follow us\b|newsletter|all rights reserved|\bcopyright\b|"
    r"(?-i:^By [A-Z][a-z]+ [A-Z][a-z]+(?:,|\W*$))|^\s*published\b|\bin this [^.]{0,40}\bphoto|"
    r"share this|this story has been updated|^\s*advertisement|\(associated press\)\s*$|"
    r"^\s*(related|more|watch|see also)\s*:|"
    # a photo's caption: weekday, month, day and year ("listen to arguments, Sunday, Nov. 11, 2018, at …")
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday),\s+[a-z]{3,9}\.?\s+\d{1,2},\s+\d{4}",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(said|says|say|saying|told|tells|according to|wrote|writes|write|argued|argues|"
    r"claimed|claims|stated|"
    r"added|adds|believes|believed|announced|announces|warned|warns|"
    r"insisted|insists|predicted|predicts|suggested|suggests|explained|explains|asked|asks|"
    r"acknowledged|admitted|admits|accused|accuses|testified|tweeted|described as|dubbed|concluded|"
    r"in (?:a|an|his|her|its|their) (?:statement|interview|memo|review|editorial|op-ed|column|letter))\b"
    # Words that also tell what happened ("the body was found", "a town called Hope", "reported
    # missing", "the film's review"): attribution only before a clause or a quotation, or closing
    # the sentence ("…, the study found.").
    r"|\b(?:found|finds|shows|showed|shown|called|calls|described|describes|noted|notes|reported|reports|"
    r"estimated|estimates|posted|states)(?=\s+(?:that|how|why)\b|[^\"“”]*[\"“]|[\s.]*$)"
    r"|[,\"”]\s*(?:notes|noted|reports|reported|writes|found|finds)\s+(?:the\s+)?(?-i:[A-Z])"
    # A transcript's speaker ("OPAL LEE: …") or a post's author ("@name: …").
    r"|(?-i:^\W*(?:[A-Z][A-Z.' -]+|@\w+):\s)",
    re.IGNORECASE,
)
# Words that make a sentence someone's judgement, guess or advice rather than a reported fact.
_EVALUATIVE = re.compile(
    # (?!-) at the end: "worst-hit", "best-selling" describe, they do not judge.
    r"\b(staggering|stunning|amazing|astonishing|incredible|remarkable|brilliant|terrible|awful|horrible|"
    r"wonderful|beautiful|gorgeous|cute|ugly|boring|dull|delightful|disappointing|disappointment|"
    r"masterpiece|masterful|excellent|superb|mediocre|lackluster|lacklustre|outstanding|impressive|"
    r"unimpressive|hilarious|charming|fascinating|ridiculous|absurd|shameful|disgraceful|outrageous|"
    # "the worst affected", "the best known" describe, as "worst-hit" does.
    r"pathetic|(?:best|worst)(?!\s+(?:known|hit|\w+ed)\b)|(?-i:great|greatest)|nice|lovely|fantastic|fabulous|awesome|sadly|unfortunately|"
    r"fortunately|thankfully|surely|obviously|clearly|of course|frankly|honestly|arguably|"
    r"undoubtedly|shocking|shockingly|bizarre|heartbreaking|heartwarming|jaw-dropping|mind-blowing|"
    r"breathtaking|(?-i:pretty)|sweet|adorable|crazy|insane|weird|creepy|gross|epic|"
    r"the (?:numbers|results|message) (?:is|are) (?:clear|staggering)|bar none|sort of|kinda|sorta)\b(?!-)|"
    # letters tripled for effect: "wayyy cheaper"
    r"(?-i:\b[a-z]+(?P<tripled>[a-z])(?P=tripled)(?P=tripled)\b)",
    re.IGNORECASE,
)
_SPECULATIVE = re.compile(
    r"\b(will likely|would likely|(?<!more )(?<!less )(?<!as )likely to|"
    r"probably|perhaps|maybe|might|could well|may well|"
    r"is expected to|are expected to|seems to|appears to|is poised to|are poised to|bound to|"
    r"it (?:seems|appears) that|apparently|seemingly|chances are|almost certainly)\b",
    re.IGNORECASE,
)
_ADVISORY = re.compile(
    r"^\s*(do not|don[’']t|never|always|make sure|be sure|remember|avoid|try|consider|check|beware|"
    r"guess|talk about|meet the|behold|get ready|say hello|don[’']t miss|brace yourself|let[’']s)\b|"
    r"\b(you should|you must|you need to|you'll want|you will want|we should|we must|should be|"
    r"ought to|(?:it[’']s|it is) (?:time|high time) to)\b|"
    r"^\s*if [^,]+,\s*(consider|try|remember|avoid|check|make sure|do not|don[’']t)\b",
    re.IGNORECASE,
)
# "I" of an abbreviation or label ("F.B.I.", "ARSO-I", "I-95", "(I-Vt.)") is no one speaking.
_FIRST_SECOND_PERSON = re.compile(
    r"(?<![.\-])\b(I(?![.\-]\w)|I[’']m|I[’']ve|me|my|we|we[’']re|our|us|you|your|you[’']re)\b"
)
# A quotation of a clause (four words or more), not a word or two in scare quotes.
_QUOTATION = re.compile(r"[\"“](?:[^\"”\s]+\s+){3,}[^\"”]*[\"”]?|^[^\"“”]*[\"”]\s*$")
# A quoted title ("Keeping Up With the Kardashians": capitalised words, small ones aside) is a name,
# not a statement.
_TITLE_IN_QUOTES = re.compile(
    r"[\"“](?:[A-Z0-9][\w'’:,!?.-]*|a|an|the|of|and|or|in|on|at|to|for|with|by|from)"
    r"(?:\s+(?:[A-Z0-9][\w'’:,!?.-]*|a|an|the|of|and|or|in|on|at|to|for|with|by|from))*[\"”]"
)
_QUOTE_MARK = re.compile(r"[\"“”]")
_BACKGROUND_BULLET = re.compile(r"\bthe capital of\b|\bhas a population of\b|\bpopulation of [\d,]+", re.I)


# A wire dateline ("ROMBLON, Philippines (CPA) — ") is where a report was filed, not what it says.
_DATELINE = re.compile(r"^[A-Z]{2}[A-Z .'’-]*(,[^()—–]{1,20})?\s*(\([^)]{1,30}\))?\s*[—–-]{1,2}\s+")


def _normal(text: str) -> str:
    return " ".join(_DATELINE.sub("", text.strip(), count=1).lower().split()).strip(" .")


def content_words(text: str) -> set[str]:
    """Lower-cased words and numbers of ``text`` less stop words, crudely stemmed."""
    out = set()
    for word in _WORD.findall(text.lower()):
        word = word.strip("'’-.,")
        if not word or word in _STOP:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        out.add(word)
    return out


def is_junk(text: str) -> bool:
    return bool(_JUNK.search(text))


def voice_problem(text: str) -> str | None:
    """Why ``text`` speaks in someone's voice without naming them, or None when it does not."""
    if _ATTRIBUTION.search(text):
        return None
    outside = re.sub(r"[\"“][^\"”]*[\"”]", " ", text)
    if _QUOTATION.search(_TITLE_IN_QUOTES.sub("TITLE", text)):
        return "quotation without a speaker"
    if _EVALUATIVE.search(outside):
        return "evaluative"
    if _SPECULATIVE.search(outside):
        return "speculative"
    if _ADVISORY.search(outside):
        return "advisory"
    if _FIRST_SECOND_PERSON.search(outside):
        return "first or second person"
    # A question or an exclamation outside quotation marks is the writer addressing the reader.
    end = outside.rstrip(" )’'")[-1:]
    if end in {"?", "!"}:
        return "question" if end == "?" else "exclamation"
    return None


def _quote_balance(text: str) -> int:
    """How many quotations ``text`` opens (positive) or closes (negative) that it does not also close or
    open: curly marks by their direction, straight ones by what stands around them."""
    balance = 0
    for k, mark in enumerate(text):
        if mark == "“":
            balance += 1
        elif mark == "”":
            balance -= 1
        elif mark == '"':
            before = text[k - 1] if k else " "
            balance += 1 if before in " ([—–-" else -1
    return balance


def _unattributed(paragraph: Sequence[str], records: set[str]) -> list[str]:
    """The sentences of one paragraph that speak in someone's voice without naming them. A quotation
    keeps its speaker when the sentence before it names one, when a sentence that names one opened
    the quotation it continues (a quotation over sentences), when it follows a quotation that kept its
    speaker (a speaker's quotations in a row), or when its closing sentence right after it names one;
    a sentence after one that hands over to a speaker ("… said in a statement:") is that speaker's."""
    out: list[str] = []
    depth = 0  # quotations left open by the sentences before
    opener_named = False  # the sentence that opened the open quotation named its speaker
    kept = False  # the sentence before was a quotation that kept its speaker
    for k, sentence in enumerate(paragraph):
        balance = _quote_balance(sentence)
        if sentence in records:  # a reference record speaks in its issuer's name
            depth, kept = 0, False
            continue
        problem = voice_problem(sentence)
        before = paragraph[k - 1] if k else ""
        after = paragraph[k + 1] if k + 1 < len(paragraph) else ""
        attributed_before = bool(_ATTRIBUTION.search(before))
        quoted = problem is not None and (depth > 0 or bool(_QUOTE_MARK.search(sentence)))
        if problem is None or (before.rstrip().endswith(":") and attributed_before):
            ok = True
        elif problem in {"quotation without a speaker", "first or second person"} or quoted:
            ok = (
                (depth > 0 and opener_named)
                or (quoted and (attributed_before or kept))
                or (bool(_ATTRIBUTION.search(after)) and bool(_QUOTE_MARK.search(after)))
            )
        else:
            ok = False
        if not ok:
            out.append(sentence)
        if depth <= 0 and balance > 0:
            opener_named = bool(_ATTRIBUTION.search(sentence))
        depth = max(0, depth + balance)
        kept = ok and problem is not None and quoted
    return out


@dataclass(slots=True)
class BriefFigures:
    """The defects of one brief (each a list of the offending lines, so a reader can check them)."""

    story_id: str
    article_sentences: int = 0
    stakeholder_paragraphs: int = 0
    insights: int = 0
    verbatim_repeats: list[str] = field(default_factory=list)
    empty_title: bool = False
    empty_headline: bool = False
    title_is_headline: bool = False
    junk_lines: list[str] = field(default_factory=list)
    background_insights: list[str] = field(default_factory=list)
    unattributed_voice: list[str] = field(default_factory=list)
    restatements: list[str] = field(default_factory=list)
    record_led_paragraphs: list[str] = field(default_factory=list)
    advisories: int = 0
    # The top of the brief (evaluation/editorial_lines.py): hard defects, then soft measures.
    availability_titles: list[str] = field(default_factory=list)
    mid_argument_headlines: list[str] = field(default_factory=list)
    leaning_openings: list[str] = field(default_factory=list)
    titles_without_verb: list[str] = field(default_factory=list)
    unintroduced_openings: list[str] = field(default_factory=list)

    @property
    def hard_defects(self) -> int:
        return (
            len(self.verbatim_repeats)
            + int(self.empty_title)
            + int(self.empty_headline)
            + int(self.title_is_headline)
            + len(self.junk_lines)
            + len(self.background_insights)
            + len(self.unattributed_voice)
            + len(self.availability_titles)
            + len(self.mid_argument_headlines)
            + len(self.leaning_openings)
        )


def _texts(items: Iterable[Any]) -> list[str]:
    return [str(item.get("text", "")) for item in items if isinstance(item, dict)]


def measure_brief(export: dict[str, Any]) -> BriefFigures:
    """The defects of one JSON export (see the module docstring)."""
    figures = BriefFigures(str(export.get("story_id", "")))
    title = str((export.get("event_title") or {}).get("text") or "").strip()
    headline = str((export.get("headline") or {}).get("text") or "").strip()
    article = [s for paragraph in export.get("article") or [] for s in _texts(paragraph)]
    insights = _texts(export.get("insights") or [])
    paragraphs = export.get("stakeholders") or []
    figures.article_sentences = len(article)
    figures.insights = len(insights)
    figures.stakeholder_paragraphs = len(paragraphs)
    figures.empty_title = not title
    figures.empty_headline = not headline
    figures.title_is_headline = bool(title) and _normal(title) == _normal(headline)
    figures.junk_lines = [line for line in (title, headline, *article) if line and is_junk(line)]
    figures.background_insights = [b for b in insights if _BACKGROUND_BULLET.search(b)]
    figures.advisories = sum(1 for b in insights if "advis" in b.lower())
    stakeholder_sentences: list[str] = []
    for paragraph in paragraphs:
        sentences = paragraph.get("sentences") or []
        stakeholder_sentences += _texts(sentences)
        first = sentences[0] if sentences else {}
        if any(str(c).startswith("fact:") for c in first.get("citations", [])):
            figures.record_led_paragraphs.append(f"{paragraph.get('name')}: {first.get('text', '')}")
    seen: set[str] = set()
    for line in (title, headline):
        if line:
            seen.add(_normal(line))
    for sentence in (*article, *insights, *stakeholder_sentences):
        key = _normal(sentence)
        if key in seen:
            figures.verbatim_repeats.append(sentence)
        seen.add(key)
    cited_facts = {
        str(key)
        for key, source in (export.get("sources") or {}).items()
        if isinstance(source, dict) and source.get("kind") == "reference-record"
    }
    fact_texts = {str((export.get("sources") or {})[k].get("text", "")) for k in cited_facts}
    paragraphs_text = [_texts(p) for p in export.get("article") or []]
    paragraphs_text += [_texts(p.get("sentences") or []) for p in paragraphs]
    # The title and the headline speak in the brief's voice too, each read on its own.
    for group in [[title], [headline], *paragraphs_text]:
        figures.unattributed_voice += _unattributed([t for t in group if t], fact_texts)
    earlier: list[set[str]] = []
    for sentence in article:
        words = content_words(sentence)
        if words and any(len(words & e) / len(words) >= 0.5 for e in earlier):
            figures.restatements.append(sentence)
        earlier.append(words)
    _measure_top(figures, title, headline, article, paragraphs)
    return figures


def _measure_top(
    figures: BriefFigures, title: str, headline: str, article: list[str], paragraphs: list[Any]
) -> None:
    """The title, headline and opening-sentence measures (see ``editorial_lines``)."""
    if title and availability_line(title):
        figures.availability_titles.append(title)
    if title and not has_finite_verb(title):
        figures.titles_without_verb.append(title)
    if headline and starts_mid_argument(headline):
        figures.mid_argument_headlines.append(headline)
    # The article's first sentence and each stakeholder paragraph's are read with nothing before them.
    openings = article[:1] + [t for p in paragraphs for t in _texts((p.get("sentences") or [])[:1])]
    for opening in openings:
        if leans_back(opening):
            figures.leaning_openings.append(opening)
        elif unintroduced_subject(opening, f"{title} {headline}"):
            figures.unintroduced_openings.append(opening)


@dataclass(frozen=True, slots=True)
class EditorialFigures:
    briefs: int
    hard_defects: int
    verbatim_repeats: int
    empty_titles: int
    empty_headlines: int
    title_equals_headline: int
    junk_lines: int
    background_insights: int
    unattributed_voice: int
    article_sentences: int
    restating_sentences: int
    restating_share: float
    stakeholder_paragraphs: int
    record_led_paragraphs: int
    record_led_share: float
    insights: int
    advisory_insights: int
    availability_titles: int = 0
    mid_argument_headlines: int = 0
    leaning_openings: int = 0
    titles_without_verb: int = 0
    unintroduced_openings: int = 0


def summarise_figures(briefs: Sequence[BriefFigures]) -> EditorialFigures:
    article = sum(b.article_sentences for b in briefs)
    restating = sum(len(b.restatements) for b in briefs)
    paragraphs = sum(b.stakeholder_paragraphs for b in briefs)
    record_led = sum(len(b.record_led_paragraphs) for b in briefs)
    return EditorialFigures(
        briefs=len(briefs),
        hard_defects=sum(b.hard_defects for b in briefs),
        verbatim_repeats=sum(len(b.verbatim_repeats) for b in briefs),
        empty_titles=sum(b.empty_title for b in briefs),
        empty_headlines=sum(b.empty_headline for b in briefs),
        title_equals_headline=sum(b.title_is_headline for b in briefs),
        junk_lines=sum(len(b.junk_lines) for b in briefs),
        background_insights=sum(len(b.background_insights) for b in briefs),
        unattributed_voice=sum(len(b.unattributed_voice) for b in briefs),
        article_sentences=article,
        restating_sentences=restating,
        restating_share=round(restating / article, 4) if article else 0.0,
        stakeholder_paragraphs=paragraphs,
        record_led_paragraphs=record_led,
        record_led_share=round(record_led / paragraphs, 4) if paragraphs else 0.0,
        insights=sum(b.insights for b in briefs),
        advisory_insights=sum(b.advisories for b in briefs),
        availability_titles=sum(len(b.availability_titles) for b in briefs),
        mid_argument_headlines=sum(len(b.mid_argument_headlines) for b in briefs),
        leaning_openings=sum(len(b.leaning_openings) for b in briefs),
        titles_without_verb=sum(len(b.titles_without_verb) for b in briefs),
        unintroduced_openings=sum(len(b.unintroduced_openings) for b in briefs),
    )


def read_exports(folder: Path) -> Iterator[dict[str, Any]]:
    """Every brief JSON export in ``folder`` (sorted by name); other JSON files are skipped."""
    from wirebrief.errors import InputError

    if not folder.is_dir():
        raise InputError(str(folder), "not a folder of JSON exports")
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(str(path), f"cannot read the export ({exc})") from exc
        if isinstance(data, dict) and "story_id" in data and "article" in data:
            yield data


def _exports_from_corpus(corpus: str, work: Path) -> Path:
    from wirebrief.pipeline import run
    from wirebrief.settings import load_settings

    settings = load_settings().model_copy(update={"data_dir": work, "export_formats": ("json",)})
    summary = run(settings, [corpus])
    assert summary.export_dir is not None
    return summary.export_dir


@eval_app.command("editorial")
def editorial(
    exports: Annotated[
        Path | None, typer.Argument(help="Folder of brief JSON exports (default: the export folder).")
    ] = None,
    corpus: Annotated[
        str | None,
        typer.Option("--corpus", help="Run the pipeline on this input into a temporary folder and measure."),
    ] = None,
    as_json: JsonFlag = False,
    predictions: PredictionsFile = None,
) -> None:
    """Editorial defects of a set of briefs: repeats, junk lines, unattributed voice, restatements."""
    import tempfile

    from rich.console import Console
    from rich.table import Table

    from wirebrief.settings import load_settings

    with tempfile.TemporaryDirectory(prefix="wirebrief-editorial-") as work:
        if corpus is not None:
            folder = _exports_from_corpus(corpus, Path(work))
        else:
            folder = exports or load_settings().resolved_export_dir
        briefs = [measure_brief(export) for export in read_exports(folder)]
    figures = summarise_figures(briefs)
    # One line per brief: its defects are the "prediction"; there is no gold for a brief.
    write_predictions(predictions, ({"id": b.story_id, "gold": None, "predicted": asdict(b)} for b in briefs))
    if as_json:
        emit_figures(asdict(figures))
        return
    table = Table(title=f"Editorial defects over {figures.briefs} briefs")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in asdict(figures).items():
        table.add_row(name.replace("_", " "), f"{value:.3f}" if isinstance(value, float) else str(value))
    Console().print(table)
