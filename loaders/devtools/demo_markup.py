"""Write a planned demo report (`demo_plan.ReportPlan`) as markup text.

The markup has the shape of data/raw/cambodia_sc66_progress_report.md: markdown title
block and Part A, Part B and Part C as tab-separated rows with HTML cells, a blank line
and the repeated header where a page break splits a table. The wording comes from the
phrasebook (demo_phrases.yaml) in the report's language; the few choices left (which
sentence variant, which month) are drawn from an RNG seeded by the report, so the same
plan gives the same text.
"""

from __future__ import annotations

import random
from collections import Counter
from html import escape

from loaders.devtools.demo_parties import phrases
from loaders.devtools.demo_plan import ReportPlan
from loaders.devtools.demo_simulate import SCALES, ActionStatus, PlannedAction, months_between
from loaders.periods import add_months

SYNOPSIS, NOTES = ("synopsis", "both"), ("notes", "both")
PAIR_KEYS = {frozenset({"funding", "coordination"}): "funding+coordination",
             frozenset({"approval", "funding"}): "approval+funding",
             frozenset({"capacity", "funding"}): "capacity+funding"}


def report_markup(plan: ReportPlan) -> str:
    """The whole report as markup text."""
    return _Writer(plan).text()


class _Writer:
    """Writes one report; holds its phrasebook language and its RNG."""

    def __init__(self, plan: ReportPlan) -> None:
        self.plan = plan
        self.ph = phrases()["languages"][plan.party.language]
        self.rng = random.Random(f"{plan.seed}:text")
        self.actions = {a.code: a for a in plan.niap.actions}
        self.order = [a.code for a in plan.niap.actions]

    def text(self) -> str:
        lines = [*self.title_block(), *self.synopsis(), *self.part_b(), *self.part_c()]
        return "\n".join(lines) + "\n"

    # --- words ---------------------------------------------------------------------------

    def number(self, n: int, capital: bool = False) -> str:
        word = self.ph["numbers"][n]
        return word[0].upper() + word[1:] if capital else word

    def month(self, date: str) -> str:
        return f"{self.ph['months'][int(date[5:7]) - 1]} {date[:4]}"

    def month_in_period(self) -> str:
        start, end = self.plan.period
        return self.month(add_months(start, self.rng.randint(0, max(0, months_between(start, end)))))

    def codes(self, codes: list[str]) -> str:
        """ "1.2, 2.1 and 3.3", or "2.1 to 2.3" for three or more consecutive actions."""
        at = [self.order.index(c) for c in codes]
        if len(codes) >= 3 and at == list(range(at[0], at[0] + len(codes))) and self.rng.random() < 0.6:
            return f"{codes[0]} {self.ph['range']} {codes[-1]}"
        return ", ".join(codes[:-1]) + f" {self.ph['and']} {codes[-1]}" if len(codes) > 1 else codes[0]

    def months(self, window: tuple[int, int | None]) -> str:
        low, high = window
        return str(low) if high is None else f"{low}-{high}" if self.plan.party.language == "en" else f"{low} à {high}"

    def fill(self, template: str, **values: str) -> str:
        slots = {"partner": self.rng.choice(self.ph["partners"]), "agency": self.rng.choice(self.ph["agencies"]),
                 "month": self.month_in_period(), "n": self.number(self.rng.randint(2, 6))}
        slots["N"] = slots["n"][0].upper() + slots["n"][1:]
        return template.format(**{**slots, **values})

    def label(self, rating: str) -> str:
        return self.ph["ratings"][rating]

    def title(self, action: PlannedAction) -> str:
        return action.title + ("*" if action.priority else "")

    # --- title block and Part A ----------------------------------------------------------

    def title_block(self) -> list[str]:
        plan, ph = self.plan, self.ph
        previous = plan.previous_meeting
        shown = int(previous[2:]) if plan.quirks.old_title and previous else plan.number
        group = ph["group_2014"] if plan.scale == "2014" else ph["group_2017"].format(category=plan.party.category)
        office = self.rng.choice(ph["offices"])
        return [
            f"**{ph['title'].format(number=shown)}**  ", f"**{group}**", "",
            ph["prepared_for"].format(number=plan.number), "",
            ph["party"].format(name=plan.party.written), "",
            ph["period"].format(start=self.month(plan.period[0]), end=self.month(plan.period[1])), "",
            ph["prepared_by"].format(office=office, name=plan.party.of_name), "",
            f"## **{ph['part_a']}**", "",
        ]

    def synopsis(self) -> list[str]:
        plan, ph = self.plan, self.ph
        opening = [ph["overall"][plan.party.trajectory]]
        if plan.missed:
            opening.append(ph["late"].format(meeting=plan.missed))
        progress = [s for s in (self.count_sentence(), self.achievement()) if s] or [ph["filler_progress"]]
        outlook = [*self.completion_sentences(), *self.funding_sentences(), *self.scheduled_sentences()]
        lines = [" ".join(opening), "", f"### **{ph['progress_to_date']}**", "", " ".join(progress), ""]
        for sentence in self.delay_sentences():
            lines += [sentence, ""]
        return [*lines, f"### **{ph['future_outlook']}**", "", " ".join(outlook or [ph["filler_outlook"]]), ""]

    def count_sentence(self) -> str | None:
        """ "Nine out of the thirteen actions are rated as on track, two as ... and one as ..." """
        if not self.plan.quirks.count_sentence:
            return None
        scale = SCALES[self.plan.scale]
        counts = Counter(s.rating for s in self.plan.statuses.values())
        ranked = sorted(counts, key=lambda r: (-counts[r], scale.index(r)))
        stated = [counts[r] for r in ranked]
        if self.plan.quirks.count_error:
            stated[0] += 1
        names = self.ph["count_ratings"]
        first = self.ph["count_first"].format(Count=self.number(stated[0], capital=True),
                                              total=self.number(len(self.plan.statuses)), rating=names[ranked[0]])
        rest = [self.ph["count_next"].format(count=self.number(n), rating=names[r])
                for n, r in zip(stated[1:], ranked[1:], strict=True)]
        parts = [first, *rest]
        if len(parts) == 1:
            return first + "."
        return ", ".join(parts[:-1]) + f" {self.ph['and']} {parts[-1]}."

    def achievement(self) -> str | None:
        code = self.plan.achievement
        if code is None:
            return None
        title = self.actions[code].title
        return self.ph["achievement"].format(code=code, title=title[0].lower() + title[1:])

    def grouped(self, fact: str, key) -> dict[object, list[str]]:
        """Codes whose ``fact`` is written in Part A, grouped by ``key(status)``, in NIAP order."""
        groups: dict[object, list[str]] = {}
        for code in self.order:
            status = self.plan.statuses[code]
            if status.where.get(fact) in SYNOPSIS:
                groups.setdefault(key(status), []).append(code)
        return groups

    def delay_sentences(self) -> list[str]:
        out = []
        for causes, codes in self.grouped("delay", lambda s: s.causes).items():
            template = self.ph["synopsis_delays"][self.cause_key(causes)]
            out.append(template.format(codes=self.codes(codes), year=self.plan.period[1][:4]))
        return out

    def cause_key(self, causes: tuple[str, ...]) -> str:
        if len(causes) > 1:
            return PAIR_KEYS[frozenset(causes)]
        return "external_covid" if causes == ("external",) and self.plan.meeting == "SC74" else causes[0]

    def completion_sentences(self) -> list[str]:
        return [self.ph["synopsis_completion"].format(codes=self.codes(codes), months=self.months(window))
                for window, codes in self.grouped("completion", lambda s: s.completion).items()]

    def funding_sentences(self) -> list[str]:
        secured = self.grouped("secured", lambda s: "secured").get("secured", [])
        sought = self.grouped("sought", lambda s: "sought").get("sought", [])
        if secured and sought and not set(secured) & set(sought) and self.rng.random() < 0.5:
            return [self.ph["synopsis_secured_sought"].format(codes=self.codes(secured), codes2=self.codes(sought))]
        out = [self.ph["synopsis_secured"].format(codes=self.codes(secured))] if secured else []
        return out + ([self.ph["synopsis_sought"].format(codes=", ".join(sought))] if sought else [])

    def scheduled_sentences(self) -> list[str]:
        return [self.ph["synopsis_scheduled"].format(code=code, month=self.month(s.planned_start or ""))
                for code, s in self.plan.statuses.items() if s.where.get("start") in SYNOPSIS]

    # --- Part B --------------------------------------------------------------------------

    def part_b(self) -> list[str]:
        ph, scale = self.ph, SCALES[self.plan.scale]
        header = ["\t".join([ph["part_b_header"][0], ph["part_b_header"][1], *[""] * (len(scale) - 1)]),
                  "\t".join(["", *(self.label(r) for r in scale)])]
        rows = [self.part_b_row(i + 1, name, scale) for i, name in enumerate(self.plan.niap.pillars)]
        lines = [f"**{ph['part_b']}**", "", *header]
        for i, row in enumerate(rows):
            if i == 3 and len(rows) >= 5 and row.split("\t")[1]:  # a page break, as in real reports
                lines += ["", *header]
            lines.append(row)
        return [*lines, ""]

    def part_b_row(self, pillar: int, name: str, scale: tuple[str, ...]) -> str:
        shown = f"[{name}]" if self.plan.quirks.bracket_pillars else name
        cells = [f"{pillar}. {shown}"]
        for rating in scale:
            items = [f"{a.code} {self.title(a)}" for a in self.plan.niap.actions
                     if a.pillar == pillar and self.part_b_rating(a.code) == rating]
            cells.append(self.part_b_cell(items))
        return "\t".join(cells)

    def part_b_rating(self, code: str) -> str:
        return self.plan.quirks.disagreement.get(code, self.plan.statuses[code].rating)

    def part_b_cell(self, items: list[str]) -> str:
        if not items:
            return ""
        if len(items) > 1 and self.plan.quirks.run_together:
            return "  ".join(escape(i, quote=False) for i in items)
        if len(items) == 1 and self.rng.random() < 0.4:
            return escape(items[0], quote=False)
        return " ".join(f"<p>{escape(i, quote=False)}</p>" for i in items)

    # --- Part C --------------------------------------------------------------------------

    def part_c(self) -> list[str]:
        ph, q = self.ph, self.plan.quirks
        header = "\t".join(ph["part_c_header"])
        lines, on_page = [f"## {ph['part_c']}", "", header], 0
        for i, name in enumerate(self.plan.niap.pillars, start=1):
            shown = ph["pillar_placeholder"] if i in q.pillar_placeholders else (
                f"[{name}]" if q.bracket_pillars else name)
            if on_page >= q.rows_per_page - 1:  # no category row alone at the foot of a page
                lines += ["", header]
                on_page = 0
            lines.append(f"<b>{ph['category'].format(number=i, name=escape(shown, quote=False))}</b>\t\t")
            on_page += 1
            for action in (a for a in self.plan.niap.actions if a.pillar == i):
                if on_page >= q.rows_per_page:
                    lines += ["", header]
                    on_page = 0
                rows = self.part_c_rows(action)
                lines.append(rows[0])
                if len(rows) > 1:  # the row continues after a page break
                    lines += ["", header, rows[1]]
                    on_page = 0
                on_page += 1
        return lines

    def part_c_rows(self, action: PlannedAction) -> list[str]:
        q, status = self.plan.quirks, self.plan.statuses[action.code]
        notes = self.notes(action, status)
        rating = self.ph["rating_placeholder"] if q.rating_placeholder == action.code else (
            f"[{self.label(status.rating).upper()}]")
        title = escape(self.title(action), quote=False)
        if q.split_row != action.code:
            shown = f"[{title}]" if q.bracket_titles else title
            return [f"{action.code} {shown}\t<b>{rating}</b>\t{self.bullets(notes)}"]
        if len(notes) < 2:
            notes.append((self.fill(self.rng.choice(self.ph["notes"]["progress"])), False))
        words = title.split()
        head, tail = " ".join(words[:len(words) // 2]), " ".join(words[len(words) // 2:])
        split = max(1, len(notes) // 2)
        return [f"{action.code} [{head}\t<b>{rating}</b>\t{self.bullets(notes[:split])}",
                f"{tail}]\t\t{self.bullets(notes[split:])}"]

    def bullets(self, notes: list[tuple[str, bool]]) -> str:
        mark = "• " if self.plan.quirks.typed_bullets else ""
        items = " ".join(f"<li>{mark}{f'<i>{escape(t, quote=False)}</i>' if italic else escape(t, quote=False)}</li>"
                         for t, italic in notes)
        return f'<ul style="list-style-type: none"> {items} </ul>'

    def notes(self, action: PlannedAction, status: ActionStatus) -> list[tuple[str, bool]]:
        """The action's progress notes, (text, italic), facts included where the plan puts them."""
        notes = [(text, False) for text in self.stage_notes(action, status)]
        book = self.ph["notes"]
        if status.where.get("delay") in NOTES:
            key = self.cause_key(status.causes) if status.causes != ("unspecified",) else "unspecified"
            notes.append((self.fill(self.rng.choice(self.ph["delays"][key])), self.rng.random() < 0.6))
        notes += [(book[f], False) for f in status.funding if status.where.get(f) in NOTES]
        if status.completion and status.where.get("completion") in NOTES:
            notes.append((book["completion"].format(months=self.months(status.completion)), self.rng.random() < 0.5))
        if self.plan.quirks.instruction == action.code:
            notes.insert(self.rng.randint(0, len(notes)), (self.ph["instruction"], True))
        return notes

    def stage_notes(self, action: PlannedAction, status: ActionStatus) -> list[str]:
        book = self.ph["notes"]
        if status.stage == "scheduled":
            return [book["scheduled"].format(month=self.month(status.planned_start or ""))]
        if status.stage == "pending":
            return [book["pending"].format(dep=action.after)]
        if status.stage == "unclear":
            return [book["unclear"]]
        if status.stage == "done":
            return [self.fill(self.rng.choice(book["done"]))]
        if status.stage == "done_before":
            return [self.rng.choice(book["done_before"])]
        if status.progress < 0.15:
            return [self.rng.choice(book["started"])]
        picks = self.rng.sample(book["progress"], self.rng.randint(1, 2))
        return [self.fill(p) for p in picks]
