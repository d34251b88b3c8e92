"""Sidebar filters shared by every page, kept in the URL.

The widgets live in the entrypoint (app.py) and are bound to query parameters
(``bind="query-params"``), so a filtered view can be shared as a link and the filters
survive moving between pages. A bound widget keeps its options as shown, so the URL reads
``?party=Cambodia&party=Republic+of+Examplia+(demo)&meeting=SC70&pillar=Reporting&demo=false``.
Pages read the current selection with `current()` and turn it into SQL with `Filters.where`
(the dataclass lives in `dashboard.selection`, which has no Streamlit import).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.selection import UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, Filters

__all__ = ["UNMAPPED_PILLAR", "Filters", "current", "describe", "names", "page_link", "query_params", "sidebar"]

_STATE_KEY = "_niap_filters"
_NAMES_KEY = "_niap_filter_names"
_LABELS_KEY = "_niap_filter_labels"


def sidebar(parties: pd.DataFrame, meetings: pd.DataFrame, pillars: pd.DataFrame) -> Filters:
    """Draw the filters in the sidebar and remember the selection for the pages.

    ``parties``: party_iso3, party_name, is_demo; ``meetings``: meeting_code (in order);
    ``pillars``: pillar_code, label (the standard pillars).
    """
    party_names = {
        row.party_iso3: row.party_name + (" (demo)" if row.is_demo else "") for row in parties.itertuples()
    }
    pillar_names = dict(zip(pillars["pillar_code"], pillars["label"], strict=True))
    pillar_names[UNMAPPED_PILLAR] = UNMAPPED_PILLAR_NAME
    with st.sidebar:
        st.header("Filters")
        include_demo = st.toggle(
            "Include demo data", value=True, key="demo", bind="query-params",
            help="Demo reports are generated for fictional Parties so the charts have something to "
                 "compare; they are not real data.",
        )
        chosen_parties = st.multiselect(
            "Parties", list(party_names), key="party", bind="query-params",
            format_func=party_names.__getitem__, placeholder="All Parties",
        )
        chosen_meetings = st.multiselect(
            "Meetings", list(meetings["meeting_code"]), key="meeting", bind="query-params",
            placeholder="All meetings",
        )
        chosen_pillars = st.multiselect(
            "Pillars", list(pillar_names), key="pillar", bind="query-params",
            format_func=pillar_names.__getitem__, placeholder="All pillars",
            help="Standard pillars of the 2017+ template. A Party's own pillar that maps to none of "
                 "them is under 'Other'.",
        )
        st.caption("The filters are part of the page address: copy it to share this view.")
    filters = Filters(tuple(chosen_parties), tuple(chosen_meetings), tuple(chosen_pillars), include_demo)
    st.session_state[_STATE_KEY] = filters
    st.session_state[_LABELS_KEY] = {"party": party_names, "pillar": pillar_names}
    st.session_state[_NAMES_KEY] = {**{k: v.removesuffix(" (demo)") for k, v in party_names.items()},
                                    **pillar_names}
    return filters


def current() -> Filters:
    """The selection made in the sidebar on this run (app.py draws the sidebar before the view)."""
    return st.session_state.get(_STATE_KEY, Filters())


def names() -> dict[str, str]:
    """Party and pillar codes -> names, as the sidebar shows them."""
    return st.session_state.get(_NAMES_KEY, {})


def query_params(selection: Filters | None = None) -> dict[str, list[str] | str]:
    """The URL query parameters that reproduce ``selection`` (default: the current one)."""
    return (selection or current()).query_params(st.session_state.get(_LABELS_KEY, {}))


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
