"""A Bueno de Mesquita case forecast and scored on its own scale (e.g. 4-10).

negsim plays the case on 0-100 inside; everything reported here is mapped back to the case's
scale, beside the reference predictors of the literature (the capability x salience weighted
mean and weighted median) and the actual outcome.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.importers import BdmCase, bdm_scenario, to_scenario


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    """The position where the cumulative weight first reaches half (Black's median voter
    weighted by capability x salience, as in Bueno de Mesquita 1994)."""
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cum, cum[-1] / 2)])


def bdm_references(case: BdmCase) -> dict[str, float]:
    """The case's reference forecasts on its own scale."""
    x = np.array([a.position for a in case.actors])
    w = np.array([a.capability * a.salience for a in case.actors])
    return {
        "capability_weighted_mean": float(np.average(x, weights=w)),
        "weighted_median": weighted_median(x, w),
    }


def bdm_forecasts(
    case: BdmCase,
    status_quo: float,
    runs: int,
    seed: int,
    mechanisms: list[str] | None = None,
    outcome: float | None = None,
) -> pd.DataFrame:
    """One row per predictor: its forecast on the case's scale (negsim: mean of runs with its
    10-90% interval) and, when the outcome is given, the absolute error."""
    from sim.model import simulate

    spec = bdm_scenario(case, status_quo)
    issue = spec["issues"][0]["id"]
    rows = []
    for mech in [None, *(mechanisms or [])]:
        if mech is not None:
            spec["settings"] = {"mechanism": mech}
        values = simulate(to_scenario(spec), runs, seed)[f"value_{issue}"].to_numpy(float)
        shown = np.array([case.to_case_scale(v) for v in values])
        q10, q90 = np.percentile(shown, [10, 90])
        name = "negsim" if mech is None else mech
        rows.append({"predictor": name, "forecast": shown.mean(), "q10": q10, "q90": q90})
    for name, value in bdm_references(case).items():
        rows.append({"predictor": name, "forecast": value, "q10": np.nan, "q90": np.nan})
    table = pd.DataFrame(rows)
    if outcome is not None:
        table["outcome"] = outcome
        table["abs_error"] = (table["forecast"] - outcome).abs()
    return table
