"""The page's two charts: outcome shares beside the unmodified scenario's, and positions by round.

Like every chart in negsim they take results and never run a simulation; they follow the
house style (Okabe-Ito colours, actors told apart by line style and marker too).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.model.outcomes import OUTCOMES
from sim.plots.style import (
    LABEL_SIZE,
    LEGEND_SIZE,
    ROUND_LABEL,
    TITLE_SIZE,
    actor_colour,
    actor_linestyle,
    outcome_colour,
    style_axes,
)

from .compute import Distribution

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def page_figure(width: float, height: float, right: float = 0.97) -> Figure:
    """A figure with fixed margins: a constrained layout costs about 0.4 s a chart, too slow
    for a page that redraws within a second of a slider move."""
    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=0.1, right=right, top=0.88, bottom=0.2)
    return fig


def distribution_chart(
    moved: Distribution,
    base: Distribution,
    labels: tuple[str, str] = ("unmodified", "with the levers"),
) -> Figure:
    """Shares with 95% intervals: the unmodified scenario hatched, the levers' result solid."""
    fig = page_figure(9, 3.8, right=0.76)
    ax = fig.add_subplot()
    x = np.arange(len(OUTCOMES))
    width = 0.38
    for offset, dist, hatch, label in (
        (-width / 2, base, "//", labels[0]),
        (width / 2, moved, "", labels[1]),
    ):
        share = np.array([100 * dist.shares[o] for o in OUTCOMES])
        err = np.array(
            [
                [100 * (dist.shares[o] - dist.low[o]) for o in OUTCOMES],
                [100 * (dist.high[o] - dist.shares[o]) for o in OUTCOMES],
            ]
        )
        ax.bar(
            x + offset,
            share,
            width,
            color=[outcome_colour(o) for o in OUTCOMES],
            hatch=hatch,
            edgecolor="#333333",
            alpha=0.55 if hatch else 1.0,
            label=label,
        )
        ax.errorbar(x + offset, share, yerr=err, fmt="none", ecolor="black", capsize=3)
    ax.set_xticks(x, [o.replace("_", "\n") for o in OUTCOMES], fontsize=LABEL_SIZE - 1)
    ax.set_ylabel("share of runs (%)", fontsize=LABEL_SIZE)
    ax.set_ylim(0, 100)
    style_axes(ax)
    handles = [
        Patch(facecolor="#DDDDDD", edgecolor="#333333", hatch="//", label=labels[0]),
        Patch(facecolor="#777777", edgecolor="#333333", label=labels[1]),
        Line2D([], [], color="black", marker="_", linestyle="none", label="95% interval"),
    ]
    ax.legend(
        handles=handles,
        fontsize=LEGEND_SIZE - 1,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
    )
    ax.set_title(
        f"How the runs end ({labels[0]}: {base.runs:,}; {labels[1]}: {moved.runs:,})",
        fontsize=TITLE_SIZE - 2,
        loc="left",
    )
    return fig


def positions_chart(
    history: np.ndarray, actors: list[str], issue: str, k: int, horizon: int
) -> Figure:
    """Each actor's announced position on issue ``k`` before each round and after the last,
    on an axis as long as the agenda, so it does not rescale as the run is stepped."""
    fig = page_figure(9, 3.6, right=0.74)
    ax = fig.add_subplot()
    rounds = np.arange(history.shape[0])
    for i, name in enumerate(actors):
        ax.plot(
            rounds,
            history[:, i, k],
            color=actor_colour(i),
            linestyle=actor_linestyle(i),
            marker=MARKERS[i % len(MARKERS)],
            label=name,
        )
    ax.set_xlabel(f"{ROUND_LABEL} (0 = before the talks)", fontsize=LABEL_SIZE)
    ax.set_ylabel("position (0-100 scale)", fontsize=LABEL_SIZE)
    ax.set_ylim(-2, 102)
    ax.set_xlim(0, horizon)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    style_axes(ax)
    ax.legend(fontsize=LEGEND_SIZE - 2, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
    ax.set_title(f"Positions on {issue}", fontsize=TITLE_SIZE, loc="left")
    return fig
