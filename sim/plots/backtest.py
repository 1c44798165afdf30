"""Charts of a backtest: forecasts against real outcomes, and errors against how far the
outcome moved from the status quo. Both take the forecasts table (docs/backtest.md)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plots import style

PREDICTOR_NAMES = {
    "negsim": "negsim (mean of runs)",
    "weighted_mean": "Salience-weighted mean",
    "capability_weighted_mean": "Capability-weighted mean",
    "median_actor": "Median actor",
    "status_quo": "Status quo (reference point)",
}
MOVE_BINS = (0, 10, 30, 60, 100)


def predictor_name(predictor: str) -> str:
    return PREDICTOR_NAMES.get(predictor, predictor.replace("_", " ").capitalize() + " mechanism")


def predictor_colour(index: int) -> str:
    return style.actor_colour(index)


def _predictors(forecasts: pd.DataFrame) -> list[str]:
    return [c.removeprefix("forecast_") for c in forecasts if c.startswith("forecast_")]


def forecast_vs_outcome(forecasts: pd.DataFrame, *, source: str = "") -> Figure:
    """One panel per predictor: each issue's forecast against the outcome the law took.

    Points on the diagonal are perfect forecasts; negsim's panel draws its 10-90% run interval
    as a vertical bar, so a wide spread of runs is visible beside a miss.
    """
    names = _predictors(forecasts)
    rows, cols = style.grid_shape(len(names))
    fig = style.new_figure(style.MAX_WIDTH if cols > 1 else 6.5, 4.6 * rows + 0.8)
    y = forecasts["outcome"].to_numpy(float)
    for k, p in enumerate(names):
        ax = fig.add_subplot(rows, cols, k + 1)
        style.style_axes(ax, grid_axis="both")
        f = forecasts[f"forecast_{p}"].to_numpy(float)
        ok = ~np.isnan(f)
        if p == "negsim" and "negsim_q10" in forecasts:
            lo, hi = (
                forecasts["negsim_q10"].to_numpy(float),
                forecasts["negsim_q90"].to_numpy(float),
            )
            ax.vlines(y, lo, hi, color=style.LIGHT, linewidth=1.0, zorder=1)
        ax.plot([0, 100], [0, 100], color=style.NEUTRAL, linewidth=1, linestyle="--", zorder=1)
        ax.scatter(
            y[ok], f[ok], s=22, color=predictor_colour(k), alpha=0.75, edgecolor="none", zorder=2
        )
        mae = np.abs(f[ok] - y[ok]).mean() if ok.any() else np.nan
        ax.set_title(
            style.wrap(predictor_name(p), 34) + f"\nMAE {mae:.1f}, n = {ok.sum()}",
            fontsize=style.SUBTITLE_SIZE,
        )
        ax.set_xlim(-4, 104)
        ax.set_ylim(-4, 104)
        ax.set_xlabel("real outcome (0-100 scale)", fontsize=style.LABEL_SIZE)
        ax.set_ylabel("forecast (0-100 scale)", fontsize=style.LABEL_SIZE)
    title = "Forecast against the real outcome, per issue (dashed: perfect forecast)"
    style.set_title(fig, title)
    if source:
        fig.supxlabel(source, x=0.01, ha="left", fontsize=style.NOTE_SIZE, color=style.NEUTRAL)
    return fig


def error_vs_movement(forecasts: pd.DataFrame, *, source: str = "") -> Figure:
    """Mean absolute error by how far the outcome moved from the reference point.

    A forecaster that clings to the status quo does well when little moved and badly when much
    did; the status quo's own line is the diagonal. Only issues with a coded reference point.
    """
    coded = forecasts.dropna(subset=["reference_point"])
    moved = (coded["outcome"] - coded["reference_point"]).abs().to_numpy(float)
    bins = np.digitize(moved, MOVE_BINS[1:-1], right=True)
    centres = [(a + b) / 2 for a, b in itertools.pairwise(MOVE_BINS)]
    fig = style.new_figure(style.MAX_WIDTH, 6.8)
    ax = fig.add_subplot()
    style.style_axes(ax, grid_axis="both")
    names = _predictors(forecasts)
    for k, p in enumerate(names):
        err = (coded[f"forecast_{p}"] - coded["outcome"]).abs().to_numpy(float)
        means = [
            err[bins == b].mean() if (bins == b).any() else np.nan for b in range(len(centres))
        ]
        ax.plot(
            centres,
            means,
            marker="os^Dvx<>"[k % 8],
            markersize=8,
            linewidth=2.2 if p == "negsim" else 1.5,
            linestyle=style.actor_linestyle(k) if p != "status_quo" else ":",
            color=predictor_colour(k),
            label=predictor_name(p),
        )
    counts = [int((bins == b).sum()) for b in range(len(centres))]
    ax.set_xticks(centres)
    ax.set_xticklabels(
        [
            f"{a}-{b}\n(n = {n})"
            for a, b, n in zip(MOVE_BINS[:-1], MOVE_BINS[1:], counts, strict=True)
        ]
    )
    ax.set_xlabel(
        "how far the outcome moved from the reference point (scale points)",
        fontsize=style.LABEL_SIZE,
    )
    ax.set_ylabel("mean absolute error (scale points)", fontsize=style.LABEL_SIZE)
    ax.set_ylim(bottom=0)
    ax.legend(**style.legend_kwargs(loc="upper left"))
    style.set_title(fig, "Forecast error by how far the outcome moved from the status quo")
    if source:
        fig.supxlabel(source, x=0.01, ha="left", fontsize=style.NOTE_SIZE, color=style.NEUTRAL)
    return fig
