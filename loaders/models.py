"""Typed models passed between the stages of the loader.

``RawReport`` is what a format parser produces: the document's paragraphs and table
cells verbatim, in order, with provenance. ``Report`` is the normalised result that is
stored and printed as JSON. Nothing downstream of a format parser sees loose dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Where = Literal["synopsis", "notes"]
Cause = Literal["funding", "coordination", "capacity", "approval", "external", "unspecified"]
FundingStatus = Literal["secured", "sought"]


# --- raw layer: what a format parser saw -------------------------------------------


@dataclass(frozen=True, slots=True)
class RawParagraph:
    """One paragraph of text, outside or inside a table cell."""

    text: str
    italic: bool = False
    bold: bool = False
    bullet: bool = False
    heading: bool = False
    page: int | None = None


@dataclass(frozen=True, slots=True)
class RawCell:
    """A table cell: its verbatim source text and the paragraphs read from it."""

    raw: str
    paragraphs: tuple[RawParagraph, ...] = ()

    @property
    def text(self) -> str:
        """The cell's paragraphs joined by spaces, without markup."""
        paragraphs = self.paragraphs
        if len(paragraphs) == 1:  # most cells: nothing to join
            return paragraphs[0].text.strip()
        return " ".join([p.text for p in paragraphs]).strip()


@dataclass(frozen=True, slots=True)
class RawRow:
    """A table row with its index in the table and the page it starts on."""

    index: int
    cells: tuple[RawCell, ...]
    page: int | None = None

    def cell(self, i: int | None) -> RawCell:
        """Cell ``i``, or an empty cell when the row is shorter (or ``i`` is None)."""
        if i is None or i >= len(self.cells):
            return _EMPTY_CELL
        return self.cells[i]


_EMPTY_CELL = RawCell(raw="")  # what `RawRow.cell` gives past the end of a row (one, shared: frozen)


@dataclass(frozen=True, slots=True)
class RawTable:
    """A table as it appears in the document (a page-broken table is several)."""

    index: int
    rows: tuple[RawRow, ...]
    page: int | None = None


Block = RawParagraph | RawTable


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a report came from."""

    file: str
    path: str
    sha256: str
    format: str
    size_bytes: int


@dataclass(frozen=True, slots=True)
class RawReport:
    """A document as read by a format parser: blocks in document order."""

    source: SourceInfo
    blocks: tuple[Block, ...]

    @property
    def paragraphs(self) -> list[RawParagraph]:
        """The paragraphs outside tables."""
        return [b for b in self.blocks if isinstance(b, RawParagraph)]

    @property
    def tables(self) -> list[RawTable]:
        """The tables, in document order."""
        return [b for b in self.blocks if isinstance(b, RawTable)]


# --- normalised layer ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Party:
    """A CITES Party, by its CITES name and ISO 3166 alpha-3 code."""

    name: str
    iso3: str
    raw: str = ""
    is_demo: bool = False
    source: str = field(default="", compare=False)  # where the code and name come from (parties.csv's source)


@dataclass(frozen=True, slots=True)
class Meeting:
    """A Standing Committee meeting ("SC66") and how it was found."""

    code: str
    number: int
    found_in: str = ""


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period as YYYY-MM or YYYY strings, with the raw text."""

    start: str | None
    end: str | None
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Pillar:
    """The pillar (category) an action belongs to."""

    number: int | None
    name: str | None
    standard: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """One bullet or paragraph of an action's progress summary."""

    text: str
    is_comment: bool
    provenance: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence that supports an extracted fact, and where it was found."""

    sentence: str
    where: Where
    matched: str


@dataclass(frozen=True, slots=True)
class DelayCause:
    """A cause of delay of one action, with its evidence."""

    cause: Cause
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class FundingFact:
    """A funding status of one action (secured or sought), with its evidence."""

    status: FundingStatus
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class TimingFact:
    """A planned start or expected completion date, with its evidence."""

    kind: Literal["planned_start", "expected_completion"]
    value: str
    window_start: str | None
    window_end: str | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class QualityIssue:
    """Something in a report a reader should not trust blindly."""

    code: str
    message: str
    action: str | None = None
    evidence: str | None = None


@dataclass(slots=True)
class Action:
    """One NIAP action of one report, merged from Part B and Part C."""

    code: str
    pillar: Pillar
    title: str
    rating: str | None
    rating_labels: dict[str, str]
    rating_source: str | None = None  # "detailed" (Part C), "summary" (Part B) or None
    notes: list[Note] = field(default_factory=list)
    is_priority: bool = False
    provenance: str = ""
    delayed: bool = False
    delay_causes: list[DelayCause] = field(default_factory=list)
    funding: list[FundingFact] = field(default_factory=list)
    timing: list[TimingFact] = field(default_factory=list)

    @property
    def funding_status(self) -> list[str]:
        """Distinct funding statuses, secured before sought."""
        found = {f.status for f in self.funding}
        return [s for s in ("secured", "sought") if s in found]

    def timing_value(self, kind: str) -> str | None:
        """The first timing fact of a kind, or None."""
        return next((t.value for t in self.timing if t.kind == kind), None)


@dataclass(frozen=True, slots=True)
class SynopsisParagraph:
    """A paragraph of Part A with the sub-heading it sits under."""

    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class UnreadText:
    """A paragraph or cell text of the source that no reader used, and where it is."""

    where: str
    text: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the document's text the loader used (letters and digits, not layout)."""

    used_chars: int
    total_chars: int
    unread: tuple[UnreadText, ...] = ()

    @property
    def share(self) -> float:
        """Used characters over all characters (1.0 for a document without text)."""
        return self.used_chars / self.total_chars if self.total_chars else 1.0


@dataclass(slots=True)
class Report:
    """A normalised progress report: what is stored and printed as JSON."""

    source: SourceInfo
    party: Party
    meeting: Meeting
    period: Period
    language: str
    rating_scale: str
    title: str
    prepared_by: str | None
    synopsis: list[SynopsisParagraph]
    actions: list[Action]
    quality_issues: list[QualityIssue] = field(default_factory=list)
    is_demo: bool = False
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0))

    @property
    def report_id(self) -> str:
        """One report per Party and meeting: a newer file replaces the older one."""
        return f"{self.party.iso3}-{self.meeting.code}"
