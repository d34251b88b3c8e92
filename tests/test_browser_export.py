"""Downloads from the running app, in Debian chromium: a chart PNG and a briefing pack."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from dashboard.export import images
from tests.test_browser import RENDER_TIMEOUT_MS, app_url, browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def open_ratings(page, app_url) -> None:  # noqa: F811
    page.goto(f"{app_url}/ratings?party=Cambodia")
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=RENDER_TIMEOUT_MS)


def test_download_chart_png(page, app_url) -> None:  # noqa: F811
    open_ratings(page, app_url)
    page.get_by_role("button", name="Download", exact=True).first.click()
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as info:
        page.get_by_role("button", name="PNG", exact=True).first.click()
    image = Image.open(io.BytesIO(info.value.path().read_bytes()))
    assert image.format == "PNG"
    assert image.size[0] == images.EXPORT_WIDTH * images.PNG_SCALE
    assert image.size[1] >= images.EXPORT_HEIGHT * images.PNG_SCALE
    assert info.value.suggested_filename.endswith(".png")


def test_download_briefing_pack(page, app_url) -> None:  # noqa: F811
    open_ratings(page, app_url)
    with page.expect_download(timeout=RENDER_TIMEOUT_MS * 2) as info:
        page.get_by_role("button", name="Briefing pack (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(info.value.path().read_bytes()))
    names = archive.namelist()
    assert "README.md" in names and "slides.pptx" in names
    assert any(n.endswith(".png") for n in names) and any(n.endswith(".xlsx") for n in names)
    readme = archive.read("README.md").decode()
    assert "- Cambodia; all meetings" in readme and "cambodia_sc66_progress_report.md" in readme
