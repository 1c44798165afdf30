"""``negsim sweep``: many points of one scenario, each a Monte Carlo experiment, in one folder.

The folder (docs/sweep.md) holds points.csv (one row per point), effects.csv (one-at-a-time
effects for the tornado), outcomes.csv on request (every run of every point), the manifest,
charts and a report. It is written whole or not at all (sim/results/store.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis import wilson
from sim.analysis.summary import outcome_counts
from sim.experiment.executors import make_executor
from sim.experiment.runner import check_memory
from sim.model.outcomes import OUTCOMES
from sim.results import ResultsError, ResultsFolder, default_target
from sim.results.provenance import versions
from sim.results.store import MANIFEST_JSON, OUTCOMES_CSV
from sim.scenario import Scenario, ScenarioError, load_scenario, with_overrides
from sim.scenario.overrides import manifest_entry
from sim.scenario.paths import plain, resolve
from sim.scenario.rng import DRAWS

from .checkpoint import FORMAT as CHECKPOINT_FORMAT
from .checkpoint import SweepCheckpoint, SweepState
from .design import (
    SweepError,
    Vary,
    as_whole,
    check_varies,
    design_points,
    design_size,
    whole_number_paths,
)
from .runner import play_points

POINTS_CSV = "points.csv"
EFFECTS_CSV = "effects.csv"
SOBOL_NOTE = (
    "Saltelli's scheme as SALib samples it (SALib.sample.sobol, calc_second_order=False): "
    "a base sample of N points gives N x (parameters + 2) points, enough for first-order and "
    "total Sobol indices"
)


def point_row(
    values: Mapping[str, float],
    outcomes: pd.DataFrame | None,
    actors: list[str],
    error: str | None = None,
) -> dict[str, Any]:
    """One row of points.csv: the point, then its shares with 95% Wilson intervals."""
    row: dict[str, Any] = dict(values)
    nan = float("nan")
    n = 0 if outcomes is None else len(outcomes)
    row["runs"] = n
    counts = outcome_counts(outcomes) if n else dict.fromkeys(OUTCOMES, 0)
    low, high = wilson(np.array([counts[o] for o in OUTCOMES]), n)
    for j, o in enumerate(OUTCOMES):
        row[f"share_{o}"] = round(counts[o] / n, 6) if n else nan
        row[f"share_{o}_low"] = round(float(low[j]), 6) if n else nan
        row[f"share_{o}_high"] = round(float(high[j]), 6) if n else nan
    row["mean_rounds"] = round(float(outcomes["rounds"].mean()), 6) if n else nan
    for a in actors:
        col = f"utility_{a}"
        row[col] = round(float(outcomes[col].mean()), 6) if n and col in outcomes else nan
    row["status"] = "ok" if error is None else error
    return row


def _point_scenario(
    base: Scenario, values: Mapping[str, float], whole: set[str] = frozenset()
) -> Scenario | str:
    """The point's scenario, or the error that makes it unplayable (recorded, not raised)."""
    try:
        return with_overrides(
            base, {p: round(v) if p in whole else float(v) for p, v in values.items()}
        )
    except ScenarioError as exc:
        return "error: " + "; ".join(f"{p.field}: {p.message}" for p in exc.problems)


def current_value(scenario: Scenario, path: str) -> Any:
    """What the scenario holds at a path (a number, or a distribution as in a file)."""
    target = resolve(plain(scenario), path)
    return None if target.container is None else target.container.get(target.key)


@dataclass
class SweepOutput:
    path: Path
    points: pd.DataFrame
    effects: pd.DataFrame
    manifest: dict[str, Any]


def sweep_job(
    scenario_path: Path,
    varies: list[Vary],
    *,
    design: str = "grid",
    points: int | None = None,
    runs_per_point: int = 1000,
    seed: int,
    workers: int = 1,
    out: Path | None = None,
    force: bool = False,
    per_point_outcomes: bool = False,
    overrides: Mapping[str, Any] | None = None,
    results_root: Path = Path("results"),
    progress: Callable[[int], None] | None = None,
    charts: bool = True,
    executor: str = "process",
    scheduler: str | None = None,
    resume: bool = False,
    on_resume: Callable[[int], None] | None = None,
) -> SweepOutput:
    """Run every point of the design with ``runs_per_point`` runs each and write the folder.

    The design's own sampling (LHS, Sobol) is seeded by ``seed`` too, so the same command gives
    the same points and the same runs.

    ``executor`` (``process`` or ``dask``, with ``scheduler``; sim/experiment/executors.py)
    plays the points' chunks; the tables are the same bytes whichever. With ``out`` named,
    each point is checkpointed as it completes, so a sweep killed part-way finishes with
    ``resume`` from its last complete point (``on_resume`` is told how many points were found
    done) and writes the same bytes (sim/sweep/checkpoint.py).
    """
    if resume and out is None:
        raise ResultsError("--resume needs --out DIR: the folder the interrupted sweep was writing")
    overrides = dict(overrides or {})
    sources: list[tuple[str, str]] = []
    base = with_overrides(load_scenario(scenario_path, sources), overrides)
    problems = check_varies(base, varies, design, points)
    if problems:
        raise SweepError(*problems)
    if design == "sobol":
        from sim.analysis.extras import require

        require("SALib", "a sobol design")
    whole = whole_number_paths(base, varies)
    varies = as_whole(varies, whole)
    table = design_points(varies, design, points, seed)
    for p in whole:
        table[p] = table[p].round()
    check_memory(base, runs_per_point, workers)
    paths = [v.path for v in varies]
    actors = [a.id for a in base.actors]
    # The one-at-a-time runs for the tornado: the scenario as it is, then each path at each end.
    oat = [{}] + [{v.path: end} for v in varies for end in (v.low, v.high)]
    plans = [dict(zip(paths, map(float, r), strict=True)) for r in table.itertuples(index=False)]
    scenarios = [_point_scenario(base, p, whole) for p in plans + oat]
    spec = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    started = dt.datetime.now(dt.UTC)
    target = out if out is not None else default_target(results_root, f"{base.id}-sweep", started)
    key = None
    if out is not None:  # a folder the user named can be resumed: it keeps a checkpoint
        key = {
            "format": CHECKPOINT_FORMAT,
            "kind": "sweep",
            "scenario_sha256": hashlib.sha256(
                json.dumps(spec, sort_keys=True).encode("utf-8")
            ).hexdigest(),
            "seed": seed,
            "runs_per_point": runs_per_point,
            "design": design,
            "points": points,
            "varied": [_varied(v) for v in varies],
            "outcomes": per_point_outcomes,
        }
    with (
        make_executor(executor, workers, scheduler) as pool,
        ResultsFolder(target, force, unique=out is None, checkpoint=key, resume=resume) as folder,
    ):
        kept = SweepCheckpoint(folder.checkpoint_folder()) if key else None
        outcomes_file = folder.file(OUTCOMES_CSV) if per_point_outcomes else None
        state = kept.load(outcomes_file) if kept is not None else SweepState()
        if on_resume is not None:
            on_resume(state.done)
        writer = None
        if outcomes_file is not None:
            writer = outcomes_file.open("ab")  # cut back to the points recorded done
        size = state.outcomes_bytes
        try:
            for res in play_points(scenarios, runs_per_point, seed, pool, progress, state.done):
                k = res.index
                values = plans[k] if k < len(plans) else oat[k - len(plans)]
                row = point_row(values, res.outcomes, actors, res.error)
                if writer is not None and k < len(plans) and res.outcomes is not None:
                    runs = res.outcomes.copy()
                    runs.insert(0, "point", k)
                    text = runs.to_csv(index=False, header=size == 0, lineterminator="\n")
                    size += writer.write(text.encode("utf-8"))
                    writer.flush()
                if kept is not None:
                    kept.save(state, row, size)
                else:
                    state.rows.append(row)
                    state.done += 1
        finally:
            if writer is not None:
                writer.close()
            if kept is not None:
                kept.close()
        rows, effect_runs = state.rows[: len(plans)], state.rows[len(plans) :]
        frame = pd.DataFrame(rows, columns=list(rows[0]))
        frame.insert(0, "point", range(len(frame)))
        folder.write_csv(POINTS_CSV, frame)
        effects = effects_table(varies, effect_runs, base)
        folder.write_csv(EFFECTS_CSV, effects)
        manifest = {
            "kind": "sweep",
            "scenario_file": str(scenario_path),
            "scenario_sha256": sources[0][1],
            "scenario_files": [{"file": f, "sha256": h} for f, h in sources],
            "scenario": spec,
            "overrides": manifest_entry(overrides),
            "design": design,
            "design_note": SOBOL_NOTE if design == "sobol" else None,
            "base_sample_n": points if design == "sobol" else None,
            "points": design_size(varies, design, points),
            "varied": [
                _varied(v) | {"scenario_value": _jsonable(current_value(base, v.path))}
                for v in varies
            ],
            "point_overrides": plans,
            "seed": seed,
            "runs_per_point": runs_per_point,
            "common_random_numbers": "run k of every point uses the same draws for every "
            "quantity not varied (draws keyed by seed, run and scenario path)",
            "draws": DRAWS,
            "per_point_outcomes": OUTCOMES_CSV if per_point_outcomes else None,
            "workers": pool.workers,
            "executor": pool.kind,
            "scheduler": scheduler,
            "resumed": folder.resumed,
            "command_line": sys.argv,
            "versions": versions(),
            "started": started.isoformat(timespec="seconds"),
        }
        manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        folder.write_json(MANIFEST_JSON, manifest)
        if charts:
            from .report import write_charts_and_report

            write_charts_and_report(folder, base, frame, effects, manifest, varies)
        path = folder.commit()
    return SweepOutput(path, frame, effects, manifest)


def _varied(v: Vary) -> dict[str, Any]:
    """A varied field as the checkpoint and the manifest record it."""
    values = list(v.values) if v.values is not None else None
    return {"path": v.path, "low": v.low, "high": v.high, "n": v.n, "values": values}


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (int, float, str, dict, list, type(None))) else str(value)


def effects_table(varies: list[Vary], rows: list[dict[str, Any]], base: Scenario) -> pd.DataFrame:
    """One row per varied path: each outcome's share with the path at LOW and at HIGH (others as
    in the scenario) and in the scenario as it is; the tornado draws these."""
    baseline = rows[0]
    out = []
    for i, v in enumerate(varies):
        at_low, at_high = rows[1 + 2 * i], rows[2 + 2 * i]
        rec: dict[str, Any] = {"path": v.path, "low": v.low, "high": v.high}
        for o in OUTCOMES:
            rec[f"baseline_{o}"] = baseline[f"share_{o}"]
            rec[f"at_low_{o}"] = at_low[f"share_{o}"]
            rec[f"at_high_{o}"] = at_high[f"share_{o}"]
        rec["status"] = (
            "ok"
            if at_low["status"] == at_high["status"] == "ok"
            else (at_low["status"] if at_low["status"] != "ok" else at_high["status"])
        )
        out.append(rec)
    return pd.DataFrame(out)
