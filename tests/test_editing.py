"""Editors' writes (issue 14): corrections that survive rebuilds and say when they no longer
apply, uploads stored like ``load`` stores files, an audit log, and writes that are all or
nothing – the database and its files (data/uploads, corrections.csv) – under ``kill -9``.

The kill test runs a few trials here; ``NIAP_TRIALS=30`` runs the issue's thirty.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from loaders import corrections, editing, journal
from loaders.build import build
from loaders.corrections import COLUMNS, CorrectionError
from loaders.errors import OlderReportError, ReportLoadError
from loaders.sandbox import parse_file
from loaders.writing import stale_copies, writable_copy
from tests.helpers import ROOT, SAMPLE, edited_sample, run_cli

DEMO = ROOT / "data" / "demo"
TRIALS = int(os.environ.get("NIAP_TRIALS", "0"))
HEADER = ",".join(COLUMNS) + "\n"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with the Cambodia report and two demo reports, and the editors' files in it."""
    folder = tmp_path / "data"
    (folder / "raw").mkdir(parents=True)
    (folder / "raw" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    (folder / "corrections.csv").write_text(HEADER, encoding="utf-8")
    for var in ("NIAP_UPLOADS_DIR", "NIAP_CORRECTIONS_FILE"):
        monkeypatch.delenv(var, raising=False)
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Cambodia report built once for the module (each test writes a copy)."""
    folder = tmp_path_factory.mktemp("built")
    (folder / "raw").mkdir()
    (folder / "raw" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    path = folder / "niap.duckdb"
    assert not build(path, data_dir=folder).errors
    return path


@pytest.fixture
def db(data: Path, built: Path) -> Path:
    path = data.parent / "niap.duckdb"
    shutil.copyfile(built, path)
    return path


def query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def action(db: Path, code: str = "1.1") -> tuple:
    return query(db, "SELECT rating_code, delay_causes, funding_secured, funding_sought, corrected_fields, "
                     "correction_note FROM out_actions WHERE report_id = 'KHM-SC66' AND action_code = ?", [code])[0]


# --- corrections ---------------------------------------------------------------------------


def test_a_correction_shows_at_once_and_survives_a_rebuild(db: Path, data: Path) -> None:
    assert action(db)[0] == "on_track"
    made = editing.correct(db, report_id="KHM-SC66", action_code="1.1", field="rating", value="challenging",
                           reason="Part C says it stalled", editor="ann", data_dir=data)
    assert (made.old_value, made.new_value) == ("on_track", "challenging")
    rating, *_, fields, note = action(db)
    assert rating == "challenging" and fields == ["rating"]
    assert "from 'on_track' to 'challenging' by ann" in note and "Part C says it stalled" in note
    rows = (data / "corrections.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == HEADER.strip() and rows[1].split(",")[1:7] == ["KHM", "SC66", "1.1", "rating", "on_track",
                                                                    "challenging"]
    result = build(db, data_dir=data)  # the rebuild applies it again
    assert (result.corrections_applied, result.corrections_not_applied) == (1, [])
    assert action(db)[0] == "challenging"
    counted = query(db, "SELECT action_count FROM out_rating_shares WHERE party_iso3 = 'KHM' AND origin = 'report' "
                        "AND rating_code = 'challenging'")
    assert counted and counted[0][0] >= 1, "charts count the corrected value"


def test_delay_causes_and_funding_corrections_carry_the_reason_as_evidence(db: Path, data: Path) -> None:
    editing.correct(db, report_id="KHM-SC66", action_code="1.2", field="delay_causes", value=["capacity"],
                    reason="the notes blame staffing", editor="ann", data_dir=data)
    editing.correct(db, report_id="KHM-SC66", action_code="1.2", field="funding", value=[], reason="none stated",
                    editor="bo", data_dir=data)
    _, causes, secured, sought, fields, _ = action(db, "1.2")
    assert (causes, secured, sought, fields) == (["capacity"], False, False, ["delay_causes", "funding"])
    evidence = query(db, "SELECT evidence FROM out_delay_causes WHERE report_id = 'KHM-SC66' AND action_code = '1.2' "
                         "AND found_in = 'correction'")
    assert evidence == [(f"Corrected by ann on {time.strftime('%Y-%m-%d', time.gmtime())}: the notes blame staffing",)]


@pytest.mark.parametrize(("field", "value", "reason", "words"), [
    ("rating", "achieved", "x", "not a rating this report can have"),  # 2017 scale only; SC66 is 2014
    ("rating", "on_track", "x", "already 'on_track'"),
    ("delay_causes", ["weather"], "x", "weather is not a delay causes"),
    ("rating", "challenging", "   ", "say why"),
])
def test_a_correction_that_cannot_be_made_says_why_and_changes_nothing(
        db: Path, data: Path, field: str, value: object, reason: str, words: str) -> None:
    before = db.stat().st_mtime_ns
    with pytest.raises(CorrectionError, match=words):
        editing.correct(db, report_id="KHM-SC66", action_code="1.1", field=field, value=value, reason=reason,
                        editor="ann", data_dir=data)
    assert db.stat().st_mtime_ns == before
    assert (data / "corrections.csv").read_text(encoding="utf-8") == HEADER


def test_a_correction_that_no_longer_applies_is_listed_not_dropped(db: Path, data: Path) -> None:
    (data / "corrections.csv").write_text(HEADER + "\n".join([
        "a1,KHM,SC66,9.9,rating,on_track,challenging,an action the report does not have,ann,2026-01-02T10:00:00Z",
        "a2,KHM,SC70,1.1,rating,on_track,challenging,a report not loaded,ann,2026-01-02T10:00:00Z",
        "a3,KHM,SC66,1.1,rating,challenging,unclear,extracted value is another now,ann,2026-01-02T10:00:00Z",
        "a4,KHM,SC66,1.1,rating,on_track,excellent,unknown code,ann,2026-01-02T10:00:00Z",
        "a5,KHM,SC66,1.1,colour,on_track,red,unknown field,ann,2026-01-02T10:00:00Z",
    ]) + "\n", encoding="utf-8")
    env = {**os.environ, "NIAP_CORRECTIONS_FILE": str(data / "corrections.csv")}
    result = run_cli("build", "--db", str(db), env=env)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: correction not applied")]
    assert len(notes) == 5, result.stderr
    statuses = dict(query(db, "SELECT correction_id, status FROM out_corrections"))
    assert statuses == {"a1": "target_missing", "a2": "target_missing", "a3": "original_changed", "a4": "invalid",
                        "a5": "invalid"}
    assert action(db)[0] == "on_track", "a correction that does not apply changes nothing"
    assert "0 of 5 corrections applied" in result.stdout


def test_reloading_a_report_applies_its_corrections_to_the_new_version(db: Path, data: Path, tmp_path: Path) -> None:
    editing.correct(db, report_id="KHM-SC66", action_code="1.1", field="rating", value="challenging",
                    reason="stalled", editor="ann", data_dir=data)
    newer = edited_sample(tmp_path, "v2.md", ("Revise the Government Prakas", "Revise the Royal Government Prakas"))
    result = run_cli("load", str(newer), "--db", str(db),
                     env={**os.environ, "NIAP_CORRECTIONS_FILE": str(data / "corrections.csv")})
    assert result.returncode == 0, result.stderr
    assert action(db)[0] == "challenging"
    assert query(db, "SELECT action, via FROM out_audit_log ORDER BY event_at DESC LIMIT 1") == [("replaced", "cli")]


# --- uploads -------------------------------------------------------------------------------


def test_an_upload_is_stored_filed_and_rebuilt_and_an_older_one_asks_first(db: Path, data: Path,
                                                                            tmp_path: Path) -> None:
    other = DEMO / "xa_sc65.md"
    saved = editing.save_upload(db, "Examplia SC65.md", other.read_bytes(), parse_file(other), editor="ann",
                                data_dir=data)
    assert (saved.outcome, saved.report_id) == ("loaded", "XA-SC65")
    assert saved.path == data / "uploads" / "XA-SC65.md" and saved.path.read_bytes() == other.read_bytes()
    assert query(db, "SELECT source_path LIKE '%uploads/XA-SC65.md' FROM out_reports WHERE report_id = 'XA-SC65'") \
        == [(True,)]
    log = query(db, "SELECT editor, action, via, source_file FROM out_audit_log WHERE report_id = 'XA-SC65'")
    assert log == [("ann", "added", "app", "Examplia SC65.md")]
    # the same file again: nothing changes
    again = editing.save_upload(db, "x.md", other.read_bytes(), parse_file(other), editor="ann", data_dir=data)
    assert again.outcome == "unchanged"
    # an older version of the Cambodia report: refused, then forced with a reason; the raw file stays in data/raw
    older = edited_sample(tmp_path, "old.md", ("November 2014 – September 2015", "November 2014 – March 2015"))
    with pytest.raises(OlderReportError):
        editing.save_upload(db, "old.md", older.read_bytes(), parse_file(older), editor="ann", data_dir=data)
    forced = editing.save_upload(db, "old.md", older.read_bytes(), parse_file(older), editor="ann",
                                 replace_newer=True, reason="the Party withdrew the later one", data_dir=data)
    assert forced.outcome == "replaced"
    sha = query(db, "SELECT file_sha256 FROM out_reports WHERE report_id = 'KHM-SC66'")
    build(db, data_dir=data)  # uploads win over data/raw at a rebuild too
    assert query(db, "SELECT file_sha256 FROM out_reports WHERE report_id = 'KHM-SC66'") == sha
    assert {r for (r,) in query(db, "SELECT report_id FROM out_reports")} == {"KHM-SC66", "XA-SC65"}
    history = query(db, "SELECT reason FROM out_report_history WHERE report_id = 'KHM-SC66'")
    assert ("the Party withdrew the later one",) in history


def test_a_second_upload_of_a_report_keeps_the_first_file_aside(db: Path, data: Path, tmp_path: Path) -> None:
    first = edited_sample(tmp_path, "a.md", ("Revise the Government Prakas", "Revise the Royal Government Prakas"))
    second = edited_sample(tmp_path, "b.md", ("Revise the Government Prakas", "Revise the new Government Prakas"))
    editing.save_upload(db, "a.md", first.read_bytes(), parse_file(first), editor="ann", data_dir=data)
    editing.save_upload(db, "b.txt", second.read_bytes(), parse_file(second), editor="ann", data_dir=data)
    uploads = data / "uploads"
    assert sorted(p.name for p in uploads.iterdir() if p.is_file()) == ["KHM-SC66.txt"]
    kept = list((uploads / ".history").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == first.read_bytes()
    assert editing.upload_files(uploads) == [uploads / "KHM-SC66.txt"]


def test_an_upload_of_a_type_the_cli_refuses_is_refused_with_its_own_name() -> None:
    with pytest.raises(ReportLoadError, match=r"^report\.exe: files of type \.exe"):
        editing.parse_upload("report.exe", b"MZ...")
    with pytest.raises(ReportLoadError) as raised:
        editing.parse_upload("empty.md", b"")
    assert str(raised.value).startswith("empty.md: ") and "niap-upload" not in str(raised.value)


def test_an_upload_and_a_command_line_load_at_the_same_time_keep_both(db: Path, data: Path) -> None:
    """The app's save and ``loaders load`` take the same lock (the CLI's own races: tests/test_writers.py)."""
    other, third = DEMO / "xa_sc65.md", DEMO / "xa_sc66.md"
    parsed = parse_file(other)
    cli = subprocess.Popen([sys.executable, "-m", "loaders", "load", str(third), "--db", str(db)], cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    upload = threading.Thread(target=editing.save_upload, args=(db, "x.md", other.read_bytes(), parsed),
                              kwargs={"editor": "ann", "data_dir": data})
    upload.start()
    upload.join()
    assert cli.wait(timeout=120) == 0, cli.stderr.read()
    assert {r for (r,) in query(db, "SELECT report_id FROM out_reports")} == {"XA-SC65", "XA-SC66", "KHM-SC66"}


# --- all or nothing under kill -9 ------------------------------------------------------------

SAVE = """
import sys
from pathlib import Path
from loaders import editing
from loaders.sandbox import parse_file
db, data, kind = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if kind == "upload":
    other = Path(sys.argv[4])
    parsed = parse_file(other)
    print("ready", flush=True)
    editing.save_upload(db, "upload.md", other.read_bytes(), parsed, editor="ann", data_dir=data)
else:
    print("ready", flush=True)
    editing.correct(db, report_id="KHM-SC66", action_code="1.1", field="rating", value="challenging",
                    reason="killed or not", editor="ann", data_dir=data)
"""


def _state(db: Path, data: Path, kind: str) -> bool:
    """True for the after-state, False for the before-state; fails on anything in between."""
    if kind == "upload":
        held = bool(query(db, "SELECT count(*) FROM core_reports WHERE report_id = 'XA-SC65'")[0][0])
        filed = (data / "uploads" / "XA-SC65.md").exists()
        assert held == filed, f"database holds the upload: {held}, file in uploads/: {filed}"
        return held
    held = bool(query(db, "SELECT count(*) FROM core_corrections")[0][0])
    filed = len((data / "corrections.csv").read_text(encoding="utf-8").splitlines()) == 2
    assert held == filed, f"database holds the correction: {held}, corrections.csv has it: {filed}"
    assert (action(db)[0] == "challenging") == held
    return held


def _leftovers(db: Path, data: Path) -> list[Path]:
    places = [db.parent, data, data / "uploads", data / "uploads" / ".history"]
    return [p for folder in places if folder.is_dir() for p in folder.iterdir()
            if p.name.endswith((".staged", ".part", ".tmp", ".tmp.wal")) or p.name.endswith(".journal.json")]


@pytest.mark.parametrize("kind", ["upload", "correct"])
def test_kill_9_of_an_in_app_save_leaves_the_database_and_its_files_agreeing(db: Path, data: Path,
                                                                            kind: str) -> None:
    rng = random.Random(14)
    script = data.parent / "save.py"
    script.write_text(SAVE, encoding="utf-8")
    args = [sys.executable, str(script), str(db), str(data), kind, str(DEMO / "xa_sc65.md")]
    before_db, before_fixes = db.read_bytes(), (data / "corrections.csv").read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def reset() -> None:
        db.write_bytes(before_db)
        (data / "corrections.csv").write_bytes(before_fixes)
        for p in (data / "uploads").glob("*") if (data / "uploads").is_dir() else []:
            p.unlink() if p.is_file() else None

    def start() -> tuple[subprocess.Popen[str], float]:
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
        return process, time.monotonic()

    process, started = start()
    assert process.wait(timeout=120) == 0, process.stderr.read()
    full = time.monotonic() - started
    assert _state(db, data, kind) and not _leftovers(db, data)
    outcomes = []
    for _ in range(TRIALS or 5):
        reset()
        process, _ = start()
        time.sleep(rng.uniform(0, full * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        with writable_copy(db):  # the next write settles what the killed one left
            pass
        outcomes.append(_state(db, data, kind))
        assert not _leftovers(db, data) and stale_copies(db) == []
    print(f"{kind}: killed {len(outcomes)} times within {full:.2f} s, after-state {sum(outcomes)} times")


def test_recovery_completes_a_committed_write_and_undoes_an_uncommitted_one(db: Path, data: Path) -> None:
    target = data / "note.txt"
    staged = journal.stage(db, "no-such-event", [(b"new", target)])
    journal.recover(db)  # the database does not hold the event: undone
    assert not target.exists() and not staged.moves[0][0].exists() and not journal.manifest_path(db).exists()
    event = query(db, "SELECT event_id FROM core_audit_log LIMIT 1")[0][0]
    staged = journal.stage(db, event, [(b"new", target)])
    journal.recover(db)  # held: completed
    assert target.read_bytes() == b"new" and not journal.manifest_path(db).exists()
    corrections.read_corrections(data / "corrections.csv")  # untouched by all this
