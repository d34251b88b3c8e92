"""RawReport -> Report: title block, Party, meeting, period, and merged actions.

Vocabularies come from the code tables in data/reference/. Anything a reader should not
trust blindly becomes a `QualityIssue`; input we cannot use at all raises a named
`BadInputError` that says what was found and what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from loaders.coverage import Usage
from loaders.errors import ReportStructureError, UnknownCodeError
from loaders.headed import read_headed
from loaders.models import (
    Action,
    Meeting,
    Party,
    Period,
    Pillar,
    QualityIssue,
    RawParagraph,
    RawReport,
    Report,
    SynopsisParagraph,
)
from loaders.periods import parse_period
from loaders.reference import reference
from loaders.sections import Sections, split_sections
from loaders.table_cells import PillarRef
from loaders.tables import Entry, TableRead, read_tables
from loaders.textutil import fold, fold_with_map, squash


def normalise(raw: RawReport) -> Report:
    """Build the normalised report from what a format parser read; account for every text used."""
    usage = Usage()
    sections = split_sections(raw, usage)
    path = raw.source.path
    issues: list[QualityIssue] = []
    labels = _LabelLines(sections.title_block)
    party = _party(path, sections, labels, usage)
    meeting = _meeting(path, raw, sections, party, issues, usage)
    tables = read_tables(sections.tables, usage)
    summary, detail = tables.summary, tables.detail
    detail.extend(read_headed(sections.body, usage))
    if not summary.entries and not detail.entries:
        raise ReportStructureError(
            path,
            f"found Party {party.name} and meeting {meeting.code} but no action table (no table whose rows "
            "start with action numbers, and no action headings followed by a rating line)",
        )
    period = _period(labels, usage)
    if period.start is None:
        issues.append(QualityIssue("period_missing", "No reporting period found in the title block."))
    actions = merge_actions(summary, detail, issues)
    language = sections.language_votes.most_common(1)[0][0] if sections.language_votes else "en"
    title = _title(sections, usage)
    prepared_by = _label_value(labels, "prepared_by", usage)
    synopsis = _synopsis(sections, usage)
    _mark_metadata(sections, usage)
    return Report(
        source=raw.source,
        party=party,
        meeting=meeting,
        period=period,
        language=language,
        rating_scale=_rating_scale(actions, meeting),
        title=title,
        prepared_by=prepared_by,
        synopsis=synopsis,
        actions=actions,
        quality_issues=issues,
        is_demo=party.is_demo,
        coverage=usage.measure(raw),
    )


def _synopsis(sections: Sections, usage: Usage) -> list[SynopsisParagraph]:
    """Part A's paragraphs under their sub-headings (those no action reader took)."""
    synopsis = []
    for item in sections.body:
        if item.part != "A" or usage.is_used(item.paragraph):
            continue
        if item.is_subheading:
            usage.mark("heading", item.paragraph)
            continue
        synopsis.append(SynopsisParagraph(item.subheading, squash(item.paragraph.text)))
        usage.mark("synopsis", item.paragraph)
    return synopsis


def _mark_metadata(sections: Sections, usage: Usage) -> None:
    """Title-block lines that say who, when and for which group (date, "Parties of ...")."""
    templates = reference().templates
    for paragraph, folded in zip(sections.title_block, sections.title_folded, strict=True):
        if templates.matches("metadata", folded):
            usage.mark("metadata", paragraph)


class _LabelLines:
    """The title block's lines squashed and folded once (`fold_with_map`) for the three labels
    read from them (Party, period, author), as far as the reading goes."""

    def __init__(self, paragraphs: list[RawParagraph]) -> None:
        self._paragraphs = paragraphs
        self._read: list[tuple[RawParagraph, str, str, Sequence[int]]] = []

    def __iter__(self) -> Iterator[tuple[RawParagraph, str, str, Sequence[int]]]:
        for i, paragraph in enumerate(self._paragraphs):
            if i == len(self._read):
                text = squash(paragraph.text)
                self._read.append((paragraph, text, *fold_with_map(text)))
            yield self._read[i]


def _label_value(lines: _LabelLines, key: str, usage: Usage) -> str | None:
    """The value of a "Label: value" line of the title block, in its original spelling."""
    templates = reference().templates
    for paragraph, text, folded, origin in lines:
        value = templates.value_in(key, text, folded, origin)
        if value is not None:
            usage.mark("metadata", paragraph)
            return value
    return None


def _party(path: str, sections: Sections, labels: _LabelLines, usage: Usage) -> Party:
    name = _label_value(labels, "party_label", usage)
    if name is None:
        if not sections.headings_found and not sections.tables:
            raise ReportStructureError(
                path,
                "not a NIAP progress report: no 'Party:' line, no Part A/B/C headings "
                "and no action table",
            )
        raise ReportStructureError(path, "no 'Party:' line in the title block, so the Party is unknown")
    party = reference().party(name, Path(path).parent)
    if party is None:
        raise UnknownCodeError(
            path,
            f"unknown Party {name!r}: add its CITES name and ISO 3166 alpha-3 code "
            "(or this spelling as an alias) to data/reference/parties.csv",
        )
    return party


def _meeting(
    path: str, raw: RawReport, sections: Sections, party: Party, issues: list[QualityIssue], usage: Usage
) -> Meeting:
    """The meeting from "Prepared for the NNth meeting", an annex stamp, or the title."""
    templates = reference().templates
    title = list(zip(sections.title_block, sections.title_folded, strict=True))
    for paragraph, folded in title:
        hit = templates.first_match("prepared_for", folded)
        if hit:
            number = int(hit[1]["number"])
            usage.mark("metadata", paragraph)
            return Meeting(f"SC{number}", number, found_in=squash(paragraph.text))
    for paragraph in raw.paragraphs:
        match = templates.annex_stamp.search(fold(paragraph.text))
        if match:
            number = int(match["number"])
            usage.mark("metadata", paragraph)
            return Meeting(f"SC{number}", number, found_in=squash(paragraph.text))
    for paragraph, folded in title:
        match = templates.title_meeting.search(folded)
        if match:
            number = int(match["number"])
            issues.append(QualityIssue(
                "meeting_from_title",
                f"No 'Prepared for the NNth meeting' line or annex stamp; SC{number} is taken "
                "from the title, which reports often reuse from an earlier meeting.",
                evidence=squash(paragraph.text),
            ))
            return Meeting(f"SC{number}", number, found_in=squash(paragraph.text))
    raise ReportStructureError(
        path,
        f"found Party {party.name} but cannot tell which SC meeting the report is for "
        "(no 'Prepared for the NNth meeting' line, annex stamp or SC number in the title)",
    )


def _period(labels: _LabelLines, usage: Usage) -> Period:
    value = _label_value(labels, "period_label", usage)
    return parse_period(value) if value else Period(None, None)


def _title(sections: Sections, usage: Usage) -> str:
    templates = reference().templates
    for paragraph, folded in zip(sections.title_block, sections.title_folded, strict=True):
        if templates.first_match("report_title", folded):
            usage.mark("metadata", paragraph)
            return squash(paragraph.text)
    if sections.title_block:
        usage.mark("metadata", sections.title_block[0])
        return squash(sections.title_block[0].text)
    return ""


def _rating_scale(actions: list[Action], meeting: Meeting) -> str:
    """"2014" (SC65-SC67 template) or "2017", from the labels used, else the meeting."""
    ratings = reference().ratings
    used = {a.rating for a in actions if a.rating}
    if any(ratings[c]["in_2014_scale"] == "false" for c in used):
        return "2017"
    if any(ratings[c]["in_2017_scale"] == "false" for c in used):
        return "2014"
    return "2014" if meeting.number <= 67 else "2017"


# --- merging Part B and Part C ------------------------------------------------------


def merge_actions(summary: TableRead, detail: TableRead, issues: list[QualityIssue]) -> list[Action]:
    """One `Action` per code: Part C's rating where it is a real rating, else Part B's."""
    for part, read in (("summary table (Part B)", summary), ("detailed table (Part C)", detail)):
        for code in read.duplicates:
            issues.append(QualityIssue(
                "duplicate_action_code", f"Action {code} appears more than once in the {part}; "
                "the first is kept.", action=code))
    codes = list(detail.entries) + [c for c in summary.entries if c not in detail.entries]
    codes.sort(key=_code_sort_key)
    both_tables = bool(summary.entries and detail.entries)
    actions = []
    placeholder_pillars: set[int | None] = set()
    for code in codes:
        b, c = summary.entries.get(code), detail.entries.get(code)
        if both_tables and b is None:
            issues.append(QualityIssue("action_only_in_detail",
                                       f"Action {code} has a row in Part C but is not listed in Part B.",
                                       action=code))
        if both_tables and c is None:
            issues.append(QualityIssue("action_only_in_summary",
                                       f"Action {code} is listed in Part B but has no row in Part C.",
                                       action=code))
        if c is not None and c.pillar.is_placeholder and c.pillar.number not in placeholder_pillars:
            placeholder_pillars.add(c.pillar.number)
            issues.append(QualityIssue(
                "pillar_placeholder",
                f"Part C names pillar {c.pillar.number} '[Name]'"
                + (f"; Part B's name '{b.pillar.name}' is used." if b and b.pillar.name else "."),
                action=code))
        for text in c.instructions if c else []:
            issues.append(QualityIssue(
                "template_instruction", "The template's instruction sentence was left in the "
                "progress summary; it is not counted as a note.", action=code, evidence=text))
        actions.append(_merge_one(code, b, c, issues))
    return actions


def _code_sort_key(code: str) -> tuple:
    """Sort "1.2" before "1.10", letters before numbers within a part."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _CODE_PARTS.split(code) if p)


_CODE_PARTS = re.compile(r"[.)]")


def _merge_one(code: str, b: Entry | None, c: Entry | None, issues: list[QualityIssue]) -> Action:
    labels: dict[str, str] = {}
    if b is not None:
        labels["summary_table"] = b.rating_label
    if c is not None and c.rating_label:
        labels["detailed"] = c.rating_label
    rating = _merge_rating(code, b, c, issues)
    from_detail = rating is not None and c is not None and c.rating.code == rating
    return Action(
        code=code,
        pillar=_merge_pillar(b.pillar if b else None, c.pillar if c else None),
        title=(c.title if c and c.title else b.title if b else ""),
        rating=rating,
        rating_labels=labels,
        rating_source=None if rating is None else "detailed" if from_detail else "summary",
        notes=c.notes if c else [],
        is_priority=bool((b and b.is_priority) or (c and c.is_priority)),
        provenance="; ".join(
            f"{part} {e.provenance}" for part, e in (("Part B", b), ("Part C", c)) if e
        ),
    )


def _merge_rating(code: str, b: Entry | None, c: Entry | None, issues: list[QualityIssue]) -> str | None:
    b_code = b.rating.code if b and b.rating.kind == "rating" else None
    for entry in (b, c):
        if entry and entry.rating.kind == "unknown":
            issues.append(QualityIssue(
                "rating_unknown_label", f"Action {code}: rating label '{entry.rating_label}' is "
                "not in data/reference/rating_labels.csv.", action=code, evidence=entry.rating_label))
    if c is not None and c.rating.kind == "rating":
        if b_code and b_code != c.rating.code:
            issues.append(QualityIssue(
                "rating_disagreement", f"Action {code}: Part B says '{b.rating_label}', Part C says "
                f"'{c.rating_label}'; Part C's rating is used.", action=code))
        return c.rating.code
    if c is not None and c.rating.kind == "placeholder":
        issues.append(QualityIssue(
            "rating_placeholder", f"Action {code}: Part C shows the template's "
            f"'[{c.rating_label}]' instead of a rating"
            + (f"; Part B's '{b.rating_label}' is used." if b_code else "; the action is not rated."),
            action=code, evidence=c.rating_label))
        return b_code
    if b_code is None and not any(e and e.rating.kind == "unknown" for e in (b, c)):
        issues.append(QualityIssue("rating_missing", f"Action {code} has no rating in Part B "
                                   "or Part C: it counts as not rated.", action=code))
    return b_code


def _merge_pillar(b: PillarRef | None, c: PillarRef | None) -> Pillar:
    number = next((p.number for p in (c, b) if p and p.number is not None), None)
    name = next((p.name for p in (b, c) if p and p.name), None)
    return Pillar(number=number, name=name, standard=reference().standard_pillar(name))
