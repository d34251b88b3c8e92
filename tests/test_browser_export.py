"""Downloads from the running app, in Debian chromium: a chart PNG, the Delays page's
evidence table, and briefing packs, opened as their readers would open them."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation

from dashboard.export import images
from dashboard.panels import DEMO_NOTE
from tests import browser
from tests.browser import RENDER_TIMEOUT_MS
from tests.test_browser import page  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
TODAY = date.today().isoformat()


def open_page(page, app_url, path: str) -> None:  # noqa: F811
    page.goto(f"{app_url}/{path}")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=RENDER_TIMEOUT_MS)


def download(page, button: str, timeout: int = RENDER_TIMEOUT_MS):  # noqa: F811
    return browser.download(page, page.get_by_role("button", name=button, exact=True).filter(visible=True).last,
                            timeout=timeout)


def pack_from_sidebar(page) -> zipfile.ZipFile:  # noqa: F811
    return zipfile.ZipFile(io.BytesIO(download(page, "Briefing pack (ZIP)", RENDER_TIMEOUT_MS * 3).path().read_bytes()))


def test_download_chart_png(page, app_url) -> None:  # noqa: F811
    open_page(page, app_url, "ratings?party=KHM")
    page.get_by_role("button", name="Download", exact=True).first.click()
    got = download(page, "PNG")
    image = Image.open(io.BytesIO(got.path().read_bytes())).convert("L")
    assert got.suggested_filename.endswith(".png")
    assert image.size[0] == images.EXPORT_WIDTH * images.PNG_SCALE
    assert image.size[1] >= images.EXPORT_HEIGHT * images.PNG_SCALE
    width, height = image.size
    assert image.crop((0, height - 8 * images.PNG_SCALE, width, height)).getextrema() == (255, 255)  # nothing cut
    footer = image.crop((0, height - 40 * images.PNG_SCALE, width // 2, height - 8 * images.PNG_SCALE))
    assert footer.getextrema()[0] < 160  # the footer's words are there, just above the blank edge


def test_delays_evidence_csv_says_date_and_demo_on_every_row(page, app_url) -> None:  # noqa: F811
    open_page(page, app_url, "delays")
    got = download(page, "CSV")
    rows = list(csv.reader(io.StringIO(got.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][-2:] == ["Demo data (fictional Party)", "Exported"]
    assert {r[-1] for r in rows[1:]} == {TODAY}
    demo = {r[0]: r[-2] for r in rows[1:]}
    assert demo["Cambodia"] == "False" and {v for p, v in demo.items() if p.endswith("(demo)")} == {"True"}


def test_ratings_pack_of_a_real_party(page, app_url) -> None:  # noqa: F811
    open_page(page, app_url, "ratings?party=KHM")
    archive = pack_from_sidebar(page)
    names = archive.namelist()
    assert "README.md" in names and "slides.pptx" in names
    assert any(n.endswith(".png") for n in names) and any(n.endswith(".xlsx") for n in names)
    readme = archive.read("README.md").decode()
    assert "- Cambodia; all meetings; all pillars; no demo data" in readme
    assert "cambodia_sc66_progress_report.md" in readme and DEMO_NOTE not in readme
    workbook = load_workbook(io.BytesIO(archive.read(next(n for n in names if n.endswith(".xlsx")))))
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True)}
    assert about["Exported"] == TODAY and "Cambodia" in about["Selection"] and about["Source"]
    deck = Presentation(io.BytesIO(archive.read("slides.pptx")))
    assert all(f"Exported: {TODAY}" in s.notes_slide.notes_text_frame.text for s in deck.slides)


def test_funding_pack_holds_the_action_lists(page, app_url) -> None:  # noqa: F811
    open_page(page, app_url, "funding")
    archive = pack_from_sidebar(page)
    names = set(archive.namelist())
    assert {"funding_actions.csv", "funding_actions.xlsx", "seeking_funds.csv", "seeking_funds.xlsx"} <= names
    rows = list(csv.reader(io.StringIO(archive.read("funding_actions.csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["Party", "Meeting", "Action"] and rows[0][-2:] == ["Demo data (fictional Party)",
                                                                             "Exported"]
    workbook = load_workbook(io.BytesIO(archive.read("funding_actions.xlsx")))
    about = {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True)}
    assert about["Title"] == "Actions with a funding gap and the sentences that say so"
    assert about["Exported"] == TODAY and about["Demo data"] == DEMO_NOTE
