"""The project's YAML files (data/reference/*.yaml, data/schema.yaml), read through a JSON copy.

Parsing YAML is slow to start: importing PyYAML and parsing causes.yaml take about 20 ms
of every `python -m loaders parse`, where reading the same data as JSON takes half a
millisecond. So the first read of a YAML file leaves a JSON copy beside the loaders'
bytecode, in ``loaders/__pycache__/`` (ignored by git), keyed by the file's size and
checksum: an edited file is parsed again, and the copy replaced. A copy that cannot be
written (a read-only checkout) or read costs nothing but the time; data JSON cannot hold
exactly (a date, a number as a key) is never copied.
"""

from __future__ import annotations

import json
import os
import zlib
from contextlib import suppress
from pathlib import Path

from loaders.errors import ReferenceDataError
from loaders.regex_cache import CACHE_DIR

_FORMAT = 1  # bump when the copy's layout changes


def read_yaml(path: Path) -> object:
    """The data of a YAML file of the project; a file that does not parse fails loudly, naming it."""
    try:
        source = path.read_bytes()
    except OSError as e:
        raise ReferenceDataError(f"{path.name}: cannot be read ({e.strerror or e})") from e
    key = [_FORMAT, len(source), zlib.crc32(source)]
    copy = CACHE_DIR / f"{path.parent.name}.{path.name}.json"
    try:
        with copy.open(encoding="utf-8") as handle:
            kept = json.load(handle)
        if kept["key"] == key:
            return kept["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no copy yet, or an old or damaged one: parse the YAML
    data = _parse(path, source)
    _keep(copy, key, data)
    return data


def _parse(path: Path, source: bytes) -> object:
    import yaml  # only when the file changed: PyYAML takes 10 ms to import

    try:
        return yaml.load(source.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        where = ' '.join(str(e).split()).replace(' in "<unicode string>"', "")
        raise ReferenceDataError(f"{path.name}: not valid YAML: {where}") from e


def _keep(copy: Path, key: list[int], data: object) -> None:
    """Write the JSON copy (atomically: a reader never sees half of it), if JSON holds the data exactly."""
    try:
        text = json.dumps({"key": key, "data": data}, ensure_ascii=False)
        if json.loads(text)["data"] != data:  # a number as a key would come back a string
            return
    except (TypeError, ValueError):  # a date, a set: not JSON
        return
    temporary = copy.with_name(f".{copy.name}.{os.getpid()}.tmp")
    try:
        copy.parent.mkdir(exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(copy)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
