"""Editor accounts: salted scrypt hashes in a 0600 file written atomically, managed by ``python -m loaders editor``.

What a user would notice if this broke: a password readable from the file, a half-written
accounts file after a crash, an editor locked out (or let in) wrongly, a traceback instead of
a one-line error. Every test works on files under tmp_path, never in the repository.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from loaders import cli, editors
from loaders.editors import EditorError, EditorsFileError
from tests.helpers import ROOT

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The accounts file under tmp_path, through $NIAP_EDITORS_FILE (created by the first write)."""
    path = tmp_path / "instance" / "editors.json"
    monkeypatch.setenv(editors.ACCOUNTS_ENV, str(path))
    return path


def run_editor(accounts: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m loaders editor ARGS --accounts FILE`` from the project root, as a script calls it."""
    return subprocess.run([sys.executable, "-m", "loaders", "editor", *args, "--accounts", str(accounts)],
                          cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60,
                          start_new_session=True)  # no terminal: getpass must not wait on a /dev/tty


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for word in words:
        assert word in lines[0], lines[0]


def test_default_path_is_instance_folder_unless_the_environment_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(editors.ACCOUNTS_ENV, raising=False)
    assert editors.accounts_path() == ROOT / "instance" / "editors.json"
    monkeypatch.setenv(editors.ACCOUNTS_ENV, "/somewhere/else.json")
    assert editors.accounts_path() == Path("/somewhere/else.json")


def test_hash_is_salted_and_verifies() -> None:
    first, second = editors.hash_password(PASSWORD), editors.hash_password(PASSWORD)
    assert first != second  # a random salt each time
    assert first.startswith("scrypt$16384$8$1$") and len(first.split("$")) == 6
    assert editors.check_password(PASSWORD, first) and editors.check_password(PASSWORD, second)
    assert not editors.check_password(PASSWORD + "!", first)
    assert not editors.check_password("", first)


@pytest.mark.parametrize("stored", [
    "", "scrypt", "plain text password", "bcrypt$16384$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!!$AAAA",
    "scrypt$x$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # N not a power of 2
    "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # 1 TiB of memory
    "scrypt$16384$8$1$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # no salt
])
def test_malformed_stored_hash_is_false(stored: str) -> None:
    assert editors.check_password(PASSWORD, stored) is False


def test_add_writes_a_private_file_atomically(accounts: Path) -> None:
    assert editors.editor_names() == []  # no file yet
    assert editors.add_editor("  Ann Lee ", PASSWORD, email="Ann@Example.org") == "Ann Lee"
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    assert stat.S_IMODE(accounts.parent.stat().st_mode) == 0o700
    assert [p.name for p in accounts.parent.iterdir()] == ["editors.json"]  # no temporary file left
    entry = json.loads(accounts.read_text(encoding="utf-8"))["editors"]["Ann Lee"]
    assert set(entry) == {"hash", "email", "added"} and PASSWORD not in accounts.read_text(encoding="utf-8")
    assert entry["email"] == "Ann@Example.org" and entry["added"].endswith("Z")
    editors.add_editor("Bob", PASSWORD + "2")
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600  # a rewrite keeps the mode
    assert sorted(p.name for p in accounts.parent.iterdir()) == ["editors.json"]


def test_verify_and_email_lookup(accounts: Path) -> None:
    editors.add_editor("Ann Lee", PASSWORD, email="Ann@Example.org")
    assert editors.verify("Ann Lee", PASSWORD)
    assert not editors.verify("Ann Lee", "wrong password")
    assert not editors.verify("Nobody", PASSWORD)
    assert editors.editor_for_email("ann@example.ORG") == "Ann Lee"
    assert editors.editor_for_email("bob@example.org") is None
    assert editors.editor_emails() == {"Ann Lee": "Ann@Example.org"}


def test_missing_file_verifies_nobody(accounts: Path) -> None:
    assert not editors.verify("Ann Lee", PASSWORD)
    assert editors.editor_for_email("ann@example.org") is None
    assert not accounts.exists()


def test_add_replace_remove_list(accounts: Path) -> None:
    editors.add_editor("Bob", PASSWORD)
    editors.add_editor("Ann", PASSWORD)
    assert editors.editor_names() == ["Ann", "Bob"]
    with pytest.raises(EditorError, match="already exists.*--replace"):
        editors.add_editor("Bob", "another password")
    assert editors.verify("Bob", PASSWORD)
    editors.add_editor("Bob", "another password", replace=True)
    assert editors.verify("Bob", "another password") and not editors.verify("Bob", PASSWORD)
    editors.remove_editor("Bob")
    assert editors.editor_names() == ["Ann"]
    with pytest.raises(EditorError, match="no such editor"):
        editors.remove_editor("Bob")


@pytest.mark.parametrize(("name", "password", "email", "words"), [
    ("Ann", "short", None, "at least 10 characters"),
    ("", PASSWORD, None, "not a valid name"),
    ("x" * 41, PASSWORD, None, "not a valid name"),
    ("ann/../root", PASSWORD, None, "not a valid name"),
    ("Ann", PASSWORD, "not an email", "not an email address"),
])
def test_bad_account_requests_say_what_to_do(accounts: Path, name: str, password: str, email: str | None,
                                             words: str) -> None:
    with pytest.raises(EditorError, match=words) as raised:
        editors.add_editor(name, password, email=email)
    assert "\n" not in str(raised.value)
    assert not accounts.exists()


@pytest.mark.parametrize("content", ['{"editors": [', '["Ann"]', '{"editors": {"Ann": "hash"}}', '{"users": {}}'])
def test_corrupt_file_is_a_one_line_error_naming_it(accounts: Path, content: str) -> None:
    accounts.parent.mkdir()
    accounts.write_text(content, encoding="utf-8")
    for call in (editors.editor_names, lambda: editors.verify("Ann", PASSWORD),
                 lambda: editors.add_editor("Ann", PASSWORD)):
        with pytest.raises(EditorsFileError) as raised:
            call()
        message = str(raised.value)
        assert message.startswith(f"{accounts}: ") and "\n" not in message
    assert accounts.read_text(encoding="utf-8") == content  # left as it was


def test_cli_add_list_remove(tmp_path: Path) -> None:
    accounts = tmp_path / "new" / "editors.json"
    listed = run_editor(accounts, "list")
    assert listed.returncode == 0 and listed.stdout == "" and "no editors yet" in listed.stderr
    added = run_editor(accounts, "add", "Ann Lee", "--email", "ann@example.org", "--password-stdin",
                       stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert added.stdout == f"editor Ann Lee added to {accounts}\n"
    assert run_editor(accounts, "add", "Bob", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    assert editors.verify("Ann Lee", PASSWORD, path=accounts)
    listed = run_editor(accounts, "list")
    assert listed.returncode == 0 and listed.stdout == "Ann Lee\tann@example.org\nBob\n"
    replaced = run_editor(accounts, "add", "Bob", "--replace", "--password-stdin", stdin="a new password\n")
    assert replaced.returncode == 0 and editors.verify("Bob", "a new password", path=accounts)
    removed = run_editor(accounts, "remove", "Bob")
    assert removed.returncode == 0 and removed.stdout == f"editor Bob removed from {accounts}\n"
    assert editors.editor_names(accounts) == ["Ann Lee"]


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    accounts = tmp_path / "editors.json"
    assert_one_line_error(run_editor(accounts, "add", "Ann", "--password-stdin", stdin="short\n"),
                          "Ann", "at least 10 characters")
    assert not accounts.exists()
    assert run_editor(accounts, "add", "Ann", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    assert_one_line_error(run_editor(accounts, "add", "Ann", "--password-stdin", stdin=PASSWORD + "\n"),
                          "already exists", "--replace")
    assert_one_line_error(run_editor(accounts, "remove", "Bob"), "Bob", "no such editor")
    assert_one_line_error(run_editor(accounts, "add", "Ann Lee"), "--password-stdin")  # no terminal to ask on
    assert_one_line_error(run_editor(accounts, "frobnicate"))
    accounts.write_text("{not json", encoding="utf-8")
    for args in (("list",), ("remove", "Ann"), ("add", "Bob", "--password-stdin")):
        assert_one_line_error(run_editor(accounts, *args, stdin=PASSWORD + "\n"), str(accounts), "not valid JSON")


def test_cli_asks_the_password_twice(accounts: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["editor", "add", "Ann"]) == cli.BAD_INPUT
    assert "the two passwords differ" in capsys.readouterr().err and not accounts.exists()
    answers = iter([PASSWORD, PASSWORD])
    assert cli.main(["editor", "add", "Ann"]) == cli.OK
    assert capsys.readouterr().out == f"editor Ann added to {accounts}\n"
    assert editors.verify("Ann", PASSWORD)
