"""The editor views under AppTest (issue 14): only a signed-in editor has them, a wrong
password is refused and repeated failures lock the form, a correction made in the app shows
on the Report page with its marker and on the Data quality and Audit pages. (The upload
itself needs a browser: AppTest cannot fill a file uploader; tests/test_browser_editors.py.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth
from loaders.corrections import COLUMNS
from loaders.editors import add_editor

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
PASSWORD = "correct horse battery"
EDITOR_PAGES = ("views/add_report.py", "views/correct.py", "views/audit.py")


@pytest.fixture
def editors(built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built database, an editor account, and the editors' files, all in tmp_path."""
    db = tmp_path / "niap.duckdb"
    shutil.copyfile(built_db, db)
    accounts = tmp_path / "editors.json"
    add_editor("ann", PASSWORD, path=accounts)
    (tmp_path / "corrections.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    monkeypatch.setenv("NIAP_DB", str(db))
    monkeypatch.setenv("NIAP_EDITORS_FILE", str(accounts))
    monkeypatch.setenv("NIAP_UPLOADS_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("NIAP_CORRECTIONS_FILE", str(tmp_path / "corrections.csv"))
    return tmp_path


def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    return at


def sign_in(at: AppTest, name: str = "ann", password: str = PASSWORD) -> AppTest:
    at.switch_page("views/editors.py").run()
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.usefixtures("editors")
def test_a_reader_has_no_editor_page_not_even_by_address() -> None:
    at = app()
    for page in EDITOR_PAGES:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    at.switch_page("views/editors.py").run()
    no_errors(at)
    assert [t.label for t in at.text_input] == ["Editor name", "Password"]
    assert not at.get("file_uploader")


@pytest.mark.usefixtures("editors")
def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "FAILURE_DELAY", 0)
    at = sign_in(app(), password="not the password")
    assert [e.value for e in at.error] == ["Wrong name or password."]
    for _ in range(auth.MAX_FAILURES):
        at = sign_in(at, password="still wrong")
    at = sign_in(at)  # the right password, but too soon after five failures
    assert "Too many failed attempts" in at.error[0].value
    with pytest.raises(ValueError):
        at.switch_page("views/correct.py")


def test_an_editor_corrects_a_rating_and_every_page_shows_it(editors: Path) -> None:
    at = sign_in(app())
    no_errors(at)
    assert "Signed in as ann" in at.success[0].value
    at.switch_page("views/correct.py").run()
    at.selectbox(key="correct-report").set_value("KHM-SC66").run()
    at.selectbox(key="correct-action").set_value("1.1").run()
    at.selectbox(key="correct-value-KHM-SC66-rating").set_value("challenging")
    at.text_area(key="correct-reason").input("Part C says the drafting stalled")
    at.button[-1].click().run()
    no_errors(at)
    assert "rating corrected from 'on_track' to 'challenging'" in at.success[0].value.replace("\\", "")
    assert "Part C says the drafting stalled" in (editors / "corrections.csv").read_text(encoding="utf-8")

    at.switch_page("views/report.py")
    at.query_params["report"] = "KHM-SC66"
    at.run()
    marked = [m for m in at.markdown if "✎ corrected by an editor" in m.value]
    assert len(marked) == 1 and marked[0].value.startswith("Rating: Challenging")
    assert "from 'on_track' to 'challenging' by ann" in marked[0].help

    at.switch_page("views/data_quality.py").run()
    no_errors(at)
    assert "Corrections by editors" in [h.value for h in at.header]
    assert not [w for w in at.warning if "not applied" in w.value]

    at.switch_page("views/audit.py").run()
    no_errors(at)
    log = at.dataframe[0].value
    assert list(log["What"])[:1] == ["Correction"] and list(log["Who"])[:1] == ["ann"]


def test_an_impossible_correction_says_why_and_saves_nothing(editors: Path) -> None:
    at = sign_in(app())
    at.switch_page("views/correct.py").run()
    at.selectbox(key="correct-report").set_value("KHM-SC66").run()
    at.text_area(key="correct-reason").input("no change")
    at.button[-1].click().run()  # the rating shown is the current one: nothing to correct
    assert "nothing to correct" in at.error[0].value
    assert len((editors / "corrections.csv").read_text(encoding="utf-8").splitlines()) == 1


@pytest.mark.usefixtures("editors")
def test_signing_out_removes_the_editor_pages() -> None:
    at = sign_in(app())
    at.switch_page("views/add_report.py").run()
    no_errors(at)
    assert at.title[0].value == "Add a report"
    at.switch_page("views/editors.py").run()
    [b for b in at.button if b.label == "Sign out"][0].click().run()
    with pytest.raises(ValueError):
        at.switch_page("views/add_report.py")
