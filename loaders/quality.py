"""Checks on a whole report, after merging: counts stated in Part A against the tables.

Issues found while merging the tables (placeholders, disagreements, one-part actions)
are raised in `loaders.normalise`; this module adds the checks that need the finished
report, and validates every issue code against data/reference/quality_issue_codes.csv.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from loaders.models import QualityIssue, Report
from loaders.reference import alternation, reference
from loaders.textutil import fold, split_sentences

_WINDOW_WORDS = 8


def _number(token: str) -> int | None:
    return int(token) if token.isdigit() else reference().number_words.get(token)


@cache
def _count_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = alternation(sorted(reference().number_words, key=lambda w: len(re.escape(w)), reverse=True))
    number = rf"(?<![\w.,])(?:\d{{1,3}}|{words})(?![\w]|[.,]\d)"
    out_of = rf"(?P<n>{number})\s+(?:out of(?: the)?|of the|des|sur(?: les)?|de las|de los|de)\s+(?P<m>{number})"
    return re.compile(number), re.compile(out_of)


def stated_counts(sentence: str) -> tuple[dict[str, int], int | None]:
    """Counts per rating stated in a sentence, and the stated total, if any.

    "Nine out of the thirteen actions are rated as on track and two are substantially
    achieved" -> ({"on_track": 9, "substantially_achieved": 2}, 13).
    """
    ref = reference()
    folded = fold(sentence)
    number, out_of = _count_patterns()
    counts: dict[str, int] = {}
    total = None
    previous_end = 0
    for start, end, code in ref.rating_in_text(folded):
        span = folded[previous_end:start]
        window = " ".join(span.split()[-_WINDOW_WORDS:])
        previous_end = end
        pair = out_of.search(span)
        if pair:
            counts[code] = _number(pair["n"]) or 0
            total = _number(pair["m"])
            continue
        numbers = number.findall(window)
        if numbers and code not in counts:
            value = _number(numbers[-1])
            if value is not None:
                counts[code] = value
    return counts, total


def synopsis_count_issues(report: Report) -> list[QualityIssue]:
    """A `synopsis_count_mismatch` issue per Part A sentence whose counts disagree."""
    actual = Counter(a.rating for a in report.actions if a.rating)
    issues = []
    for paragraph in report.synopsis:
        for sentence in split_sentences(paragraph.text):
            counts, total = stated_counts(sentence)
            problems = [
                f"{n} {code.replace('_', ' ')} (tables: {actual.get(code, 0)})"
                for code, n in counts.items()
                if actual.get(code, 0) != n
            ]
            if total is not None and total != len(report.actions):
                problems.append(f"{total} actions in all (tables: {len(report.actions)})")
            if problems:
                issues.append(QualityIssue(
                    "synopsis_count_mismatch",
                    "Part A states " + "; ".join(problems) + ".",
                    evidence=sentence,
                ))
    return issues


MIN_COVERAGE = 0.90  # share of the document's text used, below which a report is flagged
_LISTED = 3  # unread passages quoted in a low-coverage message


def notes_issues(report: Report) -> list[QualityIssue]:
    """A `notes_missing` warning when fewer than half of the actions have progress notes."""
    without = [a.code for a in report.actions if not a.notes]
    if not report.actions or (len(report.actions) - len(without)) * 2 >= len(report.actions):
        return []
    codes = ", ".join(without[:15]) + (" …" if len(without) > 15 else "")
    return [QualityIssue(
        "notes_missing",
        f"Progress notes were read for {len(report.actions) - len(without)} of {len(report.actions)} actions "
        f"(none for {codes}): the detailed evaluation may be in a layout the loader did not recognise, so "
        "delays, causes and funding may be missing. `python -m loaders check` lists the text not read.",
    )]


def coverage_issues(report: Report) -> list[QualityIssue]:
    """A `low_coverage` warning when less than 90 % of the document's text was used."""
    coverage = report.coverage
    if coverage.share >= MIN_COVERAGE:
        return []
    quoted = "; ".join(f"{u.where}: '{_short(u.text)}'" for u in coverage.unread[:_LISTED])
    more = len(coverage.unread) - _LISTED
    return [QualityIssue(
        "low_coverage",
        f"Only {coverage.share:.0%} of the document's text was read ({coverage.total_chars - coverage.used_chars:,} "
        f"of {coverage.total_chars:,} characters not used). Not read: {quoted}"
        + (f"; and {more} more passages." if more > 0 else "."),
        evidence=coverage.unread[0].text if coverage.unread else None,
    )]


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def check(report: Report) -> None:
    """Add report-level issues and validate every issue code (fails loudly on a typo)."""
    report.quality_issues.extend(synopsis_count_issues(report))
    report.quality_issues.extend(notes_issues(report))
    report.quality_issues.extend(coverage_issues(report))
    ref = reference()
    for issue in report.quality_issues:
        ref.check_issue_code(issue.code)
