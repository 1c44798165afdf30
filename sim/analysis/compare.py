"""Differences in outcome shares between scenarios, with intervals and a plain verdict."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.model.outcomes import OUTCOMES
from sim.scenario import Scenario
from sim.scenario.sampling import random_keys

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


def shared_draws(baseline: Scenario | None, other: Scenario | None) -> dict[str, Any]:
    """Which random quantities two scenarios share (run k draws the same value for each).

    Draws are keyed by scenario path (sim/scenario/rng.py), so with the same seed a run sees
    the same draw of a quantity in both scenarios whenever both have it; quantities only one of
    them has are drawn afresh. ``None`` for a scenario that could not be read back.
    """
    if baseline is None or other is None:
        return {"known": False}
    a, b = random_keys(baseline), random_keys(other)
    out: dict[str, Any] = {"known": True, "identical": a == b, "kinds": {}}
    for kind in a:
        ka, kb = set(a[kind]), set(b[kind])
        out["kinds"][kind] = {
            "shared": len(ka & kb),
            "only_baseline": sorted(ka - kb),
            "only_other": sorted(kb - ka),
        }
    return out


def pairing_note(baseline: str, name: str, paired: bool, shared: dict[str, Any]) -> str:
    """One honest sentence on how ``name``'s runs relate to the baseline's."""
    if not paired:
        return (
            f"{name}: different seeds, runs, or actors and issues, so the samples are compared "
            "as independent (Newcombe's interval)."
        )
    if not shared.get("known"):
        return (
            f"{name}: runs paired by index (same seed and runs); which random quantities the two "
            "share is unknown (a results folder without its scenario)."
        )
    if shared["identical"]:
        return (
            f"{name}: runs paired by index with common random numbers: both draw the same "
            "random quantities, so run k sees the same draws in each and only the changed "
            "values differ."
        )
    parts = []
    for kind, info in shared["kinds"].items():
        alone = len(info["only_baseline"]) + len(info["only_other"])
        if alone:
            parts.append(f"{kind}: {info['shared']} shared, {alone} in only one")
        else:
            parts.append(f"{kind}: all {info['shared']} shared")
    return (
        f"{name}: runs paired by index (same seed and runs); common random numbers only for "
        f"the quantities both scenarios draw ({'; '.join(parts)}); the others are drawn afresh, "
        "so part of the difference is sampling noise."
    )


def pairing_notes(
    baseline: str, diff: pd.DataFrame, scenarios: dict[str, Scenario | None]
) -> dict[str, str]:
    """For each scenario after the baseline, how its runs pair with the baseline's (in words)."""
    return {
        name: pairing_note(
            baseline,
            name,
            bool(diff.loc[diff["scenario"] == name, "paired"].all()),
            shared_draws(scenarios[baseline], scenarios[name]),
        )
        for name in scenarios
        if name != baseline
    }
