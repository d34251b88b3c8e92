"""The briefing pack: a ZIP of a page's charts (PNG, SVG), their numbers and its action
lists (CSV, XLSX), a README with the selection, sources, date and caveats, and slides (PPTX)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from dashboard.export import images
from dashboard.export.tables import EXPORTED, POOLED_DEMO_COLUMN, panel_notes, stamped, to_csv, to_xlsx
from dashboard.panels import DEMO_NOTE, DEMO_SWITCHED_ON, NO_DEMO_SHOWN, Panel

SLIDE_EMU = (12_192_000, 6_858_000)  # 13.333 x 7.5 in: 16:9, as PowerPoint makes it
PICTURE_BOX_IN = (0.4, 1.2, 0.25)  # side margin, top (under the title), bottom margin


def selection_words(selection: str, panels: list[Panel]) -> str:
    """The pack's selection: "demo data included" only when a panel shows demo rows."""
    return selection if any(p.includes_demo for p in panels) else selection.replace(DEMO_SWITCHED_ON, NO_DEMO_SHOWN)


def readme(charts: list[Panel], selection: str, sources: list[str], today: date | None = None) -> str:
    """The pack's README: what was selected, where the data comes from, caveats, date."""
    stamp = (today or date.today()).isoformat()
    demo = any(c.includes_demo for c in charts)
    lines = [
        "# NIAP progress briefing pack", "",
        f"Exported {stamp} from the NIAP progress dashboard.", "",
        "## Selection", "", f"- {selection_words(selection, charts)}", "",
        "## Contents", "",
    ]
    for chart in charts:
        if chart.figure is None:
            lines.append(f"- `{chart.name}.csv`, `{chart.name}.xlsx`: {chart.title} (a table). "
                         f"Source: {chart.source}.")
        else:
            lines.append(f"- `{chart.name}.png`, `{chart.name}.svg`: {chart.title}; numbers in "
                         f"`{chart.name}.csv` and `{chart.name}.xlsx`. Source: {chart.source}.")
    lines += [
        "- `slides.pptx`: one slide per chart, with its title, selection, source and date in the notes.", "",
        f"Every CSV and XLSX row carries the export date (column \"{EXPORTED}\") and whether it is demo "
        "data: \"Demo data (fictional Party)\" for a row about one Party, "
        f"\"{POOLED_DEMO_COLUMN}\" for rows that pool Parties. Each XLSX has an \"about\" sheet with the "
        "title, selection, source, date and demo note.", "",
        "## Sources", "",
    ]
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
    lines.append(f"- {DEMO_NOTE}" if demo else "- No demo data: every chart and table is about real Parties.")
    return "\n".join(lines) + "\n"


def slide_notes(chart: Panel, today: date | None = None) -> str:
    """The speaker notes of a chart's slide: title, selection, source, date, demo note."""
    return "\n".join(panel_notes(chart, today))


def pptx(charts: list[Panel], *, today: date | None = None, pngs: dict[str, bytes] | None = None) -> bytes:
    """A 16:9 deck with one slide per chart: its title, the PNG centred under it at its own
    proportions (alt text: the chart's title), the notes of `slide_notes`."""
    from pptx import Presentation
    from pptx.parts.image import Image
    from pptx.util import Emu, Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = (Emu(v) for v in SLIDE_EMU)
    side, top, bottom = (Inches(v) for v in PICTURE_BOX_IN)
    box_w, box_h = deck.slide_width - 2 * side, deck.slide_height - top - bottom
    for chart in (c for c in charts if c.figure is not None):
        slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = side, Inches(0.25), box_w, Inches(0.85)
        title.text = chart.title
        title.text_frame.paragraphs[0].font.size = Pt(24)
        png = (pngs or {}).get(chart.name) or images.image(chart, "png", today=today)
        width_px, height_px = Image.from_blob(png).size
        scale = min(box_w / width_px, box_h / height_px)
        width, height = Emu(round(width_px * scale)), Emu(round(height_px * scale))
        picture = slide.shapes.add_picture(io.BytesIO(png), (deck.slide_width - width) // 2,
                                           top + (box_h - height) // 2, width, height)
        picture.name = f"Chart: {chart.name}"
        picture._element.nvPicPr.cNvPr.set("descr", chart.title)  # the alt text screen readers read
        slide.notes_slide.notes_text_frame.text = slide_notes(chart, today)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def pack(charts: list[Panel], selection: str, sources: list[str], *, today: date | None = None) -> bytes:
    """The briefing pack: a ZIP of charts (PNG, SVG), their data and the page's action lists
    (CSV, XLSX, each with date and demo flag), README.md and slides."""
    buffer = io.BytesIO()
    pngs: dict[str, bytes] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(charts, selection, sources, today))
        for chart in charts:
            if chart.figure is not None:
                files = images.images(chart, ("png", "svg"), today=today)
                pngs[chart.name] = files["png"]
                archive.writestr(f"{chart.name}.png", files["png"])
                archive.writestr(f"{chart.name}.svg", files["svg"])
            table = stamped(chart.table, includes_demo=chart.includes_demo, today=today)
            archive.writestr(f"{chart.name}.csv", to_csv(table))
            archive.writestr(f"{chart.name}.xlsx", to_xlsx(table, notes=panel_notes(chart, today), today=today))
        archive.writestr("slides.pptx", pptx(charts, today=today, pngs=pngs))
    return buffer.getvalue()
