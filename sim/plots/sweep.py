"""Charts of a sweep: shares against a varied parameter, a heat map for two, and a tornado.

They take the sweep's tables (points.csv, effects.csv) and never run anything. Shares are in
per cent; bands are 95% Wilson intervals of the runs pooled at each value of the parameter
(over the other varied parameters when there are several, which the subtitle says).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis import wilson
from sim.plots import style

MAX_BINS = 10
MAX_PANELS = 6


def short_path(path: str, width: int = 28) -> str:
    """A path wrapped at its dots so an axis label stays within its panel."""
    return style.wrap(path.replace(".", ". "), width).replace(". ", ".")


def _bins(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each point's bin and the bins' centres: the distinct values of a grid, or up to
    MAX_BINS equal-count bins for a sampled design."""
    distinct = np.unique(values.to_numpy(dtype=float))
    if len(distinct) <= MAX_BINS:
        return np.searchsorted(distinct, values.to_numpy(dtype=float)), distinct
    edges = np.unique(np.quantile(values, np.linspace(0, 1, MAX_BINS + 1)))
    which = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(edges) - 2)
    centres = np.array([values[which == b].mean() for b in range(len(edges) - 1)])
    return which, centres


def pooled(points: pd.DataFrame, path: str, outcome: str) -> pd.DataFrame:
    """Share of ``outcome`` at each value (or bin) of ``path``, pooled over the other points,
    with its Wilson interval."""
    ok = points[points["status"] == "ok"]
    which, centres = _bins(ok[path].reset_index(drop=True))
    runs = ok["runs"].to_numpy(dtype=float)
    hits = ok[f"share_{outcome}"].to_numpy(dtype=float) * runs
    rows = []
    for b, centre in enumerate(centres):
        n = round(runs[which == b].sum())
        k = round(hits[which == b].sum())
        low, high = wilson(k, n)
        rows.append(
            {
                "value": centre,
                "share": k / n if n else np.nan,
                "low": float(low),
                "high": float(high),
                "runs": n,
            }
        )
    return pd.DataFrame(rows)


def _present(points: pd.DataFrame) -> list[str]:
    """Outcomes some point reaches: the others would be flat lines at zero."""
    return [o for o in style.OUTCOMES if f"share_{o}" in points and points[f"share_{o}"].max() > 0]


def share_curves(points: pd.DataFrame, paths: Sequence[str], *, title: str) -> Figure:
    """Each outcome's share against each varied parameter, with 95% interval bands."""
    paths = list(paths)[:MAX_PANELS]
    rows, cols = style.grid_shape(len(paths))
    fig = style.new_figure(max(9.0, 6.2 * cols), 4.8 * rows + 1.6)
    outcomes = _present(points)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, path in zip(axes, paths, strict=False):
        style.style_axes(ax, grid_axis="both")
        for o in outcomes:
            t = pooled(points, path, o)
            colour = style.outcome_colour(o)
            ax.fill_between(
                t["value"], 100 * t["low"], 100 * t["high"], color=colour, alpha=0.25, linewidth=0
            )
            ax.plot(
                t["value"],
                100 * t["share"],
                color=colour,
                marker="o",
                linewidth=2,
                label=style.outcome_name(o),
            )
        ax.set_xlabel(short_path(path), fontsize=style.LABEL_SIZE)
        ax.set_ylabel("share of runs (%)", fontsize=style.LABEL_SIZE)
        ax.set_ylim(-2, 102)
    for ax in axes[len(paths) :]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=style.legend_columns(labels, fig.get_figwidth()),
        **style.legend_kwargs(),
    )
    style.set_title(fig, title)
    return fig


def share_heatmap(
    points: pd.DataFrame, x_path: str, y_path: str, outcome: str, *, title: str
) -> Figure:
    """The share of one outcome over two varied parameters (pooled in bins for a sample)."""
    ok = points[points["status"] == "ok"].reset_index(drop=True)
    xb, xc = _bins(ok[x_path])
    yb, yc = _bins(ok[y_path])
    runs = ok["runs"].to_numpy(dtype=float)
    hits = ok[f"share_{outcome}"].to_numpy(dtype=float) * runs
    n = np.zeros((len(yc), len(xc)))
    k = np.zeros_like(n)
    np.add.at(n, (yb, xb), runs)
    np.add.at(k, (yb, xb), hits)
    share = np.where(n > 0, 100 * k / np.maximum(n, 1), np.nan)
    fig = style.new_figure(9.0, 7.0)
    ax = fig.add_subplot()
    style.style_axes(ax, grid_axis=None)
    mesh = ax.imshow(share, origin="lower", aspect="auto", cmap="cividis", vmin=0, vmax=100)
    ax.set_xticks(range(len(xc)), [f"{v:.3g}" for v in xc])
    ax.set_yticks(range(len(yc)), [f"{v:.3g}" for v in yc])
    ax.tick_params(axis="x", labelrotation=45)
    for (i, j), v in np.ndenumerate(share):
        if len(xc) * len(yc) <= 64 and np.isfinite(v):
            ax.text(
                j,
                i,
                f"{v:.0f}",
                ha="center",
                va="center",
                fontsize=style.NOTE_SIZE,
                color="white" if v < 55 else "black",
            )
    ax.set_xlabel(short_path(x_path, 50), fontsize=style.LABEL_SIZE)
    ax.set_ylabel(short_path(y_path, 30), fontsize=style.LABEL_SIZE)
    bar = fig.colorbar(mesh, ax=ax)
    bar.set_label(f"{style.outcome_name(outcome)}: share of runs (%)", fontsize=style.LABEL_SIZE)
    bar.ax.tick_params(labelsize=style.TICK_SIZE)
    style.set_title(fig, title)
    return fig


def tornado(effects: pd.DataFrame, outcome: str, *, title: str) -> Figure:
    """One-at-a-time effects: each bar spans the share with the parameter at LOW and at HIGH,
    the others as in the scenario; the largest effect on top."""
    ok = effects[effects["status"] == "ok"].copy()
    ok["span"] = (ok[f"at_high_{outcome}"] - ok[f"at_low_{outcome}"]).abs()
    ok = ok.sort_values("span", kind="stable")
    fig = style.new_figure(10.0, 2.0 + 0.7 * max(len(ok), 2))
    ax = fig.add_subplot()
    style.style_axes(ax, grid_axis="x")
    y = np.arange(len(ok))
    lo = 100 * ok[f"at_low_{outcome}"].to_numpy()
    hi = 100 * ok[f"at_high_{outcome}"].to_numpy()
    base = 100 * float(ok[f"baseline_{outcome}"].iloc[0]) if len(ok) else np.nan
    colour = style.outcome_colour(outcome)
    ax.barh(y, hi - base, left=base, color=colour, edgecolor="#333333", label="at HIGH")
    ax.barh(
        y,
        lo - base,
        left=base,
        color="white",
        edgecolor=colour,
        hatch="//",
        linewidth=1.5,
        label="at LOW",
    )
    ax.axvline(
        base,
        color=style.NEUTRAL,
        linewidth=1.5,
        linestyle="--",
        label=f"scenario as it is ({base:.1f}%)",
    )
    ax.set_yticks(
        y,
        [
            f"{short_path(p, 40)}\n({a:g} to {b:g})"
            for p, a, b in zip(ok["path"], ok["low"], ok["high"], strict=True)
        ],
        fontsize=style.TICK_SIZE,
    )
    ax.set_xlabel(f"{style.outcome_name(outcome)}: share of runs (%)", fontsize=style.LABEL_SIZE)
    fig.legend(loc="outside lower center", ncols=3, **style.legend_kwargs())
    style.set_title(fig, title)
    return fig
