"""The HTML report: self-contained, escaped, one inlined chart per figure."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.plots.save import figure_png
from sim.report import outcome_summary_table, render_report, write_report

OUTCOMES = ["agreement", "partial_agreement", "stalemate", "breakdown", "armed_conflict"]


def tiny_figure(title: str) -> Figure:
    fig = Figure(figsize=(2, 1.5))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    fig.suptitle(title)
    return fig


@pytest.fixture
def summary() -> dict:
    shares = [0.2, 0.3, 0.25, 0.15, 0.1]
    return {
        "runs": 1000,
        "outcomes": OUTCOMES,
        "outcome_shares": dict(zip(OUTCOMES, shares, strict=True)),
        "outcome_counts": {o: int(s * 1000) for o, s in zip(OUTCOMES, shares, strict=True)},
        "ci95": {o: [s - 0.02, s + 0.03] for o, s in zip(OUTCOMES, shares, strict=True)},
    }


@pytest.fixture
def page(summary: dict) -> str:
    as_bytes = figure_png(tiny_figure("given as PNG bytes"))
    return render_report(
        title="NATO & Russia <2022>",
        notes={
            "what_it_is": "Talks before the war.\n\nSecond paragraph <script>alert(1)</script>",
            "how_it_works": "Rounds of offers.",
            "things_to_notice": ["Tension rises <b>fast</b>"],
            "things_to_try": ["Lower Russia's resolve"],
            "references": ["Snyder & Diesing (1977), https://example.org/book"],
        },
        summary_rows=outcome_summary_table({"Baseline": summary}),
        figures={"Outcomes <all>": tiny_figure("one"), "Tension": as_bytes},
        manifest={
            "seed": 20220107,
            "command": "negsim run x --seed 1 <y>",
            "scenario": {"id": "nato_russia_2022", "title": "<script>x</script>"},
        },
        extra_tables={
            "Differences & intervals": pd.DataFrame(
                {"outcome": ["Agreement"], "difference": [0.0412]}
            )
        },
    )


def test_report_is_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()


def test_report_inlines_one_png_per_figure(page: str) -> None:
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2 == page.count("data:image/png")
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert "<figcaption>Outcomes &lt;all&gt;</figcaption>" in page


def test_report_escapes_every_text(page: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;fast&lt;/b&gt;" in page
    assert "<title>NATO &amp; Russia &lt;2022&gt;</title>" in page
    assert "negsim run x --seed 1 &lt;y&gt;" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page  # inside the manifest's JSON
    assert "<h2>Differences &amp; intervals</h2>" in page


def test_report_shows_notes_tables_and_manifest(page: str) -> None:
    for heading in (
        "What it is",
        "How it works",
        "Things to notice",
        "Things to try",
        "References",
    ):
        assert f"<h3>{heading}</h3>" in page
    assert page.count("<p>") >= 3  # two paragraphs of what_it_is, one of how_it_works
    assert '<td data-label="outcome">Partial agreement</td>' in page
    assert "30.0%" in page and "28.0–33.0%" in page
    assert '<td class="num" data-label="difference">0.0412</td>' in page
    assert "20,220,107" not in page  # seeds stay as written
    assert "20220107" in page


def test_report_refuses_bytes_that_are_not_png() -> None:
    with pytest.raises(ValueError, match="PNG"):
        render_report(
            title="x",
            notes=None,
            summary_rows=pd.DataFrame({"a": [1]}),
            figures={"bad": b"GIF89a..."},
            manifest=None,
        )


def test_report_without_optional_parts() -> None:
    page = render_report(
        title="x", notes=None, summary_rows=pd.DataFrame({"a": [1]}), figures={}, manifest=None
    )
    assert "About this scenario" not in page and "data:image" not in page


def test_write_report_round_trips_utf8(tmp_path) -> None:
    path = write_report(tmp_path / "out" / "report.html", "<p>95% interval: 1–2 ✓</p>")
    assert path.read_text(encoding="utf-8") == "<p>95% interval: 1–2 ✓</p>"


def test_summary_table_rows_follow_the_outcome_order(summary: dict) -> None:
    table = outcome_summary_table({"A": summary, "B": summary})
    assert list(table.columns) == ["scenario", "outcome", "runs", "share", "95% interval"]
    assert list(table["outcome"][:5]) == [
        "Agreement",
        "Partial agreement",
        "Stalemate",
        "Breakdown",
        "Armed conflict",
    ]
    assert list(table["runs"][:5]) == [200, 300, 250, 150, 100]
