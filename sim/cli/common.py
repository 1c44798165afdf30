"""What every ``negsim`` command shares: the app, the consoles, bad input, the common options.

The commands live in the modules beside this one, one family each; ``sim.cli`` imports them all
so each registers itself on ``app``.
"""

from __future__ import annotations

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


Executor = Annotated[
    str,
    typer.Option(
        help="Where chunks are played: process (this machine's cores) or dask (a Dask "
        "cluster; needs negsim[dask]). Results are the same bytes either way."
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        help="Dask scheduler address tcp://HOST:PORT \\[default: a local cluster of "
        "--workers processes].",
        show_default=False,
    ),
]


def _check_executor(executor: str, scheduler: str | None) -> None:
    """Bad --executor or --scheduler values, reported before any work starts."""
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
