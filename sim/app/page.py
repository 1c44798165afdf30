"""The teaching page: the scenario's notes, its levers, how 1,000 runs end, one run stepped
round by round, and the classroom (``room.py``). Laid out with Solara; computed in compute.py.
"""

from __future__ import annotations

import os
import threading
from functools import cache

import solara
import solara.lab
from solara.alias import rv

from sim.model.outcomes import OUTCOMES
from sim.scenario import load_scenario
from sim.scenario.schema import Scenario

from .charts import distribution_chart, positions_chart
from .compute import Distribution, SteppedRun, distribution, pick_run
from .levers import current_value, levers_of, with_overrides
from .serve import SCENARIO_ENV

PLAY_DELAY = 0.8  # seconds between rounds when playing


@cache
def baseline() -> Scenario:
    return load_scenario(os.environ[SCENARIO_ENV])


@cache
def base_distribution() -> Distribution:
    return distribution(baseline())


_moved_cache: dict[tuple, tuple[Scenario, Distribution]] = {}
_moved_lock = threading.Lock()


def moved(key: tuple[tuple[str, float], ...]) -> tuple[Scenario, Distribution]:
    """The scenario with the levers at ``key`` and its distribution, kept for the session."""
    with _moved_lock:
        if key in _moved_cache:
            return _moved_cache[key]
    sc = baseline()
    changed = {p: v for p, v in key if abs(v - start_value(sc, p)) > 1e-9}
    scenario = with_overrides(sc, changed) if changed else sc
    result = (scenario, distribution(scenario) if changed else base_distribution())
    with _moved_lock:
        if len(_moved_cache) > 64:
            _moved_cache.clear()
        _moved_cache[key] = result
    return result


def start_value(sc: Scenario, path: str) -> float:
    """Where a lever's slider starts: the field's value (a distribution's mean) on the
    slider's grid. A slider snaps its value to the grid as it appears, so only a value off
    the starting point counts as a move."""
    lever = next(x for x in levers_of(sc) if x.path == path)
    step = lever.step or (lever.max - lever.min) / 20
    snapped = lever.min + round((current_value(sc, path) - lever.min) / step) * step
    return round(min(max(snapped, lever.min), lever.max), 6)


def para(text: str, classes: list[str] | None = None) -> None:
    """A paragraph of scenario or student text, always as text (never markup)."""
    rv.Html(tag="p", children=[text], class_=" ".join(classes or []))


def shares_markdown(moved_dist: Distribution, base: Distribution) -> str:
    """The shares as a small table (screen readers, copying into notes)."""
    lines = [
        "| outcome | unmodified | 95% interval | with the levers | 95% interval |",
        "|---|---:|---:|---:|---:|",
    ]
    for (name, share, ci), (_, bshare, bci) in zip(moved_dist.rows(), base.rows(), strict=True):
        lines.append(f"| {name} | {bshare} | {bci} | {share} | {ci} |")
    return "\n".join(lines)


@solara.component
def Notes(sc: Scenario) -> None:
    notes = sc.notes
    with solara.Details("About this scenario (its notes)", expand=False):
        para(sc.summary)
        para(notes.what_it_is)
        if notes.how_it_works:
            para(notes.how_it_works)
        for title, items in (
            ("Things to notice", notes.things_to_notice),
            ("Things to try", notes.things_to_try),
        ):
            if items:
                rv.Html(tag="h4", children=[title])
                with rv.Html(tag="ul"):
                    for item in items:
                        rv.Html(tag="li", children=[item])


@solara.component
def Levers(values: solara.Reactive[dict[str, float]]) -> None:
    sc = baseline()
    rv.Html(tag="h3", children=["Levers"])
    for lever in levers_of(sc):
        step = lever.step or (lever.max - lever.min) / 20

        def set_value(v: float, path: str = lever.path) -> None:
            values.set({**values.value, path: round(float(v), 6)})

        value = values.value.get(lever.path, start_value(sc, lever.path))
        # Untouched, the label gives the scenario's own value (a slider can only show its grid).
        shown = values.value.get(lever.path, current_value(sc, lever.path))
        solara.SliderFloat(
            f"{lever.label}: {shown:.3g}",
            value=value,
            min=lever.min,
            max=lever.max,
            step=step,
            on_value=set_value,
        )
    with solara.Details("What the levers mean", expand=False):
        for lever in levers_of(sc):
            para(f"{lever.label} ({lever.path}): {lever.description}")
    solara.Button(
        "Reset the levers",
        on_click=lambda: values.set({}),
        outlined=True,
        classes=["negsim-reset"],
    )


@solara.component
def Outcomes(key: tuple, dist: Distribution | None, busy: bool) -> None:
    base = base_distribution()
    shown = dist or base
    with solara.Div(classes=["negsim-outcomes"]):
        fig = solara.use_memo(lambda: distribution_chart(shown, base), dependencies=[shown])
        solara.FigureMatplotlib(fig, format="png")
        with solara.Div(classes=["negsim-shares"]):
            solara.Markdown(shares_markdown(shown, base))
        solara.Text(
            ("recomputing... " if busy else "")
            + f"{shown.runs:,} runs, seed of the page; levers moved: "
            + (
                ", ".join(
                    f"{p} = {v:g}" for p, v in key if abs(v - start_value(baseline(), p)) > 1e-9
                )
                or "none"
            ),
            classes=["negsim-status"],
        )


@solara.component
def OneRun(scenario: Scenario, dist: Distribution) -> None:
    run, set_run = solara.use_state(0)
    playing, set_playing = solara.use_state(False)
    tick, set_tick = solara.use_state(0)
    want, set_want = solara.use_state("armed_conflict")
    issue, set_issue = solara.use_state(scenario.issues[0].name)
    note, set_note = solara.use_state("")
    restarts, set_restarts = solara.use_state(0)
    stepped = solara.use_memo(
        lambda: SteppedRun(scenario, run), dependencies=[id(scenario), run, restarts]
    )

    def step() -> None:
        stepped.step()
        set_tick(lambda t: t + 1)

    def player(cancel: threading.Event) -> None:
        while playing and not stepped.done and not cancel.wait(PLAY_DELAY):
            step()
        if stepped.done:
            set_playing(False)

    solara.use_thread(player, dependencies=[playing, stepped])

    def pick() -> None:
        found = pick_run(dist, want, after=run)
        if found is None:
            set_note(f"No run of these {dist.runs:,} ended in {want.replace('_', ' ')}.")
            return
        set_note("")
        set_playing(False)
        set_run(found)

    rv.Html(tag="h3", children=[f"One run, round by round: run {run}"])
    with solara.Row(classes=["negsim-controls"]):
        solara.Button("Step", on_click=step, disabled=stepped.done or playing)
        solara.Button(
            "Pause" if playing else "Play",
            on_click=lambda: set_playing(not playing),
            disabled=stepped.done,
        )
        solara.Button("Restart", on_click=lambda: set_restarts(restarts + 1))
    with solara.Row():
        solara.Select(
            "Pick a run that ended in",
            value=want.replace("_", " "),
            values=[o.replace("_", " ") for o in OUTCOMES],
            on_value=lambda v: set_want(v.replace(" ", "_")),
        )
        solara.Button("Pick a run", on_click=pick, classes=["negsim-pick"])
    if note:
        para(note)
    played = len(stepped.paragraphs) - 1
    status = f"{played} of up to {stepped.talks.horizon} rounds played"
    if stepped.outcome:
        status += f"; ended in {stepped.outcome.replace('_', ' ')}"
    solara.Text(status, classes=["negsim-run-status"])
    names = [i.name for i in scenario.issues]
    solara.Select("Issue", value=issue, values=names, on_value=set_issue)
    k = names.index(issue)
    fig = solara.use_memo(
        lambda: positions_chart(
            stepped.history(), [a.name for a in scenario.actors], issue, k, stepped.talks.horizon
        ),
        dependencies=[stepped, tick, k],
    )
    solara.FigureMatplotlib(fig, format="png")
    with solara.Div(classes=["negsim-narration"], style="max-height: 28em; overflow-y: auto"):
        for paragraph in reversed(stepped.paragraphs[1:]):
            for line in paragraph:
                para(line)
        with solara.Details("The opening", expand=played == 0):
            for line in stepped.paragraphs[0]:
                para(line)


@solara.component
def Page() -> None:
    from .room import Classroom

    sc = baseline()
    values = solara.use_reactive({})
    key = tuple(sorted(values.value.items()))
    result = solara.use_thread(lambda: moved(key), dependencies=[key], intrusive_cancel=False)
    last = solara.use_ref((sc, base_distribution()))
    busy = result.state != solara.ResultState.FINISHED
    if not busy and result.value is not None:
        last.current = result.value  # keep showing the previous result while recomputing
    scenario, dist = last.current

    solara.Title(f"negsim: {sc.title}")
    solara.Style(".negsim-narration p { margin: 0.2em 0; white-space: pre-wrap }")
    rv.Html(tag="h2", children=[sc.title])
    with solara.lab.Tabs():
        with solara.lab.Tab("Explore"):
            Notes(sc)
            with solara.Columns([1, 2]):
                with solara.Column():
                    Levers(values)
                with solara.Column():
                    Outcomes(key, dist, busy)
        with solara.lab.Tab("One run"):
            OneRun(scenario, dist)
        with solara.lab.Tab("Classroom"):
            Classroom(sc)
