"""Differences in outcome shares between scenarios, with intervals and a plain verdict."""

from __future__ import annotations

import pandas as pd

from sim.model.outcomes import OUTCOMES

from .intervals import newcombe, paired_difference


def outcome_differences(
    baseline: str,
    tables: dict[str, pd.DataFrame],
    seeds: dict[str, int],
    structures: dict[str, object] | None = None,
) -> pd.DataFrame:
    """Each scenario's share of each outcome minus the baseline's, with a 95% interval.

    When a scenario was run with the baseline's seed and the same run indices (common random
    numbers), runs are paired; otherwise the samples are treated as independent. Given
    ``structures`` (what each scenario draws for: its actors and issues), runs are paired only
    between scenarios of the same structure: the same seed means nothing between unrelated
    crises.
    """
    structures = structures or {}
    base = tables[baseline]
    rows = []
    for name, table in tables.items():
        if name == baseline:
            continue
        paired = (
            seeds.get(name) == seeds.get(baseline)
            and structures.get(name) == structures.get(baseline)
            and len(table) == len(base)
            and (table["run"].to_numpy() == base["run"].to_numpy()).all()
        )
        for o in OUTCOMES:
            a = (base["outcome"].astype(str) == o).to_numpy()
            b = (table["outcome"].astype(str) == o).to_numpy()
            if paired:
                d, lo, hi = paired_difference(a, b)
            else:
                d, lo, hi = newcombe(int(a.sum()), len(a), int(b.sum()), len(b))
            significant = bool(lo > 0 or hi < 0)
            rows.append(
                {
                    "scenario": name,
                    "outcome": o,
                    "baseline_share": float(a.mean()),
                    "share": float(b.mean()),
                    "difference": d,
                    "ci_low": lo,
                    "ci_high": hi,
                    "paired": paired,
                    "significant": significant,
                    "verdict": verdict(d, lo, hi),
                }
            )
    return pd.DataFrame(rows)


def verdict(d: float, lo: float, hi: float) -> str:
    """A plain statement of whether a difference is more than noise."""
    if lo > 0:
        return f"more likely by {100 * d:.1f} points (more than noise)"
    if hi < 0:
        return f"less likely by {100 * -d:.1f} points (more than noise)"
    return "no difference beyond noise"
