"""Data quality: the problems the loader found in the reports, counted by issue type and by Party."""

from __future__ import annotations

from dashboard.charts import quality as charts
from dashboard.panels import MAX_CHART_PARTIES, Empty, Panel, capped, describe, files_source
from dashboard.queries import Source, quality
from dashboard.selection import Filters

VIEW = "out_quality_issues view"
CHECKS = "checks by the loaders (python -m loaders check)"
CHARTS = {  # grouping column -> (panel name, what, axis title)
    "issue_label": ("quality_by_type", "issue type", "Issue type"),
    "party_name": ("quality_by_party", "Party", "Party"),
}


def issues_by(source: Source, f: Filters, by: str, codes: tuple[str, ...] = (),
              severities: tuple[str, ...] = ()) -> Panel | Empty:
    """Quality issues of the selection per issue type or Party, stacked by severity."""
    issues = source.ask(quality.quality_issues, f, codes, severities)
    selection = describe(source, f)
    if issues.empty:
        narrowed = " and the issue type and severity pickers" if codes or severities else ""
        return Empty(f"No quality issue matches the sidebar selection ({selection}){narrowed}. "
                     "Widen the selection to see more.")
    name, what, axis_title = CHARTS[by]
    counts = quality.count_issues(issues, by)
    charted = counts.head(MAX_CHART_PARTIES)
    title = f"Quality issues by {what} ({len(issues)} issues in {issues['report_id'].nunique()} reports)"
    text = f"{files_source(issues['source_file'], VIEW)}; {CHECKS}"
    pillar_note = (" A pillar filter is set: issues about a whole report (not about one action) are left out."
                   if f.pillars else "")
    return Panel(
        name=name, title=title,
        figure=charts.issues_by(charted, by, title, axis_title=axis_title, subtitle=selection,
                                source=f"Source: {text}"),
        table=counts.rename(columns={by: axis_title, "error": "Errors", "warning": "Warnings", "info": "Info"}),
        alt=charts.issues_alt(charted, by, title),
        caption=("Each issue is something the loader found wrong or odd in a report, and what it did about it."
                 + pillar_note + capped(len(counts), len(charted), "those with the most issues")),
        source=text, selection=selection, includes_demo=bool(issues["is_demo"].any()),
    )


def by_type(source: Source, f: Filters) -> Panel | Empty:
    return issues_by(source, f, "issue_label")


def by_party(source: Source, f: Filters) -> Panel | Empty:
    return issues_by(source, f, "party_name")


PANELS = (by_type, by_party)
