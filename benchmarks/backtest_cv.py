"""Choose the backtest mapping's global settings by 5-fold cross-validation over proposals.

    python benchmarks/backtest_cv.py [data/deu3/dev.tsv] [--runs 50] [--seed 20220107]
        [--folds 5] [--workers 2] [--out benchmarks/backtest_cv]

Settings searched (sim/backtest/cv.py): the status quo used where ``rp`` is blank (0, the
middle of the scale, the Commission's position), settlement (issue by issue or package) and
the number of rounds (5, 10, 20, 30, 50: the schema allows at most 50). Writes ``folds.csv``
(every candidate's train and held-out error in each fold, the fold's choice marked) and
``candidates.csv`` (each candidate's error on all proposals), and prints the choice and the
cross-validated error. docs/backtest.md records the result; set the defaults of
``sim.importers.Mapping`` to the choice.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim.backtest.cv import cross_validate, grid, label
from sim.importers import read_deu

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(ROOT / "data" / "deu3" / "dev.tsv"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20220107)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "backtest_cv"))
    args = parser.parse_args()
    data = read_deu(args.data)
    started = time.perf_counter()
    result = cross_validate(data, grid(), args.runs, args.seed, args.folds, args.workers)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result.folds.round(3).to_csv(out / "folds.csv", index=False, lineterminator="\n")
    result.candidates.round(3).to_csv(out / "candidates.csv", index=False, lineterminator="\n")
    chosen = result.folds[result.folds["chosen"]]
    print(f"{len(grid())} candidates, {args.runs} runs each, {args.folds} folds over proposals")
    print(chosen[["fold", "candidate", "train_mae", "test_n", "test_mae"]].round(2).to_string())
    print(f"cross-validated MAE: {result.cv_mae:.2f}")
    print(f"chosen on all proposals: {label(result.chosen)}")
    print(result.candidates.round(2).to_string())
    print(f"took {time.perf_counter() - started:.0f} s; wrote {out}/folds.csv, candidates.csv")


if __name__ == "__main__":
    main()
