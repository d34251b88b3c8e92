"""Code tables and lexicons from ``data/reference/``, loaded once and validated.

Vocabularies are data, not code: a maintainer adds a rating spelling, a Party alias or a
month name to a CSV/YAML file. Lookups fold case, accents and apostrophes. A value that
is not in its table is reported by the caller (quality issue or `UnknownCodeError`),
never silently dropped.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path

from loaders.errors import ReferenceDataError, SideFileError
from loaders.models import Party
from loaders.templates import Templates, compile_all
from loaders.textutil import fold
from loaders.yaml_files import read_yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"

LANGUAGES = ("en", "fr", "es")

# Fictional Parties of a folder of generated reports (see `side_parties`).
DEMO_PARTIES_FILE = "demo_parties.csv"
PARTY_COLUMNS = ("party_iso3", "party_name", "aliases", "is_demo", "source")


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of ``data/reference/<name>`` as dicts of stripped strings."""
    path = REFERENCE_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@lru_cache(maxsize=4096)
def label_key(label: str) -> str:
    """Fold a rating or pillar label for lookup: "[ON-TRACK]*" -> "on track"."""
    text = fold(label)
    text = re.sub(r"[\[\]*_()\"“”«»:.]", " ", text)
    text = re.sub(r"[-‐–—/]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class RatingLookup:
    """What a rating cell holds: a rating, a template placeholder, nothing, or unknown."""

    kind: str  # "rating" | "placeholder" | "blank" | "unknown"
    code: str | None = None


_BLANK, _PLACEHOLDER, _UNKNOWN = RatingLookup("blank"), RatingLookup("placeholder"), RatingLookup("unknown")


_REMEMBERED_NAMES = 4096  # pillar names whose standard pillar is kept


class Reference:
    """All code tables, validated on load."""

    def __init__(self) -> None:
        self.ratings = {row["rating_code"]: row for row in read_csv("ratings.csv")}
        self.rating_order = sorted(self.ratings, key=lambda c: int(self.ratings[c]["sort_order"]))
        self._rating_labels = self._load_rating_labels()
        self._parties = self._load_parties()
        self.months = {fold(r["name"]): int(r["month"]) for r in read_csv("months.csv")}
        self.number_words = {fold(r["word"]): int(r["value"]) for r in read_csv("number_words.csv")}
        self.pillars = [
            (r["pillar_code"], re.compile(r["pattern"])) for r in read_csv("pillars.csv")
        ]
        self.quality_codes = {r["issue_code"]: r for r in read_csv("quality_issue_codes.csv")}
        self.templates = _load_templates()
        self._standard_pillars: dict[str, str | None] = {}

    def _load_rating_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for row in read_csv("rating_labels.csv"):
            if row["rating_code"] not in self.ratings:
                raise ReferenceDataError(
                    f"rating_labels.csv: label {row['label']!r} maps to unknown code "
                    f"{row['rating_code']!r}; known: {sorted(self.ratings)}"
                )
            labels[label_key(row["label"])] = row["rating_code"]
        return labels

    def _load_parties(self) -> dict[str, Party]:
        parties: dict[str, Party] = {}
        for row in read_csv("parties.csv"):
            party = Party(
                name=row["party_name"], iso3=row["party_iso3"], is_demo=row["is_demo"] == "true",
                source=row["source"],
            )
            names = [row["party_name"], row["party_iso3"], *row["aliases"].split("|")]
            for name in filter(None, names):
                key = label_key(name)
                if key in parties and parties[key].iso3 != party.iso3:
                    raise ReferenceDataError(f"parties.csv: {name!r} names two Parties")
                parties[key] = party
        return parties

    def rating(self, label: str) -> RatingLookup:
        """Classify a rating label: a canonical code, a placeholder, blank, or unknown."""
        key = label_key(label)
        if not key or key in {"n a", "na", "none"}:
            return _BLANK
        if key in self._rating_labels:
            return self._lookups[self._rating_labels[key]]
        if key in self.templates.rating_placeholders:
            return _PLACEHOLDER
        # A word broken across lines in a narrow column ("Substantielleme nt réalisé"): the same
        # letters without spaces. Placeholders first, so one is never read as a rating.
        squeezed = key.replace(" ", "")
        if squeezed in self._squeezed_placeholders:
            return _PLACEHOLDER
        if squeezed in self._squeezed_labels:
            return self._lookups[self._squeezed_labels[squeezed]]
        return _UNKNOWN

    @cached_property
    def _lookups(self) -> dict[str, RatingLookup]:
        """One lookup per rating code, shared (they are frozen): a table reads hundreds of labels."""
        return {code: RatingLookup("rating", code) for code in self.ratings}

    def rating_label_keys(self) -> list[str]:
        """Every known rating label, folded ("on track", "en bonne voie")."""
        return list(self._rating_labels)

    @cached_property
    def _squeezed_labels(self) -> dict[str, str]:
        return {k.replace(" ", ""): code for k, code in self._rating_labels.items()}

    @cached_property
    def _squeezed_placeholders(self) -> frozenset[str]:
        return frozenset(k.replace(" ", "") for k in self.templates.rating_placeholders)

    @cached_property
    def _rating_label_re(self) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + alternation(sorted(self._rating_labels, key=len, reverse=True)) + r")\b")

    def rating_in_text(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, code) of every rating label in folded ``text`` (longest label wins)."""
        return [(m.start(), m.end(), self._rating_labels[m.group()]) for m in self._rating_label_re.finditer(text)]

    def party(self, name: str, folder: Path | None = None) -> Party | None:
        """The Party a name (CITES, French, Spanish, alias or ISO code) stands for.

        A name not in parties.csv is looked up among the fictional Parties listed in
        ``<folder>/demo_parties.csv`` (see `side_parties`), when a folder is given.
        """
        party = self._parties.get(label_key(name))
        if party is None and folder is not None:
            party = side_parties(folder).get(label_key(name))
        return replace(party, raw=name) if party else None

    def is_known_name(self, name: str) -> bool:
        """Whether a name or code already stands for a Party of parties.csv."""
        return label_key(name) in self._parties

    def standard_pillar(self, name: str | None) -> str | None:
        """The standard pillar a Party's pillar name maps to, when the mapping is clear."""
        if not name:
            return None
        if name not in self._standard_pillars:  # every action of a pillar asks again
            if len(self._standard_pillars) >= _REMEMBERED_NAMES:
                self._standard_pillars.clear()
            key = fold(name)
            self._standard_pillars[name] = next((code for code, pattern in self.pillars if pattern.search(key)), None)
        return self._standard_pillars[name]

    def check_issue_code(self, code: str) -> None:
        """Fail loudly on a quality issue code missing from quality_issue_codes.csv."""
        if code not in self.quality_codes:
            raise ReferenceDataError(f"quality issue code {code!r} not in quality_issue_codes.csv")


def alternation(words: list[str]) -> str:
    """A regular expression for any of ``words`` (literal text), tried in the given order, grouped
    by first character: "o(?:n track|ngoing)|e(?:n curso)". Where a word may start, only the words
    that start with its character are tried (the others could not match there), in the same
    order: a match is the one of the plain alternation, found about twice as fast. (For a
    pattern compiled without IGNORECASE: with it, "On" and "on" could both match at one place.)"""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[:1], []).append(re.escape(word[1:]))
    return "|".join(re.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in by_first.items())


def _load_templates() -> Templates:
    raw = read_yaml(REFERENCE_DIR / "template_text.yaml")
    return Templates(
        by_language={
            lang: {key: list(pats) for key, pats in keys.items()}  # compiled when first needed
            for lang, keys in raw["languages"].items()
        },
        annex_stamp=re.compile(raw["annex_stamp"], re.IGNORECASE),
        title_meeting=re.compile(raw["title_meeting"], re.IGNORECASE),
        rating_placeholders=frozenset(label_key(p) for p in raw["rating_placeholders"]),
        pillar_placeholders=frozenset(label_key(p) for p in raw["pillar_placeholders"]),
        instructions=compile_all(raw["instructions"]),
    )


@cache
def reference() -> Reference:
    """The project's code tables, loaded once per process."""
    return Reference()


# --- fictional Parties listed beside generated reports ------------------------------------


def is_user_assigned(code: str) -> bool:
    """Whether an ISO 3166 code is one reserved for users, never given to a country.

    Alpha-2: AA, QM-QZ, XA-XZ, ZZ; alpha-3: AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ.
    """
    if not re.fullmatch(r"[A-Z]{2,3}", code):
        return False
    head = code[:2]
    return head in ("AA", "ZZ") or head[0] == "X" or (head[0] == "Q" and "M" <= head[1] <= "Z")


def side_parties(folder: Path) -> dict[str, Party]:
    """Fictional Parties listed in ``<folder>/demo_parties.csv``, by folded name, alias and code.

    The demo generator writes this file beside its reports when it needs more Parties
    than parties.csv lists (``python -m loaders demo --parties 80``), so those reports
    load like any other. The file has the columns of parties.csv; every row must be a
    demo Party (``is_demo`` true) with an ISO 3166 user-assigned code whose code and
    names are not those of a Party in parties.csv: a side file can add fictional
    Parties, never a real one. An unusable file raises `SideFileError`.
    """
    path = folder / DEMO_PARTIES_FILE
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    return _read_side_parties(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _read_side_parties(path: str, mtime_ns: int, size: int) -> dict[str, Party]:
    """The parties of one demo_parties.csv (cached per file version)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != PARTY_COLUMNS:
            raise SideFileError(path, f"expected the columns {', '.join(PARTY_COLUMNS)} (as in parties.csv)")
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    parties: dict[str, Party] = {}
    for line, row in enumerate(rows, start=2):
        party = _side_party(path, line, row)
        for name in filter(None, [row["party_name"], row["party_iso3"], *row["aliases"].split("|")]):
            if reference().is_known_name(name):
                raise SideFileError(path, f"line {line}: {name!r} already names a Party of data/reference/parties.csv")
            key = label_key(name)
            if key in parties and parties[key].iso3 != party.iso3:
                raise SideFileError(path, f"line {line}: {name!r} names two Parties")
            parties[key] = party
    return parties


def _side_party(path: str, line: int, row: dict[str, str]) -> Party:
    """One row of demo_parties.csv as a demo Party, or `SideFileError` saying what is wrong."""
    code, name = row["party_iso3"], row["party_name"]
    if row["is_demo"] != "true":
        raise SideFileError(path, f"line {line}: is_demo must be true: only fictional demo Parties may be listed here")
    if not is_user_assigned(code):
        raise SideFileError(path, f"line {line}: {code!r} is not an ISO 3166 user-assigned code "
                                  "(AA, QM-QZ, XA-XZ, ZZ, or AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ)")
    if not name:
        raise SideFileError(path, f"line {line}: the Party has no name")
    source = row["source"] or f"fictional demo Party ({DEMO_PARTIES_FILE})"
    return Party(name=name, iso3=code, is_demo=True, source=source)
