"""Demo corpus: progress reports of fictional Parties, written in the real template formats.

    python -m loaders demo [--out DIR] [--parties N] [--seed S] [--pdf-share F]

Only one real report ships with the project; cross-Party views need many. For each
fictional Party the planning draws a NIAP of 8-14 actions under 4-6 pillars (codes kept
across meetings, so one action can be followed over time) and a trajectory (improving,
steady, stalling, slipping) and simulates the actions from SC65 to SC77
(``demo_parties``, ``demo_simulate``, ``demo_plan``); this module writes one progress
report per Party and meeting: SC65-SC67 on the 2014 template, SC69-SC77 on the 2017+
template, in English or French, as markup text (``demo_markup``), DOCX (``render_docx``)
or PDF (``render_pdf``).
The reports carry what real ones do: delays with each cause, funding secured and sought,
planned starts and expected completions, synopsis sentences naming several actions,
template leftovers, Part B / Part C disagreements, synopsis counts (now and then wrong),
old titles, page-broken rows, late and missing reports. A share of the reports gets a
fictional Secretariat assessment (``secretariat_ratings.csv``) that differs from the
Party's own ratings.

Parties: the eight fictional Parties of data/reference/parties.csv (XA-XH); more are
made up ("Demo Party 0009") with ISO 3166 user-assigned alpha-3 codes and listed in
``demo_parties.csv`` beside the reports, where the loader finds them. No real ISO code
or country name is ever used.

Everything is drawn from one seeded RNG per Party (plus one for the corpus), so the same
arguments give byte-identical files. The plan also states what each report says
(`ReportPlan.expected`), which tests compare with what the loader reads.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from loaders.devtools.demo_markup import report_markup
from loaders.devtools.demo_parties import phrases
from loaders.devtools.demo_plan import DOCX_SHARE, Corpus, ReportPlan, plan_corpus
from loaders.devtools.demo_simulate import MEETINGS, SCALES
from loaders.devtools.render_docx import markup_to_docx
from loaders.devtools.render_model import Style
from loaders.devtools.render_pdf import PdfPrinter
from loaders.errors import BadInputError
from loaders.progress import Progress
from loaders.reference import DATA_DIR, DEMO_PARTIES_FILE, PARTY_COLUMNS
from loaders.side_files import SECRETARIAT_FILE, summary_columns

DEFAULT_OUT = DATA_DIR / "demo"
README = "README.md"
README_MARK = "# Demo data: fictional Parties"
GENERATOR = "python -m loaders demo"
REPORT_NAME = re.compile(r"^[a-z]{2,3}_sc\d{2}\.(?:md|docx|pdf)$")


@dataclass
class DemoResult:
    """What `generate` wrote."""

    out: Path
    corpus: Corpus

    def summary(self) -> str:
        """One line for the terminal."""
        c = self.corpus.counts()
        formats = ", ".join(f"{c['format'][f]} {f}" for f in ("md", "docx", "pdf") if c["format"][f])
        french = c["language"]["fr"]
        return (f"wrote {len(self.corpus.reports)} reports of {len(self.corpus.parties)} fictional Parties to "
                f"{self.out} ({formats}; {french} in French; {len(self.corpus.missing)} not submitted)")


def generate(out: Path = DEFAULT_OUT, n_parties: int = 8, seed: int = 1, pdf_share: float = 0.1,
             docx_share: float = DOCX_SHARE) -> DemoResult:
    """Write a demo corpus to ``out``: reports, side files and a README (same arguments, same bytes)."""
    corpus = plan_corpus(n_parties, seed, pdf_share, docx_share)
    progress = Progress(len(corpus.reports))
    with ExitStack() as stack:
        # Chromium first: without it nothing is written and a previous corpus stays as it was.
        printer = stack.enter_context(PdfPrinter()) if any(r.format == "pdf" for r in corpus.reports) else None
        prepare_folder(out)
        for plan in corpus.reports:
            markup, path = report_markup(plan), out / plan.file_name
            style = Style(lang=plan.party.language, author=GENERATOR, header=pdf_text(plan, "pdf_header"),
                          stamp=pdf_text(plan, "pdf_stamp"), text_bullets=plan.quirks.docx_text_bullets,
                          nested=plan.quirks.docx_nested)
            if plan.format == "md":
                path.write_text(markup, encoding="utf-8")
            elif plan.format == "docx":
                markup_to_docx(markup, path, style)
            elif printer is not None:
                printer.markup_to_pdf(markup, path, style)
            progress.step(plan.file_name)
    progress.close()
    write_side_files(corpus, out)
    return DemoResult(out, corpus)


def pdf_text(plan: ReportPlan, key: str) -> str:
    """The PDF's running header or stamp, in the report's language."""
    return phrases()["languages"][plan.party.language][key].format(number=plan.number, name=plan.party.name)


def prepare_folder(out: Path) -> None:
    """Create ``out``, or empty a previous demo corpus there; refuse any other non-empty folder."""
    if out.exists() and not out.is_dir():
        raise BadInputError(out, "not a folder")
    out.mkdir(parents=True, exist_ok=True)
    files = [p for p in out.iterdir() if not p.name.startswith(".")]
    if not files:
        return
    readme = out / README
    if not readme.is_file() or not readme.read_text(encoding="utf-8").startswith(README_MARK):
        raise BadInputError(out, "the folder is not empty and holds no demo corpus (no README.md written by "
                                 f"{GENERATOR}); choose an empty or new folder")
    for path in files:
        if path.is_file() and (REPORT_NAME.match(path.name) or path.name in (README, DEMO_PARTIES_FILE,
                                                                               SECRETARIAT_FILE)):
            path.unlink()


def write_side_files(corpus: Corpus, out: Path) -> None:
    """secretariat_ratings.csv, demo_parties.csv (when there are made-up Parties) and README.md."""
    (out / SECRETARIAT_FILE).write_text(_csv(summary_columns(), secretariat_rows(corpus)), encoding="utf-8")
    extra = [p for p in corpus.parties if p.is_extra]
    if extra:
        source = f"fictional demo Party (ISO 3166 user-assigned code), {GENERATOR}"
        rows = [(p.code, p.name, p.aliases, "true", source) for p in extra]
        (out / DEMO_PARTIES_FILE).write_text(_csv(PARTY_COLUMNS, rows), encoding="utf-8")
    (out / README).write_text(readme_text(corpus), encoding="utf-8")


def _csv(header: tuple[str, ...], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def secretariat_rows(corpus: Corpus) -> list[tuple]:
    """Rows of secretariat_ratings.csv (the columns of rating_summaries.csv), one per rating given."""
    rows = []
    for plan in corpus.reports:
        if plan.secretariat is None:
            continue
        counts = Counter(plan.secretariat.values())
        differ = sum(plan.secretariat[c] != s.rating for c, s in plan.statuses.items())
        note = (f"fictional; differs from the Party's own rating for {differ} of {len(plan.statuses)} actions"
                if differ else "fictional; agrees with the Party's own ratings")
        for rating in SCALES[plan.scale]:
            if counts[rating]:
                rows.append((plan.party.code, plan.party.name, plan.meeting, "secretariat",
                             "sc65" if plan.scale == "2014" else "cop17", rating, "", counts[rating],
                             len(plan.statuses), "Demo data: fictional Secretariat assessment", note))
    return rows


def readme_text(corpus: Corpus) -> str:
    """The folder's README: what the files are, how they were made, which report is where."""
    args = f"--parties {len(corpus.parties)} --seed {corpus.seed} --pdf-share {corpus.pdf_share:g}"
    args += f" --docx-share {corpus.docx_share:g}" if corpus.docx_share != DOCX_SHARE else ""
    by_key = {(r.party.code, r.meeting): r.format for r in corpus.reports}
    lines = [
        README_MARK, "",
        "Generated by `" + GENERATOR + " " + args + "`: do not edit, regenerate.",
        "",
        "These progress reports are **fictional**: made-up Parties with ISO 3166 user-assigned codes, written in",
        "the real report templates so the dashboard has something to compare. They are not CITES documents.",
        "`python -m loaders build` loads them like real reports and marks every row `is_demo`.",
        "`" + SECRETARIAT_FILE + "` holds fictional Secretariat ratings of some reports."
        + (f" `{DEMO_PARTIES_FILE}` lists the made-up Parties not in data/reference/parties.csv." if any(
            p.is_extra for p in corpus.parties) else ""),
        "",
        "| Party | code | language | trajectory | " + " | ".join(MEETINGS) + " |",
        "|---|---|---|---|" + "---|" * len(MEETINGS),
    ]
    for p in corpus.parties:
        cells = [by_key.get((p.code, m), "not submitted") for m in MEETINGS]
        lines.append(f"| {p.name} | {p.code} | {p.language} | {p.trajectory} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
