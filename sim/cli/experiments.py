"""Commands that run experiments: run and compare."""

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
    Runs,
    ScenarioArg,
    Scheduler,
    Seed,
    Sets,
    Workers,
    _check_executor,
    _load,
    _overrides,
    _progress,
    _say,
    _shares_table,
    _shown,
    _workers,
    app,
    err,
    term,
)


@app.command()
def run(
    scenario: ScenarioArg,
    runs: Runs = 1000,
    seed: Seed = DEFAULT_SEED,
    workers: Workers = None,
    out: Out = None,
    force: Force = False,
    trajectories: Annotated[
        bool, typer.Option("--trajectories", help="Also write every run's rounds (rounds.parquet).")
    ] = False,
    sets: Sets = None,
    parquet: Annotated[
        bool,
        typer.Option("--parquet", help="Write the per-run inputs as inputs.parquet, not .csv."),
    ] = False,
    executor: Executor = "process",
    scheduler: Scheduler = None,
    chunk: Annotated[
        int | None,
        typer.Option(
            help="Runs per chunk, the unit of work handed to a worker and of checkpointing "
            "\\[default: up to 5,000].",
            min=1,
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Finish a run to the same --out that was killed part-way, from its last "
            "complete chunk (same scenario, seed and runs).",
        ),
    ] = False,
) -> None:
    """Run a Monte Carlo experiment: outcome shares with intervals, charts and a report."""
    from sim.jobs import run_job
    from sim.results import ResultsError
    from sim.scenario import ScenarioError
    from sim.scenario.limits import BudgetError

    sources: list[tuple[str, str]] = []
    overrides = _overrides(sets)
    # Bad input is reported before anything is announced.
    loaded = _load(scenario, sources, overrides)
    workers = _workers(workers)
    _check_executor(executor, scheduler)
    _say(err, f"negsim: {runs:,} runs of {scenario} with seed {seed}{_shown(overrides)}")
    from sim.experiment.executors import ExecutorError

    try:
        with _progress() as bar:
            task = bar.add_task("simulating", total=runs)

            def resumed(done: int) -> None:
                if done:
                    bar.console.print(f"negsim: resuming {out}: {done:,} of {runs:,} runs done")
                    bar.update(task, completed=done)
                else:
                    bar.console.print(f"negsim: nothing to resume in {out}; starting afresh")

            result = run_job(
                scenario,
                runs=runs,
                seed=seed,
                workers=workers,
                out=out,
                force=force,
                trajectories=trajectories,
                progress=lambda n: bar.advance(task, n),
                scenario=loaded,
                sources=sources,
                overrides=overrides,
                inputs_format="parquet" if parquet else "csv",
                executor=executor,
                scheduler=scheduler,
                chunk=chunk,
                resume=resume,
                on_resume=resumed if resume else None,
            )
    except ScenarioError as exc:
        raise BadInput(*(str(p) for p in exc.problems)) from None
    except (ResultsError, BudgetError, ExecutorError) as exc:
        raise BadInput(str(exc)) from None
    summary = result.summary
    term.print(_shares_table(summary, f"{summary['scenario']}: {runs:,} runs, seed {seed}"))
    _say(term, f"mean rounds: {summary['mean_rounds']:.1f}")
    _say(term, f"results: {result.path}")
    _say(term, f"report:  {result.path / 'report.html'}")


@app.command()
def compare(
    items: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more scenario files (run now with the same seed and runs) or results "
            "folders; the first is the baseline.",
            show_default=False,
        ),
    ],
    runs: Runs = 1000,
    seed: Seed = DEFAULT_SEED,
    workers: Workers = None,
    out: Out = None,
    force: Force = False,
    sets: Sets = None,
) -> None:
    """Compare scenarios: shared-axis charts and each outcome's difference from the first.

    --set applies to every scenario file compared."""
    from rich.table import Table

    from sim.jobs import compare_job
    from sim.results import ResultsError
    from sim.scenario import ScenarioError
    from sim.scenario.limits import BudgetError
    from sim.scenario.text import printable

    if len(items) < 2:
        raise BadInput("compare: give at least two scenario files or results folders")
    overrides = _overrides(sets)
    for item in items:  # bad files and overrides are reported before anything is run
        if not item.is_dir():
            _load(item, overrides=overrides)
    workers = _workers(workers)
    try:
        result = compare_job(
            items,
            runs=runs,
            seed=seed,
            workers=workers,
            out=out,
            force=force,
            overrides=overrides,
        )
    except ScenarioError as exc:
        raise BadInput(*(str(p) for p in exc.problems)) from None
    except (ResultsError, BudgetError) as exc:
        raise BadInput(str(exc)) from None
    diff = result.differences
    baseline = next(iter(result.summaries))
    table = Table(
        title=printable(f"Difference in outcome shares from {baseline} (percentage points)"),
        title_justify="left",
    )
    table.add_column("scenario")
    table.add_column("outcome")
    for col in ("base", "this", "diff", "95% interval"):
        table.add_column(col, justify="right")
    table.add_column("beyond noise?")
    for row in diff.itertuples():
        table.add_row(
            printable(row.scenario),
            printable(row.outcome.replace("_", " ")),
            f"{100 * row.baseline_share:.1f}%",
            f"{100 * row.share:.1f}%",
            f"{100 * row.difference:+.1f}",
            f"{100 * row.ci_low:+.1f} to {100 * row.ci_high:+.1f}",
            "yes" if row.significant else "no",
        )
    term.print(table)
    for note in result.pairing.values():
        _say(term, note)
    _say(term, f"results: {result.path}")
    _say(term, f"report:  {result.path / 'report.html'}")
