"""Accessibility of every page in real Chromium: what a screen reader, a keyboard user, a
reader with low vision and a laptop without network get.

One Streamlit server on the built database (started and stopped by its PID); one tab visits
every page by its address, with every request to a host other than this machine aborted and
recorded (as on a laptop with the network off). On each page:

- no request leaves localhost (Streamlit 1.67 fetches a page's ``:material/...`` icon from
  fonts.gstatic.com as the tab's favicon unless ``st.set_page_config`` sets a local page_icon);
- headings go down one level at a time (h1 -> h2 -> h3), one h1;
- every chart has a text alternative: Streamlit writes ``st.plotly_chart(alt=...)`` as the
  chart's ``role="figure"`` element's ``aria-label``; it names the chart kind and its visible
  title, and equals the panel's ``alt`` (dashboard/panels) for the charts of the page's pack;
- captions reach 4.5:1 against what is behind them: Streamlit draws st.caption in the text
  colour at 60 % opacity, so the contrast is measured on the colour actually composited.
"""

from __future__ import annotations

import importlib
import itertools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from dashboard.charts.style import contrast
from dashboard.panels import Panel
from dashboard.queries import Direct
from dashboard.selection import Filters
from tests.browser import RENDER_TIMEOUT_MS, VIEWPORT, no_error_on

# page -> (address, the module of its panels). Report opens one report (it has the deepest headings).
PAGES = {
    "overview": ("", "overview"),
    "ratings": ("ratings", "ratings"),
    "delays": ("delays", "delays"),
    "funding": ("funding", "funding"),
    "compare": ("compare", "compare"),
    "report": ("report?report=KHM-SC66", "report"),
    "quality": ("data_quality", "quality"),
}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
AA_TEXT = 4.5
SETTLE_S = 2.0  # no new chart for this long: the page has drawn
# An alt text starts with the kind of chart, then the chart's title ("Bar chart. Delayed actions by ...").
ALT_KIND = r"[A-Z0-9][\w%, -]*\. "

pytestmark = pytest.mark.browser

DRAWN = """() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
    .every(chart => chart.querySelector('.main-svg'))"""
HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
    .filter(h => h.checkVisibility())
    .map(h => [Number(h.getAttribute('aria-level') || h.tagName.slice(1)), h.textContent.trim(),
               !!h.closest('[data-testid=stSidebar]')])"""
CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
    const figure = plot.closest('[role=figure]');
    const title = plot.querySelector('.gtitle');
    return [figure ? figure.getAttribute('aria-label') || '' : '', title ? title.textContent : ''];
})"""
# Each visible caption: its text, its colour and opacity as drawn, and the colour behind it.
CAPTIONS = """() => {
    const rgba = text => (text.match(/[\\d.]+/g) || []).map(Number);
    const behind = element => {
        for (let e = element; e; e = e.parentElement) {
            const colour = rgba(getComputedStyle(e).backgroundColor);
            if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) return colour.slice(0, 3);
        }
        return [255, 255, 255];
    };
    return [...document.querySelectorAll('[data-testid=stCaptionContainer]')]
        .filter(c => c.checkVisibility() && c.textContent.trim())
        .map(caption => {
            const text = caption.querySelector('p') || caption;
            let opacity = 1;
            for (let e = text; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
            const colour = rgba(getComputedStyle(text).color);
            return [caption.textContent.trim().slice(0, 80), colour.slice(0, 3),
                    (colour.length === 4 ? colour[3] : 1) * opacity, behind(caption)];
        });
}"""


# Each word written on or beside a bar: its chart, the words, their colour and what is behind them.
BAR_WORDS = """() => [...document.querySelectorAll('.js-plotly-plot .bars .point')].flatMap(point => {
    const bar = point.querySelector('path'), words = point.querySelector('text');
    if (!bar || !words || !words.textContent.trim()) return [];
    const fill = getComputedStyle(bar).fill, box = bar.getBoundingClientRect(), at = words.getBoundingClientRect();
    const x = at.left + at.width / 2, y = at.top + at.height / 2;
    const inside = x > box.left && x < box.right && y > box.top && y < box.bottom;
    if (inside && !fill.startsWith('rgb')) return [];  // a hatch: checked in tests/test_accessibility.py
    const title = point.closest('.js-plotly-plot').querySelector('.gtitle');
    return [[title ? title.textContent : '', words.textContent, getComputedStyle(words).fill,
             inside ? fill : 'rgb(255, 255, 255)']];
})"""


@dataclass
class Visit:
    """What one page showed."""

    headings: list[tuple[int, str, bool]] = field(default_factory=list)  # level, text, in the sidebar
    charts: list[tuple[str, str]] = field(default_factory=list)  # accessible name, visible title
    captions: list[tuple[str, float]] = field(default_factory=list)  # text, contrast ratio
    bar_words: list[tuple[str, str, float]] = field(default_factory=list)  # chart, words, contrast ratio
    external: list[str] = field(default_factory=list)  # requests to another host, aborted


def hex_colour(rgb: list[float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def rgb_hex(css: str) -> str:
    """'rgb(14, 17, 23)' -> '#0e1117'."""
    return hex_colour([float(v) for v in re.findall(r"[\d.]+", css)[:3]])


def composited(colour: list[float], alpha: float, background: list[float]) -> str:
    """The colour a reader sees: ``colour`` at ``alpha`` over ``background`` (blended as browsers do, in sRGB)."""
    return hex_colour([alpha * c + (1 - alpha) * b for c, b in zip(colour, background, strict=True)])


@pytest.fixture(scope="module")
def offline(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A tab in which every request to another host is aborted and recorded."""
    context = browser.new_context(viewport=VIEWPORT)
    external: list[str] = []

    def only_local(route: Route) -> None:
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("websocket", lambda ws: urlparse(ws.url).hostname in LOCAL_HOSTS or external.append(ws.url))
    yield page, external
    context.close()


@pytest.fixture(scope="module")
def visits(offline: tuple[Page, list[str]], app_url: str) -> dict[str, Visit]:
    """Each page, visited once (on first use) by its address."""
    return {}


def visit(name: str, visits: dict[str, Visit], offline: tuple[Page, list[str]], app_url: str) -> Visit:
    if name in visits:
        return visits[name]
    page, external = offline
    before = len(external)
    page.goto(f"{app_url}/{PAGES[name][0]}")
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    drawn(page)
    no_error_on(page)
    seen = Visit(
        headings=[tuple(h) for h in page.evaluate(HEADINGS)],
        charts=[tuple(c) for c in page.evaluate(CHARTS)],
        captions=[(text, contrast(composited(colour, alpha, behind), hex_colour(behind)))
                  for text, colour, alpha, behind in page.evaluate(CAPTIONS)],
        bar_words=[(chart, words, contrast(rgb_hex(colour), rgb_hex(behind)))
                   for chart, words, colour, behind in page.evaluate(BAR_WORDS)],
        external=external[before:],
    )
    visits[name] = seen
    return seen


def drawn(page: Page) -> None:
    """Wait until the page has stopped running and every chart on it has drawn: charts draw
    one after another, so the number of drawn charts must hold still for a while."""
    deadline, last, since = time.monotonic() + RENDER_TIMEOUT_MS / 1000, -1, time.monotonic()
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count()
        count = page.locator('[data-testid="stPlotlyChart"]').count() if page.evaluate(DRAWN) else -1
        if count != last or running or count <= 0:
            last, since = count, time.monotonic()
        elif time.monotonic() - since > SETTLE_S:
            return
        page.wait_for_timeout(250)
    pytest.fail(f"{page.url} did not finish drawing its charts ({last}) in {RENDER_TIMEOUT_MS} ms")


def panel_alts(db: Path, module: str) -> dict[str, str]:
    """Title -> alt text of the panels of a page's pack, with the default selection."""
    panels = importlib.import_module(f"dashboard.panels.{module}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        made = [make(Direct(con), Filters()) for make in panels.PANELS]
    finally:
        con.close()
    return {p.title: p.alt for p in made if isinstance(p, Panel)}


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("name", list(PAGES))
def test_headings_go_down_one_level_at_a_time(name: str, visits, offline, app_url: str) -> None:
    headings = visit(name, visits, offline, app_url).headings
    main = [(level, text) for level, text, in_sidebar in headings if not in_sidebar]
    assert main and main[0][0] == 1, f"the page starts with its h1: {main}"
    assert [level for level, _ in main].count(1) == 1, main
    assert all(level >= 2 for level, _, in_sidebar in headings if in_sidebar), "the sidebar is under the page's h1"
    skipped = [f"h{a} '{x}' -> h{b} '{y}'" for (a, x, _), (b, y, _) in itertools.pairwise(headings) if b > a + 1]
    assert not skipped, f"heading levels skipped on {name}: {skipped}"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_chart_has_a_text_alternative(name: str, visits, offline, app_url: str, built_db: Path) -> None:
    charts = visit(name, visits, offline, app_url).charts
    assert charts, f"{name} draws no chart"
    for label, title in charts:
        assert title, "every chart has a visible title"
        assert re.match(ALT_KIND + re.escape(title), label), (
            f"the chart '{title}' has no text alternative naming its kind and title: '{label}'")
        assert len(label) > len(title) + 20, f"the text alternative of '{title}' gives no figures: '{label}'"
    shown = dict((title, label) for label, title in charts)
    for title, alt in panel_alts(built_db, PAGES[name][1]).items():
        if title in shown:  # the page's own chart of this panel says what the panel's alt says
            assert shown[title] == alt, title


@pytest.mark.parametrize("name", list(PAGES))
def test_captions_reach_aa_contrast(name: str, visits, offline, app_url: str) -> None:
    captions = visit(name, visits, offline, app_url).captions
    assert captions, f"{name} shows no caption"
    print(f"{name}: {len(captions)} captions, lowest contrast {min(ratio for _, ratio in captions):.2f}:1")
    low = {text: round(ratio, 2) for text, ratio in captions if ratio < AA_TEXT}
    assert not low, f"captions under {AA_TEXT}:1 on {name}: {low}"


@pytest.mark.parametrize("name", list(PAGES))
def test_words_on_bars_reach_aa_contrast(name: str, visits, offline, app_url: str) -> None:
    """Shares and counts written on a bar (or beside it, on white) read at 4.5:1: a chart
    that writes on a coloured bar sets the words' colour with `style.ink`."""
    words = visit(name, visits, offline, app_url).bar_words
    low = sorted({(chart, text, round(ratio, 2)) for chart, text, ratio in words if ratio < AA_TEXT})
    assert not low, f"words on bars under {AA_TEXT}:1 on {name} (chart, words, ratio): {low}"


def test_no_request_leaves_localhost(visits, offline, app_url: str) -> None:
    """As with the network off: no font, icon, favicon, script or map tile from elsewhere."""
    asked = {name: visit(name, visits, offline, app_url).external for name in PAGES}
    asked = {name: sorted(set(urls)) for name, urls in asked.items() if urls}
    assert not asked, f"requests that left localhost (aborted): {asked}"
