"""Sidebar filters shared by every page, kept in the URL by code.

The address names Parties by ISO code and meetings and pillars by code, the screen shows
their names: ``?party=KHM&party=XA&meeting=SC66&pillar=reporting&demo=false&history=true``.
Streamlit's URL-bound widgets would write the label shown, so the address is kept here:
a link opened in a fresh session (or a link to other filters) sets the widgets; every run
writes the selection back. Old links that name Parties or pillars by label, or list codes
comma-separated (``?party=KHM,XA``), or say ``demo=0``, are read too; whatever a link
names that the dashboard does not have is left out with a notice saying so, never silently.
Pages read the selection with `current()` and turn it into SQL with `Filters.where`
(the dataclass lives in `dashboard.selection`, which has no Streamlit import).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.escape import markdown
from dashboard.selection import UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, Filters, Reading, read_choices, read_flag

__all__ = ["UNMAPPED_PILLAR", "Filters", "current", "describe", "names", "page_link", "query_params", "sidebar",
           "url_multiselect", "url_selectbox"]

_STATE_KEY = "_niap_filters"
_NAMES_KEY = "_niap_filter_names"
_WRITTEN_KEY = "_niap_filters_in_url"  # the filter parameters this session last wrote to the address
CHOICES = ("party", "meeting", "pillar")
FLAGS = {"demo": True, "history": False}  # parameter -> default
PARAMS = (*CHOICES, *FLAGS)
PUBLISHED_ONLY = " (published figures only)"
WHAT = {  # parameter -> (what it names, why a value was left out)
    "party": ("Party", "no Party with a loaded report or published figures has that name or ISO code"),
    "meeting": ("meeting", "no report or published figure is loaded for a meeting of that code"),
    "pillar": ("pillar", "not one of the standard pillars"),
    "demo": ("demo", "not true or false"),
    "history": ("history", "not true or false"),
}


def party_labels(parties: pd.DataFrame) -> dict[str, str]:
    """ISO code -> the name the sidebar shows (demo Parties already marked "(demo)"; Parties
    known only from figures CITES published marked "(published figures only)")."""
    loaded = parties["n_reports"] > 0 if "n_reports" in parties else pd.Series(True, index=parties.index)
    return {code: name + ("" if has else PUBLISHED_ONLY)
            for code, name, has in zip(parties["party_iso3"], parties["party_name"], loaded, strict=True)}


def sidebar(parties: pd.DataFrame, meetings: pd.DataFrame, pillars: pd.DataFrame) -> Filters:
    """Draw the filters in the sidebar, from the address when a link was just opened, and
    remember the selection for the pages.

    ``parties``: party_iso3, party_name, is_demo, n_reports; ``meetings``: meeting_code (in
    order); ``pillars``: pillar_code, label (the standard pillars).
    """
    party_names = party_labels(parties)
    pillar_names = dict(zip(pillars["pillar_code"], pillars["label"], strict=True))
    pillar_names[UNMAPPED_PILLAR] = UNMAPPED_PILLAR_NAME
    known = {"party": party_names, "meeting": {m: m for m in meetings["meeting_code"]}, "pillar": pillar_names}
    readings = _from_url(known)
    with st.sidebar:
        st.header("Filters")
        include_demo = st.toggle(
            "Include demo data", key="demo",
            help="Demo reports are generated for fictional Parties so the charts have something to "
                 "compare; they are not real data.",
        )
        chosen_parties = st.multiselect(
            "Parties", list(party_names), key="party", format_func=party_names.__getitem__,
            placeholder="All Parties",
            help="Parties with a loaded report, and Parties known only from figures CITES published "
                 "(pages that need a report say so).",
        )
        chosen_meetings = st.multiselect("Meetings", list(known["meeting"]), key="meeting",
                                         placeholder="All meetings")
        chosen_pillars = st.multiselect(
            "Pillars", list(pillar_names), key="pillar", format_func=pillar_names.__getitem__,
            placeholder="All pillars",
            help="Standard pillars of the 2017+ template. A Party's own pillar that maps to none of "
                 "them is under 'Other'.",
        )
        history = st.toggle(
            "Count every report (history)", key="history",
            help="Off: counts are the status at each Party's latest report in the selection (each action "
                 "once). On: every report of the selection counts, so an action reported to three meetings "
                 "counts three times (action-reports).",
        )
        st.caption("The filters are part of the page address: copy it to share this view.")
    filters = Filters(tuple(chosen_parties), tuple(chosen_meetings), tuple(chosen_pillars), include_demo,
                      history)
    st.session_state[_STATE_KEY] = filters
    st.session_state[_NAMES_KEY] = {**dict(zip(parties["party_iso3"], parties["party_name"], strict=True)),
                                    **pillar_names}  # names as charts say them, without the sidebar's hint
    _to_url(filters)
    _notice(readings)
    return filters


def _in_url() -> dict[str, list[str]]:
    return {p: st.query_params.get_all(p) for p in PARAMS if p in st.query_params}


def _written(selection: Filters) -> dict[str, list[str]]:
    return {p: v if isinstance(v, list) else [v] for p, v in selection.query_params().items()}


def _from_url(known: dict[str, dict[str, str]]) -> dict[str, Reading]:
    """Set the filter widgets from the address when it is not the one this session wrote
    (a link opened in a fresh session, or a link to other filters); how each value was read.

    An address without filter parameters in a session that has its filters (a page switch
    drops unknown parameters) keeps the widgets as they are."""
    url = _in_url()
    written = st.session_state.get(_WRITTEN_KEY)
    if written is not None and (not url or url == written):
        return {}
    readings: dict[str, Reading] = {}
    for param in CHOICES:
        readings[param] = read_choices(url.get(param, []), known[param])
        st.session_state[param] = list(readings[param].codes)
    for param, default in FLAGS.items():
        st.session_state[param], readings[param] = read_flag(url.get(param, []), default)
    return readings


def _to_url(selection: Filters) -> None:
    """Write the selection to the address by code (defaults left out)."""
    wanted = _written(selection)
    for param in PARAMS:
        if param in wanted:
            if st.query_params.get_all(param) != wanted[param]:
                st.query_params[param] = wanted[param]
        elif param in st.query_params:
            del st.query_params[param]
    st.session_state[_WRITTEN_KEY] = wanted


def _notice(readings: dict[str, Reading]) -> None:
    """Say what a link named that is not there (left out), and what was read other than as
    written (an old link naming a Party by name, ``demo=0``)."""
    ignored = [f"{WHAT[p][0]} “{value}” ({WHAT[p][1]})" for p, r in readings.items() for value in r.ignored]
    read_as = [f"{p}=“{value}” as {p}={code}" for p, r in readings.items() for value, code in r.read_as]
    if ignored:
        st.warning(markdown("This link names something the dashboard does not have, so it is left out: "
                            + "; ".join(ignored) + ". The page shows the rest of the selection; choose in the "
                            "sidebar filters instead."), icon=":material/link_off:")
    if read_as:
        st.info(markdown("Read from the link: " + "; ".join(read_as) + ". The address now names them by code."),
                icon=":material/link:")


def current() -> Filters:
    """The selection made in the sidebar on this run (app.py draws the sidebar before the view)."""
    return st.session_state.get(_STATE_KEY, Filters())


def names() -> dict[str, str]:
    """Party and pillar codes -> names as charts and captions say them (demo Parties marked
    "(demo)"; without the sidebar's "(published figures only)" hint)."""
    return st.session_state.get(_NAMES_KEY, {})


def query_params(selection: Filters | None = None) -> dict[str, list[str] | str]:
    """The URL query parameters that reproduce ``selection`` (default: the current one), by code."""
    return (selection or current()).query_params()


def describe() -> str:
    """The current selection in words: "Cambodia; SC66; all pillars; demo data excluded"."""
    return current().describe(names())


def page_link(view: str, label: str, *, icon: str | None = None, help: str | None = None,
              query: dict[str, str | list[str]] | None = None) -> None:
    """A link to another view (its name, e.g. "report") that keeps the sidebar filters, plus
    any view-specific ``query`` (e.g. {"report": "KHM-SC66"})."""
    from dashboard.navigation import view_path

    st.page_link(view_path(view), label=label, icon=icon, help=help,
                 query_params={**query_params(), **(query or {})})


# ---------------------------------------------------------------- a view's own choices in the address


def _from_link(key: str, options: dict[str, str], multiple: bool) -> None:
    """Set a view's widget from ``?key=`` when the address names known options (by code or
    label). A value naming none of them is dropped from the address, with a notice when a
    link brought it (not when this session wrote it and the options have changed since)."""
    if key not in st.query_params:
        return
    values = st.query_params.get_all(key)
    reading = read_choices(values, options)
    if reading.ignored and values != st.session_state.get(_WRITTEN_KEY + key):
        st.warning(markdown(f"This link's “{key}={', '.join(reading.ignored)}” names nothing on this page in "
                            "the current selection; it is left out."), icon=":material/link_off:")
    if reading.codes:
        st.session_state[key] = list(reading.codes) if multiple else reading.codes[0]


def _store(key: str) -> None:
    value = st.session_state.get(key)
    if value in (None, []):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    st.session_state[_WRITTEN_KEY + key] = [value] if isinstance(value, str) else list(value or [])


def url_selectbox(container, label: str, options: dict[str, str], key: str, **kwargs) -> str:
    """A select box of ``options`` (code -> label) whose choice is in the address by code
    (``?key=CODE``), labels on screen."""
    _from_link(key, options, multiple=False)
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)
    choice = container.selectbox(label, list(options), key=key, format_func=options.__getitem__,
                                 on_change=_store, args=(key,), **kwargs)
    _store(key)
    return choice


def url_multiselect(container, label: str, options: dict[str, str], key: str, **kwargs) -> list[str]:
    """A multiselect of ``options`` (code -> label) kept in the address by code
    (``?key=A&key=B``), labels on screen; nothing chosen leaves the parameter out."""
    _from_link(key, options, multiple=True)
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    chosen = container.multiselect(label, list(options), key=key, format_func=options.__getitem__,
                                   on_change=_store, args=(key,), **kwargs)
    _store(key)
    return chosen

