"""Commands on scenario files: validate, narrate, schema, describe."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    DEFAULT_SEED,
    BadInput,
    ScenarioArg,
    Sets,
    _load,
    _overrides,
    _say,
    app,
    err,
    term,
)


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
