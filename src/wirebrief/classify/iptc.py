"""Read the IPTC Media Topics NewsCodes table (``mediatopic_sheet1.csv``) with our own parser.

The sheet (IPTC, CC BY 4.0) has one title line, then a header line, then one row per code. We keep the
flat QCode (``medtop:16000000``), the English (en-GB) name and definition, the level and the retirement
date. The taxonomy's IPTC codes and labels were taken from this table and are checked against it.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from wirebrief.errors import InputError

_LEVEL_COLUMNS = tuple(f"Level{n}/NewsCode" for n in range(1, 7))


@dataclass(frozen=True, slots=True)
class MediaTopic:
    code: str  # flat QCode, e.g. "medtop:16000000"
    label: str  # en-GB name
    definition: str  # en-GB definition
    level: int  # 1 = top level
    retired: str | None  # retirement date as given, None while in use


def read_media_topics(path: Path) -> Mapping[str, MediaTopic]:
    """Every Media Topic in the sheet, by flat QCode."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text: {exc.reason}") from exc
    header_index = next((i for i, row in enumerate(rows[:5]) if "NewsCode-QCode (flat)" in row), None)
    if header_index is None:
        raise InputError(str(path), "no header row with a 'NewsCode-QCode (flat)' column")
    header = rows[header_index]
    missing = [
        c
        for c in (
            "NewsCode-QCode (flat)",
            "Name (en-GB)",
            "Definition (en-GB)",
            "RetiredDate",
            *_LEVEL_COLUMNS,
        )
        if c not in header
    ]
    if missing:
        raise InputError(str(path), f"missing columns: {', '.join(missing)}")
    column = {name: header.index(name) for name in header}
    topics: dict[str, MediaTopic] = {}
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not row or not row[column["NewsCode-QCode (flat)"]].strip():
            continue
        if len(row) < len(header):
            raise InputError(f"{path}:line {offset}", f"expected {len(header)} columns, found {len(row)}")
        code = row[column["NewsCode-QCode (flat)"]].strip()
        level = next((n for n, name in enumerate(_LEVEL_COLUMNS, start=1) if row[column[name]].strip()), 0)
        topics[code] = MediaTopic(
            code=code,
            label=row[column["Name (en-GB)"]].strip(),
            definition=row[column["Definition (en-GB)"]].strip(),
            level=level,
            retired=row[column["RetiredDate"]].strip() or None,
        )
    return topics
