"""How positions, tension and the odds of each ending evolve round by round."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.plots import agenda, style
from sim.plots.labels import IssueLabel, ScenarioLabels

ENDINGS = ("agreement", "breakdown", "armed_conflict")
_BAND_ALPHA = {"q05": 0.08, "q25": 0.2}
_TENSION_COLOUR = style.OKABE_ITO["blue"]
_TENSION_ALPHA = {"q05": 0.15, "q25": 0.35}
_LEGEND_LINE_INCHES = 1.75 * style.LEGEND_SIZE / 72.0


def trajectories(
    positions_summary: pd.DataFrame,
    labels: ScenarioLabels,
    rounds_summary: pd.DataFrame | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Each actor's announced position per round: median line, 50% and 90% bands.

    Bands rather than single runs show both the typical path and how much runs disagree; where
    bands of two actors meet, agreement on that issue became possible. Each actor has its own
    line style and marker as well as colour, so actors stay apart for colour-blind readers and
    in greyscale print; numbers above the panels say which meeting each round belongs to.
    """
    required = {"round", "actor", "issue", "q05", "q25", "q50", "q75", "q95"}
    missing = required - set(positions_summary.columns)
    if missing:
        raise ValueError(f"positions table lacks columns {sorted(missing)}")
    present = set(positions_summary["issue"].astype(str))
    issues = [i for i in labels.issues if i.id in present]
    issues += [
        IssueLabel(i, i, "", "", float("nan")) for i in sorted(present - {i.id for i in issues})
    ]
    if not issues:
        raise ValueError("positions table has no rows")
    actors = list(dict.fromkeys(positions_summary["actor"].astype(str)))
    order = {a.id: k for k, a in enumerate(labels.actors)}
    actors.sort(key=lambda a: (order.get(a, len(order)), a))

    n_rows, n_cols = style.grid_shape(len(issues))
    panels_height = 3.9 * n_rows + 1.0
    fig = style.new_figure(max(10.0, 5.4 * n_cols + 0.8), panels_height)
    axes = fig.subplots(n_rows, n_cols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax in axes[len(issues) :]:
        ax.set_visible(False)
    max_round = float(positions_summary["round"].max())
    spans = agenda.meeting_spans(rounds_summary) if rounds_summary is not None else []
    panel_inches = fig.get_figwidth() / n_cols - 1.0
    number_rows = agenda.label_rows(spans, max_round, panel_inches)
    heading_chars = int(panel_inches / (0.62 * style.SUBTITLE_SIZE / 72.0))
    handles = []
    for index, (ax, issue) in enumerate(zip(axes, issues, strict=False)):
        style.style_axes(ax)
        ax.set_gid(f"positions:{issue.id}")
        part = positions_summary[positions_summary["issue"].astype(str) == issue.id]
        for actor in actors:
            rows = part[part["actor"].astype(str) == actor].sort_values("round")
            if rows.empty:
                continue
            k = order.get(actor, len(order) + actors.index(actor))
            colour = style.actor_colour(k)
            x = rows["round"].to_numpy(dtype=float)
            for low, high in (("q05", "q95"), ("q25", "q75")):
                ax.fill_between(
                    x,
                    rows[low].to_numpy(dtype=float),
                    rows[high].to_numpy(dtype=float),
                    color=colour,
                    alpha=_BAND_ALPHA[low],
                    linewidth=0,
                    gid=f"band:{actor}",
                )
            line = ax.plot(
                x,
                rows["q50"].to_numpy(dtype=float),
                color=colour,
                linewidth=2.2,
                linestyle=style.actor_linestyle(k),
                marker=style.actor_marker(k),
                markersize=7,
                markeredgecolor="white",
                markeredgewidth=0.8,
                # Staggered so that actors on the same line still show their markers.
                markevery=(k % 3, 3),
                label=labels.actor_name(actor),
                gid=f"median:{actor}",
            )[0]
            if index == 0:
                handles.append(line)
        ax.set_ylim(0.0, 100.0)
        ax.set_xlim(0.0, max_round)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(
            style.wrap(issue.name, heading_chars),
            fontsize=style.SUBTITLE_SIZE,
            fontweight="bold",
            pad=6 + number_rows * agenda.ROW_POINTS,
        )
        if index % n_cols == 0:
            ax.set_ylabel(style.POSITION_LABEL, fontsize=style.LABEL_SIZE)
        if index >= len(issues) - n_cols:
            ax.set_xlabel(style.ROUND_LABEL, fontsize=style.LABEL_SIZE)
            ax.tick_params(labelbottom=True)
        agenda.mark_meetings(ax, spans, number_rows)
    band_note = [
        Line2D([], [], color=style.NEUTRAL, linewidth=2.2, label="median"),
        Line2D([], [], color=style.NEUTRAL, linewidth=8, alpha=0.35, label="middle 50% of runs"),
        Line2D([], [], color=style.NEUTRAL, linewidth=8, alpha=0.15, label="middle 90% of runs"),
    ]
    key = agenda.key_handles(spans, labels.meetings)
    if key:
        band_note.append(agenda.boundary_handle())
    _group_legend(fig, [handles, band_note, key], panels_height)
    suffix = f": {labels.title}" if labels.title else ""
    style.set_title(fig, title or f"Announced positions round by round{suffix}")
    return fig


def tension_and_endings(
    rounds_summary: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    title: str | None = None,
    labels: ScenarioLabels | None = None,
) -> Figure:
    """Tension by round next to the cumulative share of runs that have ended, by ending.

    Read together they show whether rising tension precedes breakdowns and conflict, and by
    which round most of the outcome is already decided. The first scenario's meetings are
    numbered above the panels; ``labels`` (that scenario's) give their names in the key.
    """
    tables = style.as_tables(rounds_summary)
    panels_height = 5.6
    fig = style.new_figure(style.MAX_WIDTH, panels_height)
    ax_t, ax_e = fig.subplots(1, 2, sharex=True)
    ax_t.set_gid("tension")
    ax_e.set_gid("endings")
    multi = len(tables) > 1
    max_round, top = 1.0, 0.0
    scenario_handles = []
    for k, (name, df) in enumerate(tables.items()):
        df = df.sort_values("round")
        x = df["round"].to_numpy(dtype=float)
        max_round = max(max_round, float(x.max()) if len(x) else 1.0)
        # The first scenario keeps the usual blue; later ones are dark grey so two sets of
        # bands stay apart, and line style ties each to its name in the legend.
        colour = _TENSION_COLOUR if k == 0 else style.SCENARIO_GREYS[k % len(style.SCENARIO_GREYS)]
        ls = style.scenario_linestyle(k)
        # Several scenarios' bands on one axis blur together: bands for the first (the
        # baseline) only, medians for every scenario.
        for low, high in (("q05", "q95"), ("q25", "q75")) if k == 0 else ():
            ax_t.fill_between(
                x,
                df[f"tension_{low}"].to_numpy(dtype=float),
                df[f"tension_{high}"].to_numpy(dtype=float),
                color=colour,
                alpha=_TENSION_ALPHA[low] * (1.0 if k == 0 else 0.7),
                linewidth=0,
                gid=f"tension_band:{name}",
            )
        ax_t.plot(
            x,
            df["tension_q50"].to_numpy(dtype=float),
            color=colour,
            linestyle=ls,
            linewidth=2.4,
            gid=f"tension_median:{name}",
        )
        for outcome in ENDINGS:
            column = f"cum_{outcome}"
            if column not in df:
                continue
            y = 100.0 * df[column].to_numpy(dtype=float)
            top = max(top, float(np.nanmax(y)) if len(y) else 0.0)
            ax_e.plot(
                x,
                y,
                color=style.outcome_colour(outcome),
                linestyle=ls,
                linewidth=2.4,
                gid=f"cum:{outcome}:{name}",
            )
        scenario_handles.append(
            Line2D([], [], color=colour, linestyle=ls, linewidth=2.4, label=name or "scenario")
        )
    first = next(iter(tables.values()))
    spans = agenda.meeting_spans(first) if "meeting" in first else []
    rows = agenda.label_rows(spans, max_round - 1.0, fig.get_figwidth() / 2 - 1.0)
    for ax in (ax_t, ax_e):
        style.style_axes(ax)
        ax.set_xlabel(style.ROUND_LABEL, fontsize=style.LABEL_SIZE)
        ax.set_xlim(1.0, max_round)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        agenda.mark_meetings(ax, spans, rows)
    ax_t.set_ylim(0.0, 1.0)
    ax_t.set_ylabel("tension (0-1 scale)", fontsize=style.LABEL_SIZE)
    pad = 6 + rows * agenda.ROW_POINTS
    ax_t.set_title(
        "Tension after each round", fontsize=style.SUBTITLE_SIZE, fontweight="bold", pad=pad
    )
    # Small shares would hug the floor of a 0-100 axis; zoom in, in steps of 10 points.
    ax_e.set_ylim(0.0, min(100.0, max(10.0, 10.0 * np.ceil(top * 1.1 / 10.0))))
    ax_e.set_ylabel("Share of all runs ended (%)", fontsize=style.LABEL_SIZE)
    ax_e.set_title(
        "Runs ended so far, by ending", fontsize=style.SUBTITLE_SIZE, fontweight="bold", pad=pad
    )
    band = _TENSION_COLOUR
    who = f"{next(iter(tables)) or 'tension'}: " if multi else "tension: "
    groups = [
        [
            Line2D([], [], color=band, linewidth=2.4, label=f"{who}median"),
            Line2D(
                [],
                [],
                color=band,
                linewidth=8,
                alpha=_TENSION_ALPHA["q25"],
                label=f"{who}middle 50% of runs",
            ),
            Line2D(
                [],
                [],
                color=band,
                linewidth=8,
                alpha=_TENSION_ALPHA["q05"],
                label=f"{who}middle 90% of runs",
            ),
        ],
        [
            Line2D([], [], color=style.outcome_colour(o), linewidth=3, label=style.outcome_name(o))
            for o in ENDINGS
        ],
    ]
    if multi:
        groups.append(scenario_handles)
    names = labels.meetings if labels is not None else {}
    key = agenda.key_handles(spans, names, whose=next(iter(tables)) if multi else "")
    if key:
        groups[0].append(agenda.boundary_handle())
        groups.append(key)
    _group_legend(fig, groups, panels_height)
    style.set_title(fig, title or "Tension and how the runs ended, round by round")
    return fig


def _group_legend(fig: Figure, groups: list[list[Line2D]], panels_height: float) -> None:
    """One legend below the panels, a column per group, so it never covers data; the figure
    grows by the legend's height so the panels keep ``panels_height`` inches."""
    groups = [g for g in groups if g]
    lines = max(sum(h.get_label().count("\n") + 1 for h in g) for g in groups)
    fig.set_size_inches(fig.get_figwidth(), panels_height + lines * _LEGEND_LINE_INCHES)
    depth = max(len(g) for g in groups)
    handles: list[Line2D] = []
    for group in groups:
        handles += group + [Line2D([], [], linestyle="none", label=" ")] * (depth - len(group))
    fig.legend(
        handles=handles,
        labels=[h.get_label() for h in handles],
        loc="outside lower center",
        ncols=len(groups),
        **style.legend_kwargs(),
    )
