"""Tables for briefings: CSV and XLSX with plain-word headers, formulas neutralised.

Every exported table says when it was exported and whether it holds demo data, on every
row (`stamped`): two columns, "Exported" and "Demo data (fictional Party)", rather than a
comment line above the header, which spreadsheets would read as the header row. An XLSX
also has an "about" sheet: title, selection, source, export date and the demo note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

import pandas as pd

from dashboard.panels import DEMO_NOTE, NO_DEMO_NOTE, Panel
from dashboard.queries import DEMO_MARK

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORTED = "Exported"
DEMO_COLUMN = "Demo data (fictional Party)"  # per row: the row is about a demo Party
POOLED_DEMO_COLUMN = "Includes demo data (fictional Parties)"  # rows that pool Parties (a cause, a pillar)


def stamped(df: pd.DataFrame, *, includes_demo: bool, today: date | None = None) -> pd.DataFrame:
    """The table with the export date and the demo flag on every row. A row about one Party
    is flagged by that Party (a demo Party's name ends "(demo)"); rows that pool Parties say
    whether the export holds any demo data (``includes_demo``)."""
    out = df.copy()
    if DEMO_COLUMN not in out.columns and POOLED_DEMO_COLUMN not in out.columns:
        if "Party" in out.columns:
            out[DEMO_COLUMN] = [isinstance(p, str) and p.endswith(DEMO_MARK) for p in out["Party"]]
        else:
            out[POOLED_DEMO_COLUMN] = bool(includes_demo)
    out[EXPORTED] = (today or date.today()).isoformat()
    return out


def panel_notes(panel: Panel, today: date | None = None) -> list[str]:
    """The "about" lines of a panel's data file: title, selection, source, date, demo note."""
    return [f"Title: {panel.title}", f"Selection: {panel.selection}", f"Source: {panel.source}",
            f"{EXPORTED}: {(today or date.today()).isoformat()}", f"Demo data: {panel.demo_note}"]


def about_rows(notes: Iterable[str], table: pd.DataFrame | None = None,
               today: date | None = None) -> list[tuple[str, str]]:
    """The "about" sheet: one (what, value) row per note ("Source: x" -> ("Source", "x")),
    plus the export date and what the table says about demo data when no note does."""
    rows = [tuple(n.split(": ", 1)) if ": " in n else ("Note", n) for n in notes]
    keys = {k.lower() for k, _ in rows}
    if not keys & {"exported", "date"}:
        rows.append((EXPORTED, (today or date.today()).isoformat()))
    if not any("demo" in f"{k} {v}".lower() for k, v in rows):
        flags = [table[c].astype(bool).any() for c in (DEMO_COLUMN, POOLED_DEMO_COLUMN)
                 if table is not None and c in table.columns]
        if flags:
            rows.append(("Demo data", DEMO_NOTE if any(flags) else NO_DEMO_NOTE))
    return [(str(k), str(v)) for k, v in rows]



def neutralise(value: object) -> object:
    """A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a
    leading apostrophe, so it shows as text and never runs."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def plain_table(df: pd.DataFrame, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """The table as exported: chosen columns renamed to plain words, formulas neutralised."""
    table = df[list(columns)].rename(columns=columns) if columns else df.copy()
    table.columns = [neutralise(str(c)) for c in table.columns]
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(neutralise)
    return table


def to_csv(df: pd.DataFrame, columns: dict[str, str] | None = None) -> bytes:
    """RFC 4180 CSV in UTF-8 (with a BOM, so spreadsheets detect the encoding) of the plain table."""
    buffer = io.StringIO()
    plain_table(df, columns).to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(df: pd.DataFrame, columns: dict[str, str] | None = None, *, sheet: str = "data",
            notes: Iterable[str] = (), today: date | None = None) -> bytes:
    """An XLSX workbook: the plain table, and an "about" sheet (`about_rows`: title,
    selection, source, export date, demo note; never empty)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    table = workbook.active
    table.title = sheet[:31]
    plain = plain_table(df, columns)
    table.append(list(plain.columns))
    for row in plain.itertuples(index=False):
        table.append([_cell(v) for v in row])
    for cell in table[1]:
        cell.font = Font(bold=True)
    about = workbook.create_sheet("about")
    for what, value in about_rows(notes, plain, today):
        about.append([neutralise(what), neutralise(value)])
        about.cell(about.max_row, 1).font = Font(bold=True)
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 120
    for sheet_ in workbook.worksheets:  # strings only: never a formula
        for row in sheet_.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


