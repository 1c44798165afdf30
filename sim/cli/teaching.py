"""Commands for a class: play an actor, open the page."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from .common import (
    DEFAULT_SEED,
    BadInput,
    ScenarioArg,
    Seed,
    Sets,
    _load,
    _overrides,
    _say,
    app,
    term,
)


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
