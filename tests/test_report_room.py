"""The report for a room: glossary, outcomes impossible by construction, links to full-size
charts, and a stylesheet with no text under 14 px (the browser test checks the rendering)."""

from __future__ import annotations

import re

import pandas as pd

from sim.plots.labels import OUTCOMES
from sim.plots.legible import MIN_TEXT_PX
from sim.report import render_report
from sim.report.glossary import OUTCOME_TERMS
from sim.report.html import _CSS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _page(**extra) -> str:
    return render_report(
        title="t",
        notes=None,
        summary_rows=pd.DataFrame({"outcome": ["Agreement"], "share": ["0.0%"]}),
        figures={"Outcomes": PNG, "Tension <by round>": PNG},
        manifest=None,
        **extra,
    )


def test_the_glossary_defines_all_five_outcomes_and_the_models_terms() -> None:
    assert set(OUTCOME_TERMS) == set(OUTCOMES)
    page = _page()
    terms = re.findall(r"<dt>(.*?)</dt>", page)
    assert terms[:5] == [
        "Agreement",
        "Partial agreement",
        "Stalemate",
        "Breakdown",
        "Armed conflict",
    ]
    for term in ("Red line", "Salience", "Tension", "Status quo", "Impossible by construction"):
        assert term in terms
    assert '<a href="#words">Words used in this report</a>' in page
    # Stalemate and breakdown are told apart in words, the confusion issue 8 reported.
    assert "talks are still alive" in OUTCOME_TERMS["stalemate"]
    assert "walked out" in OUTCOME_TERMS["breakdown"]


def test_an_impossible_outcome_is_stated_with_its_reason_once_per_reason() -> None:
    reason = ["It needs every issue settled, and <enlargement> can never be settled."]
    page = _page(impossible={"base": {"agreement": reason}})
    (note,) = re.findall(r'<div class="impossible" role="note">(.*?)</div>', page)
    assert "<strong>Agreement</strong>: It needs every issue settled" in note
    assert "&lt;enlargement&gt;" in note  # scenario words are escaped
    two = _page(impossible={"base": {"agreement": reason}, "variant": {"agreement": reason}})
    assert two.count("<strong>Agreement</strong> in base, variant:") == 1
    assert 'class="impossible"' not in _page(impossible={"base": {}})


def test_each_chart_links_to_its_full_size_file() -> None:
    page = _page(chart_links={"Outcomes": "charts/outcomes.png"})
    figures = re.findall(r"<figure>(.*?)</figure>", page)
    assert re.findall(r'href="([^"]+)"', figures[0]) == ["charts/outcomes.png"] * 2
    assert "href" not in figures[1]  # no file given, no link


def test_no_font_size_in_the_stylesheet_is_under_14_px() -> None:
    sizes = re.findall(r"font-size:\s*([\d.]+)(rem|px|%)", _CSS)
    assert sizes
    for value, unit in sizes:
        px = float(value) * {"rem": 16.0, "px": 1.0, "%": 0.16}[unit]
        assert px >= MIN_TEXT_PX, (value, unit)
    # Every size is absolute (rem, px, %): an em would compound with its parent's size.
    assert len(sizes) == len(re.findall(r"font-size", _CSS))


def test_wide_tables_become_cards_on_a_phone_and_narrow_ones_stay_tables() -> None:
    wide = pd.DataFrame({c: [1] for c in "abcde"})
    page = render_report(
        title="t",
        notes=None,
        summary_rows=pd.DataFrame({"a": [1], "b": [2]}),
        figures={},
        manifest=None,
        extra_tables={"Wide": wide},
    )
    assert page.count('<table class="stack">') == 1
    assert '<td class="num" data-label="e">1</td>' in page
