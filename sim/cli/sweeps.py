"""Commands for analysis at scale: sweep parameters, explain outcomes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    DEFAULT_SEED,
    BadInput,
    Executor,
    Force,
    Out,
    ScenarioArg,
    Scheduler,
    Seed,
    Sets,
    _check_executor,
    _load,
    _overrides,
    _progress,
    _say,
    _workers,
    app,
    err,
    term,
)


@app.command()
def sweep(
    scenario: ScenarioArg,
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="A field to vary: PATH=LOW:HIGH[:N] (N points of a grid) or PATH=V1,V2,...; "
            "repeatable.",
            metavar="PATH=RANGE",
            show_default=False,
        ),
    ],
    design: Annotated[str, typer.Option(help="grid, lhs (Latin hypercube) or sobol.")] = "grid",
    points: Annotated[
        int | None,
        typer.Option(
            help="Points of an lhs design (default 50), or a sobol design's base N, a power of "
            "two (default 16; it runs N x (parameters + 2) points).",
            show_default=False,
        ),
    ] = None,
    runs_per_point: Annotated[
        int, typer.Option(help="Runs at each point.", min=1, max=10_000_000)
    ] = 1000,
    seed: Seed = DEFAULT_SEED,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes \\[default: 1 below 20,000 runs in all, else all cores].",
            min=1,
        ),
    ] = None,
    out: Out = None,
    force: Force = False,
    outcomes: Annotated[
        bool, typer.Option("--outcomes", help="Also write every run of every point (outcomes.csv).")
    ] = False,
    sets: Sets = None,
    executor: Executor = "process",
    scheduler: Scheduler = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Finish a sweep to the same --out that was killed part-way, from its last "
            "complete point (same scenario, --vary, design, seed and runs per point).",
        ),
    ] = False,
) -> None:
    """Run a scenario at many points of its parameters: shares with intervals per point."""
    from sim.analysis.extras import MissingExtra
    from sim.experiment.executors import ExecutorError
    from sim.results import ResultsError
    from sim.scenario import ScenarioError
    from sim.scenario.limits import BudgetError
    from sim.sweep import SweepError, parse_vary, sweep_job
    from sim.sweep.design import check_varies, design_size

    overrides = _overrides(sets)
    loaded = _load(scenario, overrides=overrides)
    varies, problems = [], []
    for item in vary:
        try:
            varies.append(parse_vary(item))
        except SweepError as exc:
            problems.extend(exc.lines)
    if problems:
        raise BadInput(*problems)
    problems = check_varies(loaded, varies, design, points)
    if problems:
        raise BadInput(*problems)
    _check_executor(executor, scheduler)
    n = design_size(varies, design, points)
    total = (n + 1 + 2 * len(varies)) * runs_per_point
    if workers is None:
        from sim.experiment import default_workers
        from sim.experiment.processes import cores

        workers = cores() if executor == "dask" else default_workers(total)
    else:
        workers = _workers(workers)
    _say(
        err,
        f"negsim: sweep of {scenario}, {design} design, {n:,} points x {runs_per_point:,} "
        f"runs (and {1 + 2 * len(varies)} one-at-a-time points), seed {seed}",
    )
    try:
        with _progress() as bar:
            task = bar.add_task("simulating", total=total)

            def resumed(done: int) -> None:
                if done:
                    bar.console.print(f"negsim: resuming {out}: {done:,} points done")
                    bar.update(task, completed=done * runs_per_point)
                else:
                    bar.console.print(f"negsim: nothing to resume in {out}; starting afresh")

            result = sweep_job(
                scenario,
                varies,
                design=design,
                points=points,
                runs_per_point=runs_per_point,
                seed=seed,
                workers=workers,
                out=out,
                force=force,
                per_point_outcomes=outcomes,
                overrides=overrides,
                progress=lambda k: bar.advance(task, k),
                executor=executor,
                scheduler=scheduler,
                resume=resume,
                on_resume=resumed if resume else None,
            )
    except SweepError as exc:
        raise BadInput(*exc.lines) from None
    except ScenarioError as exc:
        raise BadInput(*(str(p) for p in exc.problems)) from None
    except (ResultsError, BudgetError, MissingExtra, ExecutorError) as exc:
        raise BadInput(str(exc)) from None
    pts = result.points
    failed = int((pts["status"] != "ok").sum())
    _say(term, f"{len(pts):,} points, {failed} failed; shares by point in points.csv")
    from sim.sweep.report import main_outcome

    o = main_outcome(result.effects, pts)
    ok = pts[pts["status"] == "ok"]
    if len(ok):
        _say(
            term,
            f"{o.replace('_', ' ')}: from {100 * ok[f'share_{o}'].min():.1f}% to "
            f"{100 * ok[f'share_{o}'].max():.1f}% of runs across the points",
        )
    _say(term, f"results: {result.path}")
    _say(term, f"report:  {result.path / 'report.html'}")


@app.command()
def explain(
    target: Annotated[
        Path,
        typer.Argument(
            help="A results folder (of `negsim run` or `negsim sweep`) with --outcome, or a "
            "scenario file with --target.",
            show_default=False,
        ),
    ],
    outcome: Annotated[
        str | None,
        typer.Option(help="Outcome to explain from a results folder, e.g. armed_conflict."),
    ] = None,
    goal: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="For a scenario: OUTCOME>=SHARE or OUTCOME<=SHARE, e.g. agreement>=0.3; "
            "searches its levers for the smallest change that gets there.",
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", "-n", help="Runs per lever value tried.", min=10)
    ] = 500,
    seed: Seed = DEFAULT_SEED,
    workers: Annotated[int | None, typer.Option(help="Worker processes.", min=1)] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the chart \\[default: explain_<outcome>.png in the results "
            "folder].",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Explain an outcome (sensitivity, PRIM box), or search a scenario's levers for a target."""
    from sim.analysis.extras import MissingExtra
    from sim.results import ResultsError
    from sim.scenario.limits import BudgetError
    from sim.sweep import SweepError

    try:
        if target.is_dir():
            if goal is not None or outcome is None:
                raise BadInput(f"{target}: a results folder takes --outcome (e.g. armed_conflict)")
            _explain_results(target, outcome, chart)
            return
        if goal is None or outcome is not None:
            raise BadInput(f"{target}: a scenario file takes --target (e.g. agreement>=0.3)")
        _explain_target(target, goal, runs, seed, _workers(workers) or 1)
    except SweepError as exc:
        raise BadInput(*exc.lines) from None
    except (ResultsError, BudgetError, MissingExtra) as exc:
        raise BadInput(str(exc)) from None


def _explain_results(folder: Path, outcome: str, chart: Path | None) -> None:
    from sim.sweep.explain import explain_chart_png, explain_lines, explain_results

    ex = explain_results(folder, outcome)
    for line in explain_lines(ex):
        _say(term, line)
    where = chart or folder / f"explain_{outcome}.png"
    title = f"{folder.name}: what drives {outcome.replace('_', ' ')}"
    try:
        where.write_bytes(explain_chart_png(ex, title))
    except OSError as exc:
        raise BadInput(f"{where}: cannot write the chart ({exc.strerror})") from None
    _say(term, f"chart: {where}")


def _explain_target(scenario: Path, goal: str, runs: int, seed: int, workers: int) -> None:
    from sim.scenario.levers import levers_of
    from sim.sweep.search import PAIR_LEVERS, PAIR_STEPS, lever_values, parse_target, search_lines
    from sim.sweep.search import what_it_takes as search

    parsed = parse_target(goal)
    loaded = _load(scenario)
    levers = levers_of(loaded)
    tried = sum(len(lever_values(lv)) for lv in levers)
    top = min(PAIR_LEVERS, len(levers))
    total = (1 + tried + top * (top - 1) // 2 * PAIR_STEPS**2) * runs
    _say(
        err,
        f"negsim: searching {len(levers)} levers of {scenario} for {parsed}, {runs:,} runs "
        f"per value, seed {seed}",
    )
    with _progress() as bar:
        task = bar.add_task("searching", total=total)
        found = search(
            loaded,
            parsed,
            runs=runs,
            seed=seed,
            workers=workers,
            progress=lambda k: bar.advance(task, k),
        )
    for line in search_lines(found):
        _say(term, line)
