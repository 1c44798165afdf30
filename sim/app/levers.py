"""The levers a page offers, where each starts, and a scenario with levers moved.

The levers and the overrides are the scenario layer's (``levers_of``, ``with_overrides``, the
paths of ``--set``); this module adds only where a slider starts: the field's value, or the
mean of its distribution.
"""

from __future__ import annotations

from sim.scenario import Scenario, with_overrides
from sim.scenario.levers import levers_of
from sim.scenario.params import Bounds, Dist
from sim.scenario.paths import plain, resolve

__all__ = ["current_value", "levers_of", "with_overrides"]


def current_value(scenario: Scenario, path: str) -> float:
    """A numeric field's value in ``scenario``, or its distribution's mean."""
    target = resolve(plain(scenario), path)
    if target.container is None:
        raise ValueError(f"{path}: not in this scenario")
    value = target.container[target.key]
    if isinstance(value, dict):  # a distribution, written as {kind: [args]}
        ((kind, args),) = value.items()
        bounds = target.bounds or Bounds(-float("inf"), float("inf"))
        return float(Dist(kind, tuple(args)).central(bounds))
    return float(value)
