"""Refresh the taxonomy table in ``docs/taxonomy.md`` from the bundled data.

Run ``python -m wirebrief.classify.docs_table [docs/taxonomy.md]`` after editing ``taxonomy.yaml``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wirebrief.classify.taxonomy import load_taxonomy, replace_docs_table


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path("docs/taxonomy.md")
    target.write_text(
        replace_docs_table(target.read_text(encoding="utf-8"), load_taxonomy()), encoding="utf-8"
    )
    print(f"updated {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
