"""Demo corpus: progress reports of fictional Parties, written in the real template formats.

    python -m loaders demo [--out DIR] [--parties N] [--seed S] [--pdf-share F]

Only one real report ships with the project; cross-Party views need many. This module
plans, for each fictional Party, a NIAP of 8-14 actions under 4-6 pillars (codes kept
across meetings, so one action can be followed over time) and a trajectory (improving,
steady, stalling, slipping), simulates the actions from SC65 to SC77, and writes one
progress report per Party and meeting: SC65-SC67 on the 2014 template, SC69-SC77 on the
2017+ template, in English or French, as markup text, DOCX or PDF (``loaders.render``).
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
import random
import re
import string
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from loaders.errors import BadInputError, ReferenceDataError
from loaders.periods import add_months
from loaders.progress import Progress
from loaders.reference import DATA_DIR, DEMO_PARTIES_FILE, PARTY_COLUMNS, is_user_assigned, read_csv
from loaders.side_files import SECRETARIAT_FILE, summary_columns

MEETINGS = ("SC65", "SC66", "SC67", "SC69", "SC70", "SC74", "SC77")
SCALES = {"2014": ("substantially_achieved", "on_track", "challenging", "unclear"),
          "2017": ("achieved", "substantially_achieved", "on_track", "partial_progress", "pending", "not_commenced")}
CAUSE_WEIGHTS = {"funding": 3.0, "coordination": 2.0, "capacity": 2.0, "approval": 1.2, "external": 0.6,
                 "unspecified": 1.0}
CAUSE_PAIRS = (("funding", "coordination"), ("approval", "funding"), ("capacity", "funding"))
COMPLETION_WINDOWS = ((6, None), (6, 9), (6, 12), (3, None), (12, None), (9, 12))
DOCX_SHARE = 0.2
MISSING_SHARE = 0.12  # share of Party x meeting reports never submitted
MAX_MISSING = 2  # per Party, so every Party reports to at least 5 of the 7 meetings
DEFAULT_OUT = DATA_DIR / "demo"
PHRASES = Path(__file__).with_name("demo_phrases.yaml")
README = "README.md"
README_MARK = "# Demo data: fictional Parties"
GENERATOR = "python -m loaders demo"
REPORT_NAME = re.compile(r"^[a-z]{2,3}_sc\d{2}\.(?:md|docx|pdf)$")
# User-assigned X codes that some systems give real entities: ICAO travel-document codes
# of international organisations (XXA-XXX, for stateless persons and refugees, and XK*,
# used for Kosovo, are skipped as whole blocks).
ICAO_ORGANISATIONS = frozenset({"XBA", "XCC", "XCE", "XCO", "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO"})


@cache
def phrases() -> dict:
    """The phrasebook (demo_phrases.yaml)."""
    with PHRASES.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def scale_of(meeting: str) -> str:
    """The template generation of a meeting: "2014" up to SC67, "2017" after."""
    return "2014" if int(meeting[2:]) <= 67 else "2017"


# --- Parties -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoParty:
    """A fictional Party and how its reports look."""

    code: str
    name: str  # as in parties.csv (or demo_parties.csv)
    written: str  # on the report's "Party:" line
    of_name: str  # "Prepared by ... of <of_name>"
    language: str
    trajectory: str  # improving | steady | stalling | slipping
    pillar_set: int | None  # index into the phrasebook's own pillar names; None: the standard five
    category: str  # NIAP category letter (2017+ template)
    is_extra: bool = False  # made up here, listed in demo_parties.csv
    aliases: str = ""  # the aliases column of demo_parties.csv (the French name of a French Party)


def extra_codes() -> Iterator[str]:
    """ISO 3166 user-assigned alpha-3 codes for made-up Parties: XAA-XZZ, QMA-QZZ, AAA-AAZ."""
    letters = string.ascii_uppercase
    for second in letters:
        for third in letters:
            code = f"X{second}{third}"
            if second not in "KX" and code not in ICAO_ORGANISATIONS:
                yield code
    for second in letters[letters.index("M"):]:
        for third in letters:
            yield f"Q{second}{third}"
    for third in letters:
        yield f"AA{third}"


def max_parties() -> int:
    """How many Parties the generator can make: the eight of parties.csv and the extra codes."""
    return len(phrases()["parties"]) + sum(1 for _ in extra_codes())


def demo_parties(n: int, seed: int) -> list[DemoParty]:
    """The first ``n`` demo Parties: XA-XH from parties.csv, then made-up ones."""
    known = {row["party_iso3"]: row for row in read_csv("parties.csv")}
    parties = [_base_party(code, profile, known) for code, profile in sorted(phrases()["parties"].items())][:n]
    for number, code in zip(range(len(parties) + 1, n + 1), extra_codes(), strict=False):
        if code in known or not is_user_assigned(code):  # never: extra codes are user-assigned
            raise ReferenceDataError(f"demo code {code} is not a free user-assigned code")
        parties.append(_extra_party(code, number, random.Random(f"{seed}:party:{code}")))
    return parties


def _base_party(code: str, profile: dict, known: dict[str, dict[str, str]]) -> DemoParty:
    row = known.get(code)
    if row is None or row["is_demo"] != "true":
        raise ReferenceDataError(f"demo Party {code} of demo_phrases.yaml must be a demo row of parties.csv")
    pillars = profile["pillars"]
    return DemoParty(code, row["party_name"], profile["written"], profile["of_name"], profile["language"],
                     profile["trajectory"], None if pillars == "standard" else int(pillars), profile["category"])


def _extra_party(code: str, number: int, rng: random.Random) -> DemoParty:
    language = "fr" if rng.random() < 0.25 else "en"
    names = {lang: {k: v.format(number=f"{number:04d}") for k, v in forms.items()}
             for lang, forms in phrases()["extra_party"].items()}
    own = len(phrases()["pillars"]["own"])
    return DemoParty(
        code=code, name=names["en"]["name"], written=names[language]["written"], of_name=names[language]["name"],
        language=language, trajectory=rng.choices(("improving", "steady", "stalling", "slipping"), (3, 2, 2, 2))[0],
        pillar_set=rng.randrange(own) if rng.random() < 0.25 else None, category=rng.choice("ABC"),
        is_extra=True, aliases=names["fr"]["name"] if language == "fr" else "",
    )


# --- calendar ----------------------------------------------------------------------------


@cache
def meeting_months() -> dict[str, str]:
    """Meeting code -> the month it opens (YYYY-MM), from data/reference/meetings.csv."""
    return {row["code"]: row["start_date"][:7] for row in read_csv("meetings.csv") if row["code"] in MEETINGS}


def period_ends(lag: int) -> list[str]:
    """The last month of each meeting's reporting period: ``lag`` months before it opens."""
    return [add_months(meeting_months()[m], -lag) for m in MEETINGS]


def months_between(start: str, end: str) -> int:
    """Whole months from ``start`` to ``end`` (YYYY-MM)."""
    return (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7])


# --- a Party's NIAP ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedAction:
    """One action of a NIAP: the same code, title and pillar at every meeting."""

    code: str
    pillar: int
    pool: str  # the phrasebook pool its title comes from (legislation, outreach, ...)
    title: str
    priority: bool
    starts: int  # index of the first meeting by which work has begun
    start_month: str | None  # while not begun: "not due to begin until" (YYYY-MM)
    after: str | None  # an action it waits for ("pending completion of another action")
    difficulty: float


@dataclass(frozen=True)
class Niap:
    """A Party's plan: pillar names (in the Party's language) and actions."""

    pillars: tuple[str, ...]
    actions: tuple[PlannedAction, ...]


def plan_niap(party: DemoParty, ends: list[str], rng: random.Random) -> Niap:
    """Draw a NIAP of 8-14 actions spread over the Party's pillars."""
    book = phrases()["pillars"]
    chosen = book["standard"] if party.pillar_set is None else book["own"][party.pillar_set]
    pools = chosen["pools"]
    book_titles = phrases()["titles"]
    titles = {pool: rng.sample(book_titles[pool], len(book_titles[pool])) for pool in dict.fromkeys(pools)}
    most = [min(4 if len(pools) <= 4 else 3, len(titles[pool])) for pool in pools]  # actions per pillar
    counts = [1] * len(pools)
    for _ in range(min(rng.randint(8, 14), sum(most)) - len(pools)):
        counts[rng.choice([i for i in range(len(pools)) if counts[i] < most[i]])] += 1
    actions: list[PlannedAction] = []
    for i, (pool, count) in enumerate(zip(pools, counts, strict=True)):
        for k in range(count):
            actions.append(_plan_action(f"{i + 1}.{k + 1}", i + 1, pool, titles[pool][k][party.language],
                                        actions, ends, rng))
    return Niap(tuple(chosen[party.language]), tuple(actions))


def _plan_action(code: str, pillar: int, pool: str, title: str, earlier: list[PlannedAction], ends: list[str],
                 rng: random.Random) -> PlannedAction:
    starts = 0 if rng.random() < 0.75 else rng.randint(1, 3)
    start_month = None
    if starts:
        gap = months_between(ends[starts - 1], ends[starts])
        start_month = add_months(ends[starts - 1], rng.randint(1, max(1, gap - 1)))
    waits_for = [a for a in earlier if a.pillar == 1 and a.starts <= starts]
    after = rng.choice(waits_for).code if pillar > 1 and waits_for and rng.random() < 0.15 else None
    return PlannedAction(code, pillar, pool, title, rng.random() < 0.4, starts, start_month, after,
                         rng.uniform(0.7, 1.4))


# --- simulation ----------------------------------------------------------------------------


@dataclass
class ActionStatus:
    """What one report says about one action."""

    code: str
    stage: str  # scheduled | pending | unclear | active | done | done_before
    rating: str  # the Party's rating (Part C; the one the loader keeps)
    causes: tuple[str, ...] = ()  # causes of delay; ("unspecified",) when delayed without a cause
    funding: tuple[str, ...] = ()  # "secured", "sought"
    planned_start: str | None = None  # YYYY-MM, while scheduled
    completion: tuple[int, int | None] | None = None  # "within the next low(-high) months"
    progress: float = 0.0
    where: dict[str, str] = field(default_factory=dict)  # fact -> notes | synopsis | both

    @property
    def delayed(self) -> bool:
        """The report says the action is behind."""
        return bool(self.causes)


@dataclass
class _Track:
    """An action's progress between meetings."""

    progress: float = 0.0
    blocked_before: bool = False
    done: bool = False


def block_chance(trajectory: str, i: int) -> float:
    """Chance that an action is held up in the period before meeting ``i``."""
    return {"improving": max(0.08, 0.45 - 0.07 * i), "steady": 0.22, "stalling": 0.5,
            "slipping": min(0.65, 0.12 + 0.09 * i)}[trajectory]


def pace(trajectory: str, i: int) -> float:
    """Typical progress (share of an action) in the period before meeting ``i``."""
    return {"improving": 0.16 + 0.03 * i, "steady": 0.2, "stalling": 0.09,
            "slipping": max(0.05, 0.28 - 0.04 * i)}[trajectory]


def simulate(party: DemoParty, niap: Niap, rng: random.Random) -> list[dict[str, ActionStatus]]:
    """Each action's status at every meeting (whether or not the Party reports to it)."""
    favourites = rng.sample(sorted(CAUSE_WEIGHTS), 2)
    # Some actions build on work begun before the NIAP was adopted.
    tracks = {a.code: _Track(progress=rng.uniform(0.1, 0.5) if rng.random() < 0.35 else 0.0) for a in niap.actions}
    history = []
    for i, meeting in enumerate(MEETINGS):
        statuses: dict[str, ActionStatus] = {}
        for action in niap.actions:
            statuses[action.code] = _step(party, action, i, meeting, tracks, favourites, rng)
        history.append(statuses)
    return history


def _step(party: DemoParty, a: PlannedAction, i: int, meeting: str, tracks: dict[str, _Track],
          favourites: list[str], rng: random.Random) -> ActionStatus:
    scale, track = scale_of(meeting), tracks[a.code]
    if a.starts > i:
        sought = ("sought",) if rng.random() < 0.15 else ()
        return ActionStatus(a.code, "scheduled", "on_track" if scale == "2014" else "not_commenced",
                            funding=sought, planned_start=a.start_month)
    if track.done:
        return ActionStatus(a.code, "done_before", top_rating(scale), progress=1.0)
    if a.after and tracks[a.after].progress < 0.75:
        return ActionStatus(a.code, "pending", "on_track" if scale == "2014" else "pending")
    if scale == "2014" and rng.random() < 0.04:
        return ActionStatus(a.code, "unclear", "unclear", progress=track.progress)
    blocked = rng.random() < min(0.9, block_chance(party.trajectory, i) * a.difficulty)
    step = pace(party.trajectory, i) * rng.uniform(0.6, 1.4) / a.difficulty * (0.3 if blocked else 1.0)
    progress = track.progress + step
    if party.trajectory == "slipping" and i >= 3 and rng.random() < 0.2:
        progress -= 0.15
    progress = max(0.0, min(0.9 if blocked else 1.0, progress))
    status = ActionStatus(a.code, "done" if progress >= 1.0 else "active",
                          _rating(scale, progress, blocked, track.blocked_before, rng), progress=progress)
    if blocked:
        status.causes = _causes(a, meeting, favourites, rng)
    status.funding = _funding(status.causes, rng)
    if not blocked and 0.45 <= progress < 1.0 and rng.random() < 0.35:
        status.completion = rng.choice(COMPLETION_WINDOWS)
    track.progress, track.blocked_before, track.done = progress, blocked, progress >= 1.0
    return status


def top_rating(scale: str) -> str:
    """The rating of a completed action: "achieved", or "substantially_achieved" on the 2014 scale."""
    return "substantially_achieved" if scale == "2014" else "achieved"


def _rating(scale: str, progress: float, blocked: bool, blocked_before: bool, rng: random.Random) -> str:
    if scale == "2014":
        if progress >= 0.8:
            return "substantially_achieved"
        return "challenging" if blocked and (blocked_before or rng.random() < 0.4) else "on_track"
    if progress >= 1.0:
        return "achieved"
    if progress >= 0.75:
        return "substantially_achieved"
    if blocked:
        return "partial_progress" if progress >= 0.1 else "not_commenced"
    return "on_track"


def _causes(a: PlannedAction, meeting: str, favourites: list[str], rng: random.Random) -> tuple[str, ...]:
    weights = dict(CAUSE_WEIGHTS)
    for cause in favourites:
        weights[cause] *= 3
    if a.pool == "legislation":
        weights["approval"] *= 3
    if meeting == "SC74":  # the reporting period of the COVID-19 pandemic
        weights["external"] *= 8
    first = rng.choices(list(weights), list(weights.values()))[0]
    pairs = [p for p in CAUSE_PAIRS if first in p]
    if pairs and rng.random() < 0.18:
        return tuple(sorted(rng.choice(pairs)))
    return (first,)


def _funding(causes: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    if "funding" in causes:
        return ("sought",) if rng.random() < 0.55 else ()
    found = []
    if rng.random() < 0.12:
        found.append("secured")
    if rng.random() < 0.07:
        found.append("sought")
    return tuple(found)


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


# --- writing ---------------------------------------------------------------------------------


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
    from loaders.demo_markup import report_markup
    from loaders.render import PdfPrinter, Style, markup_to_docx

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
