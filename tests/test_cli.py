"""The command line as users and scripts call it: exit codes, one-line errors, no writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from loaders import sandbox_spawn
from loaders.build import report_files
from loaders.sandbox import Limits, ParseWorker
from tests.helpers import ROOT, SAMPLE, edited_sample, run_cli


def report_count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM core_reports").fetchall()[0][0]
    finally:
        con.close()


def assert_one_line_error(result, path: Path, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


def test_parse_prints_contract_json() -> None:
    result = run_cli("parse", str(SAMPLE))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["party"] == {"name": "Cambodia", "iso3": "KHM"}
    assert data["meeting"] == {"code": "SC66", "number": 66}
    assert data["reporting_period"] == {"start": "2014-11", "end": "2015-09"}
    assert data["rating_scale"] == "2014" and data["language"] == "en"
    assert data["source"]["format"] == "text" and len(data["source"]["sha256"]) == 64
    assert len(data["actions"]) == 13
    assert {"code", "pillar", "title", "rating", "rating_labels", "notes", "delayed", "delay_causes",
            "funding_status", "planned_start", "expected_completion"} <= set(data["actions"][0])


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, tuple[str, ...]]]:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.md"
    binary.write_bytes(bytes(range(256)) * 20)
    other = tmp_path / "minutes.md"
    other.write_text("# Minutes of the staff meeting\n\nWe discussed the canteen menu.\n", encoding="utf-8")
    no_table = tmp_path / "title_only.md"
    no_table.write_text(SAMPLE.read_text(encoding="utf-8").split("**PART B")[0], encoding="utf-8")
    unknown = edited_sample(tmp_path, "atlantis.md", ("Party: CAMBODIA", "Party: ATLANTIS"))
    docx = tmp_path / "report.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return {
        "empty": (empty, ("empty",)),
        "binary": (binary, ("binary",)),
        "not a report": (other, ("not a NIAP progress report",)),
        "no action table": (no_table, ("Cambodia", "SC66", "no action table")),
        "unknown party": (unknown, ("ATLANTIS", "parties.csv")),
        "unsupported format": (docx, ("Word",)),
    }


@pytest.mark.parametrize("case", ["empty", "binary", "not a report", "no action table",
                                  "unknown party", "unsupported format"])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, case: str) -> None:
    path, words = _bad_inputs(tmp_path)[case]
    assert_one_line_error(run_cli("parse", str(path)), path, *words)
    db = tmp_path / "niap.duckdb"
    assert_one_line_error(run_cli("load", str(path), "--db", str(db)), path, *words)
    assert not db.exists()  # a failed load writes nothing, not even an empty database


def test_file_over_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_text(SAMPLE.read_text(encoding="utf-8") + "x" * 200_000, encoding="utf-8")
    assert_one_line_error(run_cli("parse", str(big), "--max-mb", "0.1"), big, "limit")
    env = {**os.environ, "NIAP_MAX_FILE_MB": "0.1"}
    assert_one_line_error(run_cli("parse", str(big), env=env), big, "0.1 MB limit")


def test_missing_file_and_bad_usage(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    assert_one_line_error(run_cli("parse", str(missing)), missing, "no such file")
    result = run_cli("frobnicate")
    assert result.returncode == 2 and result.stderr.startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_load_some_failed_exit_1_others_loaded(tmp_path: Path) -> None:
    db = tmp_path / "niap.duckdb"
    bad = tmp_path / "empty.md"
    bad.write_bytes(b"")
    result = run_cli("load", str(SAMPLE), str(bad), "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {bad}: the file is empty"
    assert report_count(db) == 1


def test_load_unchanged_is_noop_and_new_version_replaces(tmp_path: Path) -> None:
    db = tmp_path / "niap.duckdb"
    assert run_cli("load", str(SAMPLE), "--db", str(db)).returncode == 0
    assert run_cli("load", str(SAMPLE), "--db", str(db)).returncode == 0
    assert report_count(db) == 1
    newer = edited_sample(tmp_path, "khm_sc66_v2.md", ("Party: CAMBODIA", "Party: Cambodia"))
    assert run_cli("load", str(newer), "--db", str(db)).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT report_id, source_file FROM core_reports").fetchall()
    assert rows == [("KHM-SC66", "khm_sc66_v2.md")]
    assert con.execute("SELECT count(*) FROM raw_files").fetchall()[0][0] == 1
    con.close()


def test_check_prints_quality_issues() -> None:
    result = run_cli("check", str(SAMPLE))
    assert result.returncode == 0
    assert "KHM SC66, 13 actions, 6 quality issues" in result.stdout
    assert "rating_placeholder (action 5.2)" in result.stdout


def test_build_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "niap.duckdb"
    files = len(report_files())  # the Cambodia report and the demo corpus
    first = run_cli("build", "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert f"{files} reports from {files} files" in first.stdout
    second = run_cli("build", "--db", str(db))
    assert second.returncode == 0 and report_count(db) == files


def parse_children_of(pid: int) -> list[int]:
    """Parse child processes still alive that a ``python -m loaders`` process started."""
    marker = f"NIAP_PARSE_PARENT={pid}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile, or not ours to read
                pass
    return found


@pytest.mark.parametrize("args", [("parse", str(SAMPLE)), ("parse",), ("parse", "no/such/file.md"),
                                  ("check", str(SAMPLE))])
def test_the_parse_process_started_ahead_ends_with_the_command(args: tuple[str, ...]) -> None:
    # `python -m loaders` starts its parse child first thing, before it even reads its
    # arguments: a usage error or a missing file must not leave it running.
    process = subprocess.Popen([sys.executable, "-m", "loaders", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    process.communicate(timeout=120)
    deadline = time.monotonic() + 10
    while parse_children_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert parse_children_of(process.pid) == []
    assert process.returncode == (0 if args[-1] == str(SAMPLE) else 2)


def test_a_worker_adopts_the_parse_process_started_ahead_only_with_the_same_caps() -> None:
    sandbox_spawn.prestart()
    started = sandbox_spawn._prestarted[1]
    with ParseWorker() as worker:  # the caps of the environment, as prestart used
        assert worker.read(SAMPLE).report.party.iso3 == "KHM"
        assert worker._process.pid == started.pid
    sandbox_spawn.prestart()
    other = sandbox_spawn._prestarted[1]
    with ParseWorker(Limits(memory_mb=900, seconds=30)) as worker:
        assert worker.read(SAMPLE).report.party.iso3 == "KHM"
        assert worker._process.pid != other.pid
    assert other.poll() is not None  # the one not adopted was stopped


@pytest.mark.parametrize("command", ["check", "parse"])
def test_a_full_disk_on_standard_output_is_one_error_line(command: str) -> None:
    # With buffered output (no PYTHONUNBUFFERED), a short output fails only when it is
    # flushed at the end, after the command itself returned.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with Path("/dev/full").open("w") as full:
        result = subprocess.run([sys.executable, "-m", "loaders", command, str(SAMPLE)], cwd=ROOT, env=env,
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "No space left on device" in result.stderr


@pytest.mark.parametrize("closed", ["stdin", "stdin and stdout"])
def test_parse_works_when_started_with_its_standard_streams_closed(closed: str, tmp_path: Path) -> None:
    # The parse child's pipes then take the lowest free descriptors (0, 1): they must still
    # reach the child as its stdin and stdout, not be closed at its start (a hang or an
    # error). glibc 2.36 keeps a descriptor duplicated onto itself open across the start;
    # sandbox_spawn._above_stdio does not rely on it. A closed stdout is /dev/null.
    out = tmp_path / "out.json"
    shell = f'exec 0<&- {"1>&-" if "stdout" in closed else ""}; "$0" -m loaders check "$1" 2>"$2"'
    check = subprocess.run(["sh", "-c", shell, sys.executable, str(SAMPLE), str(out)], cwd=ROOT, timeout=120)
    assert check.returncode == 0, out.read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == ""  # no error, no traceback
    if closed == "stdin":
        parsed = subprocess.run(["sh", "-c", 'exec 0<&-; "$0" -m loaders parse "$1"', sys.executable, str(SAMPLE)],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert parsed.returncode == 0, parsed.stderr
        assert json.loads(parsed.stdout)["party"]["iso3"] == "KHM"


def test_a_parse_child_that_will_not_stop_is_waited_for_with_a_time_limit_then_killed() -> None:
    child = sandbox_spawn.spawn(sandbox_spawn.caps_from_env())
    try:
        assert child.poll() is None
        with pytest.raises(TimeoutError):
            child.wait(timeout=0.2)  # it waits for a request: it does not end by itself
        child.kill()
        assert child.wait(timeout=10) == -9  # killed, as subprocess.Popen tells it
        assert child.poll() == -9
        child.kill()  # a second kill of an ended child is harmless
    finally:
        child.kill()
        child.stdin.close()
        child.stdout.close()
