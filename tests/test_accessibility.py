"""Colours a reader with a colour-vision deficiency can tell apart, and text that reads.

Every rating colour (data/reference/ratings.csv) and cause-of-delay colour
(data/reference/delay_causes.csv) is simulated as a deuteranope and a protanope see it,
with the matrices of Machado, Oliveira & Fernandes (2009, "A physiologically-based model
for simulation of color vision deficiency", IEEE TVCG 15(6), severity 1.0), applied to
linear sRGB; the simulated colours are converted to CIELAB (D65) and compared with the
CIEDE2000 colour difference (checked against Sharma, Wu & Dalal's published test pairs).

- Ratings next to each other on a scale differ by ΔE00 >= 20 for normal, deuteranope and
  protanope vision. So does every other pair of ratings that can share one chart: the
  2017+ scale (7 codes with "Not rated"), the 2014-2016 scale (5), and both at once (a
  chart on "each report's own scale" across Parties that used different templates);
  "Not rated" is also hatched, so its pairs beyond its neighbours are only reported.
- Every pair of causes of delay differs by ΔE00 >= 20 the same way.
- Tritanopia is reported, not required (blues carry "good": a tritanope relies on the
  bars' order, labels and hatches).
- Text keeps WCAG AA contrast (4.5:1): chart source and subtitle, words on bars and cells.

`.venv/bin/python -m tests.test_accessibility` prints every figure as Markdown tables
(the issue note takes them from there); `pytest -rP` shows them too.
"""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.charts import bars, coverage, quality, style, trends
from dashboard.charts import ratings as rating_charts

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference"
MIN_DELTA_E = 20.0
AA_TEXT = 4.5
REQUIRED = ("normal", "deuteranopia", "protanopia")
VISIONS = (*REQUIRED, "tritanopia")  # the last one reported only
MACHADO_2009 = {  # severity 1.0, linear RGB in -> linear RGB out
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
WHITE_D65 = SRGB_TO_XYZ @ np.ones(3)
PLOTLY_DARK_TEXT = "#444444"  # what Plotly writes inside a light bar when no text colour is given


# ---------------------------------------------------------------- colour science


def linear_rgb(colour: str) -> np.ndarray:
    """#rrggbb -> linear sRGB in [0, 1]."""
    c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    """Linear sRGB -> CIELAB (D65)."""
    t = (SRGB_TO_XYZ @ linear) / WHITE_D65
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, vision: str) -> np.ndarray:
    """CIELAB of ``colour`` as seen with ``vision`` (Machado 2009 in linear RGB, clipped to the gamut)."""
    return lab(np.clip(MACHADO_2009[vision] @ linear_rgb(colour), 0, 1))


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference (kL = kC = kH = 1), as in Sharma, Wu & Dalal (2005)."""
    l1, a1, b1 = map(float, lab1)
    l2, a2, b2 = map(float, lab2)
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_hue = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_mean - 30)) + 0.24 * math.cos(math.radians(2 * h_mean))
         + 0.32 * math.cos(math.radians(3 * h_mean + 6)) - 0.20 * math.cos(math.radians(4 * h_mean - 63)))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = (-2 * math.sqrt(c_mean ** 7 / (c_mean ** 7 + 25 ** 7))
           * math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2)))))
    dl, dc, dhh = (l2 - l1) / s_l, (c2 - c1) / s_c, d_hue / s_h
    return math.sqrt(dl ** 2 + dc ** 2 + dhh ** 2 + r_t * dc * dhh)


def delta_e(first: str, second: str, vision: str) -> float:
    return ciede2000(seen(first, vision), seen(second, vision))


def plotly_inside_text(fill: str) -> str:
    """The colour Plotly gives text inside a bar when the chart sets none (tinycolor's isDark)."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if (r * 299 + g * 587 + b * 114) / 1000 < 128 else PLOTLY_DARK_TEXT


# ---------------------------------------------------------------- the palettes and their pairs


def reference(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return sorted(csv.DictReader(handle), key=lambda row: int(row["sort_order"]))


RATINGS = reference("ratings.csv")
RATING_COLOURS = {row["rating_code"]: row["colour"] for row in RATINGS}
CAUSE_COLOURS = {row["cause"]: row["colour"] for row in reference("delay_causes.csv")}
SCALES = {  # a scale's ratings in order, with "Not rated" last: what one report's chart shows
    scale: [row["rating_code"] for row in RATINGS if row[f"in_{scale}_scale"] == "true"] + ["not_rated"]
    for scale in ("2017", "2014")
}


def rating_pairs() -> dict[tuple[str, str], str]:
    """Every pair of ratings that can share a chart -> why: "adjacent" (next to each other
    on a scale), "2017"/"2014" (same scale) or "both scales" (a chart on each report's own scale)."""
    pairs: dict[tuple[str, str], str] = {}
    for scale, codes in SCALES.items():
        for a, b in itertools.pairwise(codes):
            pairs[(a, b)] = "adjacent"
        for a, b in itertools.combinations(codes, 2):
            pairs.setdefault((a, b), scale)
    for a, b in itertools.combinations(RATING_COLOURS, 2):
        if (a, b) not in pairs and (b, a) not in pairs:
            pairs[(a, b)] = "both scales"
    return pairs


def required(pair: tuple[str, str], why: str) -> bool:
    """Must this pair of ratings reach MIN_DELTA_E? "Not rated" is hatched: only its neighbours must."""
    return why == "adjacent" or "not_rated" not in pair


def table(colours: dict[str, str], pairs: dict[tuple[str, str], str]) -> list[dict[str, object]]:
    return [{"a": a, "b": b, "why": why, **{v: delta_e(colours[a], colours[b], v) for v in VISIONS}}
            for (a, b), why in pairs.items()]


def markdown(rows: list[dict[str, object]]) -> str:
    lines = ["| pair | in one chart because | " + " | ".join(VISIONS) + " |", "|---|---|" + "---|" * len(VISIONS)]
    for row in rows:
        lines.append(f"| {row['a']} / {row['b']} | {row['why']} | "
                     + " | ".join(f"{row[v]:.1f}" for v in VISIONS) + " |")
    low = {v: min(float(row[v]) for row in rows) for v in VISIONS}
    lines.append("| **minimum** | | " + " | ".join(f"**{low[v]:.1f}**" for v in VISIONS) + " |")
    return "\n".join(lines)


def report() -> str:
    """Every figure, as Markdown: ΔE00 per pair and vision, and the text contrast on each colour."""
    ratings = table(RATING_COLOURS, rating_pairs())
    causes = table(CAUSE_COLOURS, {pair: "one chart" for pair in itertools.combinations(CAUSE_COLOURS, 2)})
    contrast = ["| rating | colour | text | contrast | Plotly's own text | contrast |", "|---|---|---|---|---|---|"]
    for code, colour in RATING_COLOURS.items():
        auto = plotly_inside_text(colour)
        contrast.append(f"| {code} | {colour} | {style.ink(colour)} | {style.contrast(style.ink(colour), colour):.1f} "
                        f"| {auto} | {style.contrast(auto, colour):.1f} |")
    others = ""
    for what, colours in other_palettes().items():
        rows = table(colours, {pair: "one chart" for pair in itertools.combinations(colours, 2)})
        others += f"\n\nΔE00 of {what} (reported only)\n\n" + markdown(rows)
    return ("ΔE00 (CIEDE2000) between rating colours, simulated with Machado et al. (2009), severity 1.0\n\n"
            + markdown(ratings) + "\n\nΔE00 between cause-of-delay colours\n\n" + markdown(causes)
            + "\n\nText on rating colours (WCAG contrast ratio)\n\n" + "\n".join(contrast) + others)


def other_palettes() -> dict[str, dict[str, str]]:
    """Colours that tell series apart in the other charts (their modules own them)."""
    return {
        "severities (charts/quality.py)": dict(quality.SEVERITY_COLOURS),
        "funding gaps (charts/bars.py)": {gap: colour for gap, (_, colour) in bars.GAP_STYLE.items()},
        "coverage statuses (charts/coverage.py)": {s: fill for s, (_, fill, _) in coverage.COVERAGE_STYLE.items()},
        "Party lines (charts/trends.py)": {f"party {i + 1}": c for i, c in enumerate(trends.PARTY_COLOURS)},
    }


# ---------------------------------------------------------------- the method


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [  # Sharma, Wu & Dalal (2005), table 1
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected) -> None:
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_the_simulation_keeps_greys_and_white() -> None:
    """Machado's matrices leave achromatic colours alone (each row sums to 1)."""
    for vision in VISIONS:
        assert np.allclose(MACHADO_2009[vision].sum(axis=1), 1, atol=1e-5)
        assert seen("#ffffff", vision) == pytest.approx([100, 0, 0], abs=0.05)
        assert delta_e("#7f7f7f", "#7f7f7f", vision) == 0
    assert delta_e("#ff0000", "#00ff00", "normal") > 80  # red and green are far apart...
    assert delta_e("#d62728", "#2ca02c", "deuteranopia") < delta_e("#d62728", "#2ca02c", "normal") / 2  # ...less so


# ---------------------------------------------------------------- the palettes


def test_ratings_in_one_chart_are_told_apart_with_red_green_colour_blindness() -> None:
    rows = table(RATING_COLOURS, rating_pairs())
    print("\n" + markdown(rows))
    failing = [f"{r['a']} / {r['b']} ({r['why']}) {v}: {r[v]:.1f}" for r in rows for v in REQUIRED
               if required((r["a"], r["b"]), str(r["why"])) and r[v] < MIN_DELTA_E]
    assert not failing, f"ΔE00 < {MIN_DELTA_E}: " + "; ".join(failing) + "\n" + markdown(rows)
    assert {r["why"] for r in rows} == {"adjacent", "2017", "2014", "both scales"}
    assert sum(r["why"] == "adjacent" for r in rows) == 9  # 6 on the 2017+ scale, 4 on the 2014 one, 1 on both


def test_causes_of_delay_are_told_apart_with_red_green_colour_blindness() -> None:
    rows = table(CAUSE_COLOURS, {pair: "one chart" for pair in itertools.combinations(CAUSE_COLOURS, 2)})
    print("\n" + markdown(rows))
    failing = [f"{r['a']} / {r['b']} {v}: {r[v]:.1f}" for r in rows for v in REQUIRED if r[v] < MIN_DELTA_E]
    assert not failing, f"ΔE00 < {MIN_DELTA_E}: " + "; ".join(failing) + "\n" + markdown(rows)


def test_the_scale_keeps_its_meaning() -> None:
    """Blues for progress (darker = further), warm colours for trouble, grey for no judgement."""
    def lch(code: str) -> tuple[float, float, float]:
        lightness, a, b = seen(RATING_COLOURS[code], "normal")
        return lightness, math.hypot(a, b), math.degrees(math.atan2(b, a)) % 360

    blues = ["achieved", "substantially_achieved", "on_track"]
    assert all(200 <= lch(c)[2] <= 290 and lch(c)[1] > 20 for c in blues), {c: lch(c) for c in blues}
    assert [lch(c)[0] for c in blues] == sorted(lch(c)[0] for c in blues)  # the best is the darkest
    warm = ["partial_progress", "pending", "not_commenced", "challenging"]
    assert all((lch(c)[2] <= 100 or lch(c)[2] >= 330) and lch(c)[1] > 20 for c in warm), {c: lch(c) for c in warm}
    assert all(lch(c)[1] < 2 for c in ("unclear", "not_rated"))
    assert set(RATING_COLOURS) == {*blues, *warm, "unclear", "not_rated"}
    assert style.NOT_A_RATING["not_rated"][1] == RATING_COLOURS["not_rated"]  # one look on every page


def test_words_on_a_rating_colour_read() -> None:
    """Shares written on rating bars reach 4.5:1 in the ink `style.ink` picks."""
    low = {code: round(style.contrast(style.ink(colour), colour), 2) for code, colour in RATING_COLOURS.items()
           if style.contrast(style.ink(colour), colour) < AA_TEXT}
    assert not low, low
    assert style.ink("#ffffff") == style.TEXT_COLOUR and style.ink("#000000") == "#ffffff"


def test_shares_on_stacked_rating_bars_are_written_in_ink() -> None:
    """The Ratings page's 100 % bars write each share on its rating's colour: in `style.ink`,
    not in Plotly's own choice (#444444 on Not commenced is 3.6:1)."""
    codes = pd.DataFrame(RATINGS).assign(sort_order=lambda f: f["sort_order"].astype(int))
    shares = pd.DataFrame({"key": "X", "label": "Xland", "rating_code": list(RATING_COLOURS), "actions": 2,
                           "share_pct": 100 / len(RATING_COLOURS), "group_actions": 2 * len(RATING_COLOURS)})
    figure = rating_charts.stacked_shares(shares, codes, "Ratings", axis_title="Party")
    low = {}
    for trace in figure.data:
        if trace.marker.pattern.shape or not any(trace.text):
            continue
        fill, colour = trace.marker.color, trace.textfont.color or plotly_inside_text(trace.marker.color)
        if style.contrast(colour, fill) < AA_TEXT:
            low[trace.name] = f"{colour} on {fill}: {style.contrast(colour, fill):.1f}:1"
    assert not low, low


def test_chart_text_colours_read_on_their_background() -> None:
    pairs = {"source and subtitle (MUTED) on white": (style.MUTED, "#ffffff"),
             "chart text on white": (style.TEXT_COLOUR, "#ffffff"),
             "heatmap gap words on their grey": (style.MUTED, rating_charts.GAP_FILL)}
    for label, fill, _, words in style.NOT_A_RATING.values():
        if words:
            pairs[f"'{words}' on {label}"] = (style.TEXT_COLOUR, fill)
    for label, fill, text in coverage.COVERAGE_STYLE.values():
        pairs[f"coverage cell '{label}'"] = (text, fill)
    measured = {what: style.contrast(*colours) for what, colours in pairs.items()}
    print("\n" + "\n".join(f"{what}: {value:.2f}:1" for what, value in measured.items()))
    low = {what: round(value, 2) for what, value in measured.items() if value < AA_TEXT}
    assert not low, low


def test_contrast_is_wcag_contrast() -> None:
    assert style.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert style.contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert style.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss


if __name__ == "__main__":
    print(report())
