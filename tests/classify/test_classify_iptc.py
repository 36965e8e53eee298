"""Every IPTC code and label in the taxonomy matches the IPTC Media Topics sheet in shared/."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from wirebrief.classify import load_taxonomy
from wirebrief.classify.iptc import MediaTopic, read_media_topics
from wirebrief.errors import InputError

SHEET = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "reference"
    / "iptc-mediatopics"
    / "mediatopic_sheet1.csv"
)


@pytest.fixture(scope="module")
def media_topics() -> Mapping[str, MediaTopic]:
    if not SHEET.is_file():
        pytest.skip(f"IPTC Media Topics sheet not found at {SHEET} (shared/ is absent)")
    return read_media_topics(SHEET)


def test_every_iptc_code_exists_with_our_label_and_is_not_retired(
    media_topics: Mapping[str, MediaTopic],
) -> None:
    topics = media_topics
    for category in load_taxonomy().categories:
        for topic in category.iptc:
            assert topic.code in topics, f"{category.slug}: {topic.code} is not in the sheet"
            assert topics[topic.code].label == topic.label, f"{category.slug}: {topic.code}"
            assert topics[topic.code].retired is None, f"{category.slug}: {topic.code} is retired"


def test_sheet_parser_reads_levels_and_definitions(media_topics: Mapping[str, MediaTopic]) -> None:
    topics = media_topics
    assert len(topics) > 1000
    war = topics["medtop:16000000"]
    assert (war.label, war.level) == ("conflict, war and peace", 1)
    assert war.definition
    assert topics["medtop:20000056"].level == 2


def test_a_sheet_without_the_header_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "sheet.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="NewsCode-QCode"):
        read_media_topics(bad)


def test_a_small_sheet_written_here_is_parsed(tmp_path: Path) -> None:
    columns = ["NewsCode-URI", "NewsCode-QCode (flat)", *[f"Level{n}/NewsCode" for n in range(1, 7)],
               "RetiredDate", "Name (en-GB)", "Definition (en-GB)"]  # fmt: skip
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "title line,,,\n"
        + ",".join(columns) + "\n"
        + "u,medtop:15000000,medtop:15000000,,,,,,,sport,Competitive activity\n"
        + "u,medtop:20000001,,medtop:20000001,,,,,2020-01-01,old thing,Gone\n",
        encoding="utf-8",
    )  # fmt: skip
    topics = read_media_topics(sheet)
    assert topics["medtop:15000000"].level == 1 and topics["medtop:15000000"].retired is None
    assert topics["medtop:20000001"].level == 2 and topics["medtop:20000001"].retired == "2020-01-01"
