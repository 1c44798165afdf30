"""Charts are checked against small hand-made result tables (docs/results.md), never live runs."""

from __future__ import annotations

import itertools
import struct
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.text import Text

from sim.plots import (
    ScenarioLabels,
    issue_values,
    outcome_differences,
    outcome_distribution,
    save_figure,
    tension_and_endings,
    trajectories,
)
from sim.plots.labels import distribution_mean
from sim.plots.style import actor_colour, outcome_colour

OUTCOMES = ["agreement", "partial_agreement", "stalemate", "breakdown", "armed_conflict"]
PLAIN = ["Agreement", "Partial agreement", "Stalemate", "Breakdown", "Armed conflict"]
ISSUES = ["enlargement", "troops", "sanctions"]
ACTORS = ["nato", "russia", "ukraine"]
H = 6

RESOLVED = {
    "id": "tiny",
    "title": "Tiny test scenario",
    "issues": [
        {
            "id": "enlargement",
            "name": "Further NATO enlargement to the east of Europe",
            "low": "No further enlargement",
            "high": "Open door for Ukraine and Georgia",
            "status_quo": 90,
        },
        {
            "id": "troops",
            "name": "Troops",
            "low": "Withdrawn",
            "high": "Massed",
            "status_quo": {"normal": [80, 5]},
        },
        {
            "id": "sanctions",
            "name": "Sanctions",
            "low": "Lifted",
            "high": "Maximal",
            "status_quo": {"uniform": [30, 50]},
        },
    ],
    "actors": [
        {
            "id": "nato",
            "name": "NATO",
            "positions": {
                "enlargement": {"position": 95, "salience": 0.5},
                "troops": {"position": {"triangular": [0, 6, 12]}},
                "sanctions": {"position": 60},
            },
        },
        {
            "id": "russia",
            "name": "Russia",
            "positions": {
                "enlargement": {"position": {"beta": [1, 9]}},
                "troops": {"position": 85},
                "sanctions": {"position": 0},
            },
        },
        {
            "id": "ukraine",
            "name": "Ukraine",
            "positions": {
                "enlargement": {"position": 100},
                "troops": {"position": {"normal": [-5, 3]}},
                "sanctions": {"position": 90},
            },
        },
    ],
}


def make_summary(shares: list[float], runs: int) -> dict:
    counts = [round(s * runs) for s in shares]
    return {
        "scenario": "tiny",
        "runs": runs,
        "seed": 7,
        "outcomes": OUTCOMES,
        "outcome_shares": dict(zip(OUTCOMES, shares, strict=True)),
        "outcome_counts": dict(zip(OUTCOMES, counts, strict=True)),
        "ci95": {
            o: [max(0.0, s - 0.05), min(1.0, s + 0.07)]
            for o, s in zip(OUTCOMES, shares, strict=True)
        },
        "mean_rounds": 4.2,
        "issue_quantiles": {},
    }


def make_outcomes(seed: int, runs: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "run": np.arange(runs),
            "outcome": rng.choice(OUTCOMES, size=runs),
            "rounds": rng.integers(1, H + 1, size=runs),
        }
    )
    for issue, sq in zip(ISSUES, (90.0, 80.0, 40.0), strict=True):
        settled = rng.random(runs) < 0.4
        frame[f"settled_{issue}"] = settled
        frame[f"value_{issue}"] = np.where(settled, rng.uniform(0, 100, runs).round(1), sq)
    for actor in ACTORS:
        frame[f"utility_{actor}"] = rng.uniform(-1, 1, runs)
    return frame


def make_rounds(shift: float = 0.0) -> pd.DataFrame:
    rounds = np.arange(1, H + 1)
    t = 0.3 + 0.05 * rounds + shift
    frame = pd.DataFrame(
        {
            "round": rounds,
            "meeting": ["geneva"] * 3 + ["vienna"] * 3,
            "active": [40, 36, 30, 25, 20, 18],
            "tension_q05": t - 0.2,
            "tension_q25": t - 0.1,
            "tension_q50": t,
            "tension_q75": t + 0.1,
            "tension_q95": np.minimum(1.0, t + 0.2),
        }
    )
    frame["cum_agreement"] = np.linspace(0.02, 0.2, H)
    frame["cum_partial_agreement"] = [0, 0, 0, 0, 0, 0.1]
    frame["cum_stalemate"] = [0, 0, 0, 0, 0, 0.2]
    frame["cum_breakdown"] = np.linspace(0.0, 0.15, H)
    frame["cum_armed_conflict"] = np.linspace(0.0, 0.1, H)
    return frame


def make_positions() -> pd.DataFrame:
    rows = []
    for a, actor in enumerate(ACTORS):
        for i, issue in enumerate(ISSUES):
            for r in range(H + 1):
                m = 10.0 + 30 * a + 5 * i + r
                rows.append(
                    {
                        "round": r,
                        "actor": actor,
                        "issue": issue,
                        "q05": m - 8,
                        "q25": m - 4,
                        "q50": m,
                        "q75": m + 4,
                        "q95": m + 8,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture
def labels() -> ScenarioLabels:
    return ScenarioLabels.from_resolved(RESOLVED)


@pytest.fixture
def summaries() -> dict[str, dict]:
    return {
        "Baseline": make_summary([0.2, 0.3, 0.25, 0.15, 0.1], 1000),
        "Guarantees": make_summary([0.4, 0.2, 0.2, 0.15, 0.05], 800),
    }


@pytest.fixture
def diff() -> pd.DataFrame:
    rows = []
    for scenario, sign in (("Guarantees", 1.0), ("Threats", -1.0)):
        for k, outcome in enumerate(OUTCOMES):
            d = sign * (0.02 * k - 0.03)
            rows.append(
                {
                    "scenario": scenario,
                    "outcome": outcome,
                    "difference": d,
                    "ci_low": d - 0.025,
                    "ci_high": d + 0.025,
                    "significant": abs(d) > 0.025,
                }
            )
    return pd.DataFrame(rows)


def drawn(fig: Figure) -> Figure:
    FigureCanvasAgg(fig).draw()
    return fig


def axes_by_gid(fig: Figure, prefix: str) -> list[Axes]:
    return [ax for ax in fig.axes if str(ax.get_gid()).startswith(prefix)]


def lines_by_gid(ax: Axes, prefix: str) -> list:
    return [line for line in ax.lines if str(line.get_gid()).startswith(prefix)]


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes overlap by more than a pixel each way, and texts that
    run off the figure (paired with "edge").

    Texts are recorded as they are drawn, so tick labels outside the view and hidden texts,
    which matplotlib keeps but never paints, are left out.
    """
    painted: list[tuple[str, object]] = []
    original = Text.draw

    def recording(self: Text, renderer: object) -> None:
        original(self, renderer)
        if self.get_visible() and self.get_text().strip():
            painted.append((self.get_text(), self.get_window_extent(renderer)))

    with patch.object(Text, "draw", recording):
        FigureCanvasAgg(fig).draw()
    page = fig.bbox
    clashes = [
        (text, "edge")
        for text, box in painted
        if box.x0 < page.x0 - 1
        or box.x1 > page.x1 + 1
        or box.y0 < page.y0 - 1
        or box.y1 > page.y1 + 1
    ]
    for (a, box_a), (b, box_b) in itertools.combinations(painted, 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > 1 and dy > 1:
            clashes.append((a, b))
    return clashes


# --- labels -----------------------------------------------------------------------------------


def test_labels_mark_the_mean_of_each_distribution(labels: ScenarioLabels) -> None:
    ideals = {a.id: a.ideals for a in labels.actors}
    assert ideals["nato"]["troops"] == pytest.approx(6.0)  # triangular (0+6+12)/3
    assert ideals["russia"]["enlargement"] == pytest.approx(10.0)  # beta 100*1/(1+9)
    assert ideals["ukraine"]["troops"] == 0.0  # a normal mean below the scale marks the end
    assert [i.status_quo for i in labels.issues] == [90.0, 80.0, 40.0]
    assert labels.issues[0].low == "No further enlargement"
    assert labels.title == "Tiny test scenario"


@pytest.mark.parametrize("bad", [{"lognormal": [1, 2]}, {"normal": [1]}, "ten", True])
def test_unknown_distributions_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        distribution_mean(bad)


# --- outcome distribution ---------------------------------------------------------------------


def test_outcome_bars_show_shares_and_wilson_intervals(summaries: dict) -> None:
    summary = summaries["Baseline"]
    fig = drawn(outcome_distribution({"Baseline": summary}))
    (ax,) = fig.axes
    assert fig.get_suptitle()
    assert ax.get_ylabel() == "Share of runs (%)"
    assert [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()] == PLAIN
    assert "1,000 runs" in ax.get_title()
    (bars,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    heights = [p.get_height() for p in bars.patches]
    assert heights == pytest.approx([100 * summary["outcome_shares"][o] for o in OUTCOMES])
    assert [to_hex(p.get_facecolor()) for p in bars.patches] == [
        to_hex(outcome_colour(o)) for o in OUTCOMES
    ]
    (errors,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    segments = errors.lines[2][0].get_segments()
    spans = [(min(s[:, 1]), max(s[:, 1])) for s in segments]
    expected = [(100 * summary["ci95"][o][0], 100 * summary["ci95"][o][1]) for o in OUTCOMES]
    assert np.allclose(spans, expected)


def test_several_scenarios_are_grouped_on_one_axis(summaries: dict) -> None:
    fig = drawn(outcome_distribution(summaries))
    assert len(fig.axes) == 1
    groups = [c for c in fig.axes[0].containers if isinstance(c, BarContainer)]
    assert len(groups) == 2
    # Same outcome, same colour; scenarios told apart by hatching.
    for a, b in zip(groups[0].patches, groups[1].patches, strict=True):
        assert to_hex(a.get_facecolor()) == to_hex(b.get_facecolor())
        assert a.get_hatch() != b.get_hatch()
    assert [p.get_height() for p in groups[1].patches] == pytest.approx([40, 20, 20, 15, 5])
    legend_text = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "Guarantees (n = 800 runs)" in legend_text


def test_a_lone_summary_is_accepted(summaries: dict) -> None:
    fig = outcome_distribution(summaries["Baseline"])
    assert len([c for c in fig.axes[0].containers if isinstance(c, BarContainer)]) == 1


# --- issue values -----------------------------------------------------------------------------


def test_issue_panels_mark_status_quo_and_ideals(labels: ScenarioLabels) -> None:
    outcomes = make_outcomes(1)
    fig = drawn(issue_values({"Baseline": outcomes}, labels))
    assert fig.get_suptitle()
    panels = axes_by_gid(fig, "values:")
    assert len(panels) == len(ISSUES)
    for ax, issue in zip(panels, labels.issues, strict=True):
        assert ax.get_xlim() == (0.0, 100.0)
        assert "0-100 scale" in ax.get_xlabel()
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert issue.low.split()[0] in ticks[0] and issue.high.split()[0] in ticks[-1]
        (sq,) = lines_by_gid(ax, "status_quo_line")
        assert sq.get_xdata()[0] == pytest.approx(issue.status_quo)
        # Bars are shares of all runs, so together they are the share settled.
        settled = 100 * outcomes[f"settled_{issue.id}"].mean()
        assert sum(p.get_height() for p in ax.patches) == pytest.approx(settled)
    (strip,) = axes_by_gid(fig, "ideals:enlargement")
    names = {t.get_text() for t in strip.texts if str(t.get_gid()).startswith("name:")}
    assert names == {"NATO", "Russia", "Ukraine", "status quo"}
    (note,) = [t.get_text() for t in strip.texts if t.get_gid() == "settled"]
    share = 100 * outcomes["settled_enlargement"].mean()
    assert f"settled in {share:.0f}% of runs" in note.replace("\n", " ")
    (ideal,) = lines_by_gid(strip, "ideal:russia")
    assert ideal.get_xdata()[0] == pytest.approx(10.0)
    assert to_hex(ideal.get_color()) == to_hex(actor_colour(1))


def test_issue_panels_share_axes_across_issues_and_scenarios(labels: ScenarioLabels) -> None:
    fig = drawn(issue_values({"Baseline": make_outcomes(1), "Variant": make_outcomes(2)}, labels))
    panels = axes_by_gid(fig, "values:")
    assert len({ax.get_ylim() for ax in panels}) == 1
    assert len({ax.get_xlim() for ax in panels}) == 1
    # Both scenarios are drawn in each panel, and named in the legend.
    assert all(len({str(p.get_gid()) for p in ax.patches}) == 2 for ax in panels)
    assert {t.get_text() for t in fig.legends[0].get_texts()} == {"Baseline", "Variant"}


def test_ideal_names_never_overlap_even_when_ideals_coincide() -> None:
    crowded = dict(
        RESOLVED,
        actors=[
            {"id": f"a{k}", "name": f"Actor number {k}", "positions": {"troops": {"position": 50}}}
            for k in range(6)
        ],
    )
    fig = issue_values(make_outcomes(3), ScenarioLabels.from_resolved(crowded))
    assert overlapping_texts(fig) == []


# --- trajectories -----------------------------------------------------------------------------


def test_trajectories_draw_median_and_two_bands_per_actor(labels: ScenarioLabels) -> None:
    positions = make_positions()
    fig = drawn(trajectories(positions, labels, make_rounds()))
    panels = axes_by_gid(fig, "positions:")
    assert len(panels) == len(ISSUES)
    for ax, issue in zip(panels, ISSUES, strict=True):
        assert ax.get_ylim() == (0.0, 100.0)
        assert ax.get_xlim() == (0.0, H)
        for k, actor in enumerate(ACTORS):
            (median,) = lines_by_gid(ax, f"median:{actor}")
            rows = positions[(positions.issue == issue) & (positions.actor == actor)]
            assert np.allclose(median.get_ydata(), rows["q50"])
            assert to_hex(median.get_color()) == to_hex(actor_colour(k))
            bands = [c for c in ax.collections if c.get_gid() == f"band:{actor}"]
            assert len(bands) == 2 and all(isinstance(b, PolyCollection) for b in bands)
        # Meetings change once (geneva -> vienna after round 3).
        assert [line.get_xdata()[0] for line in lines_by_gid(ax, "meeting_boundary")] == [3.5]
    assert panels[0].get_ylabel() == "position on 0-100 scale"
    assert panels[-1].get_xlabel() == "round"


def test_trajectories_without_rounds_mark_no_meetings(labels: ScenarioLabels) -> None:
    fig = trajectories(make_positions(), labels)
    assert not any(lines_by_gid(ax, "meeting_boundary") for ax in fig.axes)


# --- tension and endings ----------------------------------------------------------------------


def test_tension_and_cumulative_endings(labels: ScenarioLabels) -> None:
    rounds = make_rounds()
    fig = drawn(tension_and_endings({"Baseline": rounds}))
    (tension,) = axes_by_gid(fig, "tension")
    (endings,) = axes_by_gid(fig, "endings")
    assert tension.get_ylim() == (0.0, 1.0)
    assert "0-1" in tension.get_ylabel() and "%" in endings.get_ylabel()
    assert tension.get_xlabel() == endings.get_xlabel() == "round"
    (median,) = lines_by_gid(tension, "tension_median")
    assert np.allclose(median.get_ydata(), rounds["tension_q50"])
    for outcome in ("agreement", "breakdown", "armed_conflict"):
        (line,) = lines_by_gid(endings, f"cum:{outcome}:")
        assert np.allclose(line.get_ydata(), 100 * rounds[f"cum_{outcome}"])
        assert to_hex(line.get_color()) == to_hex(outcome_colour(outcome))
    assert endings.get_ylim()[1] >= 20.0


def test_tension_for_several_scenarios_shares_axes() -> None:
    longer = pd.concat([make_rounds(0.1), make_rounds(0.1).tail(1).assign(round=H + 1)])
    fig = tension_and_endings({"Baseline": make_rounds(), "Variant": longer})
    tension, endings = axes_by_gid(fig, "tension")[0], axes_by_gid(fig, "endings")[0]
    assert tension.get_xlim() == endings.get_xlim() == (1.0, H + 1)
    assert len(lines_by_gid(tension, "tension_median")) == 2
    styles = {line.get_linestyle() for line in lines_by_gid(endings, "cum:agreement:")}
    assert len(styles) == 2


# --- differences ------------------------------------------------------------------------------


def test_differences_are_in_percentage_points_with_intervals(diff: pd.DataFrame) -> None:
    fig = drawn(outcome_differences(diff, baseline="Baseline"))
    (ax,) = fig.axes
    assert "Baseline" in fig.get_suptitle()
    assert "percentage points" in ax.get_xlabel()
    assert lines_by_gid(ax, "zero")[0].get_xdata()[0] == 0.0
    points = lines_by_gid(ax, "point")
    whiskers = lines_by_gid(ax, "whisker")
    assert len(points) == len(whiskers) == len(diff)
    assert np.allclose([p.get_xdata()[0] for p in points], 100 * diff["difference"])
    assert np.allclose([w.get_xdata() for w in whiskers], 100 * diff[["ci_low", "ci_high"]])
    hollow = [to_hex(p.get_markerfacecolor()) == "#ffffff" for p in points]
    assert hollow == list(~diff["significant"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels.count("Agreement") == 2 and "Guarantees" in labels and "Threats" in labels


def test_differences_need_their_columns(diff: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="ci_low"):
        outcome_differences(diff.drop(columns="ci_low"), baseline="Baseline")


# --- every chart ------------------------------------------------------------------------------


@pytest.fixture
def every_chart(labels: ScenarioLabels, summaries: dict, diff: pd.DataFrame) -> dict[str, Figure]:
    return {
        "outcomes": outcome_distribution(summaries),
        "issues": issue_values({"A": make_outcomes(1), "B": make_outcomes(2)}, labels),
        "trajectories": trajectories(make_positions(), labels, make_rounds()),
        "tension": tension_and_endings({"A": make_rounds(), "B": make_rounds(0.1)}),
        "differences": outcome_differences(diff, baseline="Baseline"),
    }


def test_every_chart_is_titled_readable_and_uncluttered(every_chart: dict) -> None:
    for name, fig in every_chart.items():
        drawn(fig)
        assert 14 <= fig._suptitle.get_fontsize() <= 16, name
        for ax in fig.axes:
            if not ax.get_visible() or not ax.axison:
                continue
            assert all(t.get_fontsize() >= 11 for t in ax.get_xticklabels()), name
            assert all(t.get_fontsize() >= 11 for t in ax.get_yticklabels()), name
            # A panel above another that shares its x axis shows neither ticks nor label.
            assert ax.get_xlabel() or not ax.get_xticklabels(), name
        assert overlapping_texts(fig) == [], name


def test_save_figure_writes_a_150_dpi_png(tmp_path, summaries: dict) -> None:
    fig = outcome_distribution(summaries)
    path = save_figure(fig, tmp_path / "charts" / "outcomes.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    inches = fig.get_size_inches()
    assert (width, height) == (round(inches[0] * 150), round(inches[1] * 150))


def test_charts_are_not_registered_with_pyplot(summaries: dict) -> None:
    import sys

    outcome_distribution(summaries)
    if "matplotlib.pyplot" in sys.modules:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == []


def test_charts_refuse_empty_input(labels: ScenarioLabels) -> None:
    with pytest.raises(ValueError):
        outcome_distribution({})
    with pytest.raises(ValueError):
        issue_values({"A": make_outcomes(1).drop(columns=[f"value_{i}" for i in ISSUES])}, labels)


def test_the_overlap_check_sees_overlaps_and_overflow() -> None:
    fig = Figure()
    fig.text(0.5, 0.5, "one label")
    fig.text(0.52, 0.5, "another label")
    fig.text(0.9, 0.1, "runs off the right edge")
    assert overlapping_texts(fig) == [
        ("runs off the right edge", "edge"),
        ("one label", "another label"),
    ]


@pytest.mark.parametrize("issues", [1, 2, 4])
def test_few_issues_still_fit(issues: int) -> None:
    small = dict(
        RESOLVED,
        issues=RESOLVED["issues"][:issues],
        title="A long scenario title that would not fit across one narrow panel",
    )
    labels = ScenarioLabels.from_resolved(small)
    positions = make_positions()
    positions = positions[positions.issue.isin(ISSUES[:issues])]
    for fig in (issue_values(make_outcomes(1), labels), trajectories(positions, labels)):
        assert overlapping_texts(fig) == []
