"""The ``negsim`` command line: parse, call the layers, print. Nothing else lives here.

Exit codes: 0 success, 2 bad input (one clear message per problem, never a traceback),
1 internal error. Heavy libraries are imported inside the commands so ``--help`` is quick.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="negsim",
    help="Simulate diplomatic negotiations between states from scenario files.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
# Markup and emoji codes off: every text from a scenario or a results folder is shown as
# written, and goes through ``printable`` (sim/scenario/text.py) so it cannot drive the terminal.
term = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)

DEFAULT_SEED = 20220107
ScenarioArg = Annotated[
    Path, typer.Argument(help="A scenario YAML file.", show_default=False, dir_okay=False)
]


class BadInput(Exception):
    """A problem with what the user gave us: reported in one line each, exit code 2."""

    def __init__(self, *lines: str):
        self.lines = lines
        super().__init__("\n".join(lines))


def _say(console: Console, text: object) -> None:
    """Print one line of text that may hold scenario or results text, as plain text."""
    from sim.scenario.text import printable

    console.print(printable(text), markup=False, emoji=False)


Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a field: PATH=VALUE, e.g. actors.ACTOR.military_option.cost=0.5 or "
        "settings.belief_noise={normal: [5, 1]}; repeatable.",
        metavar="PATH=VALUE",
        show_default=False,
    ),
]


def _overrides(sets: list[str] | None) -> dict:
    from sim.scenario import ScenarioError
    from sim.scenario.overrides import parse_assignments

    try:
        return parse_assignments(sets or [])
    except ScenarioError as exc:
        raise BadInput(*(str(p) for p in exc.problems)) from None


def _shown(overrides: dict) -> str:
    """Overrides as typed (YAML flow), for the line that announces a run."""
    from sim.scenario.errors import describe_value

    return "".join(f", {path}={describe_value(value)}" for path, value in overrides.items())


def _load(path: Path, sources: list[tuple[str, str]] | None = None, overrides: dict | None = None):
    from sim.scenario import ScenarioError, load_scenario, with_overrides

    try:
        return with_overrides(load_scenario(path, sources), overrides or {})
    except ScenarioError as exc:
        raise BadInput(*(str(p) for p in exc.problems)) from None


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        term.print(f"negsim {version('negsim')}", markup=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Simulate diplomatic negotiations between states from scenario files."""


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Scenario files to check.", show_default=False)
    ],
) -> None:
    """Check scenario files: one summary line per valid file, one line per problem otherwise,
    and a warning for what is legal but probably mistaken."""
    from sim.scenario import ScenarioError
    from sim.scenario.load import load_with_warnings
    from sim.scenario.sampling import schedule_length

    problems: list[str] = []
    for path in files:
        try:
            sc, warnings = load_with_warnings(path)
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
            continue
        for w in warnings:  # legal but probably mistaken: said, and still exit 0
            got = f" (got {w.got})" if w.got is not None else ""
            _say(err, f"{w.location}: warning: {w.field}: {w.message}{got}")
        _say(
            term,
            f"{path}: ok: {sc.id}: {len(sc.actors)} actors, {len(sc.issues)} issues, "
            f"{len(sc.meetings)} meetings, up to {schedule_length(sc)} rounds",
        )
    if problems:
        raise BadInput(*problems)


@app.command()
def narrate(
    scenario: ScenarioArg,
    seed: Annotated[int, typer.Option(help="Master seed of the experiment.", min=0)] = DEFAULT_SEED,
    run: Annotated[int, typer.Option(help="Which run of that experiment to tell.", min=0)] = 0,
    brief: Annotated[
        bool, typer.Option("--brief", help="One line per round that changed something.")
    ] = False,
    outcome: Annotated[
        str | None,
        typer.Option(help="Tell the first run that ended this way (e.g. armed_conflict)."),
    ] = None,
    runs: Annotated[
        int, typer.Option(help="How many runs --outcome searches.", min=1, max=100_000)
    ] = 1000,
    sets: Sets = None,
) -> None:
    """Tell one run round by round in plain words (run k of `negsim run --seed S`)."""
    from sim.model.outcomes import OUTCOMES
    from sim.report.brief import brief as tell_briefly
    from sim.report.brief import find_run
    from sim.report.narrate import narrate as tell
    from sim.scenario.text import printable

    sc = _load(scenario, overrides=_overrides(sets))
    if outcome is not None:
        if outcome not in OUTCOMES:
            raise BadInput(f"--outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
        found = find_run(sc, seed, outcome, runs)
        if found is None:
            raise BadInput(f"--outcome: none of the first {runs:,} runs ended in {outcome}")
        run = found
    story = (tell_briefly if brief else tell)(sc, seed, run)
    sys.stdout.write(printable(story, keep="\n"))


@app.command()
def schema() -> None:
    """Print the scenario JSON Schema (for editor completion)."""
    from sim.scenario.jsonschema import schema_text

    sys.stdout.write(schema_text())


@app.command()
def describe(scenario: ScenarioArg, sets: Sets = None) -> None:
    """Show a scenario's actors, their stances on each issue with sources, and the agenda."""
    from sim.report.describe import describe as tables

    for block in tables(_load(scenario, overrides=_overrides(sets))):
        term.print(block, soft_wrap=False)  # wrapped on word boundaries to the terminal
        term.print()


def _progress():
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        "left",
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _shares_table(summary: dict, title: str):
    from rich.table import Table

    from sim.scenario.text import printable

    table = Table(title=printable(title), title_justify="left")
    table.add_column("outcome")
    table.add_column("runs", justify="right")
    table.add_column("share", justify="right")
    table.add_column("95% interval (Wilson)", justify="right")
    for o in summary["outcomes"]:
        lo, hi = summary["ci95"][o]
        table.add_row(
            o.replace("_", " "),
            str(summary["outcome_counts"][o]),
            f"{100 * summary['outcome_shares'][o]:.1f}%",
            f"{100 * lo:.1f}% – {100 * hi:.1f}%",
        )
    return table


Runs = Annotated[int, typer.Option("--runs", "-n", help="Number of runs.", min=1, max=10_000_000)]
Seed = Annotated[
    int, typer.Option(help="Master seed (run k draws from it, k and what each draw is for).", min=0)
]
Workers = Annotated[
    int | None,
    # rich markup would read "[default: ...]" as a tag and drop it: the bracket is escaped.
    typer.Option(help="Worker processes \\[default: 1 below 20,000 runs, else all cores].", min=1),
]
Out = Annotated[
    Path | None,
    typer.Option(
        help="Results folder \\[default: results/<scenario>/<UTC timestamp>/].", file_okay=False
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing results folder.")]


def _workers(requested: int | None) -> int | None:
    """The worker count to use, with a note on stderr when it is beyond the cores."""
    if requested is None:
        return None
    from sim.experiment.processes import plan_workers

    n, note = plan_workers(requested)
    if note:
        _say(err, f"negsim: {note}")
    return n


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
    executor: Annotated[
        str,
        typer.Option(
            help="Where chunks are played: process (this machine's cores) or dask (a Dask "
            "cluster; needs negsim[dask]). Results are the same bytes either way."
        ),
    ] = "process",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address tcp://HOST:PORT \\[default: a local cluster of "
            "--workers processes].",
            show_default=False,
        ),
    ] = None,
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
    if executor not in ("process", "dask"):
        raise BadInput(f"--executor {executor!r}: choose process or dask")
    if scheduler is not None:
        if executor != "dask":
            raise BadInput("--scheduler names a Dask scheduler; add --executor dask")
        from sim.experiment.executors import ExecutorError, check_scheduler

        try:
            check_scheduler(scheduler)
        except ExecutorError as exc:
            raise BadInput(str(exc)) from None
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


@app.command("play")
def play_(
    scenario: ScenarioArg,
    actor: Annotated[
        str, typer.Option("--as", help="The actor you play (its id).", show_default=False)
    ],
    seed: Seed = DEFAULT_SEED,
    sets: Sets = None,
) -> None:
    """Take one actor's seat at the table; the agents play the others, then a debrief.

    Commands are read one per line, so a session can be scripted from a file; the end of
    input acts as quit (the agent finishes the run in your seat).
    """
    from sim.play.terminal import play

    loaded = _load(scenario, overrides=_overrides(sets))
    ids = [a.id for a in loaded.actors]
    if actor not in ids:
        raise BadInput(f"{scenario}: --as: no actor {actor!r} (actors: {', '.join(ids)})")
    interactive = sys.stdin.isatty()

    def lines():
        while True:
            try:
                text = input("> ") if interactive else sys.stdin.readline()
            except EOFError:
                return
            if not interactive and not text:
                return
            yield text

    play(loaded, actor, seed, lines(), lambda text: _say(term, text), echo=not interactive)


@app.command("app")
def app_(
    scenario: ScenarioArg,
    port: Annotated[int, typer.Option(help="Port to serve the page on.", min=1, max=65535)] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to serve on; 0.0.0.0 lets a classroom join.")
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
) -> None:
    """Open the teaching page: levers, outcome distribution, one run stepped, classroom mode.

    Needs the optional extra: pip install -e '.[app]'.
    """
    _load(scenario)  # bad input is reported before anything is served
    try:
        from sim.app.serve import serve
    except ImportError as exc:
        raise BadInput(f"negsim app needs the app extra: pip install -e '.[app]' ({exc})") from None
    from sim.app.serve import PortBusy

    try:
        serve(scenario, host=host, port=port, open_browser=not no_browser)
    except PortBusy as exc:
        raise BadInput(f"negsim app: {exc} (choose another with --port)") from None


def _what() -> str:
    """The command being run, in a few words, for the one line an interrupt prints."""
    args = [a for a in sys.argv[1:3] if a]
    return " ".join(args) or "the command"


def main() -> None:
    """Entry point: bad input exits 2 with one line per problem; a crash exits 1, briefly.

    SIGINT and SIGTERM unwind the command (workers killed, temporary folder removed), print
    one line and exit 130 or 143, as shells expect.
    """
    from sim.experiment.processes import Interrupted, interrupts_caught

    try:
        with interrupts_caught():
            app(prog_name="negsim")  # also under `python -m sim`, for help and completion
    except BadInput as exc:
        for line in exc.lines:
            _say(err, line)
        sys.exit(2)
    except Interrupted as exc:
        _say(err, f"negsim: {_what()} interrupted by {exc.name}; nothing was written")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _say(err, f"negsim: {_what()} interrupted; nothing was written")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("NEGSIM_DEBUG"):
            raise
        _say(err, f"negsim: internal error: {type(exc).__name__}: {exc}")
        err.print("Set NEGSIM_DEBUG=1 to see the traceback, and please report it.", markup=False)
        sys.exit(1)


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
    executor: Annotated[
        str,
        typer.Option(
            help="Where chunks are played: process (this machine's cores) or dask (a Dask "
            "cluster; needs negsim[dask]). Results are the same bytes either way."
        ),
    ] = "process",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address tcp://HOST:PORT \\[default: a local cluster of "
            "--workers processes].",
            show_default=False,
        ),
    ] = None,
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
    from sim.experiment.executors import ExecutorError, check_scheduler
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
    if executor not in ("process", "dask"):
        raise BadInput(f"--executor {executor!r}: choose process or dask")
    if scheduler is not None:
        if executor != "dask":
            raise BadInput("--scheduler names a Dask scheduler; add --executor dask")
        try:
            check_scheduler(scheduler)
        except ExecutorError as exc:
            raise BadInput(str(exc)) from None
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
