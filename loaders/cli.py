"""Command line (a contract: the README, "Loading your own reports"; tests/test_cli.py checks it).

    python -m loaders parse FILE            print the report as JSON; writes nothing
    python -m loaders load FILE... [--db P] [--replace-newer] [--wait S]
                                            add or replace reports, one transaction each
    python -m loaders build [--db P] [--wait S]
                                            rebuild the database from data/
    python -m loaders check FILE...         print the quality issues, coverage and unread text of each file
    python -m loaders demo [--out DIR] [--parties N] [--seed S] [--pdf-share F] [--docx-share F]
                                            write demo reports of fictional Parties
    python -m loaders editor add NAME [--email E] [--replace] [--password-stdin] [--accounts P]
                                            add an editor (who may upload reports in the app);
                                            the password is asked twice, or read as one stdin line
    python -m loaders editor remove NAME [--accounts P]
                                            remove an editor
    python -m loaders editor list [--accounts P]
                                            print the editors, one a line (and their email)

Exit codes: 0 success; 1 some files failed (the others were still loaded); 2 bad input or
usage, with one line ``error: <file>: <what is wrong>`` on stderr and no traceback.

Files are read in a child process with a memory and a time cap (loaders.sandbox); one
writer at a time holds the database's lock (loaders.lock), a second one waits ``--wait``
seconds (``$NIAP_LOCK_WAIT_SECONDS``, 60) and then gives up with ``error: <db>: busy: ...``.
Editor accounts live in ``$NIAP_EDITORS_FILE`` or ``instance/editors.json`` (loaders.editors).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from loaders.errors import BadInputError, EnvironmentProblem, LoaderError
from loaders.progress import Progress
from loaders.sandbox import Parsed, ParseWorker

OK, SOME_FAILED, BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one ``error:`` line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {self.prog}: {message}\n")
        raise SystemExit(BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m loaders", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    size = {"type": float, "default": None, "metavar": "MB",
            "help": "refuse files larger than this (default $NIAP_MAX_FILE_MB or 25)"}
    db = {"type": Path, "default": None, "help": "database file (default $NIAP_DB or data/niap.duckdb)"}
    wait = {"type": float, "default": None, "metavar": "SECONDS",
            "help": "how long to wait while another writer holds the database (default $NIAP_LOCK_WAIT_SECONDS or 60)"}
    p = commands.add_parser("parse", help="print one report as JSON")
    p.add_argument("file", type=Path)
    p.add_argument("--max-mb", **size)
    p = commands.add_parser("load", help="add or replace reports in the database")
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--db", **db)
    p.add_argument("--max-mb", **size)
    p.add_argument("--wait", **wait)
    p.add_argument("--replace-newer", action="store_true",
                   help="let a file whose reporting period is older replace the stored report")
    p = commands.add_parser("build", help="rebuild the database from data/")
    p.add_argument("--db", **db)
    p.add_argument("--max-mb", **size)
    p.add_argument("--wait", **wait)
    p = commands.add_parser("check", help="print the quality issues, the coverage and the text not read of each file")
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--max-mb", **size)
    p = commands.add_parser("demo", help="write demo reports of fictional Parties (deterministic)")
    p.add_argument("--out", type=Path, default=None, help="folder to write (default data/demo)")
    p.add_argument("--parties", type=int, default=8, help="number of fictional Parties (default 8)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--pdf-share", type=float, default=0.1, metavar="F",
                   help="share of the reports written as PDF, 0 to 1 (default 0.1; needs Playwright and Chromium)")
    p.add_argument("--docx-share", type=float, default=None, metavar="F",
                   help="share of the reports written as DOCX, 0 to 1 (default 0.2); the rest is markup text")
    _add_editor_parsers(commands.add_parser("editor", help="add, remove or list the editors who may upload reports"))
    return parser


def _add_editor_parsers(parser: argparse.ArgumentParser) -> None:
    """``editor add|remove|list``, each with ``--accounts``."""
    commands = parser.add_subparsers(dest="editor_command", required=True, parser_class=_Parser,
                                     metavar="{add,remove,list}")
    accounts = {"type": Path, "default": None, "metavar": "PATH",
                "help": "accounts file (default $NIAP_EDITORS_FILE or instance/editors.json)"}
    p = commands.add_parser("add", help="add an editor, asking the password twice")
    p.add_argument("name")
    p.add_argument("--email", default=None, help="the editor's email, to sign in with an identity provider")
    p.add_argument("--replace", action="store_true", help="write an existing editor anew (new password, email)")
    p.add_argument("--password-stdin", action="store_true", help="read the password as one line of stdin")
    p.add_argument("--accounts", **accounts)
    p = commands.add_parser("remove", help="remove an editor")
    p.add_argument("name")
    p.add_argument("--accounts", **accounts)
    p = commands.add_parser("list", help="print the editors, one a line")
    p.add_argument("--accounts", **accounts)


def _max_bytes(args: argparse.Namespace) -> int:
    from loaders.formats import max_bytes_from_env

    return round(args.max_mb * 1048576) if args.max_mb is not None else max_bytes_from_env()


def _db(args: argparse.Namespace) -> Path:
    from loaders.store import default_db_path

    return args.db or default_db_path()


def _error(error: BadInputError | LoaderError) -> None:
    sys.stderr.write(f"error: {error}\n")


def cmd_parse(args: argparse.Namespace) -> int:
    """Print the report JSON of one file."""
    from loaders.serialise import report_json

    with ParseWorker() as worker:
        report = worker.read(args.file, max_bytes=_max_bytes(args)).report
    # One write: json.dump writes token by token, a system call each when stdout is unbuffered
    # (PYTHONUNBUFFERED=1, as in many containers): 2,500 writes for one report.
    sys.stdout.write(json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n")
    return OK


def _exit_code(failed: int, total: int) -> int:
    if failed == 0:
        return OK
    return BAD_INPUT if failed == total else SOME_FAILED


def cmd_load(args: argparse.Namespace) -> int:
    """Load files into the database, each in its own transaction.

    Every file is read first (in the child process, without the lock); then the writer lock
    is taken and the reports are stored in a copy that replaces the database only when
    something changed (a load that fails or changes nothing leaves the file untouched).
    """
    from loaders.corrections import corrections_path, read_corrections
    from loaders.editing import ensure_reference, store_logged
    from loaders.lock import default_who
    from loaders.writing import check_database, writable_copy

    check_database(_db(args))  # a wrong --db is said before the files are read
    failed = 0
    progress = Progress(len(args.files))
    parsed: list[tuple[Path, Parsed]] = []
    with ParseWorker() as worker:
        for path, outcome in worker.read_many(args.files, max_bytes=_max_bytes(args)):
            if isinstance(outcome, BadInputError):
                failed += 1
                progress.message(f"error: {outcome}")
            else:
                parsed.append((path, outcome))
            progress.step(path.name)
    progress.close()
    if parsed:
        who = default_who()
        with writable_copy(_db(args), what="load", wait=args.wait) as copy:
            ensure_reference(copy.con)  # a new database: the code tables the views join (severity, meetings)
            fixes = read_corrections(corrections_path())
            for path, (raw, report) in parsed:
                try:
                    outcome = store_logged(copy.con, raw, report, who=who, via="cli",
                                           replace_newer=args.replace_newer, corrections=fixes)
                except BadInputError as e:
                    failed += 1
                    _error(e)
                    continue
                copy.changed |= outcome != "unchanged"
                if sys.stderr.isatty():
                    sys.stderr.write(f"{outcome}: {path}\n")
    return _exit_code(failed, len(args.files))


def cmd_build(args: argparse.Namespace) -> int:
    """Rebuild the database from data/."""
    from loaders import build as builder
    from loaders.lock import check_writable

    check_writable(_db(args))  # a wrong --db is said before the files are read
    result = builder.build(_db(args), max_bytes=_max_bytes(args), wait=args.wait)
    for skipped in result.skipped:  # not an error: the newer file of the same report was kept
        sys.stderr.write(f"note: {skipped.path}: not loaded, an older version of a report another file holds\n")
    for line in result.corrections_not_applied:  # kept in the file, listed on the Data quality page
        sys.stderr.write(f"note: correction not applied: {line}\n")
    for error in result.errors:
        _error(error)
    print(result.summary())
    return _exit_code(len(result.errors), result.files) if result.errors else OK


def cmd_check(args: argparse.Namespace) -> int:
    """Print each file's quality issues, one per line."""
    failed = 0
    with ParseWorker() as worker:
        for path in args.files:
            try:
                report = worker.read(path, max_bytes=_max_bytes(args)).report
            except BadInputError as e:
                failed += 1
                _error(e)
                continue
            _print_report(path, report)
    return _exit_code(failed, len(args.files))


def _print_report(path: Path, report) -> None:
    """A report's quality issues, coverage and unread text."""
    coverage = report.coverage
    print(f"{path}: {report.party.iso3} {report.meeting.code}, {len(report.actions)} actions, "
          f"{len(report.quality_issues)} quality issues, coverage {coverage.share:.1%} "
          f"({coverage.used_chars:,} of {coverage.total_chars:,} characters of text used)")
    for issue in report.quality_issues:
        where = f"action {issue.action}" if issue.action else "report"
        print(f"  {issue.code} ({where}): {issue.message}")
    _print_unread(coverage)


def _print_unread(coverage) -> None:
    """What the loader did not read, one line per paragraph or cell."""
    if not coverage.unread:
        print("  not read: nothing")
        return
    print(f"  not read ({coverage.total_chars - coverage.used_chars:,} characters):")
    for item in coverage.unread:
        text = item.text if len(item.text) <= 150 else item.text[:149].rstrip() + "…"
        print(f"    {item.where}: {text}")


def cmd_demo(args: argparse.Namespace) -> int:
    """Write a demo corpus of fictional Parties."""
    from loaders.devtools.demo import DEFAULT_OUT, generate  # development tools: loaded only for this command
    from loaders.devtools.demo_plan import DOCX_SHARE, check_arguments

    docx_share = DOCX_SHARE if args.docx_share is None else args.docx_share
    check_arguments(args.parties, args.pdf_share, docx_share)
    result = generate(args.out or DEFAULT_OUT, args.parties, args.seed, args.pdf_share, docx_share)
    print(result.summary())
    return OK


def _password(args: argparse.Namespace) -> str:
    """The new password: one stdin line with ``--password-stdin``, else asked twice without echo."""
    import warnings
    from getpass import GetPassWarning, getpass

    from loaders.editors import EditorError

    try:
        if args.password_stdin:
            return sys.stdin.readline().rstrip("\r\n")
        with warnings.catch_warnings():
            warnings.simplefilter("error", GetPassWarning)  # no terminal: never read a password that echoes
            password = getpass(f"password for {args.name.strip()}: ")
            again = getpass("the same password again: ")
    except (EOFError, UnicodeDecodeError, GetPassWarning):
        raise EditorError(f"editor {args.name.strip()!r}", "no password read from a terminal: type it there, "
                                                           "or pipe it with --password-stdin") from None
    if password != again:
        raise EditorError(f"editor {args.name.strip()!r}", "the two passwords differ: run the command again")
    return password


def cmd_editor(args: argparse.Namespace) -> int:
    """Add, remove or list editor accounts."""
    from loaders import editors

    path = args.accounts or editors.accounts_path()
    if args.editor_command == "add":
        editors.check_new_editor(args.name, email=args.email, path=path, replace=args.replace)  # before the prompt
        name = editors.add_editor(args.name, _password(args), email=args.email, path=path, replace=args.replace)
        print(f"editor {name} added to {path}")
    elif args.editor_command == "remove":
        editors.remove_editor(args.name, path=path)
        print(f"editor {args.name.strip()} removed from {path}")
    else:
        emails = editors.editor_emails(path)
        for name, email in emails.items():
            print(f"{name}\t{email}" if email else name)
        if not emails:
            sys.stderr.write(f"no editors yet in {path}: add one with python -m loaders editor add NAME\n")
    return OK


COMMANDS = {"parse": cmd_parse, "load": cmd_load, "build": cmd_build, "check": cmd_check, "demo": cmd_demo,
            "editor": cmd_editor}


def main(argv: list[str] | None = None) -> int:
    """Run a command; bad input exits 2 with one ``error:`` line, never a traceback."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BadInputError as e:
        _error(e)
        return BAD_INPUT
    except LoaderError as e:  # EnvironmentProblem included: the database, its folder, the disk
        _error(e)
        return BAD_INPUT
    except BrokenPipeError:  # `parse FILE | head`: the reader went away, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as e:  # an environment error met outside the places that name it better
        _error(EnvironmentProblem(e.filename or "python -m loaders", e.strerror or str(e)))
        return BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
