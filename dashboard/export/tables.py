"""Tables for briefings: CSV and XLSX with plain-word headers, formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")



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
            notes: Iterable[str] = ()) -> bytes:
    """An XLSX workbook: the plain table, and a "about" sheet with the notes (source, filters)."""
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
    for note in notes:
        about.append([neutralise(note)])
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


