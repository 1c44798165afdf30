"""Choosing the mapping's global settings by K-fold cross-validation over proposals.

Issues of one proposal are negotiated together, so folds hold whole proposals: a setting is
chosen on the other folds' proposals and scored on the held-out ones. Nothing is tuned per
issue; the cross-validated error is the error of a choice made without seeing the issues
it is scored on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.importers import DeuData, Mapping

from .run import DEFAULT, build_units, play_units


def label(mapping: Mapping) -> str:
    return (
        f"status quo if rp blank: {mapping.missing_status_quo}; settlement: "
        f"{mapping.settlement}; rounds: {mapping.rounds}; chair: {mapping.chair}; "
        f"consensus: {mapping.consensus:g}"
    )


def grid(
    missing: Iterable[str] = ("zero", "midpoint"),
    settlement: Iterable[str] = ("issue_by_issue", "package"),
    rounds: Iterable[int] = (20, 50),
    chair: Iterable[str] = ("commission", "random"),
    consensus: Iterable[float] = (0.0, 0.5, 1.0),
) -> list[Mapping]:
    return [
        Mapping(missing_status_quo=m, settlement=s, rounds=r, chair=c, consensus=k)
        for m, s, r, c, k in itertools.product(missing, settlement, rounds, chair, consensus)
    ]


def negsim_errors(
    data: DeuData,
    mapping: Mapping,
    runs: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """negsim's absolute error on every scored issue under one mapping (proposal, issue, error)."""
    units = build_units(data, mapping, [], "proposal", [])
    rows = []
    for unit, values in play_units(units, runs, seed, workers, progress):
        for iid, issue in unit.scored.items():
            if unit.mechanism == DEFAULT:
                error = abs(float(values[iid].mean()) - issue.outcome)
                rows.append({"proposal": issue.proposal, "issue": issue.issue, "error": error})
    return pd.DataFrame(rows)


def assign_folds(proposals: list[int], folds: int, seed: int) -> dict[int, int]:
    """Proposals shuffled by the seed and dealt round the folds (sizes differ by at most 1)."""
    order = np.random.default_rng(np.random.SeedSequence([seed, 7])).permutation(sorted(proposals))
    return {int(p): i % folds for i, p in enumerate(order)}


@dataclass
class CrossValidation:
    folds: pd.DataFrame  # fold, candidate, train_n, train_mae, test_n, test_mae, chosen
    candidates: pd.DataFrame  # candidate, n, mae (over all proposals)
    chosen: Mapping  # best over all proposals: the value to ship
    cv_mae: float  # held-out error of the per-fold choices, over every issue


def cross_validate(
    data: DeuData,
    candidates: list[Mapping],
    runs: int,
    seed: int,
    folds: int = 5,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> CrossValidation:
    """Play every candidate mapping on every proposal, then choose fold by fold."""
    errors = {label(m): negsim_errors(data, m, runs, seed, workers, progress) for m in candidates}
    by_label = {label(m): m for m in candidates}
    return choose(errors, by_label, folds, seed)


def choose(
    errors: dict[str, pd.DataFrame], by_label: dict[str, Mapping], folds: int, seed: int
) -> CrossValidation:
    """In each fold, the candidate with the lowest error on the other folds' proposals, scored
    on the held-out proposals' issues."""
    first = next(iter(errors.values()))
    fold_of = assign_folds(list(first["proposal"].unique()), folds, seed)
    rows, held_out = [], []
    for k in range(folds):
        scores = {}
        for name, err in errors.items():
            test = err["proposal"].map(fold_of) == k
            scores[name] = (err[~test]["error"], err[test]["error"])
        best = min(scores, key=lambda n: scores[n][0].mean())
        held_out.append(scores[best][1])
        for name, (train, test) in scores.items():
            rows.append(
                {
                    "fold": k + 1,
                    "candidate": name,
                    "train_n": len(train),
                    "train_mae": train.mean(),
                    "test_n": len(test),
                    "test_mae": test.mean(),
                    "chosen": name == best,
                }
            )
    overall = pd.DataFrame(
        [{"candidate": n, "n": len(e), "mae": e["error"].mean()} for n, e in errors.items()]
    ).sort_values("mae", kind="stable", ignore_index=True)
    return CrossValidation(
        folds=pd.DataFrame(rows),
        candidates=overall,
        chosen=by_label[overall["candidate"].iloc[0]],
        cv_mae=float(pd.concat(held_out).mean()),
    )
