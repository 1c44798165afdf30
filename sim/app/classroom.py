"""Classroom sessions: a lecturer opens one, students join with its code and take actors.

A session lives in the server's memory, shared by every browser connected to it. Each game is
one run of the scenario (game g plays run g of the page's seed) on a thread of its own: the
agents play the empty seats, and a student's seat waits for the student's move until the
timer runs out, when the agent makes that one move. So a round advances as soon as every
student it waits for has answered, or when the timer runs out. When a student's actor's own
ultimatum falls due unmet, the student decides whether it is carried out; if the timer runs
out, the run's draw decides as for an agent. Browsers learn of changes by polling ``version``.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from sim.model.human import Due, Move, Turn
from sim.model.outcomes import OUTCOMES
from sim.scenario.schema import Scenario

from .compute import PAGE_SEED

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector
NAME_LENGTH = 40


class ClassroomError(ValueError):
    """A join or a move that is not allowed; its message is shown to the student as text."""


@dataclass
class Pending:
    """A move a session waits for from one student: a turn at the table, or (``due``) the
    decision on their actor's ultimatum falling due unmet."""

    turn: Turn | None
    proposing: bool
    deadline: float
    answer: Move | None = None
    done: threading.Event = field(default_factory=threading.Event)
    due: Due | None = None


@dataclass
class Game:
    """One run played by the class."""

    number: int
    paragraphs: list[list[str]] = field(default_factory=list)  # the opening, then each round
    outcome: str | None = None
    utilities: dict[str, float] = field(default_factory=dict)


class Session:
    """One class: its seats, its games and the moves it waits for."""

    def __init__(self, code: str, scenario: Scenario, timer: float, seed: int = PAGE_SEED):
        self.code = code
        self.scenario = scenario
        self.timer = timer
        self.seed = seed
        self.lock = threading.RLock()
        self.version = 0
        self.seats: dict[str, str] = {}  # actor id -> student's name
        self.tokens: dict[str, str] = {}  # student's token -> actor id
        self.pending: dict[str, Pending] = {}  # actor id -> the move awaited
        self.games: list[Game] = []
        self.thread: threading.Thread | None = None
        self.closed = False

    def _changed(self) -> None:
        self.version += 1

    # ---- seats ----------------------------------------------------------------------------
    def join(self, name: str, actor: str) -> str:
        """Seat a student; returns the token their browser keeps to make moves."""
        name = " ".join(name.split())[:NAME_LENGTH]
        if not name:
            raise ClassroomError("Type your name first.")
        ids = [a.id for a in self.scenario.actors]
        if actor not in ids:
            raise ClassroomError(f"No actor {actor!r} here.")
        with self.lock:
            if actor in self.seats:
                raise ClassroomError(f"{self.actor_name(actor)} is taken: choose another actor.")
            if self.playing:
                raise ClassroomError("A game is under way: join when it ends.")
            token = secrets.token_urlsafe(16)
            self.seats[actor] = name
            self.tokens[token] = actor
            self._changed()
            return token

    def actor_name(self, actor: str) -> str:
        return next(a.name for a in self.scenario.actors if a.id == actor)

    def free_actors(self) -> list[str]:
        return [a.id for a in self.scenario.actors if a.id not in self.seats]

    # ---- games ----------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    @property
    def game(self) -> Game | None:
        return self.games[-1] if self.games else None

    def start(self) -> None:
        """Start the next game with the students seated now; the agents take the other seats."""
        with self.lock:
            if self.playing:
                raise ClassroomError("A game is already under way.")
            game = Game(len(self.games) + 1)
            self.games.append(game)
            self._changed()
            self.thread = threading.Thread(
                target=self._play, args=(game, dict(self.seats)), daemon=True
            )
            self.thread.start()

    def _play(self, game: Game, seated: dict[str, str]) -> None:
        from sim.play.session import play_run_seated

        def tell(lines: list[str]) -> None:
            with self.lock:
                game.paragraphs.append(list(lines))
                self._changed()

        seats = {actor: _ClassSeat(self, actor) for actor in seated}
        outcome, utilities = play_run_seated(
            self.scenario, seats, self.seed, run=game.number - 1, tell=tell
        )
        with self.lock:
            game.outcome = outcome
            game.utilities = utilities
            self.pending.clear()
            self._changed()

    def wait_for(
        self, actor: str, turn: Turn | None, proposing: bool, due: Due | None = None
    ) -> Move:
        pending = Pending(turn, proposing, time.monotonic() + self.timer, due=due)
        with self.lock:
            self.pending[actor] = pending
            self._changed()
        answered = pending.done.wait(self.timer)
        with self.lock:
            self.pending.pop(actor, None)
            self._changed()
        if self.closed:
            return Move("quit")
        return pending.answer if answered and pending.answer else Move("agent")

    def answer(self, token: str, move: Move) -> None:
        """A student's move, checked against what the session waits for from them."""
        with self.lock:
            actor = self.tokens.get(token)
            if actor is None:
                raise ClassroomError("You are not seated in this session.")
            pending = self.pending.get(actor)
            if pending is None:
                raise ClassroomError("Nothing is waiting for your move now.")
            deciding = move.kind in ("carry_out", "lapse")
            if pending.due is not None and not deciding:
                raise ClassroomError("Your ultimatum is due: carry it out or let it lapse.")
            if pending.due is None and deciding:
                raise ClassroomError("No ultimatum of yours is due now.")
            if move.kind == "force" and not self._armed(actor):
                raise ClassroomError(f"{self.actor_name(actor)} has no military option.")
            if pending.proposing and move.kind in ("accept", "refuse"):
                raise ClassroomError("You chair this round: propose.")
            pending.answer = move
            pending.done.set()

    def _armed(self, actor: str) -> bool:
        return next(a for a in self.scenario.actors if a.id == actor).military_option is not None

    def outcome_counts(self) -> dict[str, int]:
        """How the class's finished games ended."""
        done = [g.outcome for g in self.games if g.outcome is not None]
        return {o: done.count(o) for o in OUTCOMES}

    def close(self) -> None:
        with self.lock:
            self.closed = True
            for p in self.pending.values():
                p.done.set()


class _ClassSeat:
    """A student's seat: moves come from their browser through the session."""

    def __init__(self, session: Session, actor: str):
        self.session = session
        self.actor = actor

    def propose(self, turn: Turn) -> Move:
        return self.session.wait_for(self.actor, turn, proposing=True)

    def respond(self, turn: Turn) -> Move:
        return self.session.wait_for(self.actor, turn, proposing=False)

    def ultimatum(self, due: Due) -> Move:
        return self.session.wait_for(self.actor, None, proposing=False, due=due)


class Classroom:
    """Every session this server holds, by join code."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sessions: dict[str, Session] = {}

    def open(self, scenario: Scenario, timer: float = 60.0) -> Session:
        with self.lock:
            while True:
                code = "".join(secrets.choice(CODE_LETTERS) for _ in range(5))
                if code not in self.sessions:
                    break
            session = Session(code, scenario, timer)
            self.sessions[code] = session
            return session

    def find(self, code: str) -> Session | None:
        with self.lock:
            return self.sessions.get(code.strip().upper())
