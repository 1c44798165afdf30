"""How often each ending happens, and how a variation of a scenario changes those odds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.plots import style

_WHISKER_COLOUR = "#222222"


def _as_summaries(summaries: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Accept one summary on its own as well as a mapping of scenario label to summary."""
    if "outcome_shares" in summaries:
        name = str(summaries.get("scenario") or "")
        return {name: summaries}
    if not summaries:
        raise ValueError("no summaries to plot")
    return dict(summaries)


def outcome_distribution(
    summaries: Mapping[str, Mapping[str, Any]], *, title: str | None = None
) -> Figure:
    """Bars of each ending's share of runs, with their Wilson 95% intervals.

    The interval is drawn because a share from a few hundred runs is itself uncertain: two bars
    whose intervals overlap widely should not be read as different. Several scenarios share one
    axis, grouped by outcome, so the same ending sits side by side across scenarios.
    """
    data = _as_summaries(summaries)
    found: list[str] = []
    for summary in data.values():
        found += list(summary.get("outcomes") or []) + list(summary["outcome_shares"])
    outcomes = style.order_outcomes(found)
    n_scen = len(data)

    fig = style.new_figure(max(9.0, 1.6 + len(outcomes) * (1.0 + 0.35 * n_scen)), 6.2)
    ax = fig.add_subplot()
    style.style_axes(ax)
    x = np.arange(len(outcomes), dtype=float)
    width = 0.8 / n_scen
    top = 0.0
    for k, (label, summary) in enumerate(data.items()):
        shares = np.array([summary["outcome_shares"].get(o, 0.0) for o in outcomes]) * 100.0
        ci = summary.get("ci95") or {}
        low = np.array([ci.get(o, [np.nan, np.nan])[0] for o in outcomes]) * 100.0
        high = np.array([ci.get(o, [np.nan, np.nan])[1] for o in outcomes]) * 100.0
        offsets = x + (k - (n_scen - 1) / 2.0) * width
        bars = ax.bar(
            offsets,
            shares,
            width=width * 0.92,
            color=[style.outcome_colour(o) for o in outcomes],
            edgecolor="#333333",
            linewidth=0.8,
            hatch=style.scenario_hatch(k),
            label=f"{label or 'Scenario'} ({style.runs_text(summary.get('runs'))})",
            gid=f"bars:{label}",
        )
        ax.errorbar(
            offsets,
            shares,
            yerr=np.clip(np.vstack([shares - low, high - shares]), 0, None),
            fmt="none",
            ecolor=_WHISKER_COLOUR,
            elinewidth=1.4,
            capsize=5 if n_scen == 1 else 3,
            gid=f"ci:{label}",
        )
        tops = np.where(np.isnan(high), shares, high)
        top = max(top, float(np.nanmax(tops)) if len(tops) else 0.0)
        if n_scen <= 2:
            for bar, share, y in zip(bars, shares, tops, strict=True):
                ax.annotate(
                    f"{share:.0f}%" if share >= 9.5 or share == 0 else f"{share:.1f}%",
                    (bar.get_x() + bar.get_width() / 2, y),
                    xytext=(0, 4),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=style.NOTE_SIZE,
                )

    ax.set_xticks(x, [style.wrap(style.outcome_name(o), 12) for o in outcomes])
    ax.set_ylabel("Share of runs (%)", fontsize=style.LABEL_SIZE)
    ax.set_xlabel("Outcome", fontsize=style.LABEL_SIZE)
    ax.set_ylim(0, min(100.0, top * 1.15 + 3) if top < 85 else 105.0)
    ax.set_xlim(-0.6, len(outcomes) - 0.4)
    if n_scen == 1:
        ((label, summary),) = data.items()
        subtitle = ", ".join(p for p in (label, style.runs_text(summary.get("runs"))) if p)
        # Scenario titles can be long: wrap so the subtitle never runs off the figure.
        ax.set_title(
            style.wrap(f"{subtitle}; black lines show 95% intervals", 90),
            fontsize=style.SUBTITLE_SIZE,
        )
    else:
        handles = [
            Patch(
                facecolor="white",
                edgecolor="#333333",
                hatch=style.scenario_hatch(k),
                label=f"{label} ({style.runs_text(s.get('runs'))})",
            )
            for k, (label, s) in enumerate(data.items())
        ]
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=style.legend_columns([h.get_label() for h in handles], fig.get_figwidth(), 3),
            **style.legend_kwargs(),
        )
        ax.set_title("Black lines show 95% intervals", fontsize=style.SUBTITLE_SIZE)
    style.set_title(fig, title or "How the negotiations ended")
    return fig


def outcome_differences(diff: pd.DataFrame, baseline: str, *, title: str | None = None) -> Figure:
    """Change in each ending's share against a baseline, with the interval of the change.

    Differences are what a comparison is about; showing them directly, with their own interval,
    stops readers from eyeballing two overlapping bars. A dot whose whisker crosses zero is drawn
    hollow: the runs cannot tell that change from chance.
    """
    required = {"scenario", "outcome", "difference", "ci_low", "ci_high", "significant"}
    missing = required - set(diff.columns)
    if missing:
        raise ValueError(f"difference table lacks columns {sorted(missing)}")
    if diff.empty:
        raise ValueError("no differences to plot")
    scenarios = list(dict.fromkeys(diff["scenario"].astype(str)))
    outcomes = style.order_outcomes(diff["outcome"].astype(str))

    rows_y: list[float] = []
    rows_label: list[str] = []
    rows_bold: list[bool] = []
    y = 0.0
    points: list[tuple[float, pd.Series]] = []
    multi = len(scenarios) > 1
    for scenario in scenarios:
        part = diff[diff["scenario"].astype(str) == scenario]
        if multi:
            rows_y.append(y)
            rows_label.append(style.wrap(scenario, 24))
            rows_bold.append(True)
            y -= 1.0
        for outcome in outcomes:
            match = part[part["outcome"].astype(str) == outcome]
            if match.empty:
                continue
            rows_y.append(y)
            rows_label.append(style.outcome_name(outcome))
            rows_bold.append(False)
            points.append((y, match.iloc[0]))
            y -= 1.0
        y -= 0.4

    fig = style.new_figure(10.0, max(4.0, 1.8 + 0.45 * len(rows_y)))
    ax = fig.add_subplot()
    style.style_axes(ax, grid_axis="x")
    ax.axvline(0.0, color="#333333", linewidth=1.2, zorder=1, gid="zero")
    extent = 0.0
    for yy, row in points:
        outcome = str(row["outcome"])
        d, lo, hi = (float(row[c]) * 100.0 for c in ("difference", "ci_low", "ci_high"))
        colour = style.outcome_colour(outcome)
        significant = bool(row["significant"])
        ax.plot(
            [lo, hi], [yy, yy], color=colour, linewidth=2.5, solid_capstyle="butt", gid="whisker"
        )
        ax.plot(
            [d],
            [yy],
            marker="o",
            markersize=10,
            linestyle="none",
            color=colour,
            markerfacecolor=colour if significant else "white",
            markeredgewidth=2,
            gid="point",
        )
        # Values in a column right of the plot: beside the whisker they would collide with
        # the zero line whenever an interval ends near it.
        ax.text(
            1.02,
            yy,
            f"{d:+.1f} pp".replace("-", "\N{MINUS SIGN}"),
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=style.NOTE_SIZE,
            color=colour if significant else "#333333",
            fontweight="bold" if significant else "normal",
            gid="value",
        )
        extent = max(extent, abs(lo), abs(hi))
    extent = max(extent, 1.0)
    ax.set_xlim(-extent * 1.12, extent * 1.12)
    ax.set_yticks(rows_y, rows_label)
    for tick, bold in zip(ax.get_yticklabels(), rows_bold, strict=True):
        if bold:
            tick.set_fontweight("bold")
    ax.set_ylim(min(rows_y) - 0.7, max(rows_y) + 0.7)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Difference in share of runs (percentage points)", fontsize=style.LABEL_SIZE)
    handles = [
        ax.plot(
            [],
            [],
            marker="o",
            linestyle="none",
            color=style.NEUTRAL,
            markersize=9,
            label="95% interval excludes 0",
        )[0],
        ax.plot(
            [],
            [],
            marker="o",
            linestyle="none",
            color=style.NEUTRAL,
            markersize=9,
            markerfacecolor="white",
            markeredgewidth=2,
            label="95% interval includes 0",
        )[0],
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, **style.legend_kwargs())
    note = "lines show 95% intervals of the difference"
    ax.set_title(
        f"{scenarios[0]}: {note}" if not multi else note.capitalize(), fontsize=style.SUBTITLE_SIZE
    )
    style.set_title(fig, title or f"Change in outcome shares compared with {baseline}")
    return fig
