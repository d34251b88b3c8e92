"""The fictional Parties of the demo corpus and the phrasebook their reports are worded from.

The eight Parties of data/reference/parties.csv (XA-XH) come first; more are made up
("Demo Party 0009") with ISO 3166 user-assigned alpha-3 codes, never a real one.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from loaders.errors import ReferenceDataError
from loaders.reference import is_user_assigned, read_csv

PHRASES = Path(__file__).with_name("demo_phrases.yaml")
# User-assigned X codes that some systems give real entities: ICAO travel-document codes
# of international organisations (XXA-XXX, for stateless persons and refugees, and XK*,
# used for Kosovo, are skipped as whole blocks).
ICAO_ORGANISATIONS = frozenset({"XBA", "XCC", "XCE", "XCO", "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO"})


@cache
def phrases() -> dict:
    """The phrasebook (demo_phrases.yaml)."""
    with PHRASES.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)



# --- Parties -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoParty:
    """A fictional Party and how its reports look."""

    code: str
    name: str  # as in parties.csv (or demo_parties.csv)
    written: str  # on the report's "Party:" line
    of_name: str  # "Prepared by ... of <of_name>"
    language: str
    trajectory: str  # improving | steady | stalling | slipping
    pillar_set: int | None  # index into the phrasebook's own pillar names; None: the standard five
    category: str  # NIAP category letter (2017+ template)
    is_extra: bool = False  # made up here, listed in demo_parties.csv
    aliases: str = ""  # the aliases column of demo_parties.csv (the French name of a French Party)


def extra_codes() -> Iterator[str]:
    """ISO 3166 user-assigned alpha-3 codes for made-up Parties: XAA-XZZ, QMA-QZZ, AAA-AAZ."""
    letters = string.ascii_uppercase
    for second in letters:
        for third in letters:
            code = f"X{second}{third}"
            if second not in "KX" and code not in ICAO_ORGANISATIONS:
                yield code
    for second in letters[letters.index("M"):]:
        for third in letters:
            yield f"Q{second}{third}"
    for third in letters:
        yield f"AA{third}"


def max_parties() -> int:
    """How many Parties the generator can make: the eight of parties.csv and the extra codes."""
    return len(phrases()["parties"]) + sum(1 for _ in extra_codes())


def demo_parties(n: int, seed: int) -> list[DemoParty]:
    """The first ``n`` demo Parties: XA-XH from parties.csv, then made-up ones."""
    known = {row["party_iso3"]: row for row in read_csv("parties.csv")}
    parties = [_base_party(code, profile, known) for code, profile in sorted(phrases()["parties"].items())][:n]
    for number, code in zip(range(len(parties) + 1, n + 1), extra_codes(), strict=False):
        if code in known or not is_user_assigned(code):  # never: extra codes are user-assigned
            raise ReferenceDataError(f"demo code {code} is not a free user-assigned code")
        parties.append(_extra_party(code, number, random.Random(f"{seed}:party:{code}")))
    return parties


def _base_party(code: str, profile: dict, known: dict[str, dict[str, str]]) -> DemoParty:
    row = known.get(code)
    if row is None or row["is_demo"] != "true":
        raise ReferenceDataError(f"demo Party {code} of demo_phrases.yaml must be a demo row of parties.csv")
    pillars = profile["pillars"]
    return DemoParty(code, row["party_name"], profile["written"], profile["of_name"], profile["language"],
                     profile["trajectory"], None if pillars == "standard" else int(pillars), profile["category"])


def _extra_party(code: str, number: int, rng: random.Random) -> DemoParty:
    language = "fr" if rng.random() < 0.25 else "en"
    names = {lang: {k: v.format(number=f"{number:04d}") for k, v in forms.items()}
             for lang, forms in phrases()["extra_party"].items()}
    own = len(phrases()["pillars"]["own"])
    return DemoParty(
        code=code, name=names["en"]["name"], written=names[language]["written"], of_name=names[language]["name"],
        language=language, trajectory=rng.choices(("improving", "steady", "stalling", "slipping"), (3, 2, 2, 2))[0],
        pillar_set=rng.randrange(own) if rng.random() < 0.25 else None, category=rng.choice("ABC"),
        is_extra=True, aliases=names["fr"]["name"] if language == "fr" else "",
    )
