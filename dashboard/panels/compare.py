"""Compare: each Party's own ratings at each meeting, the Party's own ratings against the
Secretariat's, and one action of one Party followed across meetings."""

from __future__ import annotations

from dataclasses import replace

from dashboard.charts import compare as charts
from dashboard.panels import Empty, Panel, describe, files_source
from dashboard.queries import DEMO_MARK, Source, compare, options
from dashboard.selection import Filters

VIEW = "out_actions view"
SIDE_BY_SIDE = "Each Party's own ratings at each meeting, as shares of its actions"
SECRETARIAT = "Party self-rating vs Secretariat rating, as shares of the actions"
STATUS_WORDS = (
    "Counted: shares of the actions in the loaded report, by the Party's own rating. Published: the "
    "Party's own figures as printed in a CITES document, where no report is loaded. No report: no "
    "report is loaded and no figure was published for that meeting (it is not a rating)."
)
NOT_SHARES = ("Party", "Meeting", "What", "Rated by", "Actions", "Source")


def _shares(table) -> dict[str, str]:
    return {c: "pct" for c in table.columns if c not in NOT_SHARES}


def _compared(source: Source, f: Filters) -> tuple[compare.PartyChoice, Filters]:
    """The Parties compared and the selection with them in it (chosen in the sidebar or not)."""
    choice = source.ask(compare.choose_parties, f)
    return choice, replace(f, parties=choice.parties)


def no_party(source: Source, f: Filters) -> Empty:
    return Empty(f"No Party has ratings in the selection ({describe(source, f)}). Clear the meetings filter, "
                 "turn on demo data, or load reports with `python -m loaders load FILE`.")


def side_by_side(source: Source, f: Filters) -> Panel | Empty:
    """Small multiples: each compared Party's own ratings at each meeting (or why there are none)."""
    choice, shown = _compared(source, f)
    if not choice.parties:
        return no_party(source, f)
    cells = source.ask(compare.ratings_by_meeting, f, choice.parties)
    selection = describe(source, shown)
    if cells.empty:
        demo = [n for n in choice.names.values() if n.endswith(DEMO_MARK)] if not f.include_demo else []
        hint = (f"{', '.join(demo)} {'is a demo Party' if len(demo) == 1 else 'are demo Parties'} and demo data "
                "is switched off: switch on 'Include demo data', or choose other Parties in the sidebar."
                if demo else "Choose other meetings or Parties in the sidebar.")
        return Empty(f"No report and no published figure for {', '.join(choice.names.values())} in this "
                     f"selection ({selection}). {hint}")
    ratings = source.ask(options.rating_codes)
    files = cells.loc[cells["status"] == compare.COUNTED, "source"]
    documents = cells.loc[cells["status"] == compare.PUBLISHED, "source"].dropna()
    text = files_source(files, VIEW, documents)
    table = charts.ratings_by_meeting_table(cells, ratings)
    pillar_note = (" A pillar filter is set: published figures cover all pillars, so they are not drawn."
                   if f.pillars else "")
    return Panel(
        name="compare_parties", title=SIDE_BY_SIDE,
        figure=charts.ratings_by_meeting(cells, ratings, title=SIDE_BY_SIDE, subtitle=selection,
                                         source=f"Source: {text}"),
        table=table, alt=charts.ratings_by_meeting_alt(table, SIDE_BY_SIDE), caption=STATUS_WORDS + pillar_note,
        source=text, selection=selection, includes_demo=bool(cells["is_demo"].fillna(False).astype(bool).any()),
        formats=_shares(table), full_data=cells,
    )


def secretariat(source: Source, f: Filters) -> Panel | Empty:
    """The compared Parties' own ratings beside the Secretariat's, where the Secretariat rated them."""
    choice, shown = _compared(source, f)
    if not choice.parties:
        return no_party(source, f)
    shares = source.ask(compare.self_vs_secretariat, shown)
    coverage = source.ask(compare.secretariat_coverage, f.include_demo)
    known = "; ".join(f"{r.party_name} ({r.meetings})" for r in coverage.itertuples()) or "none"
    if shares.empty:
        return Empty(f"No Secretariat rating for the compared Parties ({', '.join(choice.names.values())}) in "
                     f"the selection. The Secretariat's figures that are loaded cover: {known}. Choose one of "
                     "these Parties or meetings in the sidebar.")
    ratings = source.ask(options.rating_codes)
    documents = shares.loc[shares["origin"] == "reference", "source"]
    files = shares.loc[shares["origin"] == "report", "source"]
    text = files_source(files, "out_rating_shares view", documents)
    selection = describe(source, shown)
    table = charts.self_vs_secretariat_table(shares, ratings)
    gaps = compare.disagreements(shares)
    return Panel(
        name="compare_secretariat", title=SECRETARIAT,
        figure=charts.self_vs_secretariat(shares, ratings, title=SECRETARIAT, subtitle=selection,
                                          source=f"Source: {text}"),
        table=table, alt=charts.self_vs_secretariat_alt(gaps, ratings, SECRETARIAT),
        caption=("The Secretariat prints its own figure beside the Party's where it disagrees; shares are as "
                 "published (rounded). Pillar filters do not apply: the figures cover whole reports. "
                 f"Secretariat figures are loaded for: {known}."),
        source=text, selection=selection, includes_demo=bool(shares["is_demo"].any()), formats=_shares(table),
        full_data=shares,
    )


def parties_with_reports(source: Source, f: Filters) -> dict[str, str]:
    """The compared Parties with a loaded report in the selection (their actions can be followed)."""
    choice = source.ask(compare.choose_parties, f)
    cells = source.ask(compare.ratings_by_meeting, f, choice.parties)
    loaded = set(cells.loc[cells["status"].isin([compare.COUNTED, compare.NO_ACTIONS]), "party_iso3"])
    return {p: choice.names[p] for p in choice.parties if p in loaded}


def action(source: Source, f: Filters, party: str | None = None, code: str | None = None) -> Panel | Empty:
    """One action of one Party (default: the first compared Party with reports, its first
    action) at each meeting: its rating, or that there was no report or no such action."""
    parties = parties_with_reports(source, f)
    if not parties:
        return Empty("None of the compared Parties has a loaded report in the selection, so there are no actions "
                     "to follow (published figures have no actions). Choose a Party with loaded reports in the "
                     "sidebar.")
    party = party if party in parties else next(iter(parties))
    actions = source.ask(compare.followable_actions, f, party)
    if actions.empty:
        return Empty(f"{parties[party]} has no action in the chosen pillars ({describe(source, f)}).")
    titles = dict(zip(actions["action_code"], actions["action_title"], strict=True))
    code = code if code in titles else next(iter(titles))
    history = source.ask(compare.action_history, f, party, code)
    ratings = source.ask(options.rating_codes)
    title = f"{parties[party]}, action {code}: the Party's own rating at each meeting"
    text = files_source(history["source_file"], VIEW)
    table = charts.action_history_table(history, ratings)
    return Panel(
        name="action_history", title=title,
        figure=charts.action_history(history, ratings, title=title, subtitle=str(titles[code]),
                                     source=f"Source: {text}"),
        table=table, alt=charts.action_history_alt(table, title),
        caption=("A red ring marks a meeting where the report says the action is delayed. 'Action not in this "
                 "report': the Party reported but the report has no action with this number."),
        source=text, selection=describe(source, replace(f, parties=(party,))),
        includes_demo=bool(history["is_demo"].fillna(False).astype(bool).any()), full_data=history,
    )


PANELS = (side_by_side, secretariat, action)
