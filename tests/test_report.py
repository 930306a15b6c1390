"""The HTML report: self-contained, and every chart really draws something in a browser (headless Chromium)."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

import pytest
from test_stats import sample_corpus

from pipelines.report import report
from pipelines.stats import stats

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
SECTIONS = ("Documents per day", "Documents per domain", "Duplicate clusters", "Furniture removed per rule",
            "Extraction health per domain", "Errors by stage and reason", "Run history")
CHARTS = 7  # one per section
# Counts, per chart, the drawn pixels in a data colour (grey axes and black text do not count):
# the SVG is rasterised onto a canvas, so this is what the browser paints, not what the markup says.
INK_PROBE = """<script>
function ink(img, w, h) {
  var c = document.createElement('canvas'); c.width = w; c.height = h;
  var g = c.getContext('2d'); g.drawImage(img, 0, 0, w, h);
  var d = g.getImageData(0, 0, w, h).data, n = 0;
  for (var i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
  }
  return n;
}
document.querySelectorAll('svg, img.shot').forEach(function (el, k) {
  var img = el.tagName === 'IMG' ? el : new Image();
  var done = function () {
    var r = el.getBoundingClientRect();
    el.setAttribute('data-marks', el.querySelectorAll ? el.querySelectorAll('.mark').length : 0);
    el.setAttribute('data-ink', ink(img, Math.max(1, Math.round(r.width)), Math.max(1, Math.round(r.height))));
  };
  if (img.complete && img.naturalWidth) { done(); } else { img.onload = done; }
  img.onerror = function () { el.setAttribute('data-ink', 'error'); };
  if (el.tagName !== 'IMG') {
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(el));
  }
});
</script>"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return sample_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def page(corpus, tmp_path_factory) -> Path:
    return report(corpus, tmp_path_factory.mktemp("report") / "report.html")


def chromium(*args: str) -> str:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def inked(dom: str) -> list[tuple[int, str]]:
    return [(int(m), ink) for m, ink in re.findall(r'data-marks="(\d+)" data-ink="([^"]*)"', dom)]


def test_report_is_one_self_contained_file(page, corpus):
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)  # nothing fetched from anywhere
    assert not re.search(r"@import|url\(", html)
    for title in SECTIONS:
        assert f"<h2>{title}</h2>" in html
    assert html.count("<svg") == CHARTS
    (story,) = stats(corpus)["duplicates"]["top_stories"]  # the AP story the samples carry four times
    assert f"<td class=\"n\">{story['copies']}</td><td>{escape(story['title'])}</td>" in html
    assert "http_error" in html and "cookie_banner" in html


def assert_every_chart_draws(page: Path, tmp_dir: Path, charts: int = CHARTS) -> None:
    """Open the report in headless Chromium: ``charts`` charts, each with data marks and painted data colour."""
    probe = tmp_dir / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", INK_PROBE + "</body>"), encoding="utf-8")
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    drawn = inked(dom)
    assert len(drawn) == charts, dom[:2000]
    for marks, ink in drawn:
        assert marks > 0 and ink.isdigit() and int(ink) >= 50, drawn


def test_every_chart_draws_in_headless_chromium(page, tmp_path):
    assert_every_chart_draws(page, tmp_path)


def test_screenshot_is_not_blank(page, tmp_path):
    shot = tmp_path / "report.png"
    chromium("--window-size=1100,1600", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    viewer = tmp_path / "viewer.html"  # decode the PNG in the browser itself: no imaging library needed
    viewer.write_text(f"<html><body style='margin:0'><img class='shot' width='1100' height='1600' "
                      f"src='data:image/png;base64,{base64.b64encode(data).decode()}'>{INK_PROBE}</body></html>",
                      encoding="utf-8")
    ((_, ink),) = inked(chromium("--window-size=1100,1600", "--virtual-time-budget=5000", "--dump-dom", viewer.as_uri()))
    assert int(ink) > 5_000  # the first charts' bars and tiles, not an empty white page
