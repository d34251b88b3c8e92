"""The dashboard's questions as plain functions: a DuckDB connection (or cursor) and a
`Filters` in, a pandas DataFrame out.

No Streamlit here: `dashboard.queries` wraps these in caches for the app, and a
command-line export can call them as they are. Values chosen by users reach DuckDB as
query parameters only (`Filters.where`), never formatted into the SQL.

Ratings, causes and the scale crosswalk are code tables (the database's
``core_codes_ratings``, ``data/reference/delay_causes.csv`` and
``data/reference/rating_crosswalk.csv``), so labels, order and colours are data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.selection import UNMAPPED_PILLAR, Filters

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
CROSSWALK_FILE = REFERENCE_DIR / "rating_crosswalk.csv"
CAUSES_FILE = REFERENCE_DIR / "delay_causes.csv"

NO_REPORT = "no_report"  # a Party x meeting with no report: a category of its own, never a zero
NO_REPORT_LABEL = "No report"
NO_REPORT_COLOUR = "#ffffff"
UNMAPPED_PILLAR_LABEL = "Party's own pillar (no standard pillar)"
_UNMAPPED_SQL = "'" + UNMAPPED_PILLAR_LABEL.replace("'", "''") + "'"  # a constant, as an SQL literal

# Coverage of a Party x meeting, in the order of the legend.
COVERAGE = {
    "report": "Report",
    "demo": "Demo report",
    "summary": "Summary only",
    NO_REPORT: NO_REPORT_LABEL,
}
COVERAGE_HELP = {
    "report": "a progress report is loaded",
    "demo": "a generated report of a fictional demo Party is loaded",
    "summary": "no report is loaded, but a CITES document publishes the Party's rating figures",
    NO_REPORT: "no report is loaded for this Party and meeting (not submitted, or not loaded)",
}

Connection = duckdb.DuckDBPyConnection

# How rating counts can be grouped: key, label and sort key of a group, as SQL on out_actions a
# joined with core_codes_pillars p.
GROUPS = {
    "party": ("a.party_iso3", "any_value(a.party_name)", "bool_or(a.is_demo)::INTEGER"),
    "meeting": ("a.meeting_code", "any_value(a.meeting_code)", "min(a.meeting_number)"),
    "pillar": (
        f"COALESCE(a.pillar_code, '{UNMAPPED_PILLAR}')",
        f"COALESCE(any_value(p.label), {_UNMAPPED_SQL})",
        "COALESCE(min(p.sort_order), 99)",
    ),
}


def fetch(con: Connection, sql: str, params: list[object] | tuple = ()) -> pd.DataFrame:
    """Run one parameterised query and return all its rows."""
    return con.execute(sql, list(params)).df()


# ---------------------------------------------------------------- code tables and options


def rating_codes(con: Connection) -> pd.DataFrame:
    """core_codes_ratings, best rating first."""
    return fetch(con, "SELECT * FROM core_codes_ratings ORDER BY sort_order")


def party_options(con: Connection) -> pd.DataFrame:
    """Parties with at least one loaded report: real ones first, then demo, by name."""
    return fetch(
        con,
        """
        SELECT party_iso3, any_value(party_name) AS party_name, bool_or(is_demo) AS is_demo
        FROM out_reports GROUP BY party_iso3 ORDER BY is_demo, party_name
        """,
    )


def meeting_options(con: Connection) -> pd.DataFrame:
    """Meetings with at least one loaded report, in time order."""
    return fetch(
        con,
        """
        SELECT meeting_code, min(meeting_number) AS meeting_number
        FROM out_reports GROUP BY meeting_code ORDER BY meeting_number, meeting_code
        """,
    )


def pillar_options(con: Connection) -> pd.DataFrame:
    """The standard pillars of the 2017+ template, in template order."""
    return fetch(con, "SELECT pillar_code, label FROM core_codes_pillars ORDER BY sort_order")


@cache
def crosswalk() -> pd.DataFrame:
    """data/reference/rating_crosswalk.csv: rating_code -> crosswalk_code, with a note."""
    return pd.read_csv(CROSSWALK_FILE, dtype=str, keep_default_na=False)


@cache
def causes() -> pd.DataFrame:
    """data/reference/delay_causes.csv: cause, sort_order, label, colour, description."""
    return pd.read_csv(CAUSES_FILE, keep_default_na=False).sort_values("sort_order").reset_index(drop=True)


# ---------------------------------------------------------------- reports and coverage


def reports(con: Connection, f: Filters) -> pd.DataFrame:
    """out_reports of the selection (pillars do not apply to whole reports)."""
    where, params = f.where(pillars=False)
    return fetch(
        con,
        f"SELECT * FROM out_reports WHERE {where} ORDER BY party_name, meeting_number, report_id",
        params,
    )


def coverage(con: Connection, f: Filters) -> pd.DataFrame:
    """The reporting grid: one row per Party x meeting of the selection, with a ``status``.

    Rows: Parties with a loaded report (respecting the Party and demo filters). Columns:
    meetings where any of the shown Parties has a loaded report or a published rating
    summary (respecting the meeting filter), in time order. ``status`` is ``report``,
    ``demo``, ``summary`` (CITES published the Party's figures, no report loaded) or
    ``no_report`` – never a zero.
    """
    party_where, party_params = Filters(f.parties, (), (), f.include_demo).where(pillars=False)
    meeting_clause, meeting_params = "TRUE", []
    if f.meetings:
        meeting_clause = f"meeting_code IN ({', '.join('?' * len(f.meetings))})"
        meeting_params = list(f.meetings)
    return fetch(
        con,
        f"""
        WITH parties AS (
            SELECT party_iso3, any_value(party_name) AS party_name, bool_or(is_demo) AS is_demo
            FROM out_reports WHERE {party_where} GROUP BY party_iso3
        ), summaries AS (
            SELECT DISTINCT party_iso3, meeting_code FROM core_rating_summaries
            WHERE party_iso3 IN (SELECT party_iso3 FROM parties)
        ), loaded AS (
            SELECT * FROM out_reports WHERE party_iso3 IN (SELECT party_iso3 FROM parties)
        ), meetings AS (
            SELECT x.meeting_code,
                   COALESCE(any_value(m.number),
                            any_value(TRY_CAST(regexp_extract(x.meeting_code, '\\d+') AS INTEGER))) AS meeting_number
            FROM (SELECT meeting_code FROM loaded UNION SELECT meeting_code FROM summaries) x
            LEFT JOIN core_meetings m USING (meeting_code)
            WHERE {meeting_clause}
            GROUP BY x.meeting_code
        )
        SELECT p.party_iso3, p.party_name, p.is_demo, m.meeting_code, m.meeting_number,
               CASE WHEN r.report_id IS NOT NULL AND r.is_demo THEN 'demo'
                    WHEN r.report_id IS NOT NULL THEN 'report'
                    WHEN s.party_iso3 IS NOT NULL THEN 'summary'
                    ELSE '{NO_REPORT}' END AS status,
               r.report_id, r.n_actions, r.n_delayed, r.source_file
        FROM parties p CROSS JOIN meetings m
        LEFT JOIN loaded r ON r.party_iso3 = p.party_iso3 AND r.meeting_code = m.meeting_code
        LEFT JOIN summaries s ON s.party_iso3 = p.party_iso3 AND s.meeting_code = m.meeting_code
        ORDER BY p.is_demo, p.party_name, m.meeting_number, m.meeting_code
        """,
        party_params + meeting_params,
    )


def headline(con: Connection, f: Filters) -> pd.DataFrame:
    """One row of counts for the selection: reports, Parties, meetings, actions, delayed
    actions, funding gaps and quality issues; ``demo_reports`` says whether demo is in."""
    report_where, report_params = f.where(pillars=False)
    action_where, action_params = f.where()
    return fetch(
        con,
        f"""
        WITH r AS (SELECT * FROM out_reports WHERE {report_where}),
             a AS (SELECT * FROM out_actions WHERE {action_where})
        SELECT (SELECT count(*) FROM r) AS reports,
               (SELECT count(DISTINCT party_iso3) FROM r) AS parties,
               (SELECT count(DISTINCT meeting_code) FROM r) AS meetings,
               (SELECT count(*) FROM a) AS actions,
               (SELECT count(*) FROM a WHERE delayed) AS delayed,
               (SELECT count(*) FROM a WHERE funding_sought AND NOT funding_secured) AS funding_gaps,
               (SELECT COALESCE(sum(n_quality_issues), 0) FROM r) AS quality_issues,
               (SELECT count(*) FROM r WHERE is_demo) AS demo_reports
        """,
        report_params + action_params,
    )


# ---------------------------------------------------------------- ratings


def rating_counts(con: Connection, f: Filters, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actions per group (``party``, ``meeting`` or ``pillar``) x template x rating.

    Returns the counts (key, rating_scale, rating_code, actions) and the groups (key,
    label, sort_key, reports, files, is_demo).
    """
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; use one of {sorted(GROUPS)}")
    key, label, sort_key = GROUPS[by]
    where, params = f.where("a")
    source = f"out_actions a LEFT JOIN core_codes_pillars p ON p.pillar_code = a.pillar_code WHERE {where}"
    counts = fetch(
        con,
        f"""
        SELECT {key} AS key, a.rating_scale, a.rating_code, count(*) AS actions
        FROM {source} GROUP BY 1, 2, 3
        """,
        params,
    )
    groups = fetch(
        con,
        f"""
        SELECT {key} AS key, {label} AS label, {sort_key} AS sort_key,
               count(DISTINCT a.report_id) AS reports, count(DISTINCT a.source_file) AS files,
               bool_or(a.is_demo) AS is_demo
        FROM {source} GROUP BY 1 ORDER BY sort_key, label
        """,
        params,
    )
    return counts, groups


def apply_crosswalk(counts: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Counts with each rating replaced by its crosswalk rating (2014 scale -> 2017+)."""
    mapping = dict(zip(table["rating_code"], table["crosswalk_code"], strict=True))
    unknown = set(counts["rating_code"]) - set(mapping)
    if unknown:
        raise ValueError(f"ratings missing from the crosswalk: {sorted(unknown)}")
    out = counts.assign(rating_code=counts["rating_code"].map(mapping), rating_scale="2017")
    return out.groupby(["key", "rating_scale", "rating_code"], sort=False, as_index=False)["actions"].sum()


def crosswalk_table(table: pd.DataFrame, ratings: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """How the crosswalk treats the ratings of a view that are not 2017+-only: rating,
    shown as, note (a 2017+-only rating is unchanged and needs no note)."""
    labels = dict(zip(ratings["rating_code"], ratings["label"], strict=True))
    older = ratings.loc[ratings["in_2014_scale"].astype(bool) | ~ratings["in_2017_scale"].astype(bool), "rating_code"]
    rows = table[table["rating_code"].isin(used) & table["rating_code"].isin(older)].copy()
    rows["order"] = rows["rating_code"].map(dict(zip(ratings["rating_code"], ratings["sort_order"], strict=True)))
    rows = rows.sort_values("order")
    return pd.DataFrame({
        "Rating in the report": rows["rating_code"].map(labels),
        "Shown as (2017+ scale)": rows["crosswalk_code"].map(labels),
        "Note": rows["note"],
    }).reset_index(drop=True)


def rating_shares(counts: pd.DataFrame, groups: pd.DataFrame, ratings: pd.DataFrame,
                  expected: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per group x rating with ``actions`` and ``share_pct`` of the group's actions.

    ``counts`` and ``groups`` come from `rating_counts`; ``ratings`` is the code table.
    ``expected`` (key, label, sort_key, is_demo) lists groups that must appear even
    without actions: they get one row of rating ``no_report`` at 100 %, so "no report"
    is a category of its own, never a zero. Rows follow the groups' order, then the
    rating scale's.
    """
    per_rating = counts.groupby(["key", "rating_code"], sort=False, as_index=False)["actions"].sum()
    totals = per_rating.groupby("key")["actions"].sum()
    per_rating["share_pct"] = 100.0 * per_rating["actions"] / per_rating["key"].map(totals)
    meta = groups.set_index("key")[["label", "sort_key", "is_demo"]]
    if expected is not None:
        missing = expected[~expected["key"].isin(totals.index)]
        if len(missing):
            per_rating = pd.concat([
                per_rating,
                pd.DataFrame({"key": missing["key"], "rating_code": NO_REPORT, "actions": 0, "share_pct": 100.0}),
            ], ignore_index=True)
            meta = pd.concat([meta, missing.set_index("key")[["label", "sort_key", "is_demo"]]])
    order = {code: i for i, code in enumerate(ratings.sort_values("sort_order")["rating_code"])}
    order[NO_REPORT] = len(order)
    unknown = set(per_rating["rating_code"]) - set(order)
    if unknown:
        raise ValueError(f"ratings missing from the code table: {sorted(unknown)}")
    out = per_rating.join(meta, on="key")
    out["rating_order"] = out["rating_code"].map(order)
    out["group_actions"] = out["key"].map(totals).fillna(0).astype(int)
    return out.sort_values(["sort_key", "label", "rating_order"], kind="stable").reset_index(drop=True)


def expected_groups(grid: pd.DataFrame, by: str) -> pd.DataFrame | None:
    """The Parties, or meetings, of the reporting grid (`coverage`) that have no loaded
    report in the selection: a rating chart shows them as "No report". (A Party whose
    reports have no action in the selected pillars is not one of them.) None for pillars."""
    if by not in ("party", "meeting"):
        return None
    key = "party_iso3" if by == "party" else "meeting_code"
    reported = set(grid.loc[grid["report_id"].notna(), key])
    rows = grid[~grid[key].isin(reported)].drop_duplicates(key)
    if by == "party":
        return pd.DataFrame({"key": rows["party_iso3"], "label": rows["party_name"],
                             "sort_key": rows["is_demo"].astype(int), "is_demo": rows["is_demo"]})
    return pd.DataFrame({"key": rows["meeting_code"], "label": rows["meeting_code"],
                         "sort_key": rows["meeting_number"], "is_demo": False})


def with_counts(groups: pd.DataFrame) -> pd.DataFrame:
    """Group labels that say how much is behind each bar: "Examplia (5 reports, 52 actions)"."""
    def label(row: pd.Series) -> str:
        reports = int(row["reports"])
        return f"{row['label']} ({reports} report{'s' if reports != 1 else ''})"
    return groups.assign(label=groups.apply(label, axis=1)) if len(groups) else groups


MAX_CHART_PARTIES = 40  # more rows than this make a chart no one can read: the table has them all


def first_parties(frame: pd.DataFrame, column: str = "party_iso3", n: int = MAX_CHART_PARTIES) -> pd.DataFrame:
    """The rows of the first ``n`` Parties of ``frame`` (in its order), for a chart."""
    keep = list(dict.fromkeys(frame[column]))[:n]
    return frame[frame[column].isin(keep)]


def achievement_grid(con: Connection, f: Filters) -> pd.DataFrame:
    """Party x meeting: share of a report's actions rated achieved or substantially achieved.

    One row per cell of the reporting grid (`coverage`); cells without a loaded report
    have ``share_pct`` NULL and keep their coverage ``status``.
    """
    grid = coverage(con, f)
    where, params = f.where()
    shares = fetch(
        con,
        f"""
        SELECT report_id, count(*) AS actions,
               count(*) FILTER (WHERE rating_code IN ('achieved', 'substantially_achieved')) AS achieved,
               100.0 * count(*) FILTER (WHERE rating_code IN ('achieved', 'substantially_achieved'))
                     / count(*) AS share_pct
        FROM out_actions WHERE {where} GROUP BY report_id
        """,
        params,
    )
    out = grid.merge(shares, on="report_id", how="left")
    out["actions"] = out["actions"].fillna(0).astype(int)
    out["achieved"] = out["achieved"].fillna(0).astype(int)
    return out


# ---------------------------------------------------------------- what changed


def latest_changes(con: Connection, f: Filters) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """What changed at the latest meeting of the selection.

    Returns the meeting code, one row per Party of the grid (its latest report's share
    of actions achieved or substantially achieved against its previous loaded report,
    and how many actions became delayed), and the newly delayed actions (delayed now,
    and not delayed or not listed in the Party's previous report, matched by action
    code). The previous report is looked up among all the Party's loaded reports, so a
    meeting filter does not hide it.
    """
    grid = coverage(con, f)
    loaded = grid[grid["report_id"].notna()]
    if loaded.empty:
        return None, pd.DataFrame(), pd.DataFrame()
    latest = loaded.sort_values(["meeting_number", "meeting_code"]).iloc[-1]["meeting_code"]
    latest_number = int(loaded.loc[loaded["meeting_code"] == latest, "meeting_number"].iloc[0])
    parties = list(grid["party_iso3"].unique())
    pillar_where, pillar_params = Filters((), (), f.pillars, True).where("a")
    marks = ", ".join("?" * len(parties))
    per_report = fetch(
        con,
        f"""
        WITH ranked AS (
            SELECT r.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number, r.rating_scale,
                   r.is_demo, row_number() OVER (PARTITION BY r.party_iso3 ORDER BY r.meeting_number DESC) AS back
            FROM out_reports r
            WHERE r.party_iso3 IN ({marks}) AND r.meeting_number <= ?
        )
        SELECT k.*, count(a.action_code) AS actions,
               count(*) FILTER (WHERE a.rating_code IN ('achieved', 'substantially_achieved')) AS achieved,
               count(*) FILTER (WHERE a.delayed) AS delayed
        FROM ranked k LEFT JOIN out_actions a ON a.report_id = k.report_id AND {pillar_where}
        WHERE k.back <= 2
        GROUP BY ALL
        """,
        parties + [latest_number] + pillar_params,
    )
    rows = []
    for party, group in per_report.groupby("party_iso3", sort=False):
        now = group[group["meeting_code"] == latest]
        before = group[group["meeting_code"] != latest].sort_values("meeting_number").tail(1)
        last = group.sort_values("meeting_number").iloc[-1]
        row = {"party_iso3": party, "party_name": last["party_name"], "is_demo": bool(last["is_demo"])}
        if now.empty:
            row.update(status=NO_REPORT, latest_report=None, previous_meeting=last["meeting_code"],
                       previous_report=last["report_id"])
        else:
            current_ = now.iloc[0]
            row.update(status="reported", latest_report=current_["report_id"],
                       share_pct=_share(current_), actions=int(current_["actions"]),
                       delayed=int(current_["delayed"]), scale=current_["rating_scale"])
            if len(before):
                prev = before.iloc[0]
                row.update(previous_meeting=prev["meeting_code"], previous_report=prev["report_id"],
                           previous_share_pct=_share(prev), previous_scale=prev["rating_scale"])
        rows.append(row)
    summary = pd.DataFrame(rows)
    for column in ("share_pct", "previous_share_pct", "actions", "delayed", "previous_meeting",
                   "previous_report", "latest_report", "scale", "previous_scale"):
        if column not in summary.columns:
            summary[column] = None
    summary["change_pts"] = summary["share_pct"].astype(float) - summary["previous_share_pct"].astype(float)
    newly = newly_delayed(con, summary, f)
    counts = newly.groupby("party_iso3").size() if len(newly) else pd.Series(dtype=int)
    summary["newly_delayed"] = [
        int(counts.get(p, 0)) if s == "reported" and pd.notna(prev) else None
        for p, s, prev in zip(summary["party_iso3"], summary["status"], summary["previous_report"], strict=True)
    ]
    summary = summary.sort_values(["status", "is_demo", "party_name"], ascending=[False, True, True])
    return latest, summary.reset_index(drop=True), newly


def _share(row: pd.Series) -> float | None:
    return 100.0 * row["achieved"] / row["actions"] if row["actions"] else None


def newly_delayed(con: Connection, summary: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Actions delayed in a Party's latest report and not delayed (or absent) in its previous one."""
    pairs = summary[(summary["status"] == "reported") & summary["previous_report"].notna()]
    if pairs.empty:
        return pd.DataFrame(columns=["party_iso3", "party_name", "meeting_code", "action_code", "action_title",
                                     "delay_causes", "previous_meeting", "was", "is_demo"])
    values = ", ".join("(?, ?)" for _ in range(len(pairs)))
    params: list[object] = []
    for latest_report, previous_report in zip(pairs["latest_report"], pairs["previous_report"], strict=True):
        params += [latest_report, previous_report]
    pillar_where, pillar_params = Filters((), (), f.pillars, True).where("now")
    return fetch(
        con,
        f"""
        WITH pairs(latest_report, previous_report) AS (VALUES {values})
        SELECT now.party_iso3, now.party_name, now.meeting_code, now.action_code, now.action_title,
               now.delay_causes, prev.meeting_code AS previous_meeting_of_action,
               CASE WHEN prev.action_code IS NULL THEN 'not in the previous report'
                    ELSE 'not delayed' END AS was,
               now.is_demo
        FROM pairs
        JOIN out_actions now ON now.report_id = pairs.latest_report
        LEFT JOIN out_actions prev ON prev.report_id = pairs.previous_report AND prev.action_code = now.action_code
        WHERE now.delayed AND NOT COALESCE(prev.delayed, false) AND {pillar_where}
        ORDER BY now.is_demo, now.party_name, now.action_order
        """,
        params + pillar_params,
    ).drop(columns="previous_meeting_of_action")


# ---------------------------------------------------------------- delays and funding


def delay_facts(con: Connection, f: Filters) -> pd.DataFrame:
    """out_delay_causes of the selection, one row per cause of an action, with its evidence,
    the standard pillar's label and the cause's label (from the causes code table)."""
    where, params = f.where("d")
    frame = fetch(
        con,
        f"""
        SELECT d.report_id, d.party_iso3, d.party_name, d.meeting_code, d.meeting_number,
               d.action_code, d.action_title, d.pillar_name,
               COALESCE(d.pillar_code, '{UNMAPPED_PILLAR}') AS pillar_code,
               COALESCE(p.label, {_UNMAPPED_SQL}) AS pillar_label,
               COALESCE(p.sort_order, 99) AS pillar_order,
               d.rating_code, d.cause, d.found_in, d.evidence, d.matched, d.is_demo, d.source_file
        FROM out_delay_causes d LEFT JOIN core_codes_pillars p ON p.pillar_code = d.pillar_code
        WHERE {where}
        ORDER BY d.is_demo, d.party_name, d.meeting_number, d.report_id, d.action_code
        """,
        params,
    )
    labels = causes().set_index("cause")
    frame["cause_label"] = frame["cause"].map(labels["label"]).fillna(frame["cause"])
    frame["cause_order"] = frame["cause"].map(labels["sort_order"]).fillna(99).astype(int)
    return frame


def count_delayed(facts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Delayed actions per ``cause``, ``pillar`` or ``party``: distinct actions, not facts
    (an action delayed for two causes counts once per cause, once per pillar or Party).
    Causes and pillars in code table order; Parties by number of delayed actions."""
    key, label, order = {
        "cause": ("cause", "cause_label", "cause_order"),
        "pillar": ("pillar_code", "pillar_label", "pillar_order"),
        "party": ("party_iso3", "party_name", None),
    }[by]
    if facts.empty:
        return pd.DataFrame(columns=["key", "label", "actions", "reports", "is_demo"])
    actions = facts.drop_duplicates(["report_id", "action_code", key])
    out = (
        actions.groupby(key, sort=False)
        .agg(label=(label, "first"), actions=("action_code", "size"), reports=("report_id", "nunique"),
             is_demo=("is_demo", "any"), order=(order or label, "min"))
        .reset_index()
        .rename(columns={key: "key"})
    )
    out = out.sort_values(["actions", "label"], ascending=[False, True]) if order is None else out.sort_values("order")
    return out.drop(columns="order").reset_index(drop=True)


def funding_gaps(con: Connection, f: Filters) -> pd.DataFrame:
    """Actions whose funding is sought and not secured, or that are delayed for lack of
    funding: one row per action, with the supporting sentences and where they were found."""
    where, params = f.where("a")
    return fetch(
        con,
        f"""
        WITH evidence AS (
            SELECT report_id, action_code, 'sought' AS kind, found_in, evidence FROM out_funding
            WHERE status = 'sought'
            UNION ALL
            SELECT report_id, action_code, 'delayed' AS kind, found_in, evidence FROM out_delay_causes
            WHERE cause = 'funding'
        ), per_action AS (
            SELECT report_id, action_code,
                   bool_or(kind = 'delayed') AS delayed_for_funding,
                   string_agg(DISTINCT evidence, ' | ' ORDER BY evidence) AS evidence,
                   string_agg(DISTINCT found_in, ', ' ORDER BY found_in) AS found_in
            FROM evidence GROUP BY report_id, action_code
        )
        SELECT a.report_id, a.party_iso3, a.party_name, a.meeting_code, a.meeting_number,
               COALESCE(a.pillar_code, '{UNMAPPED_PILLAR}') AS pillar_code,
               COALESCE(p.label, {_UNMAPPED_SQL}) AS pillar_label,
               COALESCE(p.sort_order, 99) AS pillar_order, a.pillar_name,
               a.action_code, a.action_title, a.rating_code, cr.label AS rating_label,
               a.funding_sought AND NOT a.funding_secured AS sought_not_secured,
               e.delayed_for_funding, a.funding_secured, e.evidence, e.found_in,
               a.is_demo, a.source_file
        FROM out_actions a
        JOIN per_action e ON e.report_id = a.report_id AND e.action_code = a.action_code
        LEFT JOIN core_codes_pillars p ON p.pillar_code = a.pillar_code
        LEFT JOIN core_codes_ratings cr ON cr.rating_code = a.rating_code
        WHERE ((a.funding_sought AND NOT a.funding_secured) OR e.delayed_for_funding) AND {where}
        ORDER BY a.is_demo, a.party_name, a.meeting_number, a.action_order
        """,
        params,
    )


def count_funding_gaps(gaps: pd.DataFrame, by: str) -> pd.DataFrame:
    """Funding gaps per ``party`` or ``pillar``: actions sought-not-secured and actions
    delayed for lack of funding (an action can be both), in long form for a chart.
    Parties by number of actions with a gap; pillars in code table order."""
    key, label, order = {"party": ("party_iso3", "party_name", None),
                         "pillar": ("pillar_code", "pillar_label", "pillar_order")}[by]
    if gaps.empty:
        return pd.DataFrame(columns=["key", "label", "gap", "actions", "is_demo"])
    out = (
        gaps.groupby(key, sort=False)
        .agg(label=(label, "first"), sought=("sought_not_secured", "sum"), delayed=("delayed_for_funding", "sum"),
             total=("action_code", "size"), is_demo=("is_demo", "any"), order=(order or label, "min"))
        .reset_index()
        .rename(columns={key: "key"})
    )
    out = out.sort_values(["total", "label"], ascending=[False, True]) if order is None else out.sort_values("order")
    long = out.melt(id_vars=["key", "label", "is_demo"], value_vars=["sought", "delayed"],
                    var_name="gap", value_name="actions")
    long["actions"] = long["actions"].astype(int)
    return long.reset_index(drop=True)


GAP_LABELS = {"sought": "Funding sought, not secured", "delayed": "Delayed for lack of funding"}


def funding_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """The funding gaps as a partner takes them away: one row per action, plain-word
    columns, the gap in words, the evidence sentences, and whether the row is demo data."""
    flags = zip(gaps["sought_not_secured"].astype(bool), gaps["delayed_for_funding"].astype(bool), strict=True)
    gap = [" and ".join(GAP_LABELS[k] for k, on in (("sought", s), ("delayed", d)) if on) for s, d in flags]
    return pd.DataFrame({
        "Party": gaps["party_name"],
        "Meeting": gaps["meeting_code"],
        "Action": gaps["action_code"],
        "Funding gap": gap,
        "Evidence": gaps["evidence"],
        "Where found": gaps["found_in"],
        "Title": gaps["action_title"],
        "Rating": gaps["rating_label"].fillna("Not rated"),
        "Some funding secured": gaps["funding_secured"].astype(bool),
        "Pillar": gaps["pillar_label"],
        "Party's pillar": gaps["pillar_name"],
        "Source file": gaps["source_file"],
        "Demo data (fictional Party)": gaps["is_demo"].astype(bool),
    }).reset_index(drop=True)
