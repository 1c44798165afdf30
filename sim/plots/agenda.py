"""The agenda on a round axis: where each meeting starts, numbered, and a key naming them.

Positions and tension often jump when the forum changes, so a reader needs to know which
meeting a round belongs to. Meeting names are too long to write between the boundaries of a
one- or two-round meeting, so each meeting gets a number above the chart and the legend says
which meeting the number is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sim.plots import style

_BOUNDARY_STYLE = {"color": style.LIGHT, "linewidth": 1.2, "linestyle": (0, (4, 3))}
_NUMBER_WIDTH_IN = 0.3  # room a one- or two-digit number needs beside its neighbour
ROW_POINTS = style.NOTE_SIZE * 1.25  # height of one row of meeting numbers


@dataclass(frozen=True)
class MeetingSpan:
    """Consecutive rounds of one meeting, from ``start`` to ``end`` on the round axis."""

    number: int
    meeting: str
    start: float  # first round - 0.5
    end: float  # last round + 0.5

    def rounds_text(self) -> str:
        first, last = round(self.start + 0.5), round(self.end - 0.5)
        return f"round {first}" if first == last else f"rounds {first}-{last}"


def meeting_spans(rounds_summary: pd.DataFrame) -> list[MeetingSpan]:
    """One span per run of equal meeting ids, numbered in the order played."""
    spans: list[MeetingSpan] = []
    frame = rounds_summary.sort_values("round")
    for rnd, meeting in zip(frame["round"], frame["meeting"].astype(str), strict=True):
        if spans and spans[-1].meeting == meeting:
            last = spans[-1]
            spans[-1] = MeetingSpan(last.number, meeting, last.start, float(rnd) + 0.5)
        else:
            spans.append(MeetingSpan(len(spans) + 1, meeting, float(rnd) - 0.5, float(rnd) + 0.5))
    return spans


def key_handles(
    spans: list[MeetingSpan], names: Mapping[str, str], *, whose: str = ""
) -> list[Line2D]:
    """Legend entries (with no line) naming each numbered meeting and its rounds.

    A meeting played again later (continuation rounds) is marked "continued".
    """
    if len(spans) < 2:
        return []
    heading = f"Meetings{f' of {whose}' if whose else ''} (numbered above the chart):"
    entries = [heading]
    seen: set[str] = set()
    for span in spans:
        name = names.get(span.meeting) or span.meeting.replace("_", " ")
        if span.meeting in seen:
            name += " (continued)"
        seen.add(span.meeting)
        entries.append(style.wrap(f"{span.number}  {name} ({span.rounds_text()})", 56))
    return [Line2D([], [], linestyle="none", label=text) for text in entries]


def boundary_handle() -> Line2D:
    return Line2D([], [], label="new meeting starts", **_BOUNDARY_STYLE)


def label_rows(spans: list[MeetingSpan], rounds_shown: float, axis_inches: float) -> int:
    """Two staggered rows of numbers when some meeting is too short on the page for its
    number to clear its neighbour's, else one."""
    if not spans:
        return 0
    per_round = axis_inches / max(rounds_shown, 1.0)
    narrow = any((s.end - s.start) * per_round < _NUMBER_WIDTH_IN for s in spans)
    return 2 if narrow else 1


def mark_meetings(ax: Axes, spans: list[MeetingSpan], rows: int) -> None:
    """Dashed lines where a new meeting starts and each meeting's number above the panel.

    The panel's x limits must be set first: a number sits over the visible part of its span.
    """
    if len(spans) < 2:
        return
    low, high = ax.get_xlim()
    for span in spans[1:]:
        ax.axvline(span.start, zorder=0, gid="meeting_boundary", **_BOUNDARY_STYLE)
    for k, span in enumerate(spans):
        start, end = max(span.start, low), min(span.end, high)
        if end <= start:
            continue
        ax.annotate(
            str(span.number),
            ((start + end) / 2.0, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 3 + (k % rows) * ROW_POINTS),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=style.NOTE_SIZE,
            color="#333333",
            gid=f"meeting_number:{span.meeting}",
        )
