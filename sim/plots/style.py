"""Shared look of every chart: colours, fonts, wording and figure set-up.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms of
colour blindness. Each outcome and each actor position (first actor, second actor, ...) keeps one
colour in every chart, so a reader who learnt "vermillion is armed conflict" on one slide can rely
on it on the next. Scenarios are told apart by line style and hatching instead, because colour is
already spent on outcomes and actors.

Font sizes are set on each artist rather than through ``rcParams`` so that drawing a chart never
changes global matplotlib state for the caller.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.plots.labels import OUTCOME_NAMES, OUTCOMES, order_outcomes, outcome_name

__all__ = ["OUTCOMES", "OUTCOME_NAMES", "order_outcomes", "outcome_name"]  # re-exported

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

OUTCOME_COLOURS = {
    "agreement": OKABE_ITO["bluish_green"],
    "partial_agreement": OKABE_ITO["sky_blue"],
    "stalemate": OKABE_ITO["orange"],
    "breakdown": OKABE_ITO["reddish_purple"],
    "armed_conflict": OKABE_ITO["vermillion"],
}

# Actor colours by the actor's position in the scenario. Colour alone is not enough: in a
# deuteranopia simulation vermillion and orange, or bluish green and reddish purple, come out
# alike, so each actor also has its own line style and marker, chosen so that actors whose
# colours merge for colour-blind readers never share either. After eight actors the colours
# repeat, shifted against the styles and markers so no two actors look the same.
ACTOR_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
    "#B8A200",  # Okabe-Ito yellow darkened: the pure yellow vanishes on white.
)
# Pairs that merge under deuteranopia (vermillion/orange, bluish green/reddish purple, orange
# and vermillion/darkened yellow) differ here in both line style and marker.
ACTOR_LINESTYLES = ("-", "--", "-.", ":", "-", "--", ":", "-.")
ACTOR_MARKERS = ("o", "s", "^", "P", "X", "v", "D", "*")

SCENARIO_LINESTYLES = ("-", "--", ":", "-.")
SCENARIO_HATCHES = ("", "//", "..", "xx", "\\\\", "++")
SCENARIO_GREYS = ("#404040", "#000000", "#000000", "#000000", "#000000", "#000000")
NEUTRAL = "#555555"
LIGHT = "#BBBBBB"

# Sizes in points for charts at most MAX_WIDTH inches wide: fitted to the report's text
# column, the smallest (12 pt) shows at about 15.6 CSS px (sim.plots.legible).
MAX_WIDTH = 12.0
TICK_SIZE = 12
LABEL_SIZE = 13
TITLE_SIZE = 15
SUBTITLE_SIZE = 13
LEGEND_SIZE = 12
NOTE_SIZE = 12

POSITION_LABEL = "position on 0-100 scale"
ROUND_LABEL = "round"


def outcome_colour(outcome: str) -> str:
    return OUTCOME_COLOURS.get(outcome, NEUTRAL)


def actor_colour(index: int) -> str:
    return ACTOR_COLOURS[index % len(ACTOR_COLOURS)]


def actor_linestyle(index: int) -> str:
    return ACTOR_LINESTYLES[(index + index // len(ACTOR_COLOURS)) % len(ACTOR_LINESTYLES)]


def actor_marker(index: int) -> str:
    return ACTOR_MARKERS[(index + index // len(ACTOR_COLOURS)) % len(ACTOR_MARKERS)]


def scenario_linestyle(index: int) -> str:
    return SCENARIO_LINESTYLES[index % len(SCENARIO_LINESTYLES)]


def scenario_hatch(index: int) -> str:
    return SCENARIO_HATCHES[index % len(SCENARIO_HATCHES)]


def wrap(text: str, width: int) -> str:
    """Wrap long names onto several lines so they never run into a neighbouring panel."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) or text


def runs_text(runs: Any) -> str:
    try:
        return f"n = {int(runs):,} runs"
    except (TypeError, ValueError):
        return "n runs unknown"


def new_figure(width: float, height: float) -> Figure:
    """A Figure detached from pyplot, so charts can be built in threads and never leak.

    Never wider than MAX_WIDTH: a wider chart would be shrunk in the report until its text
    fell below the legible size.
    """
    fig = Figure(figsize=(min(width, MAX_WIDTH), height), layout="constrained")
    # A little more air than the default so text never touches the image edge or a neighbour.
    fig.get_layout_engine().set(w_pad=0.1, h_pad=0.08)
    return fig


def grid_shape(panels: int) -> tuple[int, int]:
    """Rows and columns for a panel grid: two across, so that each panel stays wide enough for
    its words at a font that is legible once the chart fits the report; past six panels three
    across, so the chart stays at most three rows high (the charts show at most nine)."""
    cols = max(1, min(2 if panels <= 6 else 3, panels))
    rows = max(1, -(-panels // cols))
    return rows, cols


def style_axes(ax: Axes, *, grid_axis: str | None = "y") -> None:
    """Slide-readable ticks and a quiet grid behind the data."""
    ax.tick_params(labelsize=TICK_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if grid_axis:
        ax.grid(axis=grid_axis, color="#DDDDDD", linewidth=0.8)
        ax.set_axisbelow(True)


def set_title(fig: Figure, title: str) -> None:
    """Title on the figure so there is exactly one per chart however many panels it has;
    wrapped so that a long scenario title never runs off a narrow chart."""
    chars = int(fig.get_figwidth() / (0.64 * TITLE_SIZE / 72.0))
    fig.suptitle(wrap(title, chars), fontsize=TITLE_SIZE, fontweight="bold")


def legend_columns(labels: Sequence[str], width: float, most: int = 5) -> int:
    """As many legend columns as fit across ``width`` inches for the longest label."""
    longest = max((len(label) for label in labels), default=1)
    entry = longest * 0.6 * LEGEND_SIZE / 72.0 + 0.9  # text plus handle and spacing
    return max(1, min(most, len(labels), int(width / entry)))


def legend_kwargs(**extra: Any) -> Mapping[str, Any]:
    return {"fontsize": LEGEND_SIZE, "title_fontsize": LEGEND_SIZE, "frameon": False, **extra}


def as_tables(tables: Mapping[str, pd.DataFrame] | pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Accept one table on its own as well as a mapping of scenario label to table."""
    if isinstance(tables, pd.DataFrame):
        return {"": tables}
    if not tables:
        raise ValueError("no tables to plot")
    return dict(tables)
