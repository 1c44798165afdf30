"""Where each issue ended up, against where it started and where each actor wanted it."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from sim.plots import style
from sim.plots.labels import IssueLabel, ScenarioLabels

BIN_WIDTH = 5.0
_ROW_INCHES = 0.25
_HIST_INCHES = 2.6
_CHAR_INCHES = 0.58 * style.NOTE_SIZE / 72.0  # average glyph width, for wrapping
_NAME_FONT = FontProperties(size=style.NOTE_SIZE, weight="bold")
_MARKER_GAP = 1.8  # data units between a marker and its name


@dataclass(frozen=True)
class _Mark:
    """A named point above a histogram: an actor's ideal or the status quo."""

    x: float
    text: str
    colour: str
    marker: str
    gid: str


@dataclass(frozen=True)
class _Placed:
    mark: _Mark
    row: int
    right: bool  # name written to the right of the marker


def _text_inches(text: str) -> float:
    """Width of a name as it will be drawn, measured from the font rather than guessed."""
    width, _, _ = TextToPath().get_text_width_height_descent(text, _NAME_FONT, ismath=False)
    return width / 72.0


def place_marks(marks: list[_Mark], axis_inches: float) -> list[_Placed]:
    """Stack names in as few rows as possible so that no two overlap.

    A name goes to the right of its marker, or to its left if that fits better, in the lowest
    row where its extent (marker included) is free and it stays inside the panel.
    """
    per_inch = 100.0 / max(axis_inches, 0.5)
    rows: list[list[tuple[float, float]]] = []
    placed = []
    for mark in sorted(marks, key=lambda m: (m.x, m.text)):
        width = _text_inches(mark.text) * 1.05 * per_inch
        right_span = (mark.x - _MARKER_GAP, mark.x + _MARKER_GAP + width)
        left_span = (mark.x - _MARKER_GAP - width, mark.x + _MARKER_GAP)
        sides = [(True, right_span), (False, left_span)]
        inside = [(r, sp) for r, sp in sides if sp[0] >= -_MARKER_GAP and sp[1] <= 102.0]
        # A name too long for either side goes towards the wider half of the panel.
        sides = inside or [sides[0] if mark.x < 50.0 else sides[1]]
        for index in range(len(rows) + 1):
            if index == len(rows):
                rows.append([])
            row = rows[index]
            free = [
                (right, span)
                for right, span in sides
                if all(span[1] < a or span[0] > b for a, b in row)
            ]
            if free:
                right, span = free[0]
                row.append(span)
                placed.append(_Placed(mark, index, right))
                break
    return placed


def _marks(issue: IssueLabel, labels: ScenarioLabels) -> list[_Mark]:
    marks = []
    if not math.isnan(issue.status_quo):
        marks.append(_Mark(issue.status_quo, "status quo", "#000000", "D", "status_quo"))
    for index, actor in enumerate(labels.actors):
        if issue.id in actor.ideals:
            x = float(np.clip(actor.ideals[issue.id], 0.0, 100.0))
            marks.append(
                _Mark(
                    x,
                    actor.name,
                    style.actor_colour(index),
                    style.actor_marker(index),
                    f"ideal:{actor.id}",
                )
            )
    return marks


def _draw_strip(ax: Axes, placed: list[_Placed], rows: int) -> None:
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_axis_off()
    for p in placed:
        m = p.mark
        # Names stay inside the panel by construction; keeping them out of the layout stops a
        # marker at 0 or 100 from shifting one panel against its neighbours.
        ax.plot(
            [m.x],
            [p.row],
            marker=m.marker,
            markersize=8,
            color=m.colour,
            markeredgecolor="white" if m.gid.startswith("ideal:") else m.colour,
            linestyle="none",
            clip_on=False,
            gid=m.gid,
        )[0].set_in_layout(False)
        offset = _MARKER_GAP if p.right else -_MARKER_GAP
        ax.text(
            m.x + offset,
            p.row,
            m.text,
            ha="left" if p.right else "right",
            va="center",
            fontsize=style.NOTE_SIZE,
            color="#000000" if m.colour == "#000000" else m.colour,
            fontweight="bold",
            gid=f"name:{m.gid}",
            clip_on=False,
        ).set_in_layout(False)


def _settled_text(tables: dict[str, pd.DataFrame], issue_id: str) -> str:
    parts = []
    for name, df in tables.items():
        column = f"settled_{issue_id}"
        if column not in df or len(df) == 0:
            continue
        share = 100.0 * df[column].astype(bool).mean()
        parts.append(f"{name} {share:.0f}%" if len(tables) > 1 else f"{share:.0f}%")
    if not parts:
        return ""
    if len(parts) == 1:
        return f"settled in {parts[0]} of runs; else at the status quo"
    return "settled in: " + ", ".join(parts)


def never_settled_text(labels: ScenarioLabels, issue_id: str) -> str:
    """Why a panel is empty: the scenario's structural reason when there is one, otherwise
    what an empty panel means by definition."""
    reason = labels.never_settled.get(issue_id)
    if reason:
        return f"Never settled in any run. {reason}."
    return (
        "Never settled in any run: at no meeting did every party whose acceptance was needed "
        "accept a value for it, so it stayed at the status quo."
    )


def _note_empty(ax: Axes, text: str, axis_inches: float) -> None:
    ax.text(
        0.5,
        0.55,
        style.wrap(text, int(axis_inches / _CHAR_INCHES)),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=style.NOTE_SIZE,
        color="#222222",
        bbox={"facecolor": "white", "edgecolor": style.LIGHT, "boxstyle": "round,pad=0.5"},
        gid="never_settled",
    )


def _end_tick_labels(issue: IssueLabel, chars: int) -> list[str]:
    low = style.wrap(issue.low, chars) if issue.low else ""
    high = style.wrap(issue.high, chars) if issue.high else ""
    return [f"0\n{low}".rstrip(), "50", f"100\n{high}".rstrip()]


def issue_values(
    outcomes: Mapping[str, pd.DataFrame] | pd.DataFrame,
    labels: ScenarioLabels,
    *,
    title: str | None = None,
) -> Figure:
    """Distribution of each issue's agreed value over the runs, one panel per issue.

    Bars are shares of all runs, so they add up to the share settled; runs that left the issue
    unsettled keep the status quo and are counted in the note under the issue's name instead of
    as one tall bar that would flatten everything else. The actors' ideal points above each
    panel show whose side the agreements landed on. Several scenarios are overlaid on the same
    axes so shifts are seen directly.
    """
    tables = style.as_tables(outcomes)
    issues = [i for i in labels.issues if any(f"value_{i.id}" in df for df in tables.values())]
    if not issues:
        raise ValueError("none of the labelled issues has a value_<issue> column")
    n_rows, n_cols = style.grid_shape(len(issues))
    fig_width = max(8.0, 5.4 * n_cols + 0.8)
    axis_inches = fig_width / n_cols - 1.2
    placements = [place_marks(_marks(i, labels), axis_inches) for i in issues]
    strip_rows = max([1] + [1 + max((p.row for p in ps), default=0) for ps in placements])
    strip_h = _ROW_INCHES * strip_rows + 0.15
    end_chars = max(8, int(axis_inches / 2.2 / _CHAR_INCHES))
    end_lines = max(len(t.split("\n")) for i in issues for t in _end_tick_labels(i, end_chars))
    # Room for the heading, the settled note, the end words and the axis label, so the
    # histogram itself keeps about _HIST_INCHES of height.
    hist_h = _HIST_INCHES if n_rows < 3 else _HIST_INCHES - 0.4  # three rows: a little lower
    panel_h = strip_h + hist_h + 1.4 + 0.2 * end_lines + (0.2 if len(tables) > 1 else 0.0)
    fig = style.new_figure(fig_width, 0.6 + n_rows * panel_h + (0.6 if len(tables) > 1 else 0))
    # One flat grid (strip row, histogram row, ...) rather than nested grids, so constrained
    # layout lines up the panels of a row even when their labels differ in height.
    grid = fig.add_gridspec(2 * n_rows, n_cols, height_ratios=[strip_h, hist_h] * n_rows)
    bins = np.arange(0.0, 100.0 + BIN_WIDTH, BIN_WIDTH)

    hist_axes: list[Axes] = []
    top = 0.0
    empty: list[tuple[Axes, IssueLabel]] = []
    for index, (issue, placed) in enumerate(zip(issues, placements, strict=True)):
        row, col = divmod(index, n_cols)
        ax = fig.add_subplot(grid[2 * row + 1, col], sharey=hist_axes[0] if hist_axes else None)
        strip = fig.add_subplot(grid[2 * row, col], sharex=ax)
        hist_axes.append(ax)
        ax.set_gid(f"values:{issue.id}")
        strip.set_gid(f"ideals:{issue.id}")
        style.style_axes(ax)
        drawn = 0
        for k, (name, df) in enumerate(tables.items()):
            column = f"value_{issue.id}"
            if column not in df or len(df) == 0:
                continue
            values = np.clip(df[column].to_numpy(dtype=float), 0.0, 100.0)
            settled = f"settled_{issue.id}"
            if settled in df:
                # Unsettled issues sit at the status quo by definition; drawing them as a bar
                # would dwarf where agreements landed, so they are given as a share instead.
                values = values[df[settled].to_numpy(dtype=bool)]
            drawn += len(values)
            weights = np.full(len(values), 100.0 / len(df))
            top = max(top, float(np.histogram(values, bins=bins, weights=weights)[0].max()))
            label = name or "final values"
            if k == 0:
                ax.hist(
                    values,
                    bins=bins,
                    weights=weights,
                    color="#9A9A9A",
                    edgecolor="white",
                    linewidth=0.6,
                    label=label,
                    gid=f"hist:{name}",
                )
            else:
                ax.hist(
                    values,
                    bins=bins,
                    weights=weights,
                    histtype="step",
                    linewidth=2.2,
                    color=style.SCENARIO_GREYS[k % len(style.SCENARIO_GREYS)],
                    linestyle=style.scenario_linestyle(k),
                    label=label,
                    gid=f"hist:{name}",
                )
        if not math.isnan(issue.status_quo):
            ax.axvline(
                issue.status_quo,
                color="#000000",
                linestyle="--",
                linewidth=1.4,
                gid="status_quo_line",
            )
        for p in placed:
            if p.mark.gid.startswith("ideal:"):
                ax.axvline(
                    p.mark.x,
                    color=p.mark.colour,
                    linestyle=":",
                    linewidth=1.6,
                    alpha=0.9,
                    gid=f"line:{p.mark.gid}",
                )
        if drawn == 0:
            empty.append((ax, issue))
        _draw_strip(strip, placed, strip_rows)
        ax.set_xlim(0.0, 100.0)
        ax.set_xticks([0.0, 50.0, 100.0], _end_tick_labels(issue, end_chars))
        ticks = ax.get_xticklabels()
        ticks[0].set_horizontalalignment("left")
        ticks[-1].set_horizontalalignment("right")
        ax.set_xticks(np.arange(0.0, 101.0, 10.0), minor=True)
        ax.set_xlabel("agreed value (position on 0-100 scale)", fontsize=style.LABEL_SIZE)
        if index % n_cols == 0:
            ax.set_ylabel("Share of runs (%)", fontsize=style.LABEL_SIZE)
        heading = style.wrap(issue.name, int(axis_inches / (0.7 * style.SUBTITLE_SIZE / 72)))
        settled = style.wrap(_settled_text(tables, issue.id), int(axis_inches / _CHAR_INCHES))
        settled_lines = settled.count("\n") + 1 if settled else 0
        strip.set_title(
            heading,
            fontsize=style.SUBTITLE_SIZE,
            fontweight="bold",
            loc="center",
            pad=8 + settled_lines * style.NOTE_SIZE * 1.3,
        )
        if settled:
            strip.annotate(
                settled,
                (0.5, 1.0),
                xycoords="axes fraction",
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=style.NOTE_SIZE,
                color="#333333",
                gid="settled",
            )
    hist_axes[0].set_ylim(0.0, max(5.0, top * 1.08))
    # An empty panel says why in words, not by its emptiness alone.
    for ax, issue in empty:
        _note_empty(ax, never_settled_text(labels, issue.id), axis_inches - 0.4)
    if len(tables) > 1:
        handles, names = hist_axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            names,
            loc="outside lower center",
            ncols=style.legend_columns(names, fig.get_figwidth(), most=4),
            title="Scenario",
            **style.legend_kwargs(),
        )
    style.set_title(fig, title or f"Where each issue was settled{_suffix(labels)}")
    return fig


def _suffix(labels: ScenarioLabels) -> str:
    return f": {labels.title}" if labels.title else ""
