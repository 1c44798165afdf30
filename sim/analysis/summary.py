"""From results tables to the numbers people read: shares, intervals, per-round quantiles."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.collect import quantiles_from_hist
from sim.experiment.runner import Experiment
from sim.model.outcomes import OUTCOMES

from .intervals import wilson

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
QNAMES = ("q05", "q25", "q50", "q75", "q95")


def outcome_counts(outcomes: pd.DataFrame) -> dict[str, int]:
    counts = outcomes["outcome"].astype(str).value_counts()
    return {o: int(counts.get(o, 0)) for o in OUTCOMES}


def summarize(outcomes: pd.DataFrame, scenario_id: str, seed: int) -> dict[str, Any]:
    """The content of ``summary.json`` (docs/results.md)."""
    n = len(outcomes)
    counts = outcome_counts(outcomes)
    low, high = wilson(np.array(list(counts.values())), n)
    issues = [c[len("value_") :] for c in outcomes.columns if c.startswith("value_")]
    quantiles = {}
    for issue in issues:
        v = outcomes[f"value_{issue}"].to_numpy()
        qs = np.quantile(v, QUANTILES)
        quantiles[issue] = {name: round(float(q), 6) for name, q in zip(QNAMES, qs, strict=True)}
        quantiles[issue]["mean"] = round(float(v.mean()), 6)
        quantiles[issue]["settled_share"] = round(float(outcomes[f"settled_{issue}"].mean()), 6)
    return {
        "scenario": scenario_id,
        "runs": n,
        "seed": seed,
        "outcomes": list(OUTCOMES),
        "outcome_shares": {o: c / n for o, c in counts.items()},
        "outcome_counts": counts,
        "ci95": {o: [float(lo), float(hi)] for o, lo, hi in zip(OUTCOMES, low, high, strict=True)},
        "mean_rounds": float(outcomes["rounds"].mean()),
        "issue_quantiles": quantiles,
    }


def rounds_summary(exp: Experiment) -> pd.DataFrame:
    """Per round: runs talking, tension quantiles, cumulative share of each ending."""
    st = exp.stats
    horizon = len(st.active)
    tq = quantiles_from_hist(st.tension, 0.001, QUANTILES)
    frame = pd.DataFrame({"round": np.arange(1, horizon + 1), "meeting": exp.meetings})
    frame["active"] = st.active
    for j, name in enumerate(QNAMES):
        frame[f"tension_{name}"] = np.round(tq[:, j], 3)
    cum = np.cumsum(st.ended, axis=0) / max(exp.runs, 1)
    for j, o in enumerate(OUTCOMES):
        frame[f"cum_{o}"] = np.round(cum[:, j], 6)
    return frame


def positions_summary(exp: Experiment) -> pd.DataFrame:
    """Per round, actor and issue: quantiles of announced positions over all runs."""
    st = exp.stats
    q = quantiles_from_hist(st.positions, 0.1, QUANTILES)  # [H+1, N, K, 5]
    h1, n, k, _ = q.shape
    actors = [a.id for a in exp.scenario.actors]
    issues = [i.id for i in exp.scenario.issues]
    frame = pd.DataFrame(
        {
            "round": np.repeat(np.arange(h1), n * k),
            "actor": np.tile(np.repeat(actors, k), h1),
            "issue": np.tile(issues, h1 * n),
        }
    )
    for j, name in enumerate(QNAMES):
        frame[name] = np.round(q[..., j].reshape(-1), 1)
    return frame
