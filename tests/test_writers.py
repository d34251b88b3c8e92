"""One writer at a time (issue 14): concurrent loads lose nothing, a busy database says who
holds it, kill -9 leaves the before- or the after-state and nothing stale, a load that
changes nothing leaves the file untouched, replaced reports are kept in the history.

Trials are few here (the suite stays fast); ``NIAP_TRIALS=50`` (or 30) runs more, as for the
figures in the README ("One writer at a time").
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from loaders.build import build
from loaders.cli import main
from loaders.lock import current_holder, lock_path, writer
from loaders.store import load_reference
from loaders.writing import stale_copies, writable_copy
from tests.helpers import ROOT, SAMPLE, edited_sample, run_cli

DEMO = ROOT / "data" / "demo"
TRIALS = int(os.environ.get("NIAP_TRIALS", "0"))  # 0: the suite's own numbers
PERIOD_TO_MARCH = ("November 2014 – September 2015", "November 2014 – March 2015")  # an older reporting period
OTHER = DEMO / "xa_sc65.md"  # a second report, of another Party and meeting


def reports(db: Path) -> set[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r for (r,) in con.execute("SELECT report_id FROM core_reports").fetchall()}
    finally:
        con.close()


def consistent(db: Path) -> set[str]:
    """The reports of a database that opens and whose views add up (no half-written state)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        one = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
        assert one("SELECT count(*) FROM out_actions") == one("SELECT count(*) FROM core_actions")
        assert one("SELECT coalesce(sum(n_actions), 0) FROM out_reports") == one("SELECT count(*) FROM core_actions")
        assert one("SELECT count(*) FROM raw_files WHERE file_sha256 NOT IN (SELECT file_sha256 FROM core_reports)") \
            == 0, "orphan raw files"
        return {r for (r,) in con.execute("SELECT report_id FROM core_reports").fetchall()}
    finally:
        con.close()


def load(*args: object) -> subprocess.CompletedProcess[str]:
    """``python -m loaders load ARGS`` run in this process (the command's code, without starting
    Python again: the concurrency and kill tests use real processes)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["load", *map(str, args)])
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "loaders", *args], cwd=ROOT, text=True, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def assert_one_error_line(stderr: str, *words: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    db = tmp_path / "niap.duckdb"
    result = load(SAMPLE, "--db", db)
    assert result.returncode == 0, result.stderr
    return db


# --- concurrent writers ---------------------------------------------------------------


def test_two_concurrent_loads_of_different_reports_keep_both(tmp_path: Path) -> None:
    """Issue 14: both exited 0 and one report was missing, 20 of 20 trials. 10 trials here."""
    empty = tmp_path / "empty.duckdb"  # a database with the code tables and no report yet
    with writable_copy(empty, fresh=True) as copy:
        load_reference(copy.con)
    for trial in range(TRIALS or 10):
        db = tmp_path / f"t{trial}" / "niap.duckdb"
        db.parent.mkdir()
        db.write_bytes(empty.read_bytes())
        first, second = cli("load", str(SAMPLE), "--db", str(db)), cli("load", str(OTHER), "--db", str(db))
        for process in (first, second):
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        assert consistent(db) == {"KHM-SC66", "XA-SC65"}, f"trial {trial}"
        assert not stale_copies(db)


def test_a_load_during_a_build_is_not_lost(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    db = tmp_path / "niap.duckdb"
    code = ("from pathlib import Path; from loaders.build import build; "
            f"build(Path({str(db)!r}), data_dir=Path({str(data)!r}))")
    builder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while current_holder(db) is None and builder.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)  # the build holds the lock: now load
    loaded = run_cli("load", str(OTHER), "--db", str(db))
    assert builder.wait(timeout=120) == 0, builder.stderr.read()
    assert loaded.returncode == 0, loaded.stderr
    assert consistent(db) == {"KHM-SC66", "XA-SC65"}


def test_a_second_writer_waits_then_says_who_is_busy(sample_db: Path) -> None:
    before = sample_db.stat().st_mtime_ns
    with writer(sample_db, who="tester@bench", what="test"):
        started = time.monotonic()
        result = run_cli("load", str(OTHER), "--db", str(sample_db), "--wait", "1")
        waited = time.monotonic() - started
        env = {**os.environ, "NIAP_LOCK_WAIT_SECONDS": "0.5"}
        by_env = run_cli("load", str(OTHER), "--db", str(sample_db), env=env)
    line = assert_one_error_line(result.stderr, f"error: {sample_db}: busy: held by tester@bench (pid {os.getpid()}, "
                                                "test) since ", " UTC; try again later")
    assert result.returncode == 2 and waited >= 1, line
    assert by_env.returncode == 2 and "busy: held by tester@bench" in by_env.stderr
    assert sample_db.stat().st_mtime_ns == before and reports(sample_db) == {"KHM-SC66"}


def test_a_waiting_writer_shows_progress_on_a_terminal(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from loaders.lock import writer\n"
         f"with writer(Path({str(sample_db)!r}), who='other@host', what='build'):\n"
         "    print('held', flush=True); time.sleep(1.5)"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with writer(sample_db, wait=30) as me:  # waits for the other one, then holds the lock
        assert current_holder(sample_db) == me
    holder.wait(timeout=30)
    shown = terminal.getvalue()
    assert f"waiting for {sample_db}: other@host (pid {holder.pid}, build) since " in shown
    assert shown.endswith("\r"), "the waiting line is cleared once the lock is taken"


def test_threads_of_one_process_write_one_at_a_time(sample_db: Path) -> None:
    """The app saves from several sessions (threads) of one process."""
    import threading

    inside, overlaps = [], []

    def save(n: int) -> None:
        with writer(sample_db, who=f"session {n}", wait=30):
            inside.append(n)
            if len(inside) > 1:
                overlaps.append(tuple(inside))
            time.sleep(0.05)
            inside.remove(n)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == []


# --- what a write leaves behind ---------------------------------------------------------


def test_a_load_that_changes_nothing_or_fails_leaves_the_file_untouched(sample_db: Path, tmp_path: Path) -> None:
    stamp, data = sample_db.stat().st_mtime_ns, sample_db.read_bytes()
    time.sleep(0.02)
    assert load(SAMPLE, "--db", sample_db).returncode == 0  # unchanged
    bad = tmp_path / "empty.md"
    bad.write_bytes(b"")
    assert load(bad, "--db", sample_db).returncode == 2
    with writable_copy(sample_db) as copy:  # a writer that writes nothing
        copy.con.execute("SELECT 1")
    assert sample_db.stat().st_mtime_ns == stamp and sample_db.read_bytes() == data
    assert not stale_copies(sample_db)


def test_a_failed_write_leaves_the_file_untouched(sample_db: Path) -> None:
    stamp, data = sample_db.stat().st_mtime_ns, sample_db.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), writable_copy(sample_db) as copy:
        copy.con.execute("DELETE FROM core_quality_issues")
        copy.changed = True
        raise RuntimeError("boom")
    assert sample_db.stat().st_mtime_ns == stamp and sample_db.read_bytes() == data
    assert not stale_copies(sample_db)


def test_stale_copies_of_dead_writers_are_removed_by_the_next_write(sample_db: Path) -> None:
    stale = [sample_db.with_name(f".{sample_db.name}.999999.tmp{wal}") for wal in ("", ".wal")]
    for path in stale:
        path.write_bytes(b"x" * 1000)
    keep = sample_db.with_name("notes.tmp")
    keep.write_text("not ours")
    assert load(OTHER, "--db", sample_db).returncode == 0
    assert stale_copies(sample_db) == [] and keep.exists()
    assert lock_path(sample_db).exists()  # the lock file stays: removing it would let two writers in


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _children_of(pid):
            return True
        time.sleep(0.05)
    return False


def _children_of(pid: int) -> list[int]:
    """Parse children started by process ``pid`` (they carry its pid in their environment)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"NIAP_PARSE_PARENT={pid}\0".encode() in environ + b"\0":
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("command", ["load", "build"])
def test_kill_9_leaves_the_before_or_after_state_and_nothing_stale(tmp_path: Path, command: str) -> None:
    """kill -9 at random moments (5 trials each here; 30 each by hand): the database opens
    with the reports of before or of after, no parse child is left, no copy after the next write."""
    rng = random.Random(14)
    data = tmp_path / "data"
    (data / "demo").mkdir(parents=True)
    for name in ("xa_sc65.md", "xa_sc66.md", "xb_sc67.docx", "xc_sc70.docx"):
        (data / "demo" / name).write_bytes((DEMO / name).read_bytes())
    db = tmp_path / "niap.duckdb"
    assert load(SAMPLE, "--db", db).returncode == 0
    saved = tmp_path / "before.duckdb"
    saved.write_bytes(db.read_bytes())
    before = {"KHM-SC66"}
    if command == "load":
        args = [sys.executable, "-m", "loaders", "load", *map(str, sorted((data / "demo").iterdir())), "--db", str(db)]
        after = before | {"XA-SC65", "XA-SC66", "XB-SC67", "XC-SC70"}
    else:
        args = [sys.executable, "-c", "from pathlib import Path; from loaders.build import build; "
                f"build(Path({str(db)!r}), data_dir=Path({str(data)!r}))"]
        after = {"XA-SC65", "XA-SC66", "XB-SC67", "XC-SC70"}
    started = time.monotonic()
    probe = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    full = time.monotonic() - started
    assert consistent(db) == after
    outcomes = []
    for trial in range(TRIALS or 5):
        db.write_bytes(saved.read_bytes())  # the before-state (no writer is running)
        process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if trial % 3 == 1:  # while it writes: once it holds the lock
            deadline = time.monotonic() + 2 * full + 10
            while getattr(current_holder(db), "pid", None) != process.pid and process.poll() is None \
                    and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.3))
        else:  # at any moment, or late
            time.sleep(rng.uniform(0.05, full) if trial % 3 == 0 else rng.uniform(0.7 * full, 1.2 * full))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _wait_gone(process.pid), "a parse child outlived its killed parent"
        state = consistent(db)
        assert state in (before, after), state
        outcomes.append(state == after)
        with writable_copy(db):  # the next write (the CLI's, without starting a process)
            pass
        assert stale_copies(db) == [], "stale copies after the next write"
    print(f"{command}: killed {len(outcomes)} times within {full:.1f} s, after-state {sum(outcomes)} times")


# --- replacing a report: history and dates ------------------------------------------------


def test_replacing_a_report_keeps_the_old_version_in_the_history(sample_db: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    newer = edited_sample(tmp_path, "khm_sc66_v2.md", ("Consultations have been held", "Consultations were held"))
    monkeypatch.setenv("NIAP_EDITOR", "Ana (editor)")
    assert load(newer, "--db", sample_db).returncode == 0
    con = duckdb.connect(str(sample_db), read_only=True)
    rows = con.execute("SELECT report_id, party_name, meeting_code, source_file, replaced_by, reason, new_source_file, "
                       "is_current, loaded_at < replaced_at FROM out_report_history").fetchall()
    current = con.execute("SELECT source_file FROM core_reports").fetchall()
    con.close()
    assert rows == [("KHM-SC66", "Cambodia", "SC66", SAMPLE.name, "Ana (editor)",
                     "a new version of the report (same or later reporting period)", "khm_sc66_v2.md", True, True)]
    assert current == [("khm_sc66_v2.md",)]


def test_an_older_report_is_refused_unless_replace_newer(sample_db: Path, tmp_path: Path) -> None:
    older = edited_sample(tmp_path, "khm_sc66_draft.md", PERIOD_TO_MARCH)
    stamp = sample_db.stat().st_mtime_ns
    refused = load(older, "--db", sample_db)
    assert refused.returncode == 2
    assert_one_error_line(refused.stderr, f"error: {older}: its reporting period (2014-11 to 2015-03) is older than "
                                          "that of the KHM-SC66 report already stored (2014-11 to 2015-09, from "
                                          f"{SAMPLE.name}); load it with --replace-newer")
    assert sample_db.stat().st_mtime_ns == stamp
    both = load(older, OTHER, "--db", sample_db)  # one refused, one loaded: exit 1
    assert both.returncode == 1 and reports(sample_db) == {"KHM-SC66", "XA-SC65"}
    forced = load(older, "--db", sample_db, "--replace-newer")
    assert forced.returncode == 0, forced.stderr
    con = duckdb.connect(str(sample_db), read_only=True)
    assert con.execute("SELECT source_file, period_end_text FROM out_reports WHERE report_id = 'KHM-SC66'").fetchall() \
        == [("khm_sc66_draft.md", "2015-03")]
    assert con.execute("SELECT reason FROM out_report_history").fetchall() == [
        ("an older reporting period replaced it (--replace-newer)",)]
    con.close()


def test_a_build_keeps_the_history_and_records_what_it_replaced_or_dropped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    db = tmp_path / "niap.duckdb"
    assert not build(db, data_dir=data).errors
    newer = edited_sample(tmp_path, "v2.md", ("Consultations have been held", "Consultations were held"))
    assert load(newer, OTHER, "--db", db).returncode == 0  # history: 1 row
    result = build(db, data_dir=data, who="builder@ci")  # back to data/: v2 replaced by the sample, XA dropped
    assert result.history_rows == 2
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT report_id, source_file, replaced_by, reason, new_source_file, is_current "
                       "FROM out_report_history ORDER BY replaced_at, report_id").fetchall()
    con.close()
    assert rows == [
        ("KHM-SC66", SAMPLE.name, rows[0][2], "a new version of the report (same or later reporting period)", "v2.md",
         True),
        ("KHM-SC66", "v2.md", "builder@ci", "build: another file under data/ holds this report", SAMPLE.name, True),
        ("XA-SC65", OTHER.name, "builder@ci", "build: no file under data/ holds this report any more", None, False),
    ]
    assert build(db, data_dir=data).history_rows == 0  # nothing new replaced: the history is carried, not grown
    assert len(duckdb.connect(str(db), read_only=True).execute("SELECT * FROM core_report_history").fetchall()) == 3


def test_a_build_keeps_the_newest_of_two_files_of_one_report(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "a_khm.md").write_bytes(SAMPLE.read_bytes())
    edited_sample(data / "raw", "b_khm_draft.md", PERIOD_TO_MARCH)
    result = build(tmp_path / "niap.duckdb", data_dir=data)
    assert result.reports == 1 and [Path(e.path).name for e in result.skipped] == ["b_khm_draft.md"]
    assert not result.errors and "1 older versions skipped" in result.summary()
