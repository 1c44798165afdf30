"""Commands on real negotiations: import data sets as scenarios, backtest forecasts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    DEFAULT_SEED,
    BadInput,
    Force,
    Runs,
    Seed,
    _progress,
    app,
    err,
    term,
)

# --- data: scenarios from data sets, and backtests against real outcomes (docs/backtest.md) ---

import_app = typer.Typer(
    help="Write a scenario YAML from a data set (DEU-format EU negotiations, BDM cases).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")
DataFile = Annotated[
    Path, typer.Argument(help="The data file.", show_default=False, dir_okay=False)
]
YamlOut = Annotated[
    Path | None,
    typer.Option("--out", help="Scenario file to write (default: print it).", dir_okay=False),
]


ReplaceFile = Annotated[bool, typer.Option("--force", help="Replace an existing scenario file.")]


def _write_scenario(spec: dict, comment: str, out: Path | None, force: bool) -> None:
    from sim.importers import scenario_yaml, to_scenario
    from sim.scenario import ScenarioError

    try:
        to_scenario(spec)
    except ScenarioError as exc:
        raise BadInput(*(f"generated scenario: {p}" for p in exc.problems)) from None
    text = scenario_yaml(spec, comment)
    if out is None:
        sys.stdout.write(text)
        return
    if out.exists() and not force:
        raise BadInput(f"{out}: already exists; choose another --out or add --force to replace it")
    out.write_text(text, encoding="utf-8")
    err.print(f"wrote {out}", markup=False)


@import_app.command("deu")
def import_deu(
    data: DataFile,
    proposal: Annotated[int, typer.Option(help="The proposal number (column prnrnmc).")],
    out: YamlOut = None,
    force: ReplaceFile = False,
) -> None:
    """One DEU proposal (all its issues) as a scenario: the Commission proposes, Council votes."""
    from sim.importers import DataFormatError, deu_scenario, read_deu

    try:
        loaded = read_deu(data)
        spec = deu_scenario(loaded, proposal)
    except DataFormatError as exc:
        raise BadInput(str(exc)) from None
    except KeyError as exc:
        raise BadInput(f"{data}: --proposal: {exc.args[0]}") from None
    _write_scenario(spec, f"Written by negsim import deu {data} --proposal {proposal}", out, force)


@import_app.command("bdm")
def import_bdm(
    data: DataFile,
    status_quo: Annotated[
        float, typer.Option(help="Where things stand if nothing is agreed, on the case's scale.")
    ],
    out: YamlOut = None,
    force: ReplaceFile = False,
) -> None:
    """A Bueno de Mesquita case (Actor,Capability,Position,Salience) on its own scale."""
    from sim.importers import DataFormatError, bdm_scenario, read_bdm

    try:
        case = read_bdm(data)
    except DataFormatError as exc:
        raise BadInput(str(exc)) from None
    if not case.low <= status_quo <= case.high:
        raise BadInput(f"--status-quo: must lie on the case's scale {case.low:g}-{case.high:g}")
    spec = bdm_scenario(case, status_quo)
    _write_scenario(
        spec, f"Written by negsim import bdm {data} --status-quo {status_quo:g}", out, force
    )


@app.command()
def backtest(
    data: DataFile,
    runs: Runs = 200,
    seed: Seed = DEFAULT_SEED,
    mechanism: Annotated[
        list[str] | None,
        typer.Option(help="Another mechanism to forecast with (repeat for several)."),
    ] = None,
    per: Annotated[
        str, typer.Option(help="One scenario per proposal (issues together) or per issue.")
    ] = "proposal",
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: all cores, at most 4).", min=1)
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Results folder (default: results/backtest/<UTC timestamp>/).", file_okay=False
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Forecast every issue of a DEU file and score against the real outcomes (docs/backtest.md)."""
    from sim.backtest import BacktestError, backtest_job
    from sim.importers import DataFormatError
    from sim.results import ResultsError

    if per not in ("issue", "proposal"):
        raise BadInput(f"--per: must be issue or proposal (got {per!r})")
    try:
        with _progress() as bar:
            task = bar.add_task("forecasting issues", total=None)
            result = backtest_job(
                data,
                runs=runs,
                seed=seed,
                mechanisms=mechanism or [],
                per=per,
                out=out,
                force=force,
                workers=workers,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except DataFormatError as exc:
        raise BadInput(str(exc)) from None
    except (BacktestError, ResultsError) as exc:
        raise BadInput(str(exc)) from None
    _scores_table(result)


def _scores_table(result) -> None:
    from rich.table import Table

    from sim.plots.backtest import predictor_name

    scores = result.scores[result.scores["subset"] == "all"]
    table = Table(
        title=f"{len(result.forecasts)} issues: error against the real outcome (0-100 scale)",
        title_justify="left",
    )
    for col in ("predictor", "MAE", "CRPS", "MAE minus best reference [95%]"):
        table.add_column(col, justify="left" if col == "predictor" else "right")
    for row in scores.itertuples():
        diff = row.diff_vs_best_reference
        table.add_row(
            predictor_name(row.predictor),
            f"{row.mae:.2f}",
            f"{row.crps:.2f}",
            "" if diff != diff else f"{diff:+.2f} [{row.diff_low:+.2f}, {row.diff_high:+.2f}]",
        )
    term.print(table)
    best = predictor_name(result.best_reference) if result.best_reference else "none"
    term.print(f"best reference predictor: {best}; intervals: paired bootstrap over proposals")
    term.print(f"skipped or partly skipped rows: {len(result.skipped)} (skipped.csv)")
    term.print(f"results: {result.path}")
    term.print(f"report:  {result.path / 'report.html'}")


# --- sweeps and explanations (docs/sweep.md) ---
