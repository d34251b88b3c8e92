"""Editor accounts: the people allowed to upload and correct reports in the dashboard.

The accounts live in one JSON file outside git, ``$NIAP_EDITORS_FILE`` or
``instance/editors.json`` (``instance/`` is gitignored)::

    {"editors": {"NAME": {"hash": "scrypt$16384$8$1$<salt>$<hash>", "email": "x@y" or null,
                          "added": "2026-11-30T10:00:00Z"}}}

Passwords are stored as salted scrypt hashes whose parameters travel with the hash. The
file is written atomically (a temporary file in the same folder, then ``os.replace``) with
mode 0600, in a folder created with mode 0700. ``python -m loaders editor`` manages it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loaders.errors import LoaderError

ACCOUNTS_ENV = "NIAP_EDITORS_FILE"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_PASSWORD_CHARS = 10
NAME_PATTERN = re.compile(r"[\w .@-]{1,40}")  # letters, digits, space and . _ @ -
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 16384, 8, 1
_SALT_BYTES, _KEY_BYTES = 16, 32
_MAX_COST = 64 * 1024 * 1024  # bytes of scrypt memory a stored hash may ask for (the default uses 16 MiB)
_MAXMEM = 2 * _MAX_COST
_NO_ACCOUNT = "scrypt$16384$8$1$" + base64.b64encode(bytes(16)).decode() + "$" + base64.b64encode(bytes(32)).decode()
_SHAPE = 'is not an editors file: expected {"editors": {"NAME": {"hash": "...", "email": ...}}}'


class EditorError(LoaderError):
    """An account request that cannot be done (bad name, short password, unknown editor); says what to do."""

    def __init__(self, subject: object, reason: str) -> None:
        super().__init__(f"{subject}: {reason}")
        self.subject = str(subject)
        self.reason = reason


class EditorsFileError(EditorError):
    """The accounts file cannot be read or written, or is not an accounts file."""


def accounts_path() -> Path:
    """``$NIAP_EDITORS_FILE``, or ``instance/editors.json`` under the project root."""
    value = os.environ.get(ACCOUNTS_ENV, "").strip()
    return Path(value).expanduser() if value else PROJECT_ROOT / "instance" / "editors.json"


def hash_password(password: str) -> str:
    """A salted scrypt hash, ``scrypt$N$r$p$<salt b64>$<hash b64>``."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                         maxmem=_MAXMEM, dklen=_KEY_BYTES)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash made by `hash_password`; False for a malformed hash."""
    try:
        kind, n_text, r_text, p_text, salt_text, key_text = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt = base64.b64decode(salt_text, validate=True)
        expected = base64.b64decode(key_text, validate=True)
        if kind != "scrypt" or not _sane_cost(n, r, p) or not salt or not 16 <= len(expected) <= 64:
            return False
        key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=len(expected))
    except (AttributeError, ValueError):  # not a string, wrong field count, not numbers, not base64
        return False
    return hmac.compare_digest(key, expected)


def add_editor(name: str, password: str, *, email: str | None = None, path: Path | None = None,
               replace: bool = False) -> str:
    """Add an account (or with ``replace`` write it anew: new password, email and date); returns its name."""
    path = path or accounts_path()
    name, email = check_new_editor(name, email=email, path=path, replace=replace)
    if len(password) < MIN_PASSWORD_CHARS:
        raise EditorError(f"editor {name!r}", f"the password is too short: use at least {MIN_PASSWORD_CHARS} "
                                              "characters (a few words make a good one)")
    editors = _load(path)
    editors[name] = {"hash": hash_password(password), "email": email, "added": _now()}
    _save(path, editors)
    return name


def check_new_editor(name: str, *, email: str | None = None, path: Path | None = None,
                     replace: bool = False) -> tuple[str, str | None]:
    """The name and email as they would be stored, checked before a password is asked; raises `EditorError`."""
    path = path or accounts_path()
    name = _checked_name(name)
    email = _checked_email(name, email)
    if name in _load(path) and not replace:
        raise EditorError(f"editor {name!r}", f"already exists in {path}: use --replace to set a new password")
    return name, email


def remove_editor(name: str, path: Path | None = None) -> None:
    """Remove an account; an unknown name is an error."""
    path, name = path or accounts_path(), name.strip()
    editors = _load(path)
    if name not in editors:
        raise EditorError(f"editor {name!r}", f"no such editor in {path}: python -m loaders editor list names them")
    del editors[name]
    _save(path, editors)


def editor_emails(path: Path | None = None) -> dict[str, str | None]:
    """Each account's email (or None) by name, in name order; a missing file has none."""
    return {name: entry.get("email") for name, entry in sorted(_load(path or accounts_path()).items())}


def editor_names(path: Path | None = None) -> list[str]:
    """The names of the accounts, sorted; a missing file has none."""
    return list(editor_emails(path))


def verify(name: str, password: str, path: Path | None = None) -> bool:
    """Whether the name and password match an account.

    An unknown name (or a missing file) is False after the same scrypt work as a known one,
    so the time taken does not tell which names exist. A corrupt file raises `EditorsFileError`.
    """
    entry = _load(path or accounts_path()).get(name.strip())
    if entry is None:
        check_password(password, _NO_ACCOUNT)
        return False
    return check_password(password, entry["hash"])


def editor_for_email(email: str, path: Path | None = None) -> str | None:
    """The account whose stored email is ``email`` (ignoring case), for OIDC sign-in; None if none."""
    wanted = email.strip().casefold()
    if not wanted:
        return None
    return next((name for name, stored in editor_emails(path).items()
                 if stored and stored.strip().casefold() == wanted), None)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise EditorError(f"editor {name[:60]!r}", "not a valid name: use 1 to 40 letters, digits, spaces or . _ @ -")
    return name


def _checked_email(name: str, email: str | None) -> str | None:
    email = (email or "").strip() or None
    if email is not None and (len(email) > 254 or not EMAIL_PATTERN.fullmatch(email)):
        raise EditorError(f"editor {name!r}", f"{email!r} is not an email address: give one like name@example.org")
    return email


def _sane_cost(n: int, r: int, p: int) -> bool:
    """scrypt parameters a stored hash may use: a power of two N, within the memory cap."""
    return n > 1 and n & (n - 1) == 0 and 1 <= r <= 64 and 1 <= p <= 16 and 128 * r * (n + p + 2) <= _MAX_COST


def _load(path: Path) -> dict[str, dict[str, Any]]:
    """The accounts of the file, by name; a missing file has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise EditorsFileError(path, "is not UTF-8 text: fix it or move it away and add the editors again") from None
    except OSError as e:
        raise EditorsFileError(path, f"cannot be read ({e.strerror or e}): check its permissions") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise EditorsFileError(path, f"is not valid JSON ({e}): fix it or move it away and add the editors again") \
            from None
    editors = data.get("editors") if isinstance(data, dict) else None
    if not isinstance(editors, dict) or not all(_valid_entry(entry) for entry in editors.values()):
        raise EditorsFileError(path, _SHAPE)
    return editors


def _valid_entry(entry: object) -> bool:
    return isinstance(entry, dict) and isinstance(entry.get("hash"), str) and isinstance(entry.get("email"), str | None)


def _save(path: Path, editors: dict[str, dict[str, Any]]) -> None:
    """Write the accounts atomically, mode 0600, creating the folder with mode 0700."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
        temporary = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"editors": editors}, f, ensure_ascii=False, indent=2, sort_keys=True)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            temporary.chmod(0o600)
            temporary.replace(path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as e:
        raise EditorsFileError(path, f"cannot be written ({e.strerror or e}): check its folder's permissions") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
