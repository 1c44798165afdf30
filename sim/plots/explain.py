"""The chart of ``negsim explain``: what drives an outcome, and where it is concentrated."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.plots import style
from sim.plots.sweep import short_path

MAX_BARS = 10
MAX_DOTS = 4000


def explain_chart(
    ranking: pd.DataFrame,
    measure: str,
    inputs: pd.DataFrame,
    interest: np.ndarray,
    limits: dict[str, tuple[float, float]],
    outcome: str,
    *,
    title: str,
) -> Figure:
    """Left: the inputs ranked by ``measure``. Right: the cases of interest over the two inputs
    the PRIM box restricts first (or the top two ranked), with the box drawn."""
    fig = style.new_figure(12.0, 5.8)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.1])
    top = ranking.head(MAX_BARS).iloc[::-1]
    colour = style.outcome_colour(outcome)
    style.style_axes(left, grid_axis="x")
    left.barh(np.arange(len(top)), top[measure], color=colour, edgecolor="#333333")
    left.set_yticks(np.arange(len(top)), [short_path(p, 30) for p in top["parameter"]])
    left.set_xlabel(
        "total Sobol index" if measure == "ST" else "correlation ratio (share of variance)",
        fontsize=style.LABEL_SIZE,
    )
    left.set_title("What drives it", fontsize=style.SUBTITLE_SIZE)
    names = list(limits)[:2]
    for p in ranking["parameter"]:
        if len(names) < 2 and p not in names:
            names.append(p)
    style.style_axes(right, grid_axis=None)
    right.set_title("Where it happens (PRIM box)", fontsize=style.SUBTITLE_SIZE)
    if len(names) == 2:
        x, y = inputs[names[0]].to_numpy()[:MAX_DOTS], inputs[names[1]].to_numpy()[:MAX_DOTS]
        hit = interest[:MAX_DOTS]
        right.scatter(x[~hit], y[~hit], s=8, color=style.LIGHT, label="other cases")
        right.scatter(x[hit], y[hit], s=8, color=colour, label=style.outcome_name(outcome))
        xlo, xhi = limits.get(names[0], (x.min(), x.max()))
        ylo, yhi = limits.get(names[1], (y.min(), y.max()))
        if limits:
            right.add_patch(
                Rectangle(
                    (xlo, ylo),
                    xhi - xlo,
                    yhi - ylo,
                    fill=False,
                    linewidth=2.5,
                    edgecolor="black",
                    label="PRIM box",
                )
            )
        right.set_xlabel(short_path(names[0], 40), fontsize=style.LABEL_SIZE)
        right.set_ylabel(short_path(names[1], 30), fontsize=style.LABEL_SIZE)
        right.legend(loc="upper right", **style.legend_kwargs(framealpha=0.9, frameon=True))
    elif len(names) == 1:
        _one_input(right, inputs[names[0]].to_numpy(), interest, limits.get(names[0]), outcome)
        right.set_xlabel(short_path(names[0], 40), fontsize=style.LABEL_SIZE)
    else:
        right.text(
            0.5,
            0.5,
            "no input varies",
            ha="center",
            va="center",
            fontsize=style.NOTE_SIZE,
            transform=right.transAxes,
        )
        right.set_axis_off()
    style.set_title(fig, title)
    return fig


def _one_input(ax, x: np.ndarray, interest: np.ndarray, box, outcome: str) -> None:
    """The share of cases of interest along the one input that varies, with the box shaded."""
    distinct = np.unique(x)
    if len(distinct) <= 20:  # a grid's values
        which, centres = np.searchsorted(distinct, x), distinct
    else:  # twenty equal-count bins
        edges = np.unique(np.quantile(x, np.linspace(0, 1, 21)))
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
        centres = (edges[:-1] + edges[1:]) / 2
    counts = np.bincount(which, minlength=len(centres))
    hits = np.bincount(which, weights=interest.astype(float), minlength=len(centres))
    keep = counts > 0
    centres, share = centres[keep], hits[keep] / counts[keep]
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    if box is not None:
        ax.axvspan(box[0], box[1], color=style.LIGHT, alpha=0.5, label="PRIM box")
    ax.plot(
        centres,
        100 * share,
        color=style.outcome_colour(outcome),
        marker="o",
        linewidth=2,
        label=style.outcome_name(outcome),
    )
    ax.set_ylabel("cases of interest (%)", fontsize=style.LABEL_SIZE)
    ax.set_ylim(-2, 102)
    ax.legend(loc="best", **style.legend_kwargs(framealpha=0.9, frameon=True))
