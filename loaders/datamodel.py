"""The description of every table and view column, kept in data/schema.yaml.

data/schema.yaml is the one place a column's type, meaning and allowed values are
written. From it come the comments of data/schema.sql, docs/data-model.md (both
rewritten by ``python -m loaders.datamodel``, and checked by tests/test_schema.py) and
the comments stored in the database (``COMMENT ON``), which outside tools show.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from loaders.reference import DATA_DIR, PROJECT_ROOT
from loaders.yaml_files import read_yaml

METADATA_PATH = DATA_DIR / "schema.yaml"
SCHEMA_SQL_PATH = DATA_DIR / "schema.sql"
DOC_PATH = PROJECT_ROOT / "docs" / "data-model.md"
DOC_START = "<!-- generated from data/schema.yaml by `python -m loaders.datamodel`: edit that file, not below -->"
DOC_END = "<!-- end of generated part -->"
_CREATE = re.compile(r"^CREATE (TABLE IF NOT EXISTS|OR REPLACE VIEW) (\w+)")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: DuckDB type, meaning, and its allowed values when it holds codes."""

    name: str
    type: str
    description: str
    values: tuple[str, ...] = ()  # a literal list of allowed codes
    code_table: str | None = None  # or "table.column" of the code table holding them

    def values_text(self) -> str:
        """The allowed values for a reader, or '' for a column that holds no codes."""
        if self.code_table:
            return f"codes of {self.code_table}"
        return ", ".join(self.values)


@dataclass(frozen=True, slots=True)
class Relation:
    """A table or a view: what a row is, and its columns in order."""

    name: str
    description: str
    columns: dict[str, Column]

    @property
    def is_view(self) -> bool:
        """The out_ layer is made of views, the others of tables."""
        return self.name.startswith("out_")


@cache
def relations(path: Path = METADATA_PATH) -> dict[str, Relation]:
    """Every table and view of the metadata file, in file order."""
    data = read_yaml(path)
    return {name: _relation(name, entry) for name, entry in data.items()}


def _relation(name: str, entry: dict) -> Relation:
    columns = {}
    for column, spec in entry["columns"].items():
        values = spec.get("values")
        columns[column] = Column(
            column, spec["type"], spec["description"],
            values=tuple(values) if isinstance(values, list) else (),
            code_table=values if isinstance(values, str) else None,
        )
    return Relation(name, entry["description"], columns)


# --- into the database ----------------------------------------------------------------


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_statements() -> str:
    """``COMMENT ON`` every table, view and column (run after the views are replaced)."""
    statements = []
    for rel in relations().values():
        kind = "VIEW" if rel.is_view else "TABLE"
        statements.append(f"COMMENT ON {kind} {rel.name} IS {_quoted(rel.description)};")
        for column in rel.columns.values():
            text = column.description + (f" (values: {column.values_text()})" if column.values_text() else "")
            statements.append(f"COMMENT ON COLUMN {rel.name}.{column.name} IS {_quoted(text)};")
    return "\n".join(statements)


# --- into data/schema.sql -------------------------------------------------------------


def _comment_block(rel: Relation) -> list[str]:
    """The comment lines above a CREATE: the description, and for a view its columns."""
    lines = textwrap.wrap(f"{rel.name}: {rel.description}", width=100, initial_indent="-- ",
                          subsequent_indent="-- ", break_on_hyphens=False)
    if rel.is_view:
        lines += [f"--   {c.name}: {c.description}" for c in rel.columns.values()]
    return lines


def schema_sql_with_comments(sql: str) -> str:
    """``sql`` (data/schema.sql) with every description comment taken from the metadata.

    The comment block right above each CREATE (no blank line between) and the text after
    "--" on each table column line are rewritten; everything else is kept as written.
    """
    out: list[str] = []
    table: Relation | None = None
    for line in sql.splitlines():
        create = _CREATE.match(line)
        if create:
            rel = relations()[create[2]]
            while out and out[-1].startswith("--"):
                out.pop()
            out += _comment_block(rel)
            table = None if rel.is_view else rel
        elif table is not None:
            column = re.match(r"    (\w+) ", line)
            if line.startswith(")"):
                table = None
            elif column and column[1] in table.columns:
                definition = line.split("  -- ")[0].rstrip()
                line = f"{definition}  -- {table.columns[column[1]].description}"
        out.append(line)
    return "\n".join(out) + "\n"


# --- into docs/data-model.md ----------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def data_model_markdown() -> str:
    """The generated part of docs/data-model.md: every view in full, every table in one line."""
    rels = list(relations().values())
    lines = ["## The public views (out_*)", ""]
    for rel in (r for r in rels if r.is_view):
        lines += [f"### {rel.name}", "", rel.description, "", "| column | type | description | values |",
                  "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {_cell(c.description)} | {_cell(c.values_text())} |"
                  for c in rel.columns.values()]
        lines.append("")
    lines += ["## The tables (raw_*, core_*)", "",
              "Their columns are described in data/schema.yaml and in the comments of data/schema.sql.", ""]
    lines += [f"- `{r.name}`: {r.description}" for r in rels if not r.is_view]
    return "\n".join(lines) + "\n"


def doc_with_generated_part(doc: str) -> str:
    """``doc`` (docs/data-model.md) with the part between the markers regenerated."""
    head, _, rest = doc.partition(DOC_START)
    _, _, tail = rest.partition(DOC_END)
    return f"{head}{DOC_START}\n\n{data_model_markdown()}\n{DOC_END}{tail}"


def main() -> int:
    """Rewrite the comments of data/schema.sql and the generated part of docs/data-model.md."""
    for path, rewrite in ((SCHEMA_SQL_PATH, schema_sql_with_comments), (DOC_PATH, doc_with_generated_part)):
        text = path.read_text(encoding="utf-8")
        new = rewrite(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"rewrote {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
