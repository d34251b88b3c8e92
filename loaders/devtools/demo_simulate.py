"""A fictional Party's NIAP and how its actions fare from meeting to meeting.

`plan_niap` draws the actions (codes kept across meetings, so one action can be followed
over time); `simulate` moves them along the Party's trajectory (improving, steady,
stalling, slipping) from SC65 to SC77 and says, per meeting, what a report states about
each: stage, rating, causes of delay, funding, planned start, expected completion.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from loaders.devtools.demo_parties import DemoParty, phrases
from loaders.periods import add_months
from loaders.reference import read_csv

MEETINGS = ("SC65", "SC66", "SC67", "SC69", "SC70", "SC74", "SC77")
SCALES = {"2014": ("substantially_achieved", "on_track", "challenging", "unclear"),
          "2017": ("achieved", "substantially_achieved", "on_track", "partial_progress", "pending", "not_commenced")}
CAUSE_WEIGHTS = {"funding": 3.0, "coordination": 2.0, "capacity": 2.0, "approval": 1.2, "external": 0.6,
                 "unspecified": 1.0}
CAUSE_PAIRS = (("funding", "coordination"), ("approval", "funding"), ("capacity", "funding"))
COMPLETION_WINDOWS = ((6, None), (6, 9), (6, 12), (3, None), (12, None), (9, 12))


def scale_of(meeting: str) -> str:
    """The template generation of a meeting: "2014" up to SC67, "2017" after."""
    return "2014" if int(meeting[2:]) <= 67 else "2017"


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

