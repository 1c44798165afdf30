"""The reference predictors of a DEU issue, by the formulas of data/README.md (and of
Achen 2006, the compromise model): what negsim has to beat, computed from the data alone."""

from __future__ import annotations

import numpy as np

from sim.importers import DeuIssue

REFERENCES = (
    "weighted_mean",
    "capability_weighted_mean",
    "median_actor",
    "status_quo",
)


def weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    """``sum(w x) / sum(w)``; the plain mean where every weight is 0 (no actor cares)."""
    return float(np.average(x, weights=w)) if w.sum() > 0 else float(x.mean())


def reference_forecasts(issue: DeuIssue, gdp: dict[str, float]) -> dict[str, float]:
    """Each reference predictor's forecast over the actors coded (position and salience)."""
    actors = list(issue.positions)
    x = np.array([issue.positions[a] for a in actors])
    s = np.array([issue.saliences[a] for a in actors])
    c = np.array([gdp[a] for a in actors])
    return {
        "weighted_mean": weighted_mean(x, s),
        "capability_weighted_mean": weighted_mean(x, c * s),
        "median_actor": float(np.median(x)),  # the two middle ones averaged when even
        "status_quo": np.nan if issue.reference_point is None else issue.reference_point,
    }
