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
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEFAULT_SEED = 20220107
ScenarioArg = Annotated[
    Path, typer.Argument(help="A scenario YAML file.", show_default=False, dir_okay=False)
]


class BadInput(Exception):
    """A problem with what the user gave us: reported in one line each, exit code 2."""

    def __init__(self, *lines: str):
        self.lines = lines
        super().__init__("\n".join(lines))


def _load(path: Path):
    from sim.scenario import ScenarioError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise BadInput(*(str(p) for p in exc.problems)) from None


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to check.", show_default=False)],
) -> None:
    """Check scenario files: one summary line per valid file, one line per problem otherwise."""
    from sim.scenario import ScenarioError, load_scenario
    from sim.scenario.sampling import schedule_length

    problems: list[str] = []
    for path in files:
        try:
            sc = load_scenario(path)
        except ScenarioError as exc:
            problems.extend(str(p) for p in exc.problems)
            continue
        out.print(
            f"{path}: ok: {sc.id}: {len(sc.actors)} actors, {len(sc.issues)} issues, "
            f"{len(sc.meetings)} meetings, up to {schedule_length(sc)} rounds"
        )
    if problems:
        raise BadInput(*problems)


@app.command()
def narrate(
    scenario: ScenarioArg,
    seed: Annotated[int, typer.Option(help="Master seed of the experiment.", min=0)] = DEFAULT_SEED,
    run: Annotated[int, typer.Option(help="Which run of that experiment to tell.", min=0)] = 0,
) -> None:
    """Tell one run round by round in plain words (run k of `negsim run --seed S`)."""
    from sim.report.narrate import narrate as tell

    sys.stdout.write(tell(_load(scenario), seed, run))


@app.command()
def schema() -> None:
    """Print the scenario JSON Schema (for editor completion)."""
    from sim.scenario.jsonschema import schema_text

    sys.stdout.write(schema_text())


@app.command()
def describe(scenario: ScenarioArg) -> None:
    """Show a scenario's actors, their stances on each issue with sources, and the agenda."""
    from sim.report.describe import describe as tables

    for table in tables(_load(scenario)):
        out.print(table)
        out.print()


def main() -> None:
    """Entry point: bad input exits 2 with one line per problem; a crash exits 1, briefly."""
    try:
        app()
    except BadInput as exc:
        for line in exc.lines:
            err.print(line, markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("NEGSIM_DEBUG"):
            raise
        err.print(f"negsim: internal error: {type(exc).__name__}: {exc}", markup=False)
        err.print("Set NEGSIM_DEBUG=1 to see the traceback, and please report it.", markup=False)
        sys.exit(1)
