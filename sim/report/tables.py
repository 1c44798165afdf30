"""Small tables for the report, built from ``summary.json`` contents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sim.plots.labels import order_outcomes, outcome_name


def outcome_summary_table(summaries: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per scenario and outcome, already worded and rounded for readers.

    Shares are given with their interval in the same row because a share without its
    uncertainty invites over-reading small differences.
    """
    rows = []
    for scenario, summary in summaries.items():
        shares = summary["outcome_shares"]
        counts = summary.get("outcome_counts") or {}
        ci = summary.get("ci95") or {}
        for outcome in order_outcomes(list(summary.get("outcomes") or []) + list(shares)):
            low, high = ci.get(outcome, (float("nan"), float("nan")))
            row = {"scenario": scenario} if len(summaries) > 1 else {}
            row |= {
                "outcome": outcome_name(outcome),
                "runs": int(counts[outcome]) if outcome in counts else None,
                "share": f"{100 * shares.get(outcome, 0.0):.1f}%",
                "95% interval": f"{100 * low:.1f}–{100 * high:.1f}%",
            }
            rows.append(row)
    return pd.DataFrame(rows)
