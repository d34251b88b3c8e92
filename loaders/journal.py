"""Files written together with the database: all of them or none, even after ``kill -9``.

An upload puts its report file under data/uploads and a correction rewrites
data/corrections.csv, while the same write changes the database. A crash between the two
would leave a file the database does not know (an orphan a rebuild would load) or a
database row whose file is missing (lost at the next rebuild). So, with the writer lock
held (loaders.writing):

1. `stage` writes a manifest beside the database (``.NAME.journal.json``: the event id and
   the file operations), then the new files under temporary names;
2. the database copy, which holds the event's row in core_audit_log, is renamed over the
   database;
3. `finish` carries out the operations (rename into place, retire) and removes the manifest.

The next writer calls `recover` first: if the database holds the event, the operations
are carried out (each one can run twice); otherwise the staged files are removed.
"""

from __future__ import annotations

import glob
import json
import os
import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb


@dataclass
class Journal:
    """The file operations of one write: ``moves`` (staged file -> its place), then ``deletes``."""

    event_id: str
    moves: list[tuple[Path, Path]] = field(default_factory=list)
    deletes: list[Path] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"event_id": self.event_id, "moves": [[str(a), str(b)] for a, b in self.moves],
                           "deletes": [str(p) for p in self.deletes]})

    @classmethod
    def from_json(cls, text: str) -> Journal:
        data = json.loads(text)
        return cls(str(data["event_id"]), [(Path(a), Path(b)) for a, b in data["moves"]],
                   [Path(p) for p in data["deletes"]])


def manifest_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.journal.json")


def staged_name(target: Path, event_id: str) -> Path:
    """Where a new file waits for its write to be committed: ``.NAME.EVENT.staged`` beside it."""
    return target.with_name(f".{target.name}.{event_id}.staged")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file renamed over it (flushed to disk first)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with temp.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp.replace(path)
    finally:
        with suppress(OSError):
            temp.unlink()


def stage(db: Path, event_id: str, files: Sequence[tuple[bytes, Path]], *,
          retire: Sequence[tuple[Path, Path]] = ()) -> Journal:
    """Write the manifest and the staged files of one write (before the database is renamed).

    ``files``: (bytes, target) pairs put in place at `finish`. ``retire``: (existing file,
    where to keep it) pairs: the file is copied now and moved out of the way at `finish`
    (a target of ``files`` is simply replaced, so it is not deleted).
    """
    journal = Journal(event_id)
    targets = {target for _, target in files}
    for old, keep in retire:
        journal.moves.append((staged_name(keep, event_id), keep))
        if old not in targets:
            journal.deletes.append(old)
    journal.moves += [(staged_name(target, event_id), target) for _, target in files]
    write_atomically(manifest_path(db), journal.to_json().encode())
    for old, keep in retire:
        keep.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(staged_name(keep, event_id), old.read_bytes())
    for data, target in files:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(staged_name(target, event_id), data)
    return journal


def _remove_parts(journal: Journal) -> None:
    """Half-written staged files of a writer killed while staging them."""
    for staged, _ in journal.moves:
        with suppress(OSError):
            for part in staged.parent.glob(f".{glob.escape(staged.name)}.*.part"):
                part.unlink()


def finish(db: Path, journal: Journal) -> None:
    """Put the staged files in place (the database holds the event). Safe to run twice."""
    _remove_parts(journal)
    for staged, target in journal.moves:
        if staged.exists():
            staged.replace(target)
    for old in journal.deletes:
        with suppress(FileNotFoundError):
            old.unlink()
    with suppress(FileNotFoundError):
        manifest_path(db).unlink()


def discard(db: Path, journal: Journal) -> None:
    """Remove the staged files of a write that did not reach the database."""
    _remove_parts(journal)
    for staged, _ in journal.moves:
        with suppress(FileNotFoundError):
            staged.unlink()
    with suppress(FileNotFoundError):
        manifest_path(db).unlink()


def _holds_event(db: Path, event_id: str) -> bool | None:
    """Whether the database holds the event (None: it cannot be read, so nobody can tell)."""
    if not db.is_file():
        return False
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return None
    try:
        return bool(con.execute("SELECT count(*) FROM core_audit_log WHERE event_id = ?", [event_id]).fetchall()[0][0])
    except duckdb.Error:
        return False  # no audit table: an older database, which cannot hold the event
    finally:
        con.close()


def recover(db: Path) -> None:
    """Complete or undo the write a killed writer left half done (with the writer lock held)."""
    pattern = re.compile(rf"^\.{re.escape(manifest_path(db).name)}\.\d+\.part$")
    with suppress(OSError):
        for leftover in db.parent.iterdir():
            if pattern.match(leftover.name):
                leftover.unlink()
    manifest = manifest_path(db)
    try:
        journal = Journal.from_json(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        manifest.unlink()  # written atomically, so never half written; unreadable: nothing to go by
        return
    held = _holds_event(db, journal.event_id)
    if held is None:
        return  # a damaged database: the writer about to run says so; the manifest waits
    (finish if held else discard)(db, journal)
