"""``negsim explain RESULTS``: which inputs drive an outcome and under which conditions it
happens, from a run's per-run inputs or a sweep's points (docs/sweep.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.discovery import Box, find_box
from sim.analysis.sensitivity import rank_inputs, sobol_indices
from sim.model.outcomes import OUTCOMES
from sim.results import ResultsError, load_results
from sim.results.store import MANIFEST_JSON

from .design import Vary, salib_problem
from .job import POINTS_CSV

PRIM_RUNS = 100_000  # PRIM peels a sample of this many runs at most
INTEREST_QUANTILE = 0.75  # a sweep's points of interest: share in the top quarter


@dataclass
class Explanation:
    outcome: str
    source: str  # "runs" or "sweep points"
    cases: int
    base_rate: float
    ranking: pd.DataFrame  # parameter, then the measure
    measure: str  # column of ranking that ranks
    method: str  # in words
    box: Box | None
    interest_rule: str
    inputs: pd.DataFrame
    interest: np.ndarray


def _sweep_tables(folder: Path) -> tuple[pd.DataFrame, dict]:
    try:
        manifest = json.loads((folder / MANIFEST_JSON).read_text(encoding="utf-8"))
        points = pd.read_csv(folder / POINTS_CSV)
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{folder}: cannot be read ({exc})") from None
    return points, manifest


def explain_results(folder: Path, outcome: str) -> Explanation:
    """Sensitivity and a PRIM box for ``outcome`` from a results folder (a run or a sweep)."""
    folder = Path(folder)
    if outcome not in OUTCOMES:
        raise ResultsError(f"--outcome: must be one of {', '.join(OUTCOMES)} (got {outcome!r})")
    if (folder / POINTS_CSV).is_file():
        return _explain_sweep(folder, outcome)
    res = load_results(folder)
    table = res.experiments()
    inputs = table[[c for c in res.inputs.columns if c != "run"]]
    inputs = inputs.loc[:, inputs.nunique() > 1]
    if inputs.shape[1] == 0:
        raise ResultsError(f"{folder}: its runs drew no input at random; nothing to explain")
    y = (table["outcome"].astype(str) == outcome).to_numpy()
    ranking = rank_inputs(inputs, y)
    return Explanation(
        outcome,
        "runs",
        len(y),
        float(y.mean()),
        ranking,
        "correlation_ratio",
        "correlation ratio of each input drawn per run (share of the outcome's variance it "
        "explains alone, binned)",
        find_box(inputs, y),
        f"runs ending in {outcome}",
        inputs,
        y,
    )


def _explain_sweep(folder: Path, outcome: str) -> Explanation:
    points, manifest = _sweep_tables(folder)
    varied = [v["path"] for v in manifest.get("varied", [])]
    if not varied or any(p not in points for p in varied):
        raise ResultsError(f"{folder}: its manifest and {POINTS_CSV} disagree on what was varied")
    col = f"share_{outcome}"
    ok = points[points["status"] == "ok"]
    inputs = ok[varied].reset_index(drop=True)
    y = ok[col].to_numpy(dtype=float)
    if manifest.get("design") == "sobol":
        if len(ok) != len(points):
            raise ResultsError(
                f"{folder}: {len(points) - len(ok)} points failed; Sobol indices need every point"
            )
        problem = salib_problem([Vary(v["path"], v["low"], v["high"]) for v in manifest["varied"]])
        ranking = sobol_indices(problem, y)
        measure = "ST"
        method = (
            "Sobol indices (SALib, Saltelli's scheme, base N "
            f"{manifest.get('base_sample_n')}): S1 is the share of the variance of the "
            "outcome's share due to the parameter alone, ST with its interactions"
        )
    else:
        ranking = rank_inputs(inputs, y)
        measure = "correlation_ratio"
        method = "correlation ratio of each varied parameter with the outcome's share per point"
    threshold = float(np.quantile(y, INTEREST_QUANTILE)) if len(y) else 0.0
    interest = y >= threshold
    rule = f"points where {outcome} ends at least {100 * threshold:.1f}% of runs (the top quarter)"
    box = find_box(inputs, interest.astype(float))
    return Explanation(
        outcome,
        "sweep points",
        len(y),
        float(interest.mean()),
        ranking,
        measure,
        method,
        box,
        rule,
        inputs,
        interest,
    )


def explain_lines(ex: Explanation) -> list[str]:
    """The explanation in plain words, one line each."""
    name = ex.outcome.replace("_", " ")
    lines = []
    if ex.source == "runs":
        lines.append(f"{name}: {100 * ex.base_rate:.1f}% of {ex.cases:,} runs.")
    else:
        lines.append(
            f"{name}: across {ex.cases:,} sweep points; cases of interest: {ex.interest_rule}."
        )
    lines.append(f"What drives it ({ex.method}):")
    for i, r in enumerate(ex.ranking.head(8).itertuples(index=False), 1):
        if ex.measure == "ST":
            lines.append(
                f"  {i}. {r.parameter}: total index {r.ST:.2f} (+/- {r.ST_conf:.2f}), "
                f"first-order {r.S1:.2f} (+/- {r.S1_conf:.2f})"
            )
        else:
            lines.append(f"  {i}. {r.parameter}: {r.correlation_ratio:.3f}")
    if ex.box is None:
        lines.append("Where it happens: no PRIM box (no case of interest, or every case is one).")
    else:
        what, cases = (
            (f"end in {name}", "runs")
            if ex.source == "runs"
            else (f"are in the top quarter for {name}", "points")
        )
        sample = f" (from the first {PRIM_RUNS:,} runs)" if ex.cases > PRIM_RUNS else ""
        lines.append(f"Where it happens (PRIM box{sample}): " + ex.box.describe(what, cases) + ".")
    return lines


def explain_chart_png(ex: Explanation, title: str) -> bytes:
    import matplotlib

    from sim.plots import figure_png
    from sim.plots.explain import explain_chart

    with matplotlib.rc_context({"text.parse_math": False}):
        fig = explain_chart(
            ex.ranking,
            ex.measure,
            ex.inputs,
            ex.interest,
            ex.box.limits if ex.box else {},
            ex.outcome,
            title=title,
        )
        return figure_png(fig)
