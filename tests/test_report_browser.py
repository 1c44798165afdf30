"""The report in a real browser (Playwright driving Debian's chromium): at a phone's width and a
desktop's, no sideways scrolling, no text under 14 px, charts as wide as the layout the chart
legibility rule assumes, and every chart's full-size link pointing at a file that exists.

Playwright cannot download its own browser here, so the system chromium is used; the test is
skipped, saying why, only when no chromium can be found (.ci/run installs it with apt).
Set NEGSIM_SCREENSHOTS=DIR to save full-page screenshots there for looking at (they take a
few seconds, so the test takes them only when asked).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sim.jobs import compare_job, run_job
from sim.plots.legible import MIN_TEXT_PX, REPORT_WIDTH_PX
from tests.browser import CHROMIUM_ARGS, chromium
from tests.factory import REPO

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

WIDTHS = (390, 1280)

# Every element that paints text of its own, with its computed font size in CSS px.
TEXT_SIZES_JS = """
() => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const pseudo = getComputedStyle(el, '::before').content;
    const hasPseudo = pseudo && pseudo !== 'none' && pseudo !== 'normal' && pseudo !== '""';
    if (!own && !hasPseudo) continue;
    if (el.getClientRects().length === 0) continue;  // not rendered (e.g. folded away)
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 && rect.height <= 1) continue;  // visually hidden (table headers)
    out.push([el.tagName, el.textContent.trim().slice(0, 40), parseFloat(style.fontSize)]);
    if (hasPseudo) {
      out.push([el.tagName + '::before', pseudo.slice(0, 40),
                parseFloat(getComputedStyle(el, '::before').fontSize)]);
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """A run report and a comparison report, generated the way the command line does."""
    root = tmp_path_factory.mktemp("reports")
    baseline = REPO / "scenarios" / "nato_russia_2022.yaml"
    variant = REPO / "scenarios" / "nato_offers_limits.yaml"
    run = run_job(baseline, runs=100, seed=5, workers=1, out=root / "run")
    # The baseline's folder is compared as it is: only the variant is run again.
    compared = compare_job([run.path, variant], runs=100, seed=5, workers=1, out=root / "cmp")
    return {"run": run.path / "report.html", "compare": compared.path / "report.html"}


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("kind", ["run", "compare"])
def test_report_fits_a_phone_and_a_desktop_with_legible_text(browser, reports, kind):
    report = reports[kind]
    shots = os.environ.get("NEGSIM_SCREENSHOTS")
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(report.as_uri())
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{kind} at {width}px scrolls sideways ({scroll}px wide)"
        sizes = page.evaluate(TEXT_SIZES_JS)
        assert len(sizes) > 50  # the walk saw the page's text
        small = [s for s in sizes if s[2] < MIN_TEXT_PX]
        assert small == [], f"{kind} at {width}px: text under {MIN_TEXT_PX}px: {small[:5]}"
        charts = page.evaluate(
            "[...document.querySelectorAll('figure img')].map(i => "
            "[i.getBoundingClientRect().width, i.naturalWidth])"
        )
        assert charts and all(shown <= width for shown, _ in charts)
        if width == 1280:
            # The chart legibility rule assumes charts are shown at most this wide.
            assert max(shown for shown, _ in charts) == pytest.approx(REPORT_WIDTH_PX, abs=0.5)
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"{kind}_{width}.png"), full_page=True)
        page.close()


def test_each_chart_links_to_its_full_size_png_beside_the_report(browser, reports):
    report = reports["run"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(report.as_uri())
    links = page.evaluate(
        "[...document.querySelectorAll('figure')].map(f => "
        "[...f.querySelectorAll('a')].map(a => a.getAttribute('href')))"
    )
    assert len(links) == 4
    for hrefs in links:
        assert hrefs and len(set(hrefs)) == 1 and hrefs[0].startswith("charts/")
        assert (report.parent / hrefs[0]).is_file()
    # Following a link opens the PNG itself, at its full size.
    page.click("figure a >> nth=0")
    page.wait_for_load_state()
    assert page.url.endswith(links[0][0])
    width = page.evaluate("document.images[0].naturalWidth")
    assert width > REPORT_WIDTH_PX
    page.close()
