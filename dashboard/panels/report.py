"""Report: one report's actions by the Party's own rating, and the words the Report view
writes about each action (its rating labels, extracted facts, notes). Plain text, no Streamlit.

The briefing pack and the export command line take the report from the filters: exactly
one Party and one meeting name it (``--party KHM --meeting SC66``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard.charts import ratings as rating_charts
from dashboard.panels import Empty, Panel, describe, files_source
from dashboard.queries import Source, options, reports
from dashboard.queries import ratings as ratings_q
from dashboard.selection import Filters

VIEW = "out_actions view"
RATING_NOTE = ("Ratings from Part C's detailed evaluation, else Part B's summary table; 'Not rated' means the "
               "report gives no rating.")


def ratings(source: Source, f: Filters, report_id: str | None = None) -> Panel | Empty:
    """The report's actions (of the chosen pillars) per rating, over the whole scale of its
    template. Without ``report_id``, the report the sidebar names by one Party and one meeting."""
    if report_id is None:
        report_id = source.ask(reports.report_for, f)
        if report_id is None:
            one = len(f.parties) == 1 and len(f.meetings) == 1
            return Empty(f"No report is loaded for this selection ({describe(source, f)})." if one else
                         f"Choose exactly one Party and one meeting in the sidebar to see one report "
                         f"({describe(source, f)}).")
    rep = source.ask(reports.report, report_id)
    if rep is None:
        return Empty(f"No report {report_id} is loaded.")
    actions = source.ask(reports.actions, report_id, f.pillars)
    if actions.empty:
        return Empty(f"None of the {rep.n_actions} actions of this report is in the chosen pillars "
                     f"({describe(source, f)}). Clear the pillar filter to see them all.")
    counts = actions.groupby("rating_code", as_index=False).size().rename(columns={"size": "actions"})
    shown = ratings_q.scale_counts(counts, source.ask(options.rating_codes), rep.rating_scale or "")
    scope = " in the chosen pillars" if f.pillars else ""
    title = (f"{rep.party_name}, {rep.meeting_code}: actions{scope} by the Party's own rating "
             f"({len(actions)} action{'s' if len(actions) != 1 else ''})")
    text = files_source([rep.source_file], VIEW)
    selection = f"report {rep.report_id}" + (f"; {describe(source, Filters(pillars=f.pillars))}" if f.pillars else "")
    return Panel(
        name="report_ratings", title=title,
        figure=rating_charts.rating_distribution(shown, title, subtitle=selection, source=f"Source: {text}"),
        table=shown[["label", "actions", "share_pct"]].set_axis(["Rating", "Actions", "Share"], axis=1),
        alt=rating_charts.rating_distribution_alt(shown, title), caption=RATING_NOTE, source=text,
        selection=selection, includes_demo=rep.is_demo, formats={"Share": "pct"},
    )


PANELS = (ratings,)


# ------------------------------------------------------------------------ words about one action


def rating_line(action: pd.Series) -> str:
    """"Rating: On track (Part C “ON TRACK”, used; Part B “On track”)" as plain text."""
    detailed, summary, used = action["rating_label_detailed"], action["rating_label_summary"], action["rating_label"]
    part = "Part C" if used == detailed else "Part B" if used == summary else None
    labels = [f"{name} “{label}”" + (", used" if name == part else "")
              for name, label in (("Part C", detailed), ("Part B", summary)) if isinstance(label, str) and label]
    rating = action["rating"] if isinstance(action["rating"], str) else "Not rated"
    return f"{rating}" + (f" ({'; '.join(labels)})" if labels else "") + corrected_mark(action, "rating")


CORRECTED = " ✎ corrected by an editor"


def corrected_mark(action: pd.Series, *fields: str) -> str:
    """" ✎ corrected by an editor" when one of ``fields`` was corrected (the original: `correction_note`)."""
    done = action.get("corrected_fields")
    return CORRECTED if isinstance(done, str) and any(f in done.split(", ") for f in fields) else ""


def correction_note(action: pd.Series) -> str | None:
    """What was corrected, from what, by whom and why: the hover help of the marked values."""
    note = action.get("correction_note")
    return f"Original values and reasons: {note}" if isinstance(note, str) and note else None


def extracted_line(action: pd.Series) -> str:
    """"delayed (funding); funding sought; expected completion 2016-09", or ""."""
    status = []
    if action["delayed"]:
        causes = action["delay_causes"] if isinstance(action["delay_causes"], str) and action["delay_causes"] else ""
        status.append(f"delayed ({causes or 'no cause given'})")
    funding = [w for w, flag in (("secured", action["funding_secured"]), ("sought", action["funding_sought"]))
               if flag]
    if funding:
        status.append("funding " + " and ".join(funding))
    for label, column in (("planned start", "planned_start"), ("expected completion", "expected_completion")):
        if isinstance(action[column], str) and action[column]:
            status.append(f"{label} {action[column]}")
    return "; ".join(status) + (corrected_mark(action, "delay_causes", "funding") if status else "")


def note_text(notes: pd.DataFrame) -> str:
    """An action's notes as the report gives them, one a line; comments marked as such."""
    return "\n".join(("Comment (in italics in the report): " if n.is_comment else "• ") + n.text
                     for n in notes.itertuples())


def evidence_groups(facts: pd.DataFrame) -> list[tuple[str, str]]:
    """An action's facts grouped by the sentence they were read from (a sentence of Part A
    often gives several): (what was found, where and by which words; the sentence)."""
    out = []
    for (evidence, where), group in facts.groupby(["evidence", "where"], sort=False):
        found = "; ".join(dict.fromkeys(group["fact"]))
        matched = ", ".join(f"“{m}”" for m in dict.fromkeys(group["matched"]))
        out.append((f"{found} · found in {where} · matched {matched}", f"“{evidence}”"))
    return out


def pillar_heading(action: pd.Series) -> tuple[str, str]:
    """"1. Legislation" as the report names the action's pillar, and the standard pillar's
    name when it reads differently ("" when the same)."""
    number = "" if pd.isna(action["pillar_number"]) else f"{int(action['pillar_number'])}. "
    name = action["pillar_name"] if isinstance(action["pillar_name"], str) else "(no pillar name)"
    standard = action["standard_pillar"]
    return number + name, standard if isinstance(standard, str) and standard.lower() != name.lower() else ""


def no_report(total: int, selection: str) -> str:
    """What to do when the selection holds no report (plain text)."""
    if not total:
        return ("No reports are loaded yet. Load a progress report with `python -m loaders load FILE`, or rebuild "
                "the database from the reports shipped in data/ with `python -m loaders build`, then reload "
                "this page.")
    return (f"No report matches the sidebar selection ({selection}). {total} reports are loaded: clear the "
            "Parties or meetings filter, or turn on demo data.")


@dataclass(frozen=True)
class Pick:
    """Which report the Report view shows: ``report_id`` (None: nothing to show), the picker's
    options (report_id -> "Party · meeting"), and a note for the reader ("" when none; plain
    text) with its ``level`` ("info" or "warning")."""

    report_id: str | None
    labels: dict[str, str] = field(default_factory=dict)
    note: str = ""
    level: str = "info"


def _label(row) -> str:
    return f"{row.party_name} · {row.meeting_code}"


def pick(index: pd.DataFrame, every: pd.DataFrame, wanted: str | None, linked: bool, selection: str) -> Pick:
    """The report to show: the one the address names (``wanted``), else the first Party's
    latest report in the selection (``index``).

    A report the address names that the sidebar selection leaves out is still shown when the
    address was just opened (``linked``: a shared link reopens the same report); after a
    change of the sidebar filters the selection wins. ``every`` is every loaded report."""
    labels = {r.report_id: _label(r) for r in index.itertuples()}
    known = {r.report_id: _label(r) for r in every.itertuples()}
    note, level = "", "info"
    if wanted in labels:
        return Pick(wanted, labels)
    if wanted in known and linked:
        return Pick(wanted, {wanted: known[wanted], **labels},
                    f"The link names {known[wanted]} ({wanted}), which the sidebar selection ({selection}) does "
                    "not include: it is shown anyway. Pick another report below, or change the sidebar filters.")
    if wanted in known:
        note = f"{known[wanted]} is not in the sidebar selection ({selection}); showing another report."
    elif wanted:
        note, level = (f"The link names a report “{wanted}” that is not loaded (a report is named "
                       "PARTY-MEETING, e.g. KHM-SC66); showing another."), "warning"
    if index.empty:
        return Pick(None, {}, note, level)
    first = index[index["party_iso3"] == index["party_iso3"].iloc[0]]
    return Pick(str(first["report_id"].iloc[-1]), labels, note, level)


FACT_COLUMNS = {"action_code": "Action", "fact": "Fact", "where": "Found in",
                "evidence": "Evidence (the report's sentence)", "matched": "Matched words"}
ISSUE_COLUMNS = {"severity": "Severity", "issue_label": "Issue", "action_code": "Action", "message": "Message",
                 "evidence": "Evidence"}


def facts_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Every extracted fact of a report with its evidence, in plain-word columns."""
    return facts[list(FACT_COLUMNS)].rename(columns=FACT_COLUMNS)


def issues_table(issues: pd.DataFrame) -> pd.DataFrame:
    """A report's quality issues in plain-word columns ("whole report" for no action)."""
    return issues[list(ISSUE_COLUMNS)].rename(columns=ISSUE_COLUMNS).fillna({"Action": "whole report"})
