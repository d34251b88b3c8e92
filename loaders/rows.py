"""The rows one report adds to the database, table by table (loaders.store writes them).

Dates: the models carry 'YYYY-MM' or 'YYYY' strings; the database stores the first day
of that month or year (DATE) and a precision ('month' or 'year') beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from loaders.database import utc_now
from loaders.models import Meeting, Party, RawParagraph, RawReport, RawTable, Report
from loaders.reference import PROJECT_ROOT

PARTY_COLUMNS = ("party_iso3", "party_name", "is_demo", "source")
MEETING_COLUMNS = ("meeting_code", "kind", "number", "note")


def _display_path(path: str) -> str:
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class TableRows:
    """Rows for one table, as tuples in ``columns`` order."""

    table: str
    columns: tuple[str, ...]
    rows: list[tuple]


def party_row(party: Party) -> tuple:
    return (party.iso3, party.name, party.is_demo, party.source or "report")


def meeting_row(meeting: Meeting) -> tuple:
    return (meeting.code, meeting.code.rstrip("0123456789"), meeting.number,
            "not in data/reference/meetings.csv: added when a report for it was loaded")


def _raw_rows(raw: RawReport) -> list[TableRows]:
    sha = raw.source.sha256
    paragraphs, cells = [], []
    for i, block in enumerate(raw.blocks):
        if isinstance(block, RawParagraph):
            paragraphs.append((sha, i, block.page, block.heading, block.text))
        elif isinstance(block, RawTable):
            for row in block.rows:
                for j, cell in enumerate(row.cells):
                    cells.append((sha, block.index, row.index, j, row.page, cell.raw, cell.text))
    return [
        TableRows("raw_files", ("file_sha256", "file_name", "file_path", "format", "size_bytes", "loaded_at"),
                  [(sha, raw.source.file, _display_path(raw.source.path), raw.source.format,
                    raw.source.size_bytes, utc_now())]),
        TableRows("raw_paragraphs", ("file_sha256", "block_index", "page", "is_heading", "text"), paragraphs),
        TableRows("raw_table_cells", ("file_sha256", "table_index", "row_index", "cell_index", "page", "raw", "text"),
                  cells),
    ]


def date_and_precision(value: str | None) -> tuple[date | None, str | None]:
    """'YYYY-MM' -> (first day of the month, 'month'); 'YYYY' -> (1 January, 'year'); None -> (None, None)."""
    if value is None:
        return None, None
    year, _, month = value.partition("-")
    return date(int(year), int(month or 1), 1), "month" if month else "year"


def _report_row(report: Report, version: str) -> TableRows:
    """The core_reports row. report_id is the Party and the meeting, so a new version of a
    report updates its row in place, keeping those two (DuckDB updates a foreign key column
    by deleting and inserting the row)."""
    return TableRows(
        "core_reports",
        ("report_id", "party_iso3", "meeting_code", *_dated("period_start"), *_dated("period_end"), "language",
         "rating_scale", "title", "prepared_by", "n_actions", "file_sha256", "source_file", "source_path", "format",
         "is_demo", "loader_version", "loaded_at", "text_chars", "used_chars", "coverage"),
        [(report.report_id, report.party.iso3, report.meeting.code, *date_and_precision(report.period.start),
          *date_and_precision(report.period.end), report.language, report.rating_scale, report.title,
          report.prepared_by, len(report.actions), report.source.sha256, report.source.file,
          _display_path(report.source.path), report.source.format, report.is_demo,
          version, utc_now(), report.coverage.total_chars, report.coverage.used_chars,
          report.coverage.share)],
    )


def _dated(column: str) -> tuple[str, str]:
    """A date column and its precision column (the pair `date_and_precision` fills)."""
    return column, f"{column}_precision"


def report_rows(raw: RawReport, report: Report, version: str) -> list[TableRows]:
    """Every row one report adds, table by table, parents first (``version``: the loader's)."""
    return [TableRows("core_parties", PARTY_COLUMNS, [party_row(report.party)]),
            TableRows("core_meetings", MEETING_COLUMNS, [meeting_row(report.meeting)]),
            _report_row(report, version), *_raw_rows(raw), *_child_rows(report)]


def _child_rows(report: Report) -> list[TableRows]:
    """The report's rows in the child tables of core_reports."""
    rid = report.report_id
    actions, notes, causes, funding, timing = [], [], [], [], []
    for order, a in enumerate(report.actions):
        actions.append((rid, a.code, order, a.pillar.number, a.pillar.name, a.pillar.standard,
                        a.title, a.is_priority, a.rating, a.rating_labels.get("summary_table"),
                        a.rating_labels.get("detailed"), a.rating_source, a.delayed,
                        *date_and_precision(a.timing_value("planned_start")),
                        *date_and_precision(a.timing_value("expected_completion")), a.provenance))
        notes += [(rid, a.code, i, n.text, n.is_comment, n.provenance) for i, n in enumerate(a.notes)]
        causes += [(rid, a.code, i, c.cause, c.evidence.where, c.evidence.sentence,
                    c.evidence.matched) for i, c in enumerate(a.delay_causes)]
        funding += [(rid, a.code, i, f.status, f.evidence.where, f.evidence.sentence,
                     f.evidence.matched) for i, f in enumerate(a.funding)]
        timing += [(rid, a.code, i, t.kind, *date_and_precision(t.value), *date_and_precision(t.window_start),
                    *date_and_precision(t.window_end), t.evidence.where, t.evidence.sentence, t.evidence.matched)
                   for i, t in enumerate(a.timing)]
    fact = ("report_id", "action_code", "fact_index")
    evidence = ("found_in", "evidence", "matched")
    return [
        TableRows("core_unread_text", ("report_id", "item_index", "location", "text"),
                  [(rid, i, u.where, u.text) for i, u in enumerate(report.coverage.unread)]),
        TableRows("core_synopsis", ("report_id", "paragraph_index", "heading", "text"),
                  [(rid, i, p.heading, p.text) for i, p in enumerate(report.synopsis)]),
        TableRows("core_actions", ("report_id", "action_code", "sort_order", "pillar_number", "pillar_name",
                                   "pillar_code", "title", "is_priority", "rating_code", "rating_label_summary",
                                   "rating_label_detailed", "rating_source", "delayed", *_dated("planned_start"),
                                   *_dated("expected_completion"), "provenance"), actions),
        TableRows("core_notes", ("report_id", "action_code", "note_index", "text", "is_comment", "provenance"), notes),
        TableRows("core_delay_causes", (*fact, "cause", *evidence), causes),
        TableRows("core_funding", (*fact, "status", *evidence), funding),
        TableRows("core_timing", (*fact, "kind", *_dated("value"), *_dated("window_start"), *_dated("window_end"),
                                  *evidence), timing),
        TableRows("core_quality_issues", ("report_id", "issue_index", "issue_code", "action_code", "message",
                                          "evidence"),
                  [(rid, i, q.code, q.action, q.message, q.evidence) for i, q in enumerate(report.quality_issues)]),
    ]
