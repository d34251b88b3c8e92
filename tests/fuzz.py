"""Seeded mutation fuzzing of the parse entry point (markup text, Word, PDF).

Each case is a sample file mutated by a few seeded mutators (bytes flipped, cut, copied;
Word parts corrupted or their XML attributes swapped; PDF numbers and names changed;
huge gridSpans, nested markup). Every case goes through `loaders.sandbox.ParseWorker`,
the entry point of ``parse``, ``check``, ``load`` and ``build``: its outcome must be the
models or one `BadInputError` whose message is one line naming the file.

    python -m tests.fuzz [--cases N] [--seed S] [--out DIR]    (``make fuzz``: 5000 cases)

prints the outcomes by format and kind, the slowest cases and the peak memory of the
child; it exits 1 when a case breaks the rule. tests/test_fuzz.py runs 300 cases.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.errors import BadInputError
from loaders.sandbox import Limits, ParseWorker
from tests import hostile

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {
    "markup": [ROOT / "tests/data/text/sources/examplia_sc70.md", hostile.MARKUP_SAMPLE],
    "docx": [ROOT / "tests/data/docx/sources/examplia_sc70.docx", hostile.DOCX_SAMPLE],
    "pdf": [None, hostile.PDF_SAMPLE],  # None: the small generated report PDF (most cases: fast to read)
}
SUFFIX = {"markup": ".md", "docx": ".docx", "pdf": ".pdf"}
# Share of the cases per format, and how often the larger real sample is the seed.
MIX = (("markup", 0.37), ("docx", 0.37), ("pdf", 0.26))
BIG_SEED_SHARE = {"markup": 0.3, "docx": 0.3, "pdf": 0.1}


def seed_bytes(kind: str, index: int) -> bytes:
    path = SEEDS[kind][index]
    return hostile.report_pdf(pages=2) if path is None else path.read_bytes()


# --- mutators ------------------------------------------------------------------------

Mutator = Callable[[random.Random, bytes], bytes]
INTERESTING = [b"\x00", b"\xff" * 64, b"<", b">", b"&", b"\t" * 70, b"99999999999", b"-1", b"\r", b"\xef\xbb\xbf",
               b"<td>" * 50, b"<ul><li>" * 200, b"&#99999999;", b"\xc3", "é€😀".encode(), b"%PDF-", b"PK\x03\x04"]


def flip(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def overwrite(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(max(len(data), 1))
    size = rng.randint(1, 512)
    return data[:start] + rng.randbytes(size) + data[start + size:]


def cut(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(max(len(data), 1))
    return data[:start] + data[start + rng.randint(1, 4096):]


def copy_range(rng: random.Random, data: bytes) -> bytes:
    start = rng.randrange(max(len(data), 1))
    piece = data[start:start + rng.randint(1, 2048)]
    at = rng.randrange(max(len(data), 1))
    return data[:at] + piece * rng.randint(1, 8) + data[at:]


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(max(len(data), 1))]


def insert_token(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(max(len(data), 1))
    return data[:at] + rng.choice(INTERESTING) + data[at:]


BYTE_MUTATORS: list[Mutator] = [flip, overwrite, cut, copy_range, truncate, insert_token]


def markup_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(lines))
        choice = rng.randrange(7)
        if choice == 0:
            lines[i] = b"\t".join([lines[i]] * rng.randint(2, 70))  # wide rows, up to past the bound
        elif choice == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif choice == 2:
            del lines[i]
        elif choice == 3:
            lines[i] = b"<p>" * rng.randint(1, 3000) + lines[i] + b"</li>" * rng.randint(0, 50)
        elif choice == 4:
            lines[i] = lines[i].replace(b" ", rng.choice([b"\t", b"\x0b", b"\xa0", b"  "]))
        elif choice == 5:
            lines[i] = b"#" * rng.randint(1, 9) + b" " + lines[i]
        else:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _docx_rewrite(data: bytes, edit: Callable[[dict[str, bytes]], None]) -> bytes:
    try:
        parts = hostile.docx_parts_of(data)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError, zlib.error):
        return data
    edit(parts)
    return hostile.docx_bytes(parts)


def docx_attributes(rng: random.Random, data: bytes) -> bytes:
    """Swap attribute values of word/document.xml, give cells odd gridSpans and vMerges."""
    def edit(parts: dict[str, bytes]) -> None:
        xml = parts.get("word/document.xml", b"").decode("utf-8", "replace")
        values = re.findall(r'w:val="([^"]*)"', xml)
        for _ in range(rng.randint(1, 3)):
            kind = rng.randrange(5)
            if kind == 0 and values:
                old, new = rng.choice(values), rng.choice(values)
                xml = xml.replace(f'w:val="{old}"', f'w:val="{new}"', 1)
            elif kind == 1:
                span = rng.choice(["0", "-1", "2", "64", "65", "99999999", "abc", "", "1e9", "٣"])
                xml = hostile.with_grid_span(span)(xml)
            elif kind == 2:
                xml = re.sub(r"<w:tcPr>", f'<w:tcPr><w:vMerge w:val="{rng.choice(["restart", "continue", "x"])}"/>',
                             xml, count=rng.randint(1, 20))
            elif kind == 3:  # copy a table row many times
                rows = re.findall(r"<w:tr[ >].*?</w:tr>", xml, re.S)
                if rows:
                    row = rng.choice(rows)
                    xml = xml.replace(row, row * rng.randint(2, 60), 1)
            else:  # drop an element's closing tag
                closings = [m.start() for m in re.finditer(r"</w:[a-zA-Z]+>", xml)]
                if closings:
                    at = rng.choice(closings)
                    xml = xml[:at] + xml[xml.index(">", at) + 1:]
        parts["word/document.xml"] = xml.encode("utf-8")
    return _docx_rewrite(data, edit)


def docx_parts(rng: random.Random, data: bytes) -> bytes:
    """Drop, rename or empty a part of the archive."""
    def edit(parts: dict[str, bytes]) -> None:
        name = rng.choice(sorted(parts))
        kind = rng.randrange(3)
        if kind == 0:
            del parts[name]
        elif kind == 1:
            parts[name + rng.choice(["x", ".bak", "/"])] = parts.pop(name)
        else:
            parts[name] = parts[name][: rng.randrange(max(len(parts[name]), 1))]
    return _docx_rewrite(data, edit)


def docx_member_bytes(rng: random.Random, data: bytes) -> bytes:
    """Corrupt the compressed bytes of one member (CRC and deflate errors)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return flip(rng, data)
    info = rng.choice(infos)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = start + rng.randrange(max(info.compress_size, 1))
        if at < len(out):
            out[at] = rng.randrange(256)
    return bytes(out)


def pdf_tokens(rng: random.Random, data: bytes) -> bytes:
    """Change numbers and names of the PDF's structure."""
    out = data
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(6)
        if kind == 0:
            numbers = [m for m in re.finditer(rb"(?<![\w.])\d+(?![\w.])", out[:200_000])]
            if numbers:
                m = rng.choice(numbers)
                out = out[:m.start()] + rng.choice([b"0", b"-1", b"99999999", b"1e308", b"abc", b"3.5"]) + out[m.end():]
        elif kind == 1:
            out = out.replace(b"/FlateDecode", rng.choice([b"/LZWDecode", b"/RunLengthDecode", b"/ASCII85Decode",
                                                           b"/DCTDecode", b"/Crypt", b"/Nope"]), 1)
        elif kind == 2:
            out = out.replace(rng.choice([b"endstream", b"endobj", b"xref", b"trailer", b"/Root", b"/Kids"]),
                              b"", 1)
        elif kind == 3:
            out = out.replace(b"/MediaBox [", b"/MediaBox [" + rng.choice([b"(x) ", b"[", b"/A ", b"1e999 "]), 1)
        elif kind == 4:
            out = out.replace(b"/Count ", b"/Count 99999999 /X ", 1)
        else:
            at = rng.randrange(max(len(out), 1))
            out = out[:at] + b"[" * rng.randint(10, 3000) + out[at:]  # deep nesting
    return out


FORMAT_MUTATORS: dict[str, list[Mutator]] = {
    "markup": [markup_lines, markup_lines, *BYTE_MUTATORS],
    "docx": [docx_attributes, docx_attributes, docx_parts, docx_member_bytes, *BYTE_MUTATORS],
    "pdf": [pdf_tokens, pdf_tokens, *BYTE_MUTATORS],
}


def mutate(rng: random.Random, kind: str, data: bytes) -> tuple[bytes, list[str]]:
    names = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        mutator = rng.choice(FORMAT_MUTATORS[kind])
        data = mutator(rng, data)
        names.append(mutator.__name__)
    return data, names


# --- running cases -------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    mutators: list[str]
    path: Path
    result: str  # "ok" or "error"
    message: str
    seconds: float


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # cases that break the rule
    peak_kb: int = 0

    def report(self) -> str:
        by = Counter((o.kind, o.result) for o in self.outcomes)
        lines = [f"{len(self.outcomes)} cases: " + ", ".join(f"{k} {r} {n}" for (k, r), n in sorted(by.items()))]
        capped = [o for o in self.outcomes if "memory cap" in o.message or "time cap" in o.message]
        unexpected = [o for o in self.outcomes if o.message and "cannot read it (" in o.message]
        lines.append(f"caps hit: {len(capped)}; unexpected library/loader exceptions (one line all the same): "
                     f"{len(unexpected)}; peak memory of the child {self.peak_kb / 1024:.0f} MB")
        groups = Counter(re.sub(r".*cannot read it \(([^:]*:[^:]*):.*", r"\1", o.message) for o in unexpected)
        for where, n in groups.most_common():
            first = next(o for o in unexpected if where in o.message)
            lines.append(f"  unexpected x{n}: {first.kind} {'+'.join(first.mutators)}: {first.message[:220]}")
        for o in capped:
            lines.append(f"  cap: {o.kind} {'+'.join(o.mutators)}: {o.message[:220]}")
        for o in sorted(self.outcomes, key=lambda o: -o.seconds)[:5]:
            lines.append(f"  slowest: {o.seconds:.2f} s {o.kind} {'+'.join(o.mutators)} {o.path.name}")
        lines += [f"  BROKEN: {b}" for b in self.broken]
        return "\n".join(lines)


def cases(count: int, seed: int, out: Path) -> list[tuple[str, list[str], Path]]:
    """``count`` mutated files under ``out``: (format, mutators, path)."""
    rng = random.Random(seed)
    seeds = {(kind, i): seed_bytes(kind, i) for kind in SEEDS for i in range(len(SEEDS[kind]))}
    made = []
    for n in range(count):
        kind = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]
        index = 1 if rng.random() < BIG_SEED_SHARE[kind] else 0
        data, names = mutate(rng, kind, seeds[(kind, index)])
        path = out / f"case{n:05d}{SUFFIX[kind]}"
        path.write_bytes(data)
        made.append((kind, names, path))
    return made


def check(path: Path, outcome: object) -> str | None:
    """What is wrong with an outcome, or None."""
    if isinstance(outcome, BadInputError):
        message = str(outcome)
        if "\n" in message or "\r" in message:
            return f"{path.name}: a message of several lines: {message!r}"
        if not message.startswith(f"{path}: "):
            return f"{path.name}: the message does not name the file: {message!r}"
        if "Traceback" in message:
            return f"{path.name}: a traceback: {message!r}"
        return None
    if isinstance(outcome, tuple) and len(outcome) == 2:
        return None
    return f"{path.name}: unexpected outcome {outcome!r}"


def run(count: int, seed: int, out: Path, limits: Limits | None = None) -> Summary:
    summary = Summary()
    made = cases(count, seed, out)
    with ParseWorker(limits or Limits(memory_mb=1024, seconds=30)) as worker:
        for kind, names, path in made:
            started = time.monotonic()
            try:
                outcome: object = worker.read(path)
            except BadInputError as e:
                outcome = e
            except Exception as e:  # noqa: BLE001 (any other exception breaks the rule: keep going, report it)
                outcome = e
            seconds = time.monotonic() - started
            summary.peak_kb = max(summary.peak_kb, worker.peak_kb)
            problem = check(path, outcome)
            if problem:
                summary.broken.append(f"{kind} {'+'.join(names)}: {problem}")
            ok = not isinstance(outcome, BaseException)
            summary.outcomes.append(Outcome(kind, names, path, "ok" if ok else "error",
                                            "" if ok else str(outcome), seconds))
    return summary


def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path, default=None, help="keep the cases in this folder")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        summary = run(args.cases, args.seed, out)
    print(summary.report())
    print(f"{time.monotonic() - started:.0f} s")
    return 1 if summary.broken else 0


if __name__ == "__main__":
    sys.exit(main())
