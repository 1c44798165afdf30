"""Scenario discovery: boxes of inputs where an outcome is concentrated (PRIM).

PRIM (Friedman and Fisher 1999), as the PRIM package of Project Platypus implements it, peels
the input space a little at a time towards the cases of interest. Each box is read by its
coverage (the share of all cases of interest that fall inside) and density (the share of the
cases inside that are of interest); the box chosen is the densest on the peeling trajectory
that still covers at least half the cases, as analysts usually trade the two.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Box:
    """A PRIM box: the restricted inputs and their ranges, with the box's statistics."""

    limits: dict[str, tuple[float, float]]  # restricted inputs only
    coverage: float
    density: float
    mass: float  # share of all cases inside the box
    base_rate: float  # share of all cases that are of interest
    spans: dict[str, tuple[float, float]]  # each restricted input's range over all cases

    def describe(self, name: str, cases: str = "cases") -> str:
        """The box in plain words; ``name`` says what the cases of interest do."""
        where = " and ".join(self._range(p, lo, hi) for p, (lo, hi) in self.limits.items())
        return (
            f"where {where or 'anything'}: {100 * self.density:.0f}% of {cases} {name} "
            f"(against {100 * self.base_rate:.0f}% overall); the box holds "
            f"{100 * self.mass:.0f}% of {cases} and {100 * self.coverage:.0f}% of those that "
            f"{name}"
        )

    def _range(self, path: str, lo: float, hi: float) -> str:
        first, last = self.spans.get(path, (lo, hi))
        if lo <= first:
            return f"{path} at most {hi:.3g}"
        if hi >= last:
            return f"{path} at least {lo:.3g}"
        return f"{path} between {lo:.3g} and {hi:.3g}"


def find_box(
    inputs: pd.DataFrame, y: np.ndarray, threshold: float = 0.5, min_coverage: float = MIN_COVERAGE
) -> Box | None:
    """The PRIM box for cases whose ``y`` exceeds ``threshold`` (0/1 outcomes: the ones),
    or None when there are no such cases or no inputs vary."""
    from sim.analysis.extras import require

    require("prim", "scenario discovery (PRIM)")
    import prim

    x = inputs.loc[:, inputs.nunique() > 1].astype(float).reset_index(drop=True)
    y = np.asarray(y, dtype=float)
    interest = y > threshold
    if x.shape[1] == 0 or not interest.any() or interest.all():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x, interest, threshold=0.5, threshold_type=">")
        box = p.find_box()
    traj = box.peeling_trajectory.reset_index(drop=True)
    candidates = traj[traj["coverage"] >= min_coverage]
    best = int(candidates["density"].idxmax()) if len(candidates) else len(traj) - 1
    box.select(best)
    stats = traj.iloc[best]
    lims = box.limits
    lows, highs = x.min(), x.max()
    limits = {
        str(name): (float(r["min"]), float(r["max"]))
        for name, r in lims.iterrows()
        if r["min"] > lows[name] or r["max"] < highs[name]
    }
    return Box(
        limits=limits,
        coverage=float(stats["coverage"]),
        density=float(stats["density"]),
        mass=float(stats["mass"]),
        base_rate=float(interest.mean()),
        spans={p: (float(lows[p]), float(highs[p])) for p in limits},
    )
