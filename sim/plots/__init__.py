"""Charts of experiment results (DESIGN section 8).

Every chart function takes result tables (as described in docs/results.md) and returns a
``matplotlib.figure.Figure``; none runs a simulation or touches pyplot's global state.
For several scenarios, pass a mapping of scenario label to table: they are drawn on shared axes.

matplotlib is imported only when a chart function is first used, so code that needs just the
labels (``sim.plots.labels``) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sim.plots.labels import ActorLabel, IssueLabel, ScenarioLabels

if TYPE_CHECKING:
    from sim.plots.issues import issue_values
    from sim.plots.outcomes import outcome_differences, outcome_distribution
    from sim.plots.rounds import tension_and_endings, trajectories
    from sim.plots.save import figure_png, save_figure

_LAZY = {
    "issue_values": "sim.plots.issues",
    "outcome_differences": "sim.plots.outcomes",
    "outcome_distribution": "sim.plots.outcomes",
    "figure_png": "sim.plots.save",
    "save_figure": "sim.plots.save",
    "tension_and_endings": "sim.plots.rounds",
    "trajectories": "sim.plots.rounds",
}

__all__ = [
    "ActorLabel",
    "IssueLabel",
    "ScenarioLabels",
    "figure_png",
    "issue_values",
    "outcome_differences",
    "outcome_distribution",
    "save_figure",
    "tension_and_endings",
    "trajectories",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
