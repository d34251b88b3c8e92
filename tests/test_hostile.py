"""Hostile files are harmless (issue 14): bombs and damaged files end in one `error:` line,
within the memory and time caps; environment errors (the database path, the disk, a
damaged database) get their own one-line message. Every file here is made by the test
(tests/hostile.py), small on disk.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from loaders import cli
from loaders.database import REBUILD_HINT, SCHEMA_VERSION
from loaders.errors import BadInputError
from loaders.formats import limits, pdf_streams, read_raw
from loaders.pipeline import read_report
from loaders.sandbox import Limits, ParseWorker
from tests import hostile
from tests.helpers import SAMPLE, run_cli

TIGHT_MB = 300  # every bomb is refused by a bound well under this cap (the default cap is 1024 MB)

# name: (file maker, suffix, words of the one-line error)
CASES: dict[str, tuple[Callable[[], bytes], str, tuple[str, ...]]] = {
    "gridSpan bomb": (hostile.grid_span_bomb, ".docx", ("a table row has 100,000,003 columns, more than 64",)),
    "gridSpan not a number": (lambda: hostile.docx_with_document(hostile.with_grid_span("abc")), ".docx",
                              ("gridSpan", "'abc', not a number")),
    "gridSpan of a thousand digits": (lambda: hostile.docx_with_document(hostile.with_grid_span("9" * 1000)), ".docx",
                                      ("more than 64",)),
    "corrupt deflate data": (hostile.corrupt_deflate_docx, ".docx", ("damaged Word file", "zlib.error")),
    "main part not w:document": (hostile.not_a_document_docx, ".docx", ("not a Word document body",)),
    "zip bomb": (hostile.zip_bomb_docx, ".docx", ("zip bomb",)),
    "zip bomb with a lying header": (hostile.lying_zip_bomb_docx, ".docx", ("damaged Word file",)),
    "entity expansion": (hostile.billion_laughs_docx, ".docx", ("cannot read the Word document",)),
    "flate bomb": (hostile.flate_bomb_pdf, ".pdf", ("inflates beyond 64 MB",)),
    "600 pages": (lambda: hostile.many_pages_pdf(600), ".pdf", ("more than 500 pages",)),
    "malformed MediaBox": (hostile.malformed_mediabox_pdf, ".pdf", ("damaged PDF",)),
    "pdfminer warnings": (hostile.noisy_pdf, ".pdf", ("not a NIAP progress report",)),
    "a million tabs": (lambda: SAMPLE.read_bytes() + b"\n" + b"\t" * 1_000_000 + b"\n", ".md",
                       ("a table row has 1,000,001 columns, more than 64",)),
}


@pytest.fixture(scope="module")
def worker() -> Iterator[ParseWorker]:
    with ParseWorker(Limits(memory_mb=TIGHT_MB, seconds=60)) as parse_worker:
        yield parse_worker


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    made = {}
    for name, (make, suffix, _) in CASES.items():
        made[name] = folder / (name.replace(" ", "_").replace(":", "") + suffix)
        made[name].write_bytes(make())
    return made


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_file_is_one_line_under_the_caps(worker: ParseWorker, files: dict[str, Path], name: str) -> None:
    path, (_, _, words) = files[name], CASES[name]
    with pytest.raises(BadInputError) as raised:
        worker.read(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    for word in words:
        assert word in message
    assert "memory cap" not in message and "time cap" not in message, "refused by a bound, not by a cap"
    assert 0 < worker.peak_kb < TIGHT_MB * 1024, f"peak {worker.peak_kb} KB"
    assert path.stat().st_size < 1_200_000, "regression files stay small"


@pytest.mark.parametrize("name", ["gridSpan bomb", "flate bomb", "corrupt deflate data", "malformed MediaBox",
                                  "pdfminer warnings"])
def test_through_the_command_line_exit_2_and_one_line(files: dict[str, Path], name: str) -> None:
    env = {**os.environ, "NIAP_PARSE_MEMORY_MB": str(TIGHT_MB)}
    result = run_cli("load", str(files[name]), "--db", str(files[name].parent / "niap.duckdb"), env=env)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {files[name]}: "), result.stderr
    assert not (files[name].parent / "niap.duckdb").exists()


def test_pdfminer_logs_nothing_on_stderr(files: dict[str, Path], capfd: pytest.CaptureFixture[str]) -> None:
    records: list[logging.LogRecord] = []
    counter = logging.Handler()
    counter.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("pdfminer").addHandler(counter)
    try:
        with pytest.raises(BadInputError):
            read_report(files["pdfminer warnings"])  # in this process: the records go to no terminal
    finally:
        logging.getLogger("pdfminer").removeHandler(counter)
    assert len([r for r in records if r.levelno >= logging.WARNING]) >= 3, "the file does make pdfminer warn"
    assert capfd.readouterr().err == ""


def test_the_memory_cap_is_one_line_and_the_next_file_reads(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text(SAMPLE.read_text(encoding="utf-8") + "\n\n".join("word " * 20 for _ in range(190_000)),
                   encoding="utf-8")
    with ParseWorker(Limits(memory_mb=150, seconds=120)) as small:
        with pytest.raises(BadInputError, match=r"it exceeds the memory cap of 150 MB \(NIAP_PARSE_MEMORY_MB\)"):
            small.read(big)
        assert small.read(SAMPLE).report.party.iso3 == "KHM"  # a new child reads the next file


def test_the_time_cap_kills_the_child_and_the_next_file_reads(tmp_path: Path) -> None:
    slow = tmp_path / "slow.pdf"
    lines = ["Consultations have been held with the relevant agencies on the draft regulation"] * 50
    slow.write_bytes(hostile.pdf_bytes([hostile.text_page(lines, table_rows=10)] * 120))
    with ParseWorker(Limits(memory_mb=1024, seconds=1)) as quick:
        with pytest.raises(BadInputError, match=r"reading it takes longer than 1 s, the time cap for one file"):
            quick.read(slow)
        assert quick._process is None, "the child was killed"
        assert quick.read(SAMPLE).report.party.iso3 == "KHM"


def test_the_inflated_total_of_a_document_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streams each under the per-stream bound, together over the per-document one (bounds made
    small here: content streams of tens of megabytes take minutes to interpret)."""
    monkeypatch.setattr(pdf_streams, "MAX_INFLATED_TOTAL", 200_000)
    path = tmp_path / "streams.pdf"
    spaces = (b"/Filter /FlateDecode", hostile.zlib.compress(b" " * 90_000))
    path.write_bytes(hostile.pdf_bytes([hostile.text_page(["Party: CAMBODIA"])], extra_streams=[spaces] * 3))
    with pytest.raises(BadInputError, match="its compressed streams inflate beyond"):
        read_raw(path)


def test_the_bounds_are_those_documented() -> None:
    assert (limits.MAX_COLUMNS, limits.MAX_PAGES, limits.MAX_INFLATED_STREAM) == (64, 500, 64 << 20)


# --- environment errors -------------------------------------------------------------------


def one_line(result: subprocess.CompletedProcess[str], db: Path, *words: str) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {db}: ") and "Traceback" not in result.stderr, \
        result.stderr
    assert ".tmp" not in lines[0] and "in use by another process" not in lines[0], lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m loaders ARGS`` in this process (so a test can make the disk full)."""
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


@pytest.fixture(scope="module")
def good_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("good") / "niap.duckdb"
    assert cli.main(["load", str(SAMPLE), "--db", str(db)]) == 0
    return db


def test_db_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one_line(run_cli("load", str(SAMPLE), "--db", str(tmp_path)), tmp_path, "is a folder, not a database file")
    one_line(run_main(capsys, "build", "--db", str(tmp_path)), tmp_path, "is a folder")


def test_db_in_a_folder_where_nothing_can_be_made(capsys: pytest.CaptureFixture[str]) -> None:
    db = Path("/proc/niap.duckdb")  # a kernel file system: no file can be created there
    one_line(run_main(capsys, "load", str(SAMPLE), "--db", str(db)), db, "cannot create files in /proc")


@pytest.mark.parametrize(("code", "words"), [(errno.EACCES, "permission denied"),
                                             (errno.EROFS, "read-only file system")])
def test_an_unwritable_or_read_only_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch, code: int, words: str) -> None:
    """Simulated: the tests run as root, whom permissions do not stop (a hand run on a read-only
    tmpfs gives the same line)."""
    real_open = os.open

    def refuse(path, *args, **kwargs):  # noqa: ANN001, ANN202
        if str(path).endswith(".lock"):
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("loaders.lock.os.open", refuse)
    db = tmp_path / "data" / "niap.duckdb"
    one_line(run_main(capsys, "load", str(SAMPLE), "--db", str(db)), db, words)


def test_a_full_disk(good_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "niap.duckdb"
    shutil.copyfile(good_db, db)
    before = db.read_bytes()

    def no_space(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:  # the copy fails
        patch.setattr("loaders.writing.shutil.copyfile", no_space)
        one_line(run_main(capsys, "load", str(hostile.ROOT / "data/demo/xa_sc65.md"), "--db", str(db)), db,
                 "the disk is full", "the database was not changed")

    def duckdb_full(con, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise duckdb.IOException(f'IO Error: Could not write file "{db}.tmp": No space left on device')

    with monkeypatch.context() as patch:  # DuckDB fails to write the copy
        patch.setattr("loaders.editing.store_report", duckdb_full)
        one_line(run_main(capsys, "load", str(hostile.ROOT / "data/demo/xa_sc65.md"), "--db", str(db)), db,
                 "the disk is full")
    assert db.read_bytes() == before and not list(tmp_path.glob(".niap.duckdb.*.tmp*"))


def _damaged(good: Path, folder: Path) -> dict[str, Path]:
    data = good.read_bytes()
    made = {"text": b"hello, not a database\n", "empty": b"", "truncated": data[: len(data) // 3]}
    corrupt = bytearray(data)
    for i in range(len(corrupt) // 2, len(corrupt) // 2 + 200_000, 97):  # scribble over data blocks
        corrupt[i] ^= 0x5A
    made["corrupt"] = bytes(corrupt)
    paths = {}
    for name, content in made.items():
        paths[name] = folder / f"{name}.duckdb"
        paths[name].write_bytes(content)
    return paths


@pytest.mark.parametrize("kind", ["text", "empty", "truncated", "corrupt"])
def test_a_damaged_database_names_the_users_file(good_db: Path, tmp_path: Path, kind: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = _damaged(good_db, tmp_path)[kind]
    before = db.read_bytes()
    args = ("load", str(hostile.ROOT / "data/demo/xa_sc65.md"), "--db", str(db))
    result = run_cli(*args) if kind == "corrupt" else run_main(capsys, *args)  # one through a real process
    line = one_line(result, db, REBUILD_HINT)
    assert ("DuckDB database" in line), line
    assert db.read_bytes() == before


def test_build_replaces_a_damaged_database(good_db: Path, tmp_path: Path) -> None:
    from loaders.build import build

    db = _damaged(good_db, tmp_path)["truncated"]
    data = tmp_path / "data" / "raw"
    data.mkdir(parents=True)
    shutil.copyfile(SAMPLE, data / SAMPLE.name)
    result = build(db, data_dir=data.parent)
    assert result.reports == 1 and not result.errors


def test_a_database_of_an_older_schema_says_rebuild(good_db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "old.duckdb"
    shutil.copyfile(good_db, db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE core_schema_info SET schema_version = ?", [SCHEMA_VERSION - 1])
    con.close()
    one_line(run_main(capsys, "load", str(SAMPLE), "--db", str(db)), db, f"schema version {SCHEMA_VERSION - 1}",
             REBUILD_HINT)
