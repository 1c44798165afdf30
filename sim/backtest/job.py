"""``negsim backtest``: forecast every scoreable issue of a DEU file with negsim and with the
reference predictors, score them against the real outcomes, and write a results folder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.importers import DEU_CITATION, Mapping, read_deu
from sim.jobs import versions
from sim.results import ResultsFolder, sha256
from sim.results.store import MANIFEST_JSON
from sim.scenario.schema import Settings

from .references import REFERENCES, reference_forecasts
from .run import DEFAULT, build_units, default_workers, play_units
from .scoring import best_reference, score_table

QUANTILES = (10, 25, 50, 75, 90)
FORECASTS_CSV = "forecasts.csv"
SCORES_CSV = "scores.csv"
SKIPPED_CSV = "skipped.csv"


class BacktestError(Exception):
    """An option that cannot be honoured (an unknown mechanism): reported in one line."""


def known_mechanisms() -> list[str]:
    """The mechanisms the scenario schema accepts (``settings.mechanism``)."""
    field = Settings.model_fields.get("mechanism")
    if field is None:
        return []
    return [str(v) for v in typing.get_args(field.annotation)]


@dataclass
class BacktestOutput:
    path: Path
    forecasts: pd.DataFrame
    scores: pd.DataFrame
    skipped: pd.DataFrame
    best_reference: str | None
    seconds: float


def forecasts_table(
    data, units_values, mechanisms: list[str]
) -> tuple[pd.DataFrame, pd.Series, dict]:
    """forecasts.csv (one row per scored issue, in file order), each row's Council rule, and
    negsim's per-run values keyed by (proposal, issue)."""
    by_issue: dict[tuple[int, int], dict[str, Any]] = {}
    samples: dict[tuple[int, int], np.ndarray] = {}
    for unit, values in units_values:
        for iid, issue in unit.scored.items():
            key = (issue.proposal, issue.issue)
            row = by_issue.setdefault(key, {})
            row[f"forecast_{unit.mechanism}"] = float(values[iid].mean())
            if unit.mechanism == DEFAULT:
                samples[key] = values[iid]
                for q, v in zip(QUANTILES, np.percentile(values[iid], QUANTILES), strict=True):
                    row[f"negsim_q{q}"] = float(v)
    rows, voting = [], []
    for issue in data.scored():
        key = (issue.proposal, issue.issue)
        if key not in by_issue:
            continue
        refs = reference_forecasts(issue, data.gdp)
        got = by_issue[key]
        row = {
            "proposal": issue.proposal,
            "issue": issue.issue,
            "outcome": issue.outcome,
            "reference_point": issue.reference_point,
            "forecast_negsim": got[f"forecast_{DEFAULT}"],
            **{f"negsim_q{q}": got[f"negsim_q{q}"] for q in QUANTILES},
            **{f"forecast_{m}": got.get(f"forecast_{m}", np.nan) for m in mechanisms},
            **{f"forecast_{r}": refs[r] for r in REFERENCES},
        }
        rows.append(row)
        voting.append(issue.voting)
    columns = ["proposal", "issue", "outcome", "reference_point", "forecast_negsim"]
    columns += [f"negsim_q{q}" for q in QUANTILES] + [f"forecast_{m}" for m in mechanisms]
    columns += [f"forecast_{r}" for r in REFERENCES]
    return pd.DataFrame(rows, columns=columns), pd.Series(voting, dtype=str), samples


def backtest_job(
    data_path: Path,
    *,
    runs: int,
    seed: int,
    mechanisms: list[str] | None = None,
    per: str = "proposal",
    out: Path | None = None,
    force: bool = False,
    mapping: Mapping | None = None,
    workers: int | None = None,
    results_root: Path = Path("results"),
    progress: Callable[[int, int], None] | None = None,
    charts: bool = True,
) -> BacktestOutput:
    """Run the backtest and write its folder (docs/backtest.md); ``progress(done, total)``
    counts scored issues played, over all mechanisms."""
    mapping = mapping or Mapping()
    clock = time.perf_counter()
    started = dt.datetime.now(dt.UTC)
    data = read_deu(data_path)  # a file not in the format stops here, before anything is written
    default = Settings.model_fields["mechanism"].default  # already forecast_negsim
    extra = [m for m in dict.fromkeys(mechanisms or []) if m not in (mapping.mechanism, default)]
    known = known_mechanisms()
    for m in extra:
        if m not in known:
            choices = ", ".join(known) or "none besides the default in this version"
            raise BacktestError(f"--mechanism: unknown mechanism {m!r} (known: {choices})")
    if per not in ("issue", "proposal"):
        raise BacktestError(f"--per: must be issue or proposal (got {per!r})")
    skipped = list(data.skipped)
    units = build_units(data, mapping, extra, per, skipped)
    workers = default_workers() if workers is None else workers
    target = (
        out if out is not None else results_root / "backtest" / started.strftime("%Y%m%dT%H%M%SZ")
    )
    total = sum(len(u.scored) for u in units)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    with ResultsFolder(target, force) as folder:
        played = list(play_units(units, runs, seed, workers, advance))
        forecasts, voting, samples = forecasts_table(data, played, extra)
        scores = score_table(forecasts, voting, samples, list(REFERENCES), seed)
        best = best_reference(scores, list(REFERENCES))
        skipped_table = pd.DataFrame(
            [dataclasses.asdict(s) for s in skipped],
            columns=["line", "proposal", "issue", "column", "reason"],
        )
        folder.write_csv(FORECASTS_CSV, forecasts)
        folder.write_csv(SCORES_CSV, scores)
        folder.write_csv(SKIPPED_CSV, skipped_table)
        seconds = time.perf_counter() - clock
        manifest = {
            "data_file": str(data_path),
            "data_sha256": sha256(Path(data_path)),
            "data_source": DEU_CITATION,
            "issues_scored": len(forecasts),
            "proposals": int(forecasts["proposal"].nunique()),
            "rows_skipped": len(skipped),
            "per": per,
            "mechanisms": [DEFAULT, *extra],
            "mapping": dataclasses.asdict(mapping),
            "seed": seed,
            "runs": runs,
            "workers": workers,
            "best_reference": best,
            "command_line": sys.argv,
            "versions": versions(),
            "started": started.isoformat(timespec="seconds"),
            "simulation_seconds": round(seconds, 1),
        }
        if charts:
            from .report import write_charts_and_report

            write_charts_and_report(folder, forecasts, scores, skipped_table, manifest, best)
        manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        folder.write_json(MANIFEST_JSON, manifest)
        path = folder.commit()
    return BacktestOutput(path, forecasts, scores, skipped_table, best, seconds)
