"""Build ``wire_set.jsonl``: a small near-duplicate evaluation set written by the wirebrief authors.

Eight short wire reports about invented events (our own text, no third-party content) and, for each, the
copies a wire desk produces: a syndicated reprint (other outlet, dateline and credit line added, new
headline), a same-outlet re-send correcting one figure, a house-style copy (per cent, spelling), and
a trimmed copy (last sentence cut). Those share the ``group`` of their original: they are duplicates.

Negatives: for four stories an independent rewrite of the same event (other words, same facts) and a
follow-up report that repeats the original's first paragraph and adds new reporting. These get their
own group: they are different reports about the same story, which is clustering's job, not dedupe's.

Run ``python tests/dedupe/data/make_wire_set.py`` to regenerate; a test checks the file is in step.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path(__file__).with_name("wire_set.jsonl")
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

# (key, outlet, dateline, headline, paragraphs)
STORIES: list[tuple[str, str, str, str, list[str]]] = [
    (
        "port-strike",
        "Meridian Wire",
        "VALPARAISO",
        "Port workers end nine-day strike",
        [
            "Dock workers at the port of Valparaiso ended a nine-day strike on Tuesday after their union "
            "accepted a pay offer, reopening the busiest container terminal on the country's Pacific coast.",
            "The deal raises wages by 7 percent this year and commits the port authority to hiring 200 "
            "permanent staff in place of temporary contracts, union leader Marta Solis told reporters.",
            "Shipping lines had diverted more than 40 vessels during the stoppage, and fruit exporters said "
            "delayed cargo had cost them millions of dollars. The authority expects the backlog to clear "
            "within two weeks.",
        ],
    ),
    (
        "water-plan",
        "Meridian Wire",
        "ANTOFAGASTA",
        "Council approves drought water plan",
        [
            "The regional council of Antofagasta approved a water plan on Friday after two years of drought, "
            "capping irrigation and funding three desalination plants along the coast.",
            "Farmers will be compensated for smaller allocations during the first two seasons, council "
            "president Luis Ortega said, and the plan will be reviewed every year by an independent panel.",
            "Environmental groups welcomed the vote but said the plants would need strict rules on the brine "
            "they return to the sea. Construction of the first plant is due to begin in September.",
        ],
    ),
    (
        "rail-fares",
        "Northline News",
        "LEEDS",
        "Rail operator freezes fares for a year",
        [
            "Northline Rail said on Monday it would freeze fares on all regional routes for twelve months, "
            "reversing a planned rise of 4.5 percent that passenger groups had called unaffordable.",
            "Chief executive Priya Anand said the freeze would cost the company about 30 million pounds and "
            "would be paid for by savings from a new ticketing system and fewer leased trains.",
            "Passenger groups welcomed the decision but said punctuality, which fell to 81 percent last "
            "winter, remained the bigger problem. The regulator said it would publish a review in June.",
        ],
    ),
    (
        "quake-relief",
        "Meridian Wire",
        "PADANG",
        "Aid reaches villages cut off by earthquake",
        [
            "Relief convoys reached mountain villages cut off by last week's earthquake on Thursday, "
            "delivering food, water and tents to about 12,000 people, the regional disaster agency said.",
            "The magnitude 6.4 quake killed at least 58 people and destroyed more than 3,000 "
            "homes. Landslides "
            "had blocked the only road into the valley until army engineers cleared it overnight.",
            "Agency head Dewi Hartono said helicopters would keep flying the injured to hospital in Padang "
            "and that temporary schools would open in tents next week.",
        ],
    ),
    (
        "chip-plant",
        "Business Daily",
        "DRESDEN",
        "Chipmaker delays new plant by two years",
        [
            "Semiconductor maker Voltis said on Wednesday it would delay the opening of its Dresden plant by "
            "two years to 2030, blaming weaker demand for car chips and higher construction costs.",
            "The company had promised 1,500 jobs at the site, which was to receive 2 billion euros in state "
            "aid. A spokesperson said the aid agreement was being renegotiated with the federal government.",
            "Shares in Voltis fell 6 percent in Frankfurt after the announcement. Analysts said other "
            "chipmakers could follow as orders from carmakers slowed for a third quarter.",
        ],
    ),
    (
        "measles",
        "Health Wire",
        "GENEVA",
        "Measles cases rise sharply in Europe",
        [
            "Measles cases in Europe rose to their highest level in 25 years in 2025, with more than 120,000 "
            "infections reported across 53 countries, the World Health Organization said on Thursday.",
            "Vaccination rates for the second dose fell below 90 percent in many countries during the "
            "pandemic and have not recovered, the organization said, urging catch-up campaigns for children.",
            "Romania and Kazakhstan reported the most cases. Health officials said most of those who died "
            "were children under five who had not been vaccinated.",
        ],
    ),
    (
        "election-count",
        "Meridian Wire",
        "LUSAKA",
        "Vote count delayed in disputed district",
        [
            "Election officials suspended the vote count in the disputed Kabwe district on Sunday after "
            "observers reported that two ballot boxes had arrived with broken seals.",
            "Electoral commission chair Grace Mwila said the count would resume once both parties had agreed "
            "to a recount of the affected boxes under the watch of international observers.",
            "The district is one of three still undeclared in a close parliamentary race. "
            "Police said they had "
            "arrested four people after scuffles outside the counting centre on Saturday night.",
        ],
    ),
    (
        "wildfire",
        "Coast Daily",
        "PERTH",
        "Wildfire forces evacuation of coastal towns",
        [
            "Firefighters battled a wildfire north of Perth on Saturday as strong winds pushed flames toward "
            "two coastal towns, forcing about 4,000 residents to leave their homes, officials said.",
            "The fire has burned more than 18,000 hectares since it was started by lightning on Wednesday. "
            "Emergency services commissioner Tom Reilly said cooler weather was expected on Monday.",
            "No deaths have been reported, but at least 30 homes have been destroyed. Evacuation centres "
            "have been opened in two schools and a sports hall in the nearby city of Geraldton.",
        ],
    ),
]

# Independent rewrites of four events: same facts, other words. Not duplicates.
REWRITES: dict[str, tuple[str, str, list[str]]] = {
    "port-strike": (
        "Harbour Ledger",
        "Valparaiso dockers accept deal, terminal reopens",
        [
            "A strike that shut Chile's largest Pacific container terminal for nine days is over. Members of "
            "the dockers' union voted on Tuesday to take the port authority's improved offer.",
            "Under the agreement pay goes up seven percent in the first year, and 200 temporary workers will "
            "be given permanent jobs, according to Marta Solis, who leads the union.",
            "Exporters of fruit were among the hardest hit, with some forty ships sent to other ports. Port "
            "officials said it could take a fortnight to work through the queue of containers.",
        ],
    ),
    "rail-fares": (
        "Yorkshire Post Online",
        "Northline scraps planned fare rise",
        [
            "Passengers on Northline's regional services will not pay more for a year after the operator "
            "dropped its plan to raise fares by 4.5 percent, a move announced on Monday.",
            "Priya Anand, who runs the company, put the cost at around 30 million pounds, to be covered by a "
            "cheaper ticketing system and by leasing fewer trains.",
            "Campaigners said they were pleased but that late trains were still their main complaint: only "
            "81 percent ran on time last winter. A regulator's review is due in June.",
        ],
    ),
    "measles": (
        "Daily Health News",
        "Europe sees worst measles year in quarter century",
        [
            "More than 120,000 people caught measles in Europe last year, the most since the late 1990s, "
            "according to figures the WHO published on Thursday covering 53 countries.",
            "Coverage of the second vaccine dose slipped under 90 percent in many places during the pandemic "
            "and has stayed low, and the agency called for catch-up vaccination of children.",
            "The largest outbreaks were in Romania and Kazakhstan, and most deaths were among unvaccinated "
            "children younger than five, health officials said.",
        ],
    ),
    "wildfire": (
        "Western Herald",
        "Thousands flee as bushfire nears towns north of Perth",
        [
            "About 4,000 people left their homes on Saturday as a bushfire driven by strong "
            "winds closed in on "
            "two towns on the coast north of Perth.",
            "Lightning started the blaze on Wednesday and it has since burned through over 18,000 hectares. "
            "Commissioner Tom Reilly said he hoped cooler conditions on Monday would help crews.",
            "At least 30 houses have been lost but nobody has died. Schools and a sports hall in Geraldton "
            "are being used as evacuation centres.",
        ],
    ),
}

# Follow-ups: the original's first paragraph, then new reporting. Not duplicates.
FOLLOW_UPS: dict[str, list[str]] = {
    "water-plan": [
        "On Monday farmers' associations said they would challenge the irrigation caps in court, arguing "
        "that the compensation offered was far below what they lose on each hectare left dry.",
        "The council said the caps were legal and that the first payments would be made in May. Lawyers for "
        "the farmers said they would seek an injunction before the planting season starts.",
    ],
    "chip-plant": [
        "The economy ministry said on Friday it would not pay any of the promised state aid until a new "
        "opening date was guaranteed in writing, and that it would claw back money already paid.",
        "Workers already hired for the plant will be moved to the company's existing site in Saxony, a union "
        "representative said after meeting managers, and no one will lose their job.",
    ],
    "election-count": [
        "The recount of the two disputed ballot boxes was completed on Tuesday, and the ruling party's "
        "candidate was declared the winner by 212 votes, the electoral commission said.",
        "The opposition said it would contest the result in court, and its supporters gathered outside the "
        "commission's offices. Police said the crowd dispersed peacefully by nightfall.",
    ],
    "quake-relief": [
        "Rain on Sunday triggered new landslides that blocked the valley road again, stranding two aid "
        "convoys, and the agency said it would rely on helicopters until engineers could reopen it.",
        "The death toll rose to 63 after rescuers found five more bodies under a collapsed school, and the "
        "government declared a month of emergency for the province.",
    ],
}


def _correct_one_word(paragraph: str) -> str:
    """Change the first number in the paragraph (or, without one, its first "the") - one word."""
    words = paragraph.split(" ")
    for index, word in enumerate(words):
        digits = word.rstrip(",.")
        if digits.replace(",", "").replace(".", "").isdigit():
            words[index] = word.replace(digits, str(int(digits.replace(",", "").split(".")[0]) + 1))
            return " ".join(words)
    return paragraph.replace(" the ", " a ", 1)


def _rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    minutes = 0

    def add(group: str, kind: str, outlet: str, title: str, paragraphs: list[str]) -> None:
        nonlocal minutes
        minutes += 37
        rows.append(
            {
                "id": f"{group}/{kind}",
                "group": group,
                "kind": kind,
                "outlet": outlet,
                "title": title,
                "text": "\n\n".join(paragraphs),
                "published": (START + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
            }
        )

    for key, outlet, dateline, headline, paragraphs in STORIES:
        add(key, "original", outlet, headline, paragraphs)
        # Syndicated reprint: another outlet adds a dateline and a credit line and rewrites the headline.
        reprint = [
            f"{dateline} ({outlet}) - {paragraphs[0]}",
            *paragraphs[1:],
            f"Reporting by the {outlet} desk.",
        ]
        add(key, "reprint", "Daily Courier", f"{headline} - report", reprint)
        # Same-outlet re-send correcting one word of the second paragraph (a figure or a name).
        corrected = [paragraphs[0], _correct_one_word(paragraphs[1]), *paragraphs[2:]]
        add(key, "correction", outlet, f"CORRECTED-{headline}", corrected)
        # House style of another outlet: per cent, British spellings, no serial comma changes.
        house = [
            p.replace("percent", "per cent")
            .replace("organization", "organisation")
            .replace("center", "centre")
            for p in paragraphs
        ]
        add(key, "house-style", "The Northern Mail", headline, [*house, "Copyright The Northern Mail."])
        # Trimmed copy: the last sentence is cut for space.
        last = paragraphs[-1]
        cut = last.rfind(". ", 0, len(last) - 2)
        trimmed = [*paragraphs[:-1], last[: cut + 1]] if cut > 0 else paragraphs[:-1]
        add(key, "trimmed", "Island Times", headline, trimmed)
        if key in REWRITES:
            rewrite_outlet, rewrite_title, rewrite = REWRITES[key]
            add(f"{key}-rewrite", "rewrite", rewrite_outlet, rewrite_title, rewrite)
        if key in FOLLOW_UPS:
            add(
                f"{key}-follow-up",
                "follow-up",
                outlet,
                f"{headline}: update",
                [paragraphs[0], *FOLLOW_UPS[key]],
            )
    return rows


def render() -> str:
    return "".join(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n" for row in _rows())


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT} ({len(_rows())} reports)")
