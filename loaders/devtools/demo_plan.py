"""The reports of a demo corpus: which Party reports to which meeting, in which format, how untidily.

A `ReportPlan` holds what one report says (statuses from the simulation) and the quirks it
is written with (template leftovers, Part B / Part C disagreements, wrong synopsis counts,
page-broken rows); `ReportPlan.expected` states what the loader should read, which tests
compare with what it does read. `plan_corpus` plans every report of a corpus, nothing
written.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from loaders.devtools.demo_parties import DemoParty, demo_parties, max_parties
from loaders.devtools.demo_simulate import (
    MEETINGS,
    SCALES,
    ActionStatus,
    Niap,
    period_ends,
    plan_niap,
    scale_of,
    simulate,
)
from loaders.errors import BadInputError
from loaders.periods import add_months

DOCX_SHARE = 0.2
MISSING_SHARE = 0.12  # share of Party x meeting reports never submitted
MAX_MISSING = 2  # per Party, so every Party reports to at least 5 of the 7 meetings


# --- reports -------------------------------------------------------------------------------


@dataclass
class Quirks:
    """What makes a report untidy, as real ones are."""

    old_title: bool = False  # the title keeps the previous meeting's number
    bracket_pillars: bool = False  # Part B names pillars "[Legislation]"
    pillar_placeholders: tuple[int, ...] = ()  # pillars Part C names "[Name]"
    rating_placeholder: str | None = None  # action rated "[PROGRESS RATING]" in Part C
    instruction: str | None = None  # action with the template's instruction bullet
    disagreement: dict[str, str] = field(default_factory=dict)  # action -> Part B's (different) rating
    count_sentence: bool = True  # Part A states counts per rating
    count_error: bool = False  # ... and gets one wrong
    split_row: str | None = None  # Part C row split by a page break
    rows_per_page: int = 5  # Part C rows between page breaks
    run_together: bool = False  # several actions on one line in a Part B cell
    typed_bullets: bool = False  # bullets typed as "•" in the markup
    bracket_titles: bool = True  # Part C titles in brackets, as in the template
    docx_text_bullets: str | None = None  # DOCX: action whose bullets are typed "•" paragraphs
    docx_nested: str | None = None  # DOCX: action whose progress sits in a nested table


@dataclass
class ReportPlan:
    """One report of one Party to one meeting: what it says and how it is written."""

    party: DemoParty
    niap: Niap
    meeting: str
    period: tuple[str, str]  # YYYY-MM
    statuses: dict[str, ActionStatus]
    quirks: Quirks
    previous: dict[str, ActionStatus] | None  # statuses at the previous meeting
    missed: str | None = None  # the meeting whose report was not submitted (covered here)
    achievement: str | None = None  # action completed in the period, named in Part A
    secretariat: dict[str, str] | None = None  # action -> the Secretariat's rating, when assessed
    format: str = "md"
    seed: str = ""

    @property
    def number(self) -> int:
        """The meeting number (66 for SC66)."""
        return int(self.meeting[2:])

    @property
    def previous_meeting(self) -> str | None:
        """The meeting before this one in the series (SC67 for SC69), if any."""
        at = MEETINGS.index(self.meeting)
        return MEETINGS[at - 1] if at else None

    @property
    def scale(self) -> str:
        """The template's rating scale: "2014" or "2017"."""
        return scale_of(self.meeting)

    @property
    def file_name(self) -> str:
        """``xa_sc66.md``."""
        return f"{self.party.code.lower()}_{self.meeting.lower()}.{self.format}"

    def expected(self) -> dict[str, dict]:
        """Per action, the facts the loader should read: rating, delay, causes, funding, timing."""
        end = self.period[1]
        return {
            code: {
                "rating": s.rating, "delayed": s.delayed, "causes": sorted(s.causes), "funding": sorted(s.funding),
                "planned_start": s.planned_start if s.stage == "scheduled" else None,
                "expected_completion": add_months(end, s.completion[1] or s.completion[0]) if s.completion else None,
            }
            for code, s in self.statuses.items()
        }

    def expected_issues(self) -> list[tuple[str, str | None]]:
        """The quality issues the loader should raise, as sorted (code, action) pairs."""
        q = self.quirks
        first = {a.pillar: a.code for a in reversed(self.niap.actions)}
        issues = [("pillar_placeholder", first[p]) for p in q.pillar_placeholders]
        issues += [("rating_placeholder", q.rating_placeholder)] if q.rating_placeholder else []
        issues += [("template_instruction", q.instruction)] if q.instruction else []
        issues += [("rating_disagreement", code) for code in q.disagreement]
        issues += [("synopsis_count_mismatch", None)] if q.count_error else []
        return sorted(issues, key=lambda i: (i[0], i[1] or ""))


def plan_reports(party: DemoParty, seed: int, missing: set[int]) -> list[ReportPlan]:
    """Every report a Party submits (all meetings but the ``missing`` indexes)."""
    rng = random.Random(f"{seed}:{party.code}")
    ends = period_ends(rng.choice((2, 3)))
    niap = plan_niap(party, ends, rng)
    history = simulate(party, niap, rng)
    reports = []
    for i, meeting in enumerate(MEETINGS):
        if i in missing:
            continue
        first = i
        while first > 0 and first - 1 in missing:
            first -= 1
        start = add_months(ends[first - 1], 1) if first else add_months(ends[0], -11)
        plan = ReportPlan(party, niap, meeting, (start, ends[i]), history[i], Quirks(),
                          history[i - 1] if i else None, missed=MEETINGS[i - 1] if i and i - 1 in missing else None,
                          seed=f"{seed}:{party.code}:{meeting}")
        _choose_quirks(plan, i, rng)
        _place_facts(plan, rng)
        done = [s.code for s in plan.statuses.values() if s.stage == "done"]
        plan.achievement = rng.choice(done) if done and rng.random() < 0.7 else None
        plan.secretariat = _secretariat(plan, rng) if rng.random() < 0.45 else None
        reports.append(plan)
    return reports


def _choose_quirks(plan: ReportPlan, i: int, rng: random.Random) -> None:
    q, codes = plan.quirks, [a.code for a in plan.niap.actions]
    q.old_title = i > 0 and rng.random() < 0.08
    q.bracket_pillars = plan.scale == "2014" and rng.random() < 0.35
    if rng.random() < 0.15:
        q.pillar_placeholders = tuple(sorted(rng.sample(range(1, len(plan.niap.pillars) + 1), rng.randint(1, 2))))
    if rng.random() < 0.10:
        q.rating_placeholder = rng.choice(codes)
    if rng.random() < 0.12:
        q.instruction = rng.choice(codes)
    if rng.random() < 0.12:
        code = rng.choice([c for c in codes if c != q.rating_placeholder])
        q.disagreement[code] = _other_rating(plan, code, rng)
    q.count_sentence = rng.random() < 0.7
    q.count_error = q.count_sentence and rng.random() < 0.15
    q.rows_per_page = rng.randint(4, 6)
    q.run_together = rng.random() < 0.2
    q.typed_bullets = rng.random() < 0.5
    q.bracket_titles = rng.random() < 0.7
    long_titles = [a.code for a in plan.niap.actions[:-1] if len(a.title.split()) >= 5]
    q.split_row = rng.choice(long_titles) if long_titles and rng.random() < 0.25 else None
    q.docx_text_bullets = rng.choice(codes) if rng.random() < 0.25 else None
    q.docx_nested = rng.choice(codes) if rng.random() < 0.25 else None


def _other_rating(plan: ReportPlan, code: str, rng: random.Random) -> str:
    """A rating Part B gives instead of Part C's: the previous report's, or a neighbour on the scale."""
    rating = plan.statuses[code].rating
    before = plan.previous[code].rating if plan.previous else None
    if before and before != rating and before in SCALES[plan.scale]:
        return before
    scale = SCALES[plan.scale]
    at = scale.index(rating)
    return scale[at + 1] if at + 1 < len(scale) and (at == 0 or rng.random() < 0.5) else scale[at - 1]


def _place_facts(plan: ReportPlan, rng: random.Random) -> None:
    """Decide where each fact is written: the action's notes, Part A, or both.

    Part A names only groups of two or more actions sharing a fact ("activities 1.2, 2.1
    and 3.3"); a single action's fact stays in its notes.
    """
    groups: dict[tuple[str, object], list[ActionStatus]] = {}
    for s in plan.statuses.values():
        if s.causes:
            groups.setdefault(("delay", s.causes), []).append(s)
        for status in s.funding:
            groups.setdefault((status, None), []).append(s)
        if s.completion:
            groups.setdefault(("completion", s.completion), []).append(s)
        if s.stage == "scheduled":
            s.where["start"] = "both" if rng.random() < 0.15 else "notes"
    for (kind, _), members in sorted(groups.items(), key=lambda g: (g[0][0], str(g[0][1]))):
        place = "notes"
        if len(members) >= 2 and rng.random() < 0.5:
            place = "both" if rng.random() < 0.3 else "synopsis"
        for s in members:
            s.where[kind] = place


def _secretariat(plan: ReportPlan, rng: random.Random) -> dict[str, str]:
    """The Secretariat's ratings: the Party's, with a few actions rated one step lower."""
    lower = {"2014": {"substantially_achieved": "on_track", "on_track": "challenging", "challenging": "unclear"},
             "2017": {"achieved": "substantially_achieved", "substantially_achieved": "on_track",
                      "on_track": "partial_progress", "pending": "partial_progress"}}[plan.scale]
    ratings = {code: s.rating for code, s in plan.statuses.items()}
    candidates = [code for code, rating in ratings.items() if rating in lower]
    for code in rng.sample(candidates, min(len(candidates), rng.choice((0, 1, 1, 2, 2, 3)))):
        ratings[code] = lower[ratings[code]]
    return ratings


# --- the corpus ----------------------------------------------------------------------------


@dataclass
class Corpus:
    """Every planned report of a demo corpus, and the arguments it was made with."""

    parties: list[DemoParty]
    reports: list[ReportPlan]
    missing: list[tuple[str, str]]  # (Party code, meeting) never submitted
    seed: int
    pdf_share: float
    docx_share: float = DOCX_SHARE

    def counts(self) -> dict[str, Counter]:
        """Reports by format and by language."""
        return {"format": Counter(r.format for r in self.reports),
                "language": Counter(r.party.language for r in self.reports)}


def check_arguments(n_parties: int, pdf_share: float, docx_share: float = DOCX_SHARE) -> None:
    """Refuse arguments the generator cannot honour, naming the option."""
    if not 1 <= n_parties <= max_parties():
        raise BadInputError("--parties", f"must be between 1 and {max_parties()} (got {n_parties})")
    for option, share in (("--pdf-share", pdf_share), ("--docx-share", docx_share)):
        if not 0.0 <= share <= 1.0:
            raise BadInputError(option, f"must be between 0 and 1 (got {share:g})")
    if pdf_share + docx_share > 1.0:
        raise BadInputError("--pdf-share", f"with --docx-share {docx_share:g} it leaves a negative share of markup")


def plan_corpus(n_parties: int = 8, seed: int = 1, pdf_share: float = 0.1, docx_share: float = DOCX_SHARE) -> Corpus:
    """Plan every report of a corpus (nothing is written)."""
    check_arguments(n_parties, pdf_share, docx_share)
    parties = demo_parties(n_parties, seed)
    rng = random.Random(f"{seed}:corpus:{n_parties}")
    missing = _missing(parties, rng)
    reports = [r for p in parties for r in plan_reports(p, seed, missing.get(p.code, set()))]
    _assign_formats(reports, pdf_share, docx_share, rng)
    gone = [(p.code, MEETINGS[i]) for p in parties for i in sorted(missing.get(p.code, set()))]
    return Corpus(parties, reports, gone, seed, pdf_share, docx_share)


def _missing(parties: list[DemoParty], rng: random.Random) -> dict[str, set[int]]:
    """About `MISSING_SHARE` of the reports, at most `MAX_MISSING` per Party, never submitted."""
    pairs = [(p.code, i) for p in parties for i in range(len(MEETINGS))]
    rng.shuffle(pairs)
    wanted = round(MISSING_SHARE * len(pairs))
    missing: dict[str, set[int]] = {}
    for code, i in pairs:
        if wanted == 0:
            break
        if len(missing.setdefault(code, set())) < MAX_MISSING:
            missing[code].add(i)
            wanted -= 1
    return missing


def _assign_formats(reports: list[ReportPlan], pdf_share: float, docx_share: float, rng: random.Random) -> None:
    """PDF for ``pdf_share`` of the reports, DOCX for ``docx_share``, markup for the rest, in each language."""
    for language in sorted({r.party.language for r in reports}):
        group = [r for r in reports if r.party.language == language]
        rng.shuffle(group)
        n_pdf = round(pdf_share * len(group))
        n_docx = min(round(docx_share * len(group)), len(group) - n_pdf)
        for k, report in enumerate(group):
            report.format = "pdf" if k < n_pdf else "docx" if k < n_pdf + n_docx else "md"


