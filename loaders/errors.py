"""Named errors of the loaders: bad input (the user can act on it) versus bugs.

Every error a user can cause with a file is a `BadInputError`; the CLI prints it as one
line, ``error: <file>: <reason>``, and exits 2. Anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations


class LoaderError(Exception):
    """Base class of every error raised on purpose by the loaders."""


class BadInputError(LoaderError):
    """The input file cannot be used; the message says why and what to do."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class ReportLoadError(BadInputError):
    """The file is unreadable: empty, binary, too large, corrupt or of an unknown type."""


class ReportStructureError(BadInputError):
    """The file reads, but it is not a progress report or lacks a part we need."""


class UnknownCodeError(BadInputError):
    """A value (a Party name, a label) is not in its code table under data/reference/."""


class SideFileError(BadInputError):
    """A data file beside the reports (demo_parties.csv, secretariat_ratings.csv) is unusable."""


class ReferenceDataError(LoaderError):
    """A code table under data/reference/ is malformed: a bug in the project's data."""


class OlderReportError(BadInputError):
    """The file's reporting period is older than that of the report stored for its Party and meeting."""


class EnvironmentProblem(LoaderError):
    """The database, its folder or the disk cannot be used (not the input file's fault).

    The message names the user's path (never an internal temporary copy) and says what to do.
    """

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class DatabaseBusyError(EnvironmentProblem):
    """Another writer holds the database's lock and did not let go in time."""
