"""The classroom on the page: the lecturer's screen and a student's seat.

Sessions are held by ``CLASSROOM`` in the server's memory (classroom.py); each browser polls
its session's version and redraws when something changed. Students' names are shown as text
only, never as markup.
"""

from __future__ import annotations

import threading
import time

import solara
from solara.alias import rv

from sim.model.human import Move
from sim.model.outcomes import OUTCOMES
from sim.report.narrate import in_words
from sim.scenario.schema import Scenario

from .charts import distribution_chart
from .classroom import Classroom as Registry
from .classroom import ClassroomError, Session
from .compute import Distribution
from .serve import TIMER_ENV

CLASSROOM = Registry()
POLL = 0.3  # seconds between a browser's looks at its session
TICK = 5  # seconds between redraws of the time left for a move


def para(text: str, classes: list[str] | None = None) -> None:
    rv.Html(tag="p", children=[text], class_=" ".join(classes or []))


def Story(paragraphs: list[list[str]]) -> None:
    """Rounds told in words, the latest first."""
    for paragraph in reversed(paragraphs):
        with solara.Div(style="margin-bottom: 0.8em"):
            for line in paragraph:
                para(line)


def use_session_version(session: Session | None) -> tuple[int, int]:
    """Re-render whenever the session changes (moves, rounds, seats), and every few seconds
    while it waits for a move, so the time left counts down."""
    version, set_version = solara.use_state((0, 0))

    def poll(cancel: threading.Event) -> None:
        seen = (-1, -1)
        while session is not None and not cancel.wait(POLL):
            now = (session.version, int(time.monotonic() / TICK) if session.pending else 0)
            if now != seen:
                seen = now
                set_version(now)

    solara.use_thread(poll, dependencies=[session])
    return version


def class_distribution(session: Session) -> Distribution | None:
    """The class's finished games as a distribution (intervals over the games played)."""
    import pandas as pd

    from sim.analysis.intervals import wilson

    counts = session.outcome_counts()
    n = sum(counts.values())
    if n == 0:
        return None
    low, high = wilson([counts[o] for o in OUTCOMES], n)
    return Distribution(
        runs=n,
        shares={o: counts[o] / n for o in OUTCOMES},
        low=dict(zip(OUTCOMES, low.tolist(), strict=True)),
        high=dict(zip(OUTCOMES, high.tolist(), strict=True)),
        table=pd.DataFrame(),
    )


@solara.component
def ClassChart(session: Session, counts: tuple[int, ...]) -> None:
    """The class's games beside the simulated shares, drawn again only when a game ends."""
    from .page import base_distribution

    fig = solara.use_memo(
        lambda: distribution_chart(
            class_distribution(session), base_distribution(), labels=("simulated", "the class")
        ),
        dependencies=[counts],
    )
    solara.FigureMatplotlib(fig, format="png")


@solara.component
def Lecturer(sc: Scenario) -> None:
    from .page import base_distribution

    code, set_code = solara.use_state("")
    timer, set_timer = solara.use_state(float(__import__("os").environ.get(TIMER_ENV, 60)))
    message, set_message = solara.use_state("")
    session = CLASSROOM.find(code) if code else None
    use_session_version(session)
    if session is None:
        solara.InputFloat("Seconds a student has for each move", value=timer, on_value=set_timer)
        solara.Button(
            "Open a session",
            on_click=lambda: set_code(CLASSROOM.open(sc, max(5.0, timer)).code),
            classes=["negsim-open"],
        )
        return
    rv.Html(
        tag="h3",
        children=[
            "Join code: ",
            rv.Html(tag="span", children=[session.code], class_="negsim-code"),
        ],
    )
    para(
        "Students open this page from their browsers (the address you opened, with this "
        "machine's address on the network), choose Classroom, type the code and take an actor."
    )
    with rv.Html(tag="ul", class_="negsim-seats"):
        for a in sc.actors:
            who = session.seats.get(a.id)
            rv.Html(tag="li", children=[f"{a.name}: " + (who if who else "agent")])

    def start() -> None:
        try:
            session.start()
            set_message("")
        except ClassroomError as exc:
            set_message(str(exc))

    game = session.game
    solara.Button(
        "Start a game" if game is None else "Start the next game",
        on_click=start,
        disabled=session.playing,
        classes=["negsim-start"],
    )
    if message:
        para(message)
    if game is not None:
        state = f"Game {game.number}: " + (
            f"ended in {game.outcome.replace('_', ' ')}" if game.outcome else "under way"
        )
        para(state, ["negsim-game-state"])
        waiting = [
            f"{session.actor_name(a)} ({session.seats.get(a, '')}), "
            f"{max(0, p.deadline - time.monotonic()):.0f} s left"
            for a, p in session.pending.items()
        ]
        if waiting:
            para("Waiting for: " + "; ".join(waiting))
    counts = session.outcome_counts()
    played = sum(counts.values())
    if played:
        base = base_distribution()
        rv.Html(tag="h4", children=[f"The class's {played} game(s) against the simulation"])
        lines = ["| outcome | class games | simulated share |", "|---|---:|---:|"]
        for o in OUTCOMES:
            lines.append(f"| {o.replace('_', ' ')} | {counts[o]} | {100 * base.shares[o]:.1f}% |")
        with solara.Div(classes=["negsim-class-outcomes"]):
            solara.Markdown("\n".join(lines))
        ClassChart(session, tuple(counts.values()))
    if game is not None:
        with solara.Details("The game so far, in words", expand=False):
            Story(game.paragraphs)


@solara.component
def Student(sc: Scenario) -> None:
    code, set_code = solara.use_state("")
    name, set_name = solara.use_state("")
    token, set_token = solara.use_state("")
    joined, set_joined = solara.use_state("")  # the session code once seated
    message, set_message = solara.use_state("")
    session = CLASSROOM.find(joined) if joined else None
    use_session_version(session)

    if session is None:
        solara.InputText("Join code", value=code, on_value=set_code, continuous_update=True)
        solara.InputText("Your name", value=name, on_value=set_name, continuous_update=True)

        def join(actor: str) -> None:
            found = CLASSROOM.find(code)
            if found is None:
                set_message("No session has that code.")
                return
            try:
                set_token(found.join(name, actor))
                set_joined(found.code)
                set_message("")
            except ClassroomError as exc:
                set_message(str(exc))

        para("Take a seat:")
        with solara.Row(classes=["negsim-take"], style="flex-wrap: wrap"):
            for a in sc.actors:
                solara.Button(a.name, on_click=lambda a=a: join(a.id), outlined=True)
        if message:
            para(message, ["negsim-message"])
        return

    me = session.tokens[token]
    para(f"{session.seats[me]}, you play {session.actor_name(me)}.", ["negsim-you"])
    pending = session.pending.get(me)
    game = session.game
    if pending is not None and pending.due is not None:
        Ultimatum_(session, token, pending, set_message)
    elif pending is not None:
        Move_(session, token, pending, set_message)
    elif game is None:
        para("Waiting for the lecturer to start a game.", ["negsim-wait"])
    elif game.outcome is None:
        para("The others are moving...", ["negsim-wait"])
    else:
        para(
            f"Game {game.number} ended in {game.outcome.replace('_', ' ')}. "
            + Debrief(session, me, game.utilities[me]),
            ["negsim-ended"],
        )
    if message:
        para(message, ["negsim-message"])
    if game is not None:
        with solara.Details("What happened so far", expand=True):
            Story(game.paragraphs[-3:])


def Debrief(session: Session, actor: str, utility: float) -> str:
    """Where the student's utility falls among the page's simulated runs of that actor."""
    from .page import base_distribution

    col = base_distribution().table[f"utility_{actor}"].to_numpy()
    better = float((col < utility - 1e-9).mean())
    return (
        f"Your utility: {utility:.2f}, better than {100 * better:.0f}% of simulated "
        f"{session.actor_name(actor)}s."
    )


def _sender(session: Session, token: str, set_message):
    """Sends a student's move; a move the session refuses shows its one-line reason."""

    def send(move: Move) -> None:
        try:
            session.answer(token, move)
            set_message("")
        except ClassroomError as exc:
            set_message(str(exc))

    return send


CARRY_LABEL = {"war": "Carry it out (war)", "walk_out": "Carry it out (walk out)"}


@solara.component
def Ultimatum_(session: Session, token: str, pending, set_message) -> None:
    """The student's own ultimatum falls due unmet: carry it out or let it lapse (the timer
    leaves it to the run's draw, as for an agent)."""
    from sim.play.ultimatum import due_lines

    due = pending.due

    send = _sender(session, token, set_message)
    left = max(0, pending.deadline - time.monotonic())
    with solara.Div(classes=["negsim-ultimatum"]):
        for line in due_lines(session.scenario, due):
            para(line)
        para(
            f"Carry it out or let it lapse? ({left:.0f} s; when time runs out, the agent "
            "decides as this run's draw says)"
        )
        with solara.Row(style="flex-wrap: wrap"):
            solara.Button(
                CARRY_LABEL.get(due.consequence, "Carry it out"),
                on_click=lambda: send(Move("carry_out")),
            )
            solara.Button("Let it lapse", on_click=lambda: send(Move("lapse")))


@solara.component
def Move_(session: Session, token: str, pending, set_message) -> None:
    turn = pending.turn
    issues = session.scenario.issues
    start = turn.suggestion if pending.proposing else turn.proposal
    values, set_values = solara.use_state({k: float(start[k]) for k in turn.open_issues})

    send = _sender(session, token, set_message)
    left = max(0, pending.deadline - time.monotonic())
    if pending.proposing:
        para(f"Round {turn.round}, {turn.meeting}: you chair. Propose ({left:.0f} s).")
    else:
        para(f"Round {turn.round}, {turn.meeting}: {turn.proposer} proposes ({left:.0f} s):")
        for k in turn.open_issues:
            para(f"{issues[k].name}: {in_words(issues[k], turn.proposal[k])}")
        para(
            f"As the final deal it would be worth {turn.worth:.2f} to you "
            "(1 = everything as you want it)."
        )
    extra = f"; force would give you {turn.war_value:.2f}" if turn.war_value is not None else ""
    para(f"With nothing more agreed you would have {turn.now:.2f}{extra}.")
    with solara.Row(classes=["negsim-moves"], style="flex-wrap: wrap"):
        if not pending.proposing:
            solara.Button("Accept", on_click=lambda: send(Move("accept")))
            solara.Button("Refuse", on_click=lambda: send(Move("refuse")))
        solara.Button("Walk out", on_click=lambda: send(Move("walk_out")))
        if turn.war_value is not None:
            solara.Button("Use force", on_click=lambda: send(Move("force")))
    for k in turn.open_issues:

        def set_k(v: float, k: int = k) -> None:
            set_values({**values, k: float(v)})

        solara.SliderFloat(
            f"{issues[k].name}: {values.get(k, float(start[k])):.0f}",
            value=values.get(k, float(start[k])),
            min=0,
            max=100,
            step=1,
            on_value=set_k,
        )
    solara.Button(
        "Propose" if pending.proposing else "Propose these instead",
        on_click=lambda: send(
            Move("propose", {k: values.get(k, float(start[k])) for k in turn.open_issues})
        ),
        classes=["negsim-propose"],
    )


@solara.component
def Classroom(sc: Scenario) -> None:
    role, set_role = solara.use_state("")
    if not role:
        para("Lecturers open a session; students join it with its code.")
        with solara.Row():
            solara.Button("I am the lecturer", on_click=lambda: set_role("lecturer"))
            solara.Button("I am a student", on_click=lambda: set_role("student"))
        return
    if role == "lecturer":
        Lecturer(sc)
    else:
        Student(sc)
