"""Charts for a room: legible at the report's width, actors apart for colour-blind readers,
the agenda named on round axes, and empty panels explained (hand-made tables, no runs)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.plots import (
    ScenarioLabels,
    issue_values,
    outcome_differences,
    outcome_distribution,
    tension_and_endings,
    trajectories,
)
from sim.plots.legible import MIN_TEXT_PX, shown_px
from sim.plots.style import ACTOR_COLOURS, actor_colour, actor_linestyle, actor_marker
from tests.cvd import deuteranopia
from tests.test_plots import (
    RESOLVED,
    make_outcomes,
    make_positions,
    make_rounds,
    make_summary,
)

# Apart for everyone: sRGB distance after a deuteranopia simulation below this looks alike.
CONFUSABLE = 0.25
MEETINGS = [
    {"id": "geneva", "name": "Strategic stability talks, Geneva"},
    {"id": "vienna", "name": "OSCE Permanent Council, Vienna"},
]


@pytest.fixture
def labels() -> ScenarioLabels:
    return ScenarioLabels.from_resolved(dict(RESOLVED, meetings=MEETINGS))


def painted_texts(fig: Figure) -> list[Text]:
    """Texts actually drawn (hidden and out-of-view ones are never painted)."""
    painted: list[Text] = []
    original = Text.draw

    def recording(self: Text, renderer: object) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            painted.append(self)

    with patch.object(Text, "draw", recording):
        FigureCanvasAgg(fig).draw()
    return painted


def every_chart(labels: ScenarioLabels) -> dict[str, Figure]:
    summaries = {
        "Baseline": make_summary([0.2, 0.3, 0.25, 0.15, 0.1], 1000),
        "A variant with a long name": make_summary([0.4, 0.2, 0.2, 0.15, 0.05], 800),
        "Third": make_summary([0.1, 0.2, 0.4, 0.2, 0.1], 800),
        "Fourth": make_summary([0.1, 0.2, 0.4, 0.2, 0.1], 800),
    }
    diff = pd.DataFrame(
        [
            {
                "scenario": s,
                "outcome": o,
                "difference": 0.01,
                "ci_low": -0.01,
                "ci_high": 0.03,
                "significant": False,
            }
            for s in ("A variant with a long name", "Third")
            for o in ("agreement", "stalemate", "armed_conflict")
        ]
    )
    two = {"A": make_outcomes(1), "B": make_outcomes(2)}
    # The widest variant of each chart: several scenarios, where legends and labels grow.
    return {
        "outcomes, four scenarios": outcome_distribution(summaries),
        "differences": outcome_differences(diff, baseline="Baseline"),
        "issues, two scenarios": issue_values(two, labels),
        "trajectories": trajectories(make_positions(), labels, make_rounds()),
        "tension, two scenarios": tension_and_endings(
            {"A": make_rounds(), "B": make_rounds(0.1)}, labels=labels
        ),
    }


def test_every_chart_text_is_at_least_14_px_once_fitted_to_the_report(labels) -> None:
    for name, fig in every_chart(labels).items():
        width = fig.get_figwidth()
        small = [
            (t.get_text()[:30], round(shown_px(t.get_fontsize(), width), 1))
            for t in painted_texts(fig)
            if shown_px(t.get_fontsize(), width) < MIN_TEXT_PX
        ]
        assert small == [], name


def test_the_legibility_measure_can_fail() -> None:
    """The old 17-inch issue chart at 12 pt showed its text at about 11 px."""
    assert shown_px(12, 17.0) < MIN_TEXT_PX <= shown_px(12, 12.0)
    assert shown_px(12, 5.0) == pytest.approx(25.0)  # a narrow chart is shown at full size


# --- colour-blind readers -----------------------------------------------------------------------


def _confusable_pairs(count: int) -> list[tuple[int, int]]:
    seen = [deuteranopia(np.array(to_rgb(actor_colour(k)))) for k in range(count)]
    return [
        (i, j)
        for i, j in itertools.combinations(range(count), 2)
        if np.linalg.norm(seen[i] - seen[j]) < CONFUSABLE
    ]


def test_the_simulation_finds_the_pairs_that_were_reported_alike() -> None:
    """Issue 8: Ukraine/France and Russia/United States merge for a deuteranope (actors 2/4
    and 1/3 of the baseline). If the simulation did not see that, the next test would be
    toothless."""
    pairs = _confusable_pairs(len(ACTOR_COLOURS))
    assert (2, 4) in pairs and (1, 3) in pairs
    assert (0, 1) not in pairs  # blue and vermillion stay apart


def test_actors_a_deuteranope_cannot_tell_apart_by_colour_differ_in_style_and_marker() -> None:
    for i, j in _confusable_pairs(len(ACTOR_COLOURS)):
        assert actor_linestyle(i) != actor_linestyle(j), (i, j)
        assert actor_marker(i) != actor_marker(j), (i, j)
    looks = {(actor_colour(k), actor_linestyle(k), actor_marker(k)) for k in range(24)}
    assert len(looks) == 24  # colours repeat after eight actors, but no two actors look alike
    assert len({actor_marker(k) for k in range(len(ACTOR_COLOURS))}) == len(ACTOR_COLOURS)


def test_trajectory_lines_and_legend_carry_each_actors_marker_and_style(labels) -> None:
    fig = trajectories(make_positions(), labels, make_rounds())
    FigureCanvasAgg(fig).draw()
    panel = next(ax for ax in fig.axes if str(ax.get_gid()).startswith("positions:"))
    for k, actor in enumerate(("nato", "russia", "ukraine")):
        (line,) = [x for x in panel.lines if x.get_gid() == f"median:{actor}"]
        assert line.get_marker() == actor_marker(k)
        assert (
            line.get_linestyle() == {"-": "-", "--": "--", "-.": "-.", ":": ":"}[actor_linestyle(k)]
        )
    legend_markers = {h.get_label(): h.get_marker() for h in fig.legends[0].legend_handles}
    assert legend_markers["Russia"] == actor_marker(1)


# --- the agenda on round axes -------------------------------------------------------------------


def _numbers(fig: Figure) -> list[tuple[str, str]]:
    return [
        (str(t.get_gid()).split(":")[1], t.get_text())
        for ax in fig.axes
        for t in ax.texts
        if str(t.get_gid()).startswith("meeting_number:")
    ]


def _legend_text(fig: Figure) -> str:
    return " | ".join(t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts())


def test_meetings_are_numbered_above_each_panel_and_named_in_the_key(labels) -> None:
    fig = trajectories(make_positions(), labels, make_rounds())
    panels = [ax for ax in fig.axes if str(ax.get_gid()).startswith("positions:")]
    assert _numbers(fig) == [("geneva", "1"), ("vienna", "2")] * len(panels)
    key = _legend_text(fig)
    assert "1  Strategic stability talks, Geneva (rounds 1-3)" in key
    assert "2  OSCE Permanent Council, Vienna (rounds 4-6)" in key
    tension = tension_and_endings(make_rounds(), labels=labels)
    assert _numbers(tension) == [("geneva", "1"), ("vienna", "2")] * 2
    assert "2  OSCE Permanent Council, Vienna (rounds 4-6)" in _legend_text(tension)


def test_a_meeting_played_again_is_numbered_again_and_marked_continued(labels) -> None:
    rounds = make_rounds()
    rounds["meeting"] = ["geneva", "geneva", "vienna", "vienna", "geneva", "geneva"]
    fig = tension_and_endings(rounds, labels=labels)
    assert [n for _, n in _numbers(fig)][:3] == ["1", "2", "3"]
    assert "3  Strategic stability talks, Geneva (continued) (rounds 5-6)" in _legend_text(fig)


def test_without_meeting_names_the_key_falls_back_to_ids_and_one_meeting_gets_no_key() -> None:
    fig = tension_and_endings(make_rounds())
    assert "2  vienna (rounds 4-6)" in _legend_text(fig)
    single = make_rounds().assign(meeting="geneva")
    fig = tension_and_endings(single)
    assert _numbers(fig) == [] and "Meetings" not in _legend_text(fig)


# --- an issue never settled ---------------------------------------------------------------------


def _never_settled_notes(fig: Figure) -> dict[str, str]:
    return {
        str(ax.get_gid()).split(":")[1]: t.get_text().replace("\n", " ")
        for ax in fig.axes
        for t in ax.texts
        if t.get_gid() == "never_settled"
    }


def test_an_empty_issue_panel_says_why_in_words(labels) -> None:
    outcomes = make_outcomes(1)
    outcomes["settled_enlargement"] = False
    outcomes["value_enlargement"] = 90.0
    notes = _never_settled_notes(issue_values(outcomes, labels))
    assert list(notes) == ["enlargement"]  # the panels with bars carry no such note
    assert notes["enlargement"].startswith("Never settled in any run:")
    reason = "Russia accepts nothing above 30 and NATO accepts nothing below 90"
    blocked = replace(labels, never_settled={"enlargement": reason})
    notes = _never_settled_notes(issue_values(outcomes, blocked))
    assert notes["enlargement"] == f"Never settled in any run. {reason}."
