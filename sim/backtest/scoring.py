"""Scores of forecasts against real outcomes: errors, CRPS, interval coverage and paired
bootstrap differences over proposals (docs/backtest.md defines each column of scores.csv)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

SCORE_COLUMNS = (
    "predictor", "subset", "n", "mae", "rmse", "medae", "crps", "cover50", "cover80",
    "diff_vs_best_reference", "diff_low", "diff_high",
)  # fmt: skip
BOOTSTRAP_DRAWS = 2000


def crps_ensemble(samples: np.ndarray, outcome: float) -> float:
    """Empirical CRPS of a sample forecast: ``E|X - y| - E|X - X'| / 2`` over the sample.

    It rewards a distribution that is both close to the outcome and sharp; for a single value
    it is the absolute error, so point and sample forecasts are scored on one scale.
    """
    x = np.sort(np.asarray(samples, dtype=float))
    n = len(x)
    first = np.abs(x - outcome).mean()
    # sum over pairs |x_i - x_j| = 2 * sum_i (2i - n - 1) x_(i), i = 1..n
    pairs = 2.0 * np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * n)
    return float(first - pairs / 2)


def covered(samples: np.ndarray, outcome: float, level: float) -> bool:
    """Whether the outcome lies in the sample's central interval of this level."""
    lo, hi = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2])
    return bool(lo <= outcome <= hi)


def paired_bootstrap(
    errors_a: np.ndarray,
    errors_b: np.ndarray,
    groups: np.ndarray,
    seed: int,
    draws: int = BOOTSTRAP_DRAWS,
) -> tuple[float, float, float]:
    """Difference in mean absolute error (a - b) and its 95% percentile interval, resampling
    whole groups (proposals): issues of one proposal are not independent of each other."""
    diff = np.asarray(errors_a, float) - np.asarray(errors_b, float)
    labels, index = np.unique(groups, return_inverse=True)
    sums = np.bincount(index, weights=diff, minlength=len(labels))
    counts = np.bincount(index, minlength=len(labels)).astype(float)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    picks = rng.integers(0, len(labels), size=(draws, len(labels)))
    boot = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    lo, hi = np.quantile(boot, [0.025, 0.975])
    return float(diff.mean()), float(lo), float(hi)


def score_table(
    forecasts: pd.DataFrame,
    voting: pd.Series,
    samples: Mapping[tuple[int, int], np.ndarray],
    references: list[str],
    seed: int,
) -> pd.DataFrame:
    """scores.csv: one row per predictor and subset (all, QMV, Unan).

    ``samples`` holds negsim's per-run values of each (proposal, issue); the best reference is
    the reference predictor with the lowest MAE among those that forecast every issue of the
    subset (the status quo is blank where ``rp`` is, so it is compared only where coded).
    """
    predictors = [c.removeprefix("forecast_") for c in forecasts if c.startswith("forecast_")]
    rows = []
    for subset in ("all", "QMV", "Unan"):
        part = forecasts if subset == "all" else forecasts[voting.to_numpy() == subset]
        y = part["outcome"].to_numpy(float)
        errors = {p: np.abs(part[f"forecast_{p}"].to_numpy(float) - y) for p in predictors}
        complete = [r for r in references if r in errors and not np.isnan(errors[r]).any()]
        best = min(complete, key=lambda r: errors[r].mean()) if len(part) and complete else None
        for p in predictors:
            err = errors[p]
            ok = ~np.isnan(err)
            row: dict[str, object] = {"predictor": p, "subset": subset, "n": int(ok.sum())}
            if ok.sum() == 0:
                rows.append(row)
                continue
            row |= {
                "mae": err[ok].mean(),
                "rmse": float(np.sqrt((err[ok] ** 2).mean())),
                "medae": float(np.median(err[ok])),
                "crps": err[ok].mean(),
            }
            if p == "negsim":
                keys = list(zip(part["proposal"], part["issue"], strict=True))
                runs = [samples[k] for k in keys]
                row["crps"] = float(
                    np.mean([crps_ensemble(s, v) for s, v in zip(runs, y, strict=True)])
                )
                row["cover50"] = float(
                    np.mean([covered(s, v, 0.5) for s, v in zip(runs, y, strict=True)])
                )
                row["cover80"] = float(
                    np.mean([covered(s, v, 0.8) for s, v in zip(runs, y, strict=True)])
                )
            if best is not None:
                both = ok & ~np.isnan(errors[best])
                d, lo, hi = paired_bootstrap(
                    err[both], errors[best][both], part["proposal"].to_numpy()[both], seed
                )
                row |= {"diff_vs_best_reference": d, "diff_low": lo, "diff_high": hi}
            rows.append(row)
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))


def best_reference(scores: pd.DataFrame, references: list[str], subset: str = "all") -> str | None:
    """The reference predictor with the lowest MAE among those scored on every issue of the
    subset: the one ``diff_vs_best_reference`` is measured from."""
    part = scores[scores["subset"] == subset]
    full = part[part["predictor"].isin(references) & (part["n"] == part["n"].max())]
    full = full.dropna(subset=["mae"])
    return None if full.empty else str(full.loc[full["mae"].idxmin(), "predictor"])
