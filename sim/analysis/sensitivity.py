"""Which inputs drive an outcome: Sobol indices for a Sobol design, a correlation ratio otherwise.

The correlation ratio (eta squared, Pearson 1905) of an input is the share of the outcome's
variance explained by the input alone, estimated by binning it: model-free, it sees a
threshold or a hump as well as a trend, and needs no design. It ranks; it does not add up to
one when inputs interact. Sobol indices (Saltelli's scheme, computed by SALib) need the points
of a ``sobol`` sweep in the order SALib sampled them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BINS = 10


def correlation_ratio(x: np.ndarray, y: np.ndarray, bins: int = BINS) -> float:
    """Eta squared of ``y`` given ``x``: its distinct values, or ``bins`` equal-count bins."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    total = float(((y - y.mean()) ** 2).sum())
    if total == 0 or len(np.unique(x)) < 2:
        return 0.0
    distinct = np.unique(x)
    if len(distinct) <= bins:
        which = np.searchsorted(distinct, x)
    else:
        edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)))
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    counts = np.bincount(which)
    sums = np.bincount(which, weights=y)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    between = float((counts * (means - y.mean()) ** 2).sum())
    return between / total


def rank_inputs(inputs: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """Inputs by their correlation ratio with ``y``, largest first (constant inputs left out)."""
    rows = [
        {"parameter": c, "correlation_ratio": correlation_ratio(inputs[c].to_numpy(), y)}
        for c in inputs.columns
        if inputs[c].nunique() > 1
    ]
    frame = pd.DataFrame(rows, columns=["parameter", "correlation_ratio"])
    return frame.sort_values("correlation_ratio", ascending=False, kind="stable", ignore_index=True)


def sobol_indices(problem: dict, y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% bootstrap half-widths.

    ``y`` holds one value per point of SALib's Saltelli sample (``calc_second_order=False``),
    in its order; ``problem`` is the SALib problem that sample was drawn for.
    """
    from sim.analysis.extras import require

    require("SALib", "Sobol indices")
    from SALib.analyze import sobol

    res = sobol.analyze(
        problem,
        np.asarray(y, dtype=float),
        calc_second_order=False,
        seed=seed,
        print_to_console=False,
    )
    frame = pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
            "ST": res["ST"],
            "ST_conf": res["ST_conf"],
        }
    )
    return frame.sort_values("ST", ascending=False, kind="stable", ignore_index=True)
