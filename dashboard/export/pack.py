"""The briefing pack: a ZIP of a page's charts (PNG, SVG), their numbers (CSV, XLSX), a
README with the selection, sources and caveats, and slides (PPTX)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from dashboard.export.images import image
from dashboard.export.tables import to_csv, to_xlsx
from dashboard.panels import DEMO_NOTE, Panel


def readme(charts: list[Panel], selection: str, sources: list[str], today: date | None = None) -> str:
    """The pack's README: what was selected, where the data comes from, caveats, date."""
    stamp = (today or date.today()).isoformat()
    demo = any(c.includes_demo for c in charts)
    lines = [
        "# NIAP progress briefing pack", "",
        f"Exported {stamp} from the NIAP progress dashboard.", "",
        "## Selection", "", f"- {selection}", "",
        "## Contents", "",
    ]
    for chart in charts:
        lines.append(f"- `{chart.name}.png`, `{chart.name}.svg`: {chart.title}; numbers in "
                     f"`{chart.name}.csv` and `{chart.name}.xlsx`. Source: {chart.source}.")
    lines += ["- `slides.pptx`: one slide per chart, sources in the slide notes.", "",
              "## Sources", ""]
    lines += [f"- {s}" for s in sources] or ["- (none)"]
    lines += [
        "", "## Caveats", "",
        "- Ratings are the Parties' self-assessments unless a row says the Secretariat assessed them; "
        "the Secretariat sometimes disagrees (see the Compare page).",
        "- The 2014-2016 and 2017+ templates use different rating scales; any comparison across them "
        "uses the dashboard's documented crosswalk, an analyst's convention, not a CITES equivalence.",
        "- \"Unclear\", \"not rated\" and \"no report\" are different things and are kept apart.",
        "- Delays, causes, funding and timing are extracted from the reports' text by a lexicon; "
        "each fact comes with its evidence sentence in the tables.",
    ]
    if demo:
        lines.append(f"- {DEMO_NOTE}")
    return "\n".join(lines) + "\n"


def pptx(charts: list[Panel], *, today: date | None = None, pngs: dict[str, bytes] | None = None) -> bytes:
    """A deck with one slide per chart (PNG), its source in the slide notes."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    layout = deck.slide_layouts[5]  # title only
    for chart in charts:
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = chart.title
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(24)
        picture = io.BytesIO((pngs or {}).get(chart.name) or image(chart, "png", today=today))
        slide.shapes.add_picture(picture, Inches(0.8), Inches(1.3), height=Inches(5.9))
        notes = f"Source: {chart.source}."
        if chart.selection:
            notes += f"\nSelection: {chart.selection}."
        if chart.includes_demo:
            notes += f"\n{DEMO_NOTE}"
        slide.notes_slide.notes_text_frame.text = notes
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def pack(charts: list[Panel], selection: str, sources: list[str], *, today: date | None = None) -> bytes:
    """The briefing pack: a ZIP of charts (PNG, SVG), their data (CSV, XLSX), README.md, slides."""
    buffer = io.BytesIO()
    pngs: dict[str, bytes] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(charts, selection, sources, today))
        for chart in charts:
            notes = [f"Source: {chart.source}", f"Selection: {chart.selection or selection}"]
            if chart.includes_demo:
                notes.append(DEMO_NOTE)
            pngs[chart.name] = image(chart, "png", today=today)
            archive.writestr(f"{chart.name}.png", pngs[chart.name])
            archive.writestr(f"{chart.name}.svg", image(chart, "svg", today=today))
            archive.writestr(f"{chart.name}.csv", to_csv(chart.table))
            archive.writestr(f"{chart.name}.xlsx", to_xlsx(chart.table, notes=notes))
        archive.writestr("slides.pptx", pptx(charts, today=today, pngs=pngs))
    return buffer.getvalue()


