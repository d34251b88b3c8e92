"""Where an exported chart's title, subtitle and footer go, so that all of them are inside
the image and clear of the chart.

Plotly places tick labels, axis titles and legends itself (and moves the margins for
them), so an export is laid out in two steps: `compose` without a `Geometry` reserves
estimated space; a first SVG render is `measure`d (where the plot area is, how far the
chart's own texts and legends reach above and below it, where the title ends); `compose`
with that `Geometry` then puts the title block in the top margin and the footer under the
lowest text, and grows the canvas to fit. Title, subtitle and footer are wrapped to the
canvas width and start at its left edge; category rows get enough height that their
labels never overlap.
"""

from __future__ import annotations

import copy
import re
import textwrap
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

import plotly.graph_objects as go

from dashboard.charts.style import MUTED
from dashboard.escape import plotly as plain
from dashboard.panels import Panel

WIDTH, MIN_HEIGHT = 1100, 650
PAD, GAP = 16, 12  # px from the canvas edge to any text; px between blocks
TITLE_FONT, SUBTITLE_FONT, FOOTER_FONT, TICK_FONT = 18, 13, 12, 14
LINE_EM = 1.3  # Plotly's line height (<br>), in font sizes
CHAR_EM = 0.55  # wrapping budget per character (Liberation Sans averages about 0.5 em)
WIDTH_EM = 0.5  # estimated width of a character, for the horizontal extent of measured texts
ROW_PX = 22  # least height of a category row, so that its label never overlaps the next one
AXIS_PX = 70  # estimated tick labels and axis title under the plot (measured in the end)
LEGEND_ROW_PX = 28  # estimated height of a row of legend above the plot (measured in the end)

_SVG = "{http://www.w3.org/2000/svg}"
_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)(?:[\s,]+([-\d.e]+))?\s*\)")
_ROTATE = re.compile(r"rotate\(\s*([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([-\d.e]+)\s*\)")
_FONT_SIZE = re.compile(r"font-size:\s*([\d.]+)px")


@dataclass(frozen=True)
class Geometry:
    """Where a first render put things, in px from the canvas's top left corner."""

    left: float  # the plot area (Plotly's "paper"): all axes' extent
    right: float
    top: float
    bottom: float
    above: float  # how far the chart's own texts and legends reach above the plot area
    below: float  # ... and below it
    header: float  # where the title block ends
    leftmost: float = PAD  # where the chart's own texts and legends start (estimated for texts)
    rightmost: float = WIDTH - PAD  # ... and end


def wrap(text: str, font_px: float, width_px: float = WIDTH - 2 * PAD) -> list[str]:
    """``text`` in lines that fit ``width_px`` at ``font_px`` (long words are broken)."""
    return textwrap.wrap(text, max(int(width_px / (CHAR_EM * font_px)), 20)) or [""]


def block_px(lines: int, font_px: float) -> float:
    """Height of ``lines`` lines of text."""
    return lines * font_px * LINE_EM


def header_lines(panel: Panel) -> tuple[list[str], list[str]]:
    """The exported title and ONE subtitle: the selection in words, after the figure's own
    subtitle when that says something else (the action followed on Compare)."""
    subtitle = []
    own = panel.figure.layout.title.subtitle.text if panel.figure is not None else None
    own = unescape(own) if own else ""  # the words shown (`dashboard.escape.plotly` escapes &, <, >)
    if own and own not in (panel.selection, panel.shown_selection):
        subtitle += wrap(own, SUBTITLE_FONT)
    if panel.selection:
        subtitle += wrap(panel.selection, SUBTITLE_FONT)
    return wrap(panel.title, TITLE_FONT), subtitle


def footer_lines(panel: Panel, today: date | None = None) -> list[str]:
    """What an exported chart says under it: source, export date and, with demo rows, the
    demo warning (wrapped to the canvas width). Never a hint meant for the screen."""
    stamp = (today or date.today()).isoformat()
    text = f"Source: {panel.source}. Exported {stamp} from the NIAP progress dashboard."
    if panel.includes_demo:
        text += f" {panel.demo_note}"
    return wrap(text, FOOTER_FONT)


def compose(panel: Panel, today: date | None = None, geometry: Geometry | None = None, *,
            footer: bool = True) -> go.Figure:
    """A copy of the panel's figure laid out for export (see the module docstring); the
    on-screen source line is replaced by the footer."""
    figure = copy.deepcopy(panel.figure)
    figure.layout.annotations = [a for a in (figure.layout.annotations or ()) if a.name != "source"]
    title, subtitle = header_lines(panel)
    lines = footer_lines(panel, today)
    header = PAD + block_px(len(title), TITLE_FONT) + (GAP / 2 + block_px(len(subtitle), SUBTITLE_FONT)
                                                        if subtitle else 0)
    plot = max(_screen_plot_px(figure), rows_px(figure))
    if geometry is None:
        top, below, left, right = header + GAP + _legend_above_px(figure), AXIS_PX, PAD, PAD + 14
    else:
        top = max(geometry.header, header) + GAP + geometry.above
        below = geometry.below
        left = geometry.left + max(PAD - geometry.leftmost, 0)  # the axis title clear of the edge
        right = WIDTH - geometry.right + max(geometry.rightmost - (WIDTH - PAD), 0)  # and the legend
        plot = max(plot, geometry.bottom - geometry.top)
    bottom = below + GAP + (block_px(len(lines), FOOTER_FONT) + 6 if footer else 0) + PAD
    height = round(max(MIN_HEIGHT, top + plot + bottom))
    spec: dict[str, object] = {
        "text": "<br>".join(plain(line) for line in title), "font": {"size": TITLE_FONT},
        "x": PAD / WIDTH, "xanchor": "left", "xref": "container",
        "y": 1 - PAD / height, "yanchor": "top", "yref": "container", "automargin": False,
        "pad": {"t": 0, "b": 0, "l": 0, "r": 0},
    }
    if subtitle:
        spec["subtitle"] = {"text": "<br>".join(plain(line) for line in subtitle),
                            "font": {"size": SUBTITLE_FONT, "color": MUTED}}
    figure.update_layout(title=spec, width=WIDTH, height=height,
                         margin={"t": round(top), "b": round(bottom), "l": round(left), "r": round(right)})
    if footer:
        figure.add_annotation(
            text="<br>".join(plain(line) for line in lines), xref="paper", yref="paper", x=0, y=0,
            xanchor="left", yanchor="top", xshift=-(left - PAD) if geometry else 0, yshift=-(below + GAP),
            showarrow=False, align="left", font={"size": FOOTER_FONT, "color": MUTED}, name="footer",
        )
    return figure


def _screen_plot_px(figure: go.Figure) -> float:
    """The height of the plot area on screen (Plotly's defaults where the figure sets none)."""
    margin = figure.layout.margin
    height = figure.layout.height or 450
    return max(height - (100 if margin.t is None else margin.t) - (80 if margin.b is None else margin.b), 120)


def rows_px(figure: go.Figure) -> float:
    """The plot height at which every category row of every y axis gets `ROW_PX` per line
    of its label (several y axes, as on Compare, share the plot by their domains)."""
    spec = figure.to_plotly_json()
    axes = {k: v for k, v in spec["layout"].items() if re.fullmatch(r"yaxis\d*", k)} or {"yaxis": {}}
    need = 0.0
    for key, axis in axes.items():
        labels = axis.get("ticktext") or axis.get("categoryarray")
        if labels is None:
            ref = "y" + key.removeprefix("yaxis")
            labels = list(dict.fromkeys(
                v for trace in spec["data"] if trace.get("yaxis", "y") == ref
                for v in (trace.get("y") if trace.get("y") is not None else ()) if isinstance(v, str)))
        labels = [str(label) for label in labels if label is not None]
        if not labels:
            continue
        lines = max(label.count("<br>") + 1 for label in labels)
        low, high = axis.get("domain") or (0, 1)
        need = max(need, len(labels) * max(ROW_PX, block_px(lines, TICK_FONT) + 6) / max(high - low, 0.01))
    return need


def _legend_above_px(figure: go.Figure) -> float:
    """A guess of the legend's height above the plot (a horizontal legend at its top)."""
    legend = figure.layout.legend
    if figure.layout.showlegend is False or legend.orientation != "h" or (legend.y or 0) < 1:
        return 0
    names = [t.name or "" for t in figure.data if t.showlegend is not False]
    width = sum(len(n) * CHAR_EM * TICK_FONT + 50 for n in names)
    return LEGEND_ROW_PX * (1 + int(width // (WIDTH - 2 * PAD)))


def measure(svg: bytes) -> Geometry | None:
    """Where Plotly put the plot area, the chart's own texts and legends, and the title, in
    an SVG render (None when the SVG has no axes)."""
    root = ElementTree.fromstring(svg)
    spans: dict[str, list[tuple[float, float]]] = {"x": [], "y": []}
    for clip in root.iter(f"{_SVG}clipPath"):
        rect, axis = clip.find(f"{_SVG}rect"), re.search(r"([xy])\d*$", clip.get("id", ""))
        if clip.get("class") != "axesclip" or rect is None or axis is None:
            continue
        start, size = ("x", "width") if axis.group(1) == "x" else ("y", "height")
        spans[axis.group(1)].append((float(rect.get(start, 0)), float(rect.get(start, 0)) + float(rect.get(size, 0))))
    if not spans["x"] or not spans["y"]:
        return None
    left, right = min(s for s, _ in spans["x"]), max(e for _, e in spans["x"])
    top, bottom = min(s for s, _ in spans["y"]), max(e for _, e in spans["y"])
    boxes: list[tuple[str, float, float, float, float]] = []
    _collect(root, 0.0, 0.0, "chart", boxes)
    chart = [box[1:] for box in boxes if box[0] == "chart"]
    return Geometry(
        left=left, right=right, top=top, bottom=bottom,
        above=max([top - t for _, t, _, _ in chart] + [0.0]), below=max([b - bottom for _, _, _, b in chart] + [0.0]),
        header=max([box[4] for box in boxes if box[0] == "header"] + [float(PAD)]),
        leftmost=min([x for x, _, _, _ in chart] + [float(PAD)]),
        rightmost=max([x for _, _, x, _ in chart] + [float(WIDTH - PAD)]),
    )


def _collect(element: ElementTree.Element, dx: float, dy: float, kind: str,
             boxes: list[tuple[str, float, float, float, float]]) -> None:
    """The box (left, top, right, bottom) of every text and legend under ``element``; texts
    of the title group are the "header", everything else the "chart"."""
    for child in element:
        x, y = dx, dy
        shift = _TRANSLATE.search(child.get("transform", ""))
        if shift:
            x, y = x + float(shift.group(1)), y + float(shift.group(2) or 0)
        css = child.get("class", "")
        what = "header" if "g-gtitle" in css else kind
        tag = child.tag.removeprefix(_SVG)
        if tag == "text":
            box = _text_box(child, x, y)
            if box:
                boxes.append((what, *box))
        elif tag == "rect" and css == "bg" and element.get("class", "").startswith("legend"):
            left, top = x + float(child.get("x", 0)), y + float(child.get("y", 0))
            boxes.append((what, left, top, left + float(child.get("width", 0)), top + float(child.get("height", 0))))
        else:
            _collect(child, x, y, what, boxes)


def _text_box(text: ElementTree.Element, dx: float, dy: float) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of a <text> and its lines (tspans): heights from baselines
    and font size, widths estimated from the longest line."""
    content = "".join(text.itertext()).strip()
    if not content:
        return None
    size = _FONT_SIZE.search(text.get("style", ""))
    font = float(size.group(1)) if size else 12.0
    turned = _ROTATE.search(text.get("transform", ""))
    if turned and abs(float(turned.group(1))) == 90:  # a vertical axis title: as tall as it is long
        half, x, y = len(content) * WIDTH_EM * font / 2, dx + float(turned.group(2)), dy + float(turned.group(3))
        return x - 0.95 * font, y - half, x + 0.3 * font, y + half
    baseline = float(text.get("y", 0) or 0)
    baselines, longest = [], len(content)
    lines = [line for line in text.iter(f"{_SVG}tspan") if "line" in line.get("class", "")]
    for line in lines:
        if line.get("y"):
            baseline = float(line.get("y"))
        baseline += _length(line.get("dy", "0"), font)
        baselines.append(baseline)
    if lines:
        longest = max(len("".join(line.itertext())) for line in lines)
    baselines = baselines or [baseline]
    width, x = longest * WIDTH_EM * font, dx + float(text.get("x", 0) or 0)
    left = {"end": x - width, "middle": x - width / 2}.get(text.get("text-anchor", "start"), x)
    return left, dy + min(baselines) - 0.95 * font, left + width, dy + max(baselines) + 0.3 * font


def _length(value: str, font: float) -> float:
    """An SVG length in px ("1.3em" or "4")."""
    value = value.strip()
    if value.endswith("em"):
        return float(value[:-2] or 0) * font
    return float(value.removesuffix("px") or 0)
